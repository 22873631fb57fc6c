/// A RunPod cloud: `SECURE` (data-center hosts) or `COMMUNITY` (peer hosts).
/// The raw value is RunPod's `cloudType` text.
public enum Cloud: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case secure = "SECURE"
    case community = "COMMUNITY"

    public var description: String { rawValue }

    /// By RunPod's text, as pool lists and metrics sort them.
    public static func < (lhs: Cloud, rhs: Cloud) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
