/// Pods are ours by name: `<prefix>-<namespace>-<pool>-<8 random [a-z0-9]>`.
/// The name is chosen before the create call so a lost answer can be found.
public struct PodNaming: Sendable, Equatable {
    public static let suffixLength = 8
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    public var prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }

    public func name(for pool: PoolID, suffix: String) -> String {
        "\(prefix)-\(pool.namespace)-\(pool.name)-\(suffix)"
    }

    public func newName(for pool: PoolID, using random: inout some RandomNumberGenerator) -> String {
        let suffix = String((0..<Self.suffixLength).map { _ in Self.alphabet.randomElement(using: &random)! })
        return name(for: pool, suffix: suffix)
    }

    /// Whether the name carries this autoscaler's prefix.
    public func owns(_ name: String) -> Bool {
        name.hasPrefix(prefix + "-")
    }

    /// The pool a pod name belongs to, among `pools`; nil for an orphan.
    public func pool(of name: String, among pools: [PoolID]) -> PoolID? {
        pools.first { pool in
            let head = self.name(for: pool, suffix: "")
            guard name.hasPrefix(head) else { return false }
            let suffix = name.dropFirst(head.count)
            return suffix.count == Self.suffixLength && suffix.allSatisfy { Self.alphabet.contains($0) }
        }
    }
}
