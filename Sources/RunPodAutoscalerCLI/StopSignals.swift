import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM and SIGINT through a self-pipe: the C handler only writes a byte
/// (async-signal-safe), a dedicated thread reads it and fires the relay. The
/// handler replaces the default action in one call, so no signal that comes
/// after `install` is lost or kills the process, whichever thread receives it.
/// For `serve` both signals are blocked from the first instruction
/// (CGRPCShim's pre-init function); `install` unblocks them once the handler
/// is in, and one that came meanwhile is delivered to it then.
enum StopSignals {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    static func install(_ relay: StopRelay) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("pipe() failed: \(errno)") }
        let readEnd = ends[0]
        writeEnd = ends[1]
        let handler: @convention(c) (Int32) -> Void = { _ in
            var byte: UInt8 = 1
            _ = write(StopSignals.writeEnd, &byte, 1)
        }
        signal(SIGTERM, handler)
        signal(SIGINT, handler)
        defer { unblock() }
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    relay.fire()
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// Lets SIGTERM and SIGINT through on this (the main) thread again.
    private static func unblock() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }
}
