import LibGRPCServer
import ScalerProtos
import Synchronization

/// `grpc.health.v1.Health`: Check, List and Watch over a status per service
/// name (`""` is the whole server). Starts NOT_SERVING until `setAll(.serving)`.
public final class HealthService: Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus
    public static let serviceName = "grpc.health.v1.Health"

    private struct State {
        var statuses: [String: Status]
        var watchers: [ObjectIdentifier: (service: String, stream: ServerStream)] = [:]
    }

    private let state: Mutex<State>

    /// - Parameter services: the names Check answers for, besides `""`.
    public init(services: [String]) {
        var statuses: [String: Status] = ["": .notServing]
        for service in services { statuses[service] = .notServing }
        state = Mutex(State(statuses: statuses))
    }

    /// Sets every known service (and the server) to `status` and tells watchers.
    public func setAll(_ status: Status) {
        let watchers = state.withLock { state in
            for key in state.statuses.keys { state.statuses[key] = status }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.stream.send(Self.encode(status)) }
    }

    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    public var handlers: [String: MethodHandler] {
        let prefix = "/\(Self.serviceName)/"
        return [
            prefix + "Check": .unary { [self] _, request in check(request) },
            prefix + "List": .unary { [self] _, _ in list() },
            prefix + "Watch": .serverStreaming { [self] _, request, stream in watch(request, stream) },
        ]
    }

    func check(_ request: [UInt8]) -> Result<[UInt8], GRPCStatus> {
        guard let decoded = try? Grpc_Health_V1_HealthCheckRequest(serializedBytes: request) else {
            return .failure(GRPCStatus(.invalidArgument, "malformed HealthCheckRequest"))
        }
        guard let status = status(of: decoded.service) else {
            return .failure(GRPCStatus(.notFound, "unknown service \"\(decoded.service)\""))
        }
        return .success(Self.encode(status))
    }

    func list() -> Result<[UInt8], GRPCStatus> {
        var response = Grpc_Health_V1_HealthListResponse()
        for (service, status) in state.withLock({ $0.statuses }) {
            var entry = Grpc_Health_V1_HealthCheckResponse()
            entry.status = status
            response.statuses[service] = entry
        }
        return .success((try? response.serializedBytes()) ?? [])
    }

    /// The status at once, then each change; SERVICE_UNKNOWN for a name this
    /// server does not have (the stream stays open, as the protocol says).
    func watch(_ request: [UInt8], _ stream: ServerStream) {
        guard let decoded = try? Grpc_Health_V1_HealthCheckRequest(serializedBytes: request) else {
            return stream.finish(GRPCStatus(.invalidArgument, "malformed HealthCheckRequest"))
        }
        let key = ObjectIdentifier(stream)
        let current = state.withLock { state -> Status in
            state.watchers[key] = (decoded.service, stream)
            return state.statuses[decoded.service] ?? .serviceUnknown
        }
        stream.onTermination { [self] _ in
            _ = state.withLock { $0.watchers.removeValue(forKey: key) }
        }
        stream.send(Self.encode(current))
    }

    static func encode(_ status: Status) -> [UInt8] {
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return (try? response.serializedBytes()) ?? []
    }
}
