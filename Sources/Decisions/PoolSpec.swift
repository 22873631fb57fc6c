/// One burst pool: its caps, pod template and scaling numbers.
public struct PoolSpec: Sendable, Equatable {
    public var id: PoolID
    /// Never more RunPod pods than this.
    public var maxReplicas: Int = 20
    /// Never more than this many USD per hour across the pool's pods; nil: no cap.
    public var maxCostPerHour: Double? = 15.0
    /// The template and the scaling numbers behind one shared reference, copied on write: a spec is copied
    /// into every snapshot, pass and plan, and the two inline would make each copy about 330 bytes.
    private var parts = Parts()

    public init(id: PoolID) {
        self.id = id
    }

    public var template: PodTemplate {
        get { parts.template }
        set { uniqueParts().template = newValue }
    }

    public var scaling: ScalingSettings {
        get { parts.scaling }
        set { uniqueParts().scaling = newValue }
    }

    public static func == (lhs: PoolSpec, rhs: PoolSpec) -> Bool {
        lhs.id == rhs.id && lhs.maxReplicas == rhs.maxReplicas && lhs.maxCostPerHour == rhs.maxCostPerHour
            && (lhs.parts === rhs.parts
                || (lhs.parts.template == rhs.parts.template && lhs.parts.scaling == rhs.parts.scaling))
    }

    private mutating func uniqueParts() -> Parts {
        if !isKnownUniquelyReferenced(&parts) { parts = Parts(template: parts.template, scaling: parts.scaling) }
        return parts
    }

    /// Mutated only through `uniqueParts()`, when no other spec shares it.
    private final class Parts: @unchecked Sendable {
        var template: PodTemplate
        var scaling: ScalingSettings

        init(template: PodTemplate = PodTemplate(), scaling: ScalingSettings = ScalingSettings()) {
            self.template = template
            self.scaling = scaling
        }
    }
}
