import Dispatch
import Synchronization

/// The transfers waiting for a worker thread and those running, behind one lock.
///
/// Workers block in ``next()`` on a semaphore that counts submitted jobs: an idle worker is a parked OS thread
/// and never occupies the cooperative pool.
final class TransferQueue: Sendable {
    private enum State {
        /// Accepting jobs: `submit` appends to `waiting`, `next` moves the oldest to `running`, `finished`
        /// removes it. Moves to `.closed` on ``close()``, never back.
        case open(waiting: [TransferJob], running: [ObjectIdentifier: TransferJob])
        /// Rejecting jobs; every worker exits the next time it calls `next`. Terminal.
        case closed
    }

    /// What a woken worker does next.
    private enum Step {
        case run(TransferJob)
        case waitAgain
        case exit
    }

    private let state = Mutex(State.open(waiting: [], running: [:]))
    /// Signalled once per submitted job, and once per worker on close.
    private let wakeUps = DispatchSemaphore(value: 0)
    private let workerCount: Int

    init(workerCount: Int) {
        self.workerCount = workerCount
    }

    /// Queues `job` for the next free worker. Returns false when closed: the caller then completes the job.
    func submit(_ job: TransferJob) -> Bool {
        let accepted = state.withLock { state in
            guard case .open(var waiting, let running) = state else { return false }
            waiting.append(job)
            state = .open(waiting: waiting, running: running)
            return true
        }
        if accepted { wakeUps.signal() }
        return accepted
    }

    /// Blocks the calling worker thread until a job is waiting and returns it, marked running; returns nil once
    /// the queue is closed, and the worker exits.
    func next() -> TransferJob? {
        while true {
            wakeUps.wait()
            let step = state.withLock { state -> Step in
                guard case .open(var waiting, var running) = state else { return .exit }
                guard !waiting.isEmpty else { return .waitAgain }
                let job = waiting.removeFirst()
                running[ObjectIdentifier(job)] = job
                state = .open(waiting: waiting, running: running)
                return .run(job)
            }
            switch step {
            case .run(let job): return job
            case .waitAgain: continue
            case .exit: return nil
            }
        }
    }

    /// How many jobs wait for a worker (for tests and diagnostics).
    var waitingCount: Int {
        state.withLock { state in
            guard case .open(let waiting, _) = state else { return 0 }
            return waiting.count
        }
    }

    /// Marks `job` as no longer running. The worker completes it afterwards.
    func finished(_ job: TransferJob) {
        state.withLock { state in
            guard case .open(let waiting, var running) = state else { return }
            running[ObjectIdentifier(job)] = nil
            state = .open(waiting: waiting, running: running)
        }
    }

    /// Closes the queue: running transfers are asked to abort, workers are woken to exit, and the jobs that never
    /// started are returned for the caller to fail. Later calls return nothing.
    func close() -> [TransferJob] {
        let jobs = state.withLock { state -> (waiting: [TransferJob], running: [TransferJob])? in
            guard case .open(let waiting, let running) = state else { return nil }
            state = .closed
            return (waiting, Array(running.values))
        }
        guard let jobs else { return [] }
        for job in jobs.running {
            job.abort.request(.shutdown)
        }
        for _ in 0..<workerCount {
            wakeUps.signal()
        }
        return jobs.waiting
    }
}
