/// A CUDA version `major.minor`, compared numerically (12.11 is above 12.2).
struct CudaVersion: Sendable, Comparable {
    let major: Int
    let minor: Int

    /// Parses `12.8`, or `12` (= 12.0) when `allowBareMajor`.
    init?(_ text: String, allowBareMajor: Bool = false) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || (allowBareMajor && parts.count == 1),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let major = Int(parts[0]), let minor = parts.count == 2 ? Int(parts[1]) : 0
        else { return nil }
        self.major = major
        self.minor = minor
    }

    static func < (lhs: CudaVersion, rhs: CudaVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// Whether `version` passes an exact list (empty = any) and a floor.
    static func accepts(_ version: String, allowed: [String], minimum: String?) -> Bool {
        if !allowed.isEmpty && !allowed.contains(version) { return false }
        guard let minimum, let floor = CudaVersion(minimum, allowBareMajor: true) else { return true }
        guard let value = CudaVersion(version) else { return false }
        return value >= floor
    }

    /// The newest offered version a pod's constraints accept; `nil` when none does (a capacity error).
    static func pick(offered: [String], allowed: [String], minimum: String?) -> String? {
        offered.filter { accepts($0, allowed: allowed, minimum: minimum) }
            .max { (CudaVersion($0) ?? CudaVersion("0.0")!) < (CudaVersion($1) ?? CudaVersion("0.0")!) }
    }
}
