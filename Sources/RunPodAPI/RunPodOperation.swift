/// The calls of ``RunPodClient``, with the labels reported to its `onRequest` observer.
enum RunPodOperation: String, Sendable {
    case list
    case get
    case create
    case delete
    case action
    case catalog

    /// The label for metrics.
    var label: String { rawValue }

    /// The call in words, for error messages.
    var summary: String {
        switch self {
        case .list: "listing pods"
        case .get: "getting a pod"
        case .create: "creating a pod"
        case .delete: "deleting a pod"
        case .action: "changing a pod's state"
        case .catalog: "reading the GPU catalog"
        }
    }
}
