import Foundation

/// A create the reconciler sent whose pod the list has not shown yet. It
/// counts as a pod, so a slow list never causes a second create.
public struct CreateExpectation: Sendable, Equatable {
    /// The name chosen before the call, searched for in later lists.
    public var name: String
    public var offering: Offering
    /// USD per hour the pod will cost (catalog price × GPUs).
    public var pricePerHour: Double
    public var attemptedAt: Date
    /// The pod id when RunPod answered 201; nil when the answer was lost
    /// (timeout, 5xx) and the pod may or may not exist.
    public var confirmedId: String?

    public init(name: String, offering: Offering, pricePerHour: Double, attemptedAt: Date, confirmedId: String?) {
        self.name = name
        self.offering = offering
        self.pricePerHour = pricePerHour
        self.attemptedAt = attemptedAt
        self.confirmedId = confirmedId
    }
}
