import Decisions
import Primitives

extension RunPodPoolDocument {
    /// The pools of a list of RunPodPool objects, one per namespace/name, and why the others cannot be used.
    /// The API server never lists an object twice, but an answer that does must not stop the scaler: the first
    /// one counts.
    public static func pools(in items: [JSONValue], defaults: PoolDefaults) -> (
        pools: [ClusterPool], rejected: [PoolObjectError]
    ) {
        var pools: [ClusterPool] = []
        var seen: Set<PoolID> = []
        var rejected: [PoolObjectError] = []
        for object in items {
            switch parse(object, defaults: defaults) {
            case .success(let pool) where seen.insert(pool.spec.id).inserted:
                pools.append(pool)
            case .success(let pool):
                rejected.append(
                    PoolObjectError(
                        pool: "\(pool.spec.id)", field: "metadata", reason: "listed twice; the first one counts"))
            case .failure(let error):
                rejected.append(error)
            }
        }
        return (pools, rejected)
    }
}
