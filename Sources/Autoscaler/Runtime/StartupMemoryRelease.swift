import Logging

/// Gives back what only start-up used, twice: when start-up has settled (`StartupSettling`) and
/// once more a minute later (the first calls, connections, scrapes and readings run code once
/// too). Each time: the file pages of the process's clean mappings (`StartupCodePages`), then
/// whole free heap pages (`FreeHeapPages`). The pages still in use come back with their next
/// touch; after this the resident set is what the process uses.
struct StartupMemoryRelease: Sendable {
    let settling: StartupSettling
    var secondReleaseAfter: Duration = .seconds(60)
    let logger: Logger

    /// Runs until cancelled (a part of the service group must not end on its own).
    func run() async {
        await settling.settled()
        guard !Task.isCancelled else { return }
        release(moment: "start-up settled")
        try? await Task.sleep(for: secondReleaseAfter)
        guard !Task.isCancelled else { return }
        release(moment: "a minute after start-up")
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    private func release(moment: String) {
        let filePagesKiB = StartupCodePages.release()
        let heapTrimmed = FreeHeapPages.release()
        logger.debug(
            "start-up memory given back",
            metadata: [
                "moment": "\(moment)", "filePagesDroppedKiB": "\(filePagesKiB)", "heapTrimmed": "\(heapTrimmed)",
            ])
    }
}
