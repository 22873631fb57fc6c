extension PodNaming {
    /// The name heads (`<prefix>-<namespace>-<pool>-`) of a set of pools, built
    /// once per list so sorting many pods into pools allocates nothing per pod.
    public struct Heads: Sendable {
        private let heads: [(pool: PoolID, head: String)]

        public init(_ naming: PodNaming, pools: [PoolID]) {
            heads = pools.map { ($0, naming.name(for: $0, suffix: "")) }
        }

        /// The pool a pod name belongs to; nil for an orphan. Same answer as `PodNaming.pool(of:among:)`.
        public func pool(of name: String) -> PoolID? {
            for (pool, head) in heads where name.hasPrefix(head) {
                let suffix = name.utf8.dropFirst(head.utf8.count)
                if suffix.count == PodNaming.suffixLength
                    && suffix.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
                {
                    return pool
                }
            }
            return nil
        }
    }
}
