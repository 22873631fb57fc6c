/// The trigger metadata the scaler reads: `pool` (required), `metric` and
/// `targetValue` (optional). Other keys (`scalerAddress`, …) are KEDA's.
public struct ScalerMetadata: Sendable, Equatable {
    public var pool: PoolReference
    public var metric: ScalerMetric
    /// nil: the metric's default target.
    public var targetValue: Double?

    public init(pool: PoolReference, metric: ScalerMetric = .burst, targetValue: Double? = nil) {
        self.pool = pool
        self.metric = metric
        self.targetValue = targetValue
    }

    /// Parses KEDA's `scalerMetadata` map; errors name the key and the reason.
    public static func parse(_ metadata: [String: String]) -> Result<ScalerMetadata, MetadataError> {
        guard let rawPool = metadata["pool"]?.trimmingSpaces, !rawPool.isEmpty else {
            return .failure(MetadataError(key: "pool", reason: "is required (the RunPodPool name, or namespace/name)"))
        }
        let parts = rawPool.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let reference: PoolReference
        switch parts.count {
        case 1 where isDNSLabel(parts[0]):
            reference = PoolReference(namespace: nil, name: parts[0])
        case 2 where isDNSLabel(parts[0]) && isDNSLabel(parts[1]):
            reference = PoolReference(namespace: parts[0], name: parts[1])
        default:
            return .failure(
                MetadataError(
                    key: "pool", reason: "\"\(rawPool)\" is not a pool name or namespace/name of lowercase [a-z0-9-]"))
        }

        var metric = ScalerMetric.burst
        if let rawMetric = metadata["metric"]?.trimmingSpaces, !rawMetric.isEmpty {
            guard
                let parsed = ScalerMetric.allCases.first(where: {
                    $0.rawValue == rawMetric || $0.kebabName == rawMetric
                })
            else {
                let known = ScalerMetric.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(
                    MetadataError(key: "metric", reason: "unknown metric \"\(rawMetric)\"; expected one of \(known)"))
            }
            metric = parsed
        }

        var target: Double?
        if let rawTarget = metadata["targetValue"]?.trimmingSpaces, !rawTarget.isEmpty {
            guard let value = Double(rawTarget), value.isFinite, value > 0 else {
                return .failure(MetadataError(key: "targetValue", reason: "\"\(rawTarget)\" is not a positive number"))
            }
            target = value
        }
        return .success(ScalerMetadata(pool: reference, metric: metric, targetValue: target))
    }

    /// A Kubernetes DNS-1123 label: what RunPodPool and namespace names are.
    public static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return false }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}
