/// One value for each `ScalerMetric`, stored inline. A snapshot keeps three of these per pool; as
/// six-entry dictionaries they were heap tables of about 240 bytes each (0.7 MB at 1,000 pools).
public struct PerMetric<Value: Sendable>: Sendable {
    @usableFromInline var burst: Value
    @usableFromInline var wanted: Value
    @usableFromInline var queueDepth: Value
    @usableFromInline var localAvailable: Value
    @usableFromInline var runpodPods: Value
    @usableFromInline var runpodHeadroom: Value

    /// `value(metric)` for every metric.
    public init(_ value: (ScalerMetric) -> Value) {
        burst = value(.burst)
        wanted = value(.wanted)
        queueDepth = value(.queueDepth)
        localAvailable = value(.localAvailable)
        runpodPods = value(.runpodPods)
        runpodHeadroom = value(.runpodHeadroom)
    }

    public init(repeating value: Value) {
        self.init { _ in value }
    }

    public subscript(metric: ScalerMetric) -> Value {
        get {
            switch metric {
            case .burst: burst
            case .wanted: wanted
            case .queueDepth: queueDepth
            case .localAvailable: localAvailable
            case .runpodPods: runpodPods
            case .runpodHeadroom: runpodHeadroom
            }
        }
        set {
            switch metric {
            case .burst: burst = newValue
            case .wanted: wanted = newValue
            case .queueDepth: queueDepth = newValue
            case .localAvailable: localAvailable = newValue
            case .runpodPods: runpodPods = newValue
            case .runpodHeadroom: runpodHeadroom = newValue
            }
        }
    }
}

extension PerMetric: Equatable where Value: Equatable {
    /// Inlinable, so a caller in another module compares its concrete values: the store compares every
    /// pool's values every second, and the derived `==` ran there as unspecialized generic code.
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.burst == rhs.burst && lhs.wanted == rhs.wanted && lhs.queueDepth == rhs.queueDepth
            && lhs.localAvailable == rhs.localAvailable && lhs.runpodPods == rhs.runpodPods
            && lhs.runpodHeadroom == rhs.runpodHeadroom
    }
}

extension PerMetric {
    /// The metrics `dictionary` has a value for; nil for the others.
    public init<Wrapped>(_ dictionary: [ScalerMetric: Wrapped]) where Value == Wrapped? {
        self.init { dictionary[$0] }
    }

    /// The metrics that have a value, as a dictionary.
    public func compacted<Wrapped>() -> [ScalerMetric: Wrapped] where Value == Wrapped? {
        var dictionary: [ScalerMetric: Wrapped] = [:]
        for metric in ScalerMetric.allCases {
            if let value = self[metric] { dictionary[metric] = value }
        }
        return dictionary
    }
}
