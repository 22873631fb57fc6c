import Foundation
import KubeClient
import Primitives

extension InMemoryCluster {
    /// The `reportingComponent` of the events the cluster records (the real client's).
    public static let eventComponent = "runpod-autoscaler"

    /// Records a core/v1 Event about `object` as the real client does: checked the same way (type `Normal` or
    /// `Warning`, a reason, an object with a kind and a name), stored in the object's namespace (`default` for a
    /// cluster-scoped one) as `<name>.<serial in hex>` with `count` 1, and the same event again (same object, type,
    /// reason, action and message) raising the stored event's `count` instead. Recorded as one
    /// ``Verb/recordEvent`` call on the events collection.
    public func recordEvent(
        about object: JSONValue, type: String, reason: String, message: String, action: String? = nil
    ) async throws(KubeError) {
        let metadata = object["metadata"]
        let namespace = metadata["namespace"].string.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let events = ResourcePath.events(namespace: namespace)
        try await begin(Call(.recordEvent, events))
        guard type == "Normal" || type == "Warning" else {
            throw KubeError(kind: .invalid, message: "recordEvent: type must be Normal or Warning, not \"\(type)\"")
        }
        guard !reason.isEmpty else {
            throw KubeError(kind: .invalid, message: "recordEvent: the reason is empty")
        }
        guard let kind = object["kind"].string, !kind.isEmpty, let name = metadata["name"].string, !name.isEmpty
        else {
            throw KubeError(kind: .invalid, message: "recordEvent: the object has no kind or no metadata.name")
        }
        var involved: JSONValue = ["kind": .string(kind), "name": .string(name)]
        if let apiVersion = object["apiVersion"].string, !apiVersion.isEmpty {
            involved["apiVersion"] = .string(apiVersion)
        }
        for field in ["namespace", "uid", "resourceVersion"] {
            if let value = metadata[field].string, !value.isEmpty {
                involved[field] = .string(value)
            }
        }
        let action = action ?? reason
        let date = now()
        let time = Self.timestamp(date)
        try state.withLock { state throws(KubeError) in
            let same = Self.members(of: events, in: state).first { _, event in
                event["involvedObject"] == involved && event["type"].string == type
                    && event["reason"].string == reason && event["action"].string == action
                    && event["message"].string == message
            }
            if let (key, event) = same {
                var repeated = event
                repeated["count"] = .number(Double((event["count"].int ?? 1) + 1))
                repeated["lastTimestamp"] = .string(time)
                _ = Self.commit(repeated, at: key, in: &state)
                return
            }
            let event: JSONValue = [
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": ["name": .string("\(name).\(String(state.serial + 1, radix: 16))")],
                "involvedObject": involved,
                "type": .string(type),
                "reason": .string(reason),
                "message": .string(message),
                "action": .string(action),
                "count": 1,
                "firstTimestamp": .string(time),
                "lastTimestamp": .string(time),
                "source": ["component": .string(Self.eventComponent)],
                "reportingComponent": .string(Self.eventComponent),
            ]
            _ = try Self.insert(event, in: events, now: date, state: &state)
        }
    }

    /// The Events stored about the object named `name` (any kind), ordered by name.
    public func events(about name: String, namespace: String? = nil) -> [JSONValue] {
        objects(in: .events(namespace: namespace)).filter { $0["involvedObject"]["name"].string == name }
    }
}
