import Foundation

/// Runs a job that builds a large, short-lived structure (a 1,000-pool config's YAML tree) on a
/// thread of its own and waits for it. glibc gives a new thread a malloc arena of its own, so the
/// structure and the job's garbage land there rather than between the process's long-lived
/// allocations; once the structure is freed, `FreeHeapPages.release()` can hand that arena's pages
/// back whole. Built in the caller's arena, the same tree left about 2 MiB of holes too small to
/// return (measured with 1,000 pools; docs/PERFORMANCE.md).
enum ScratchThread {
    static func run<T>(_ job: @escaping @Sendable () throws -> T) throws -> T {
        let handOver = HandOver<T>()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            handOver.result = Result { try job() }
            finished.signal()
        }
        thread.name = "scratch"
        thread.start()
        finished.wait()
        // The semaphore orders the write above before this read.
        return try handOver.result!.get()
    }
}

/// The job's result, written once by the scratch thread before it signals.
private final class HandOver<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
