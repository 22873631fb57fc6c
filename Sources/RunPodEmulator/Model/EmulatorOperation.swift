/// The RunPod API calls the emulator serves, as named in fault rules and call counts.
public enum EmulatorOperation: String, Sendable, CaseIterable, Codable {
    case list
    case get
    case create
    case delete
    case action
    case catalog
}
