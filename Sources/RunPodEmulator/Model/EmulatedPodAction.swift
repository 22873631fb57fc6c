/// A state transition requested through `POST /v2/pods/{id}/action`.
public enum EmulatedPodAction: String, Sendable, CaseIterable, Codable {
    case start
    case stop
    case restart
    case terminate
}
