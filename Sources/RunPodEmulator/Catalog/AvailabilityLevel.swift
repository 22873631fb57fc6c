/// The catalog's stock level for a GPU type, from the GPUs left on a cloud.
enum AvailabilityLevel: String, Sendable {
    case none = "NONE"
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"

    /// NONE when fewer than `count` GPUs are left; LOW below 3 pods' worth, MEDIUM below 8, else HIGH.
    init(remaining: Int, count: Int) {
        let pods = remaining / max(count, 1)
        switch pods {
        case ..<1: self = .none
        case 1..<3: self = .low
        case 3..<8: self = .medium
        default: self = .high
        }
    }
}
