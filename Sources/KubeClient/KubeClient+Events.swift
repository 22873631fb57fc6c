import Foundation
import Primitives

extension KubeClient {
    /// The `reportingComponent` (and `source.component`) of recorded events.
    public static let eventComponent = "runpod-autoscaler"

    /// Records a core/v1 Event about `object` (as read from the API server: its `apiVersion`, `kind` and
    /// `metadata.name`, `namespace`, `uid` and `resourceVersion` make the `involvedObject`), the way a controller
    /// does: `type` `Normal` or `Warning`, `reason` (a short UpperCamelCase word), `message`, `action` (default:
    /// `reason`), `reportingComponent` ``eventComponent``, `reportingInstance` ``KubeConfig/reportingInstance``,
    /// `count` 1 with `firstTimestamp`, `lastTimestamp` and `eventTime` set to now.
    ///
    /// The same event again (same object, type, reason, action and message) raises the stored event's `count`
    /// and `lastTimestamp` with a merge patch instead of creating another; if that event has expired a new one is
    /// created. The event lives in the object's namespace, or `default` for a cluster-scoped object.
    public func recordEvent(
        about object: JSONValue,
        type: String,
        reason: String,
        message: String,
        action: String? = nil
    ) async throws(KubeError) {
        guard type == "Normal" || type == "Warning" else {
            throw KubeError(kind: .invalid, message: "recordEvent: type must be Normal or Warning, not \"\(type)\"")
        }
        guard !reason.isEmpty else {
            throw KubeError(kind: .invalid, message: "recordEvent: the reason is empty")
        }
        let involved = try Self.reference(to: object)
        let namespace = involved["namespace"].string ?? "default"
        let action = action ?? reason
        let key = EventLog.Key(involvedObject: involved, type: type, reason: reason, action: action, message: message)
        let now = Date()
        let events = ResourcePath.events(namespace: namespace)
        if let repeated = eventLog.nextOccurrence(of: key) {
            let patch: JSONValue = [
                "count": JSONValue(repeated.count), "lastTimestamp": .string(RFC3339Timestamp.seconds(now)),
            ]
            do {
                _ = try await mergePatch(events.named(repeated.name), patch)
                return
            } catch  where error.kind == .notFound {
                eventLog.forget(key)
            }
        }
        let nanoseconds = eventLog.uniqueNanoseconds(now: Int64((now.timeIntervalSince1970 * 1e9).rounded(.down)))
        let objectName = String((involved["name"].string ?? "object").prefix(200))
        let name = "\(objectName).\(String(nanoseconds, radix: 16))"
        let event: JSONValue = [
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": involved,
            "type": .string(type),
            "reason": .string(reason),
            "message": .string(message),
            "action": .string(String(action.prefix(128))),
            "count": 1,
            "firstTimestamp": .string(RFC3339Timestamp.seconds(now)),
            "lastTimestamp": .string(RFC3339Timestamp.seconds(now)),
            "eventTime": .string(RFC3339Timestamp.microseconds(now)),
            "source": ["component": .string(Self.eventComponent)],
            "reportingComponent": .string(Self.eventComponent),
            "reportingInstance": .string(String(instance.prefix(128))),
        ]
        _ = try await create(events, event)
        eventLog.remember(EventLog.Entry(name: name, namespace: namespace, count: 1), for: key)
    }

    /// The `ObjectReference` to `object`; it must have a kind and a name.
    private static func reference(to object: JSONValue) throws(KubeError) -> JSONValue {
        let metadata = object["metadata"]
        guard let kind = object["kind"].string, !kind.isEmpty, let name = metadata["name"].string, !name.isEmpty
        else {
            throw KubeError(kind: .invalid, message: "recordEvent: the object has no kind or no metadata.name")
        }
        var reference: JSONValue = ["kind": .string(kind), "name": .string(name)]
        if let apiVersion = object["apiVersion"].string, !apiVersion.isEmpty {
            reference["apiVersion"] = .string(apiVersion)
        }
        for field in ["namespace", "uid", "resourceVersion"] {
            if let value = metadata[field].string, !value.isEmpty {
                reference[field] = .string(value)
            }
        }
        return reference
    }
}
