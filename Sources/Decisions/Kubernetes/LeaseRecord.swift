import Foundation

/// The fields of a `coordination.k8s.io/v1` Lease that leader election uses.
public struct LeaseRecord: Sendable, Equatable {
    /// `spec.holderIdentity`; nil or empty: nobody holds it.
    public var holder: String?
    public var leaseDurationSeconds: Int
    public var acquireTime: Date?
    public var renewTime: Date?
    public var transitions: Int
    /// `metadata.resourceVersion` of the object read: writes are conditional on it.
    public var resourceVersion: String?

    public init(
        holder: String?, leaseDurationSeconds: Int, acquireTime: Date?, renewTime: Date?, transitions: Int,
        resourceVersion: String?
    ) {
        self.holder = holder
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.transitions = transitions
        self.resourceVersion = resourceVersion
    }

    /// The holder's identity as written, without the resource version (which
    /// changes on every write): what "the record changed" compares.
    public var content: LeaseRecord {
        var copy = self
        copy.resourceVersion = nil
        return copy
    }
}
