import ServiceLifecycle

/// Whether the emulator's HTTP server runs, and how to stop it.
enum EmulatorServer: Sendable {
    case idle
    /// `start()` is binding.
    case starting
    case running(port: Int, group: ServiceGroup, task: Task<Void, Never>, ticker: Task<Void, Never>)
}
