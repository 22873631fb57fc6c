extension PodNaming {
    /// The pools' name heads (`prefix-namespace-name-`) made once for a pass, so each listed pod is matched
    /// with one lookup instead of a name built and compared per pool (pods × pools at 1,000 pools).
    public struct Heads: Sendable {
        /// The pools in the order given.
        public let pools: [PoolID]
        /// Each head's pool as its place in `pools`; when two pools share a head the first in order has it, as
        /// in `pool(of:among:)`.
        private let indices: [String: Int]
        /// `prefix-`: what every name this autoscaler made starts with.
        private let owned: String

        public init(_ naming: PodNaming, pools: [PoolID]) {
            var byHead: [String: Int] = [:]
            byHead.reserveCapacity(pools.count)
            for (index, pool) in pools.enumerated() {
                let head = naming.name(for: pool, suffix: "")
                if byHead[head] == nil { byHead[head] = index }
            }
            self.pools = pools
            self.indices = byHead
            self.owned = naming.prefix + "-"
        }

        /// Whether the name carries this autoscaler's prefix: `PodNaming.owns(_:)` without building the
        /// prefix per name.
        public func owns(_ name: String) -> Bool {
            name.hasPrefix(owned)
        }

        /// The pool a pod name belongs to; nil for an orphan. Same answer as `PodNaming.pool(of:among:)`:
        /// a head, then exactly `suffixLength` of a-z and 0-9.
        public func pool(of name: String) -> PoolID? {
            index(of: name).map { pools[$0] }
        }

        /// The place in `pools` of the pool a pod name belongs to; nil for an orphan.
        public func index(of name: String) -> Int? {
            let bytes = name.utf8
            guard bytes.count > PodNaming.suffixLength,
                bytes.suffix(PodNaming.suffixLength).allSatisfy({
                    (0x61...0x7A).contains($0) || (0x30...0x39).contains($0)
                })
            else { return nil }
            // The suffix is ASCII, so the cut is on a character boundary.
            return indices[String(decoding: bytes.dropLast(PodNaming.suffixLength), as: UTF8.self)]
        }
    }
}
