import Decisions
import LibGRPCServer

/// An immutable picture of every pool's decision and answers. The gRPC
/// handlers read the latest one and never wait on IO.
public final class ScalerSnapshot: Sendable {
    /// Increases with every snapshot the store publishes.
    public let generation: Int
    public let pools: [PoolID: PoolView]
    /// Pool ids by bare name, for `pool: name` metadata.
    private let byName: [String: [PoolID]]
    /// "media/burst, media/other", for NOT_FOUND messages.
    public let knownPools: String

    /// `previous`: the snapshot this one replaces; with the same pools, its name index is kept.
    /// `samePools`: `pools` is known to have `previous`'s pool ids (its very table), so they are not compared.
    public init(generation: Int, pools: [PoolID: PoolView], previous: ScalerSnapshot? = nil, samePools: Bool = false) {
        self.generation = generation
        self.pools = pools
        if let previous,
            samePools
                || (previous.pools.count == pools.count && pools.keys.allSatisfy({ previous.pools[$0] != nil }))
        {
            byName = previous.byName
            knownPools = previous.knownPools
            return
        }
        var byName: [String: [PoolID]] = [:]
        for id in pools.keys.sorted() { byName[id.name, default: []].append(id) }
        self.byName = byName
        self.knownPools = pools.isEmpty ? "(none)" : pools.keys.sorted().map(\.description).joined(separator: ", ")
    }

    /// Finds the pool a trigger names. A bare name is looked up in the
    /// ScaledObject's namespace first, then anywhere if it is unique.
    public func resolve(_ reference: PoolReference, scaledObjectNamespace: String) -> Result<PoolView, GRPCStatus> {
        if let namespace = reference.namespace {
            if let view = pools[PoolID(namespace: namespace, name: reference.name)] { return .success(view) }
            return .failure(notFound("\(namespace)/\(reference.name)"))
        }
        if let view = pools[PoolID(namespace: scaledObjectNamespace, name: reference.name)] { return .success(view) }
        let candidates = byName[reference.name] ?? []
        switch candidates.count {
        case 1: return .success(pools[candidates[0]]!)
        case 0: return .failure(notFound(reference.name))
        default:
            let names = candidates.map(\.description).joined(separator: ", ")
            return .failure(
                GRPCStatus(
                    .invalidArgument,
                    "metadata key \"pool\": \"\(reference.name)\" is ambiguous (\(names)); use namespace/name"))
        }
    }

    private func notFound(_ name: String) -> GRPCStatus {
        GRPCStatus(.notFound, "unknown pool \"\(name)\"; known pools: \(knownPools)")
    }
}
