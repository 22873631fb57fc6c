import Decisions
import Foundation

/// Where queue depth and latency come from. Implementations do their IO in
/// `read`, which only the demand observer calls, off the request path.
public protocol DemandSource: Sendable {
    /// `file`, `prometheus`: the label in messages and metrics.
    var name: String { get }
    /// The path or URL read.
    var location: String { get }
    /// A cheap value that changes when the source's data may have changed
    /// (a file's size and mtime); nil when the source can only be polled.
    func changeToken() -> String?
    /// One reading, or an error whose description is safe to log.
    func read(now: Date) async throws -> DemandReading
}
