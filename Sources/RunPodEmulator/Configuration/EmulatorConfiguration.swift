/// Everything the RunPod emulator can be told: where it listens, the key it wants, how fast pods
/// start, how many GPUs each offering has, what they cost and which faults to inject.
public struct EmulatorConfiguration: Sendable {
    /// `host:port` to listen on; port 0 picks a free port.
    public var listen: String = "127.0.0.1:19080"
    /// When set, `/v2` requests need `Authorization: Bearer <key>` (else 401).
    public var apiKey: String? = nil
    /// How long a new pod stays PROVISIONING.
    public var provisioningSeconds: Double = 2
    /// How long a pod stays STARTING (after provisioning, start or restart).
    public var startingSeconds: Double = 3
    /// gpuTypeId → cloud (`SECURE`/`COMMUNITY`) → GPUs that pods not TERMINATED may hold together.
    /// Default: every catalog GPU, 16 per cloud.
    public var capacity: [String: [String: Int]] = GPUCatalog.defaultCapacity
    /// gpuTypeId → USD per GPU-hour on Secure Cloud; Community is 0.8 of it, rounded to cents.
    public var prices: [String: Double] = GPUCatalog.defaultPrices
    /// Answer "no capacity" as the older 500 (`create pod: There are no instances currently available`).
    public var legacyNoCapacityErrors: Bool = false
    /// Faults injected from the start, in priority order.
    public var faults: [FaultRule] = []
    /// Seed of the generator behind pod ids and fault `share` draws: same seed, same run.
    public var seed: UInt64 = 1
    /// RunPod's per-key quota: at most this many `/v2` calls per minute, over which calls answer 429 with
    /// `Retry-After`. When set, every answer carries `RateLimit-Policy` and `RateLimit`. Nil: no limit.
    public var rateLimitPerMinute: Int? = nil
    /// The quota's window in seconds (RunPod's is 60); shorter windows let tests run the same ratios faster.
    /// The quota is then `rateLimitPerMinute` calls per window.
    public var rateLimitWindowSeconds: Double = 60
    /// `host:port` every RUNNING pod's `22/tcp` is published at (its `ssh.direct` and runtime port): lets a test
    /// point pods at a real sshd. Nil: made-up addresses from TEST-NET-3, fixed per pod.
    public var sshAddress: String? = nil
    /// Live-service quirks to reproduce.
    public var quirks: EmulatorQuirks = EmulatorQuirks()

    public init() {}

    /// The GPU type ids the emulator accepts.
    public static var gpuTypeIds: [String] { GPUCatalog.gpus.map(\.id) }
}
