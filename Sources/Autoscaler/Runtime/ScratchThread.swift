import Foundation

/// Builds a large, short-lived structure (a 1,000-pool config's YAML tree) on a thread of its own,
/// hands it to the caller to use, and gives its memory back once the caller is done with it. glibc
/// gives a new thread a malloc arena of its own, so the structure and the build's garbage land
/// there rather than between the process's long-lived allocations (built in the caller's arena, the
/// tree left about 2 MiB of holes too small to return). The thread waits until the caller has used
/// and dropped the structure, then frees a block of `topTrimBytes` in its own arena: glibc trims a
/// thread arena's free top only on a free that large, and the structure goes in small pieces
/// (measured with 1,000 pools: 3.7 MiB stayed resident for 16 KiB live without it).
enum ScratchThread {
    /// A free this large in a thread arena makes glibc trim that arena's free top.
    static let topTrimBytes = 64 * 1024

    /// Runs `build` on the scratch thread, then `use` on the caller's with what it built; returns
    /// `use`'s result (or error) once the scratch thread has trimmed its arena and ended.
    static func run<Built, Value, Failure: Error>(
        _ build: @escaping @Sendable () -> Built, use: (Built) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let handOver = HandOver<Built>()
        let built = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        let thread = Thread {
            handOver.value = build()
            built.signal()
            released.wait()
            UnsafeMutableRawPointer.allocate(byteCount: topTrimBytes, alignment: 16).deallocate()
            ended.signal()
        }
        thread.name = "scratch"
        thread.start()
        built.wait()
        defer {
            released.signal()
            ended.wait()
        }
        // The semaphore orders the scratch thread's write before this read. Taken out of the box, the
        // structure is gone when `use` returns, before the scratch thread trims.
        return try use(handOver.take())
    }
}

/// What the scratch thread built, written once before it signals and taken once by the caller.
private final class HandOver<Built>: @unchecked Sendable {
    var value: Built?

    func take() -> Built {
        defer { value = nil }
        return value!
    }
}
