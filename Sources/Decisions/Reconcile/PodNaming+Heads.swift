extension PodNaming {
    /// The pools' name heads (`prefix-namespace-name-`) made once for a pass, so each listed pod is matched
    /// with one lookup instead of a name built and compared per pool (pods × pools at 1,000 pools).
    public struct Heads: Sendable {
        /// Pools by head; when two pools share a head the first in order has it, as in `pool(of:among:)`.
        private let pools: [String: PoolID]

        public init(_ naming: PodNaming, pools: [PoolID]) {
            var byHead: [String: PoolID] = [:]
            byHead.reserveCapacity(pools.count)
            for pool in pools {
                let head = naming.name(for: pool, suffix: "")
                if byHead[head] == nil { byHead[head] = pool }
            }
            self.pools = byHead
        }

        /// The pool a pod name belongs to; nil for an orphan. Same answer as `PodNaming.pool(of:among:)`:
        /// a head, then exactly `suffixLength` of a-z and 0-9.
        public func pool(of name: String) -> PoolID? {
            let bytes = name.utf8
            guard bytes.count > PodNaming.suffixLength,
                bytes.suffix(PodNaming.suffixLength).allSatisfy({
                    (0x61...0x7A).contains($0) || (0x30...0x39).contains($0)
                })
            else { return nil }
            // The suffix is ASCII, so the cut is on a character boundary.
            return pools[String(decoding: bytes.dropLast(PodNaming.suffixLength), as: UTF8.self)]
        }
    }
}
