/// A pool as its source gave it (a `pools[]` entry of the config file or a
/// RunPodPool object), before defaults and checks: `nil` is "not given".
/// `validated(defaults:)` turns it into a `PoolSpec`, the same way for both
/// sources, so a mistake reads the same whichever way the pool came in.
public struct PoolDraft: Sendable, Equatable {
    /// The namespace of a config-file pool that names none.
    public static let defaultNamespace = "default"

    public var name: String?
    public var namespace: String?
    public var maxReplicas: Int?
    public var maxCostPerHour = CostCap.poolDefault

    // MARK: template

    public var image: String?
    public var templateId: String?
    public var gpuTypeIds: [String]?
    public var gpuCount: Int?
    /// As written; `validated` reads them as `Cloud`s.
    public var clouds: [String]?
    public var dataCenterIds: [String]?
    public var networkVolumeId: String?
    public var env: [String: String]?
    public var ports: [String]?
    public var startSsh: Bool?
    public var attachSSH: Bool?
    public var attachUser: String?
    /// `template.attach.ssh.forwards` as written: `remotePort` and `to` of each.
    public var attachForwards: [[String: String]]?
    public var attachTimeoutSeconds: Double?

    // MARK: scaling

    public var jobsPerWorker: Int?
    public var activationQueueDepth: Int?
    public var latencySLOSeconds: Double?
    public var scaleDownIdleSeconds: Double?
    public var provisionTimeoutSeconds: Double?
    public var unavailableOfferingSeconds: Double?
    public var orphanGraceSeconds: Double?
    /// As written; `validated` reads it as a `ScalingMode`.
    public var mode: String?
    public var serviceSeconds: Double?
    public var targetUtilization: Double?
    public var drainSeconds: Double?
    public var lowerAfterSeconds: Double?
    public var serviceP95Seconds: Double?
    public var arrivalWindowSeconds: Double?
    public var lowerMarginSigmas: Double?

    public init() {}
}
