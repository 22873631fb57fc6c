/// One GPU worker: a local GPU or a RUNNING burst pod, serving one job at a time.
struct Worker {
    /// The pod it runs on; nil for a local GPU.
    var podId: String?
    /// When the current job finishes, and when it arrived; nil when idle.
    var busyUntil: Double?
    var jobArrival: Double?
}
