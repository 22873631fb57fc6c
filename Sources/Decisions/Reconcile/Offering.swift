/// One GPU type in one cloud: what a single create asks RunPod for.
public struct Offering: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var gpuTypeId: String
    public var cloud: Cloud

    public init(gpuTypeId: String, cloud: Cloud) {
        self.gpuTypeId = gpuTypeId
        self.cloud = cloud
    }

    public var description: String { "\(gpuTypeId)/\(cloud)" }

    public static func < (lhs: Offering, rhs: Offering) -> Bool {
        (lhs.gpuTypeId, lhs.cloud) < (rhs.gpuTypeId, rhs.cloud)
    }

    /// The pool's fallback order: each GPU type in order, each cloud in order.
    public static func fallbackOrder(_ template: PodTemplate) -> [Offering] {
        template.gpuTypeIds.flatMap { gpu in template.clouds.map { Offering(gpuTypeId: gpu, cloud: $0) } }
    }
}
