/// client-go's defaults: a 15 s lease, renewed every 2 s, given up when a
/// renewal has not succeeded for 10 s, so the holder stops before anyone else
/// may take over.
public struct LeaderElectionSettings: Sendable, Equatable {
    public var leaseDurationSeconds: Double = 15
    public var renewDeadlineSeconds: Double = 10
    public var retryPeriodSeconds: Double = 2

    public init() {}
}
