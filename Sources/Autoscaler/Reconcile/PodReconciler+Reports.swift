import Decisions
import Foundation
import Logging

extension PodReconciler {
    /// Turns the machine's reports into logs, metrics, Kubernetes Events and the store's pod counts.
    func report(_ reports: [ReconcileReport]) {
        for report in reports { self.report(report) }
    }

    private func report(_ report: ReconcileReport) {
        switch report {
        case .planned(let pool, let status, let unavailable):
            metrics?.recordPool(pool, status)
            for (offering, skipped) in unavailable { metrics?.setOfferingUnavailable(offering, skipped) }
        case .orphans(let count):
            metrics?.setOrphanPods(count)
        case .summary(let pool, let summary):
            logger.info("reconcile", metadata: ["pool": "\(pool)", "plan": "\(summary)"])
        case .created(let pool, let name, let id, let offering):
            metrics?.recordCreation(pool: pool, offering: offering, result: "created")
            settings.onEvent?(
                PoolEvent(
                    pool: pool, type: "Normal", reason: "PodCreated",
                    message: "created RunPod pod \(name) (\(id)) on \(offering)"))
            logger.info(
                "created pod",
                metadata: ["pool": "\(pool)", "id": "\(id)", "name": "\(name)", "offering": "\(offering)"])
        case .createFailed(let pool, let name, let offering, let result, let failure):
            metrics?.recordCreation(pool: pool, offering: offering, result: result)
            if failure.kind == .noCapacity { metrics?.setOfferingUnavailable(offering, true) }
            settings.onEvent?(
                PoolEvent(
                    pool: pool, type: "Warning", reason: failure.kind == .noCapacity ? "NoCapacity" : "CreateFailed",
                    message: "creating \(name) on \(offering) failed: \(failure)"))
            logger.warning(
                "create failed",
                metadata: [
                    "pool": "\(pool)", "name": "\(name)", "offering": "\(offering)", "error": "\(failure)",
                    "result": "\(result)",
                ])
        case .terminated(let pool, let id, let name, let reason):
            metrics?.recordTermination(pool: pool.map { "\($0)" } ?? "orphan", reason: reason)
            if let pool {
                settings.onEvent?(
                    PoolEvent(
                        pool: pool, type: "Normal", reason: "PodTerminated",
                        message: "terminated RunPod pod \(name) (\(id)): \(reason.rawValue)"))
            }
            logger.info(
                "terminated pod",
                metadata: [
                    "pool": "\(pool.map { "\($0)" } ?? "orphan")", "id": "\(id)", "name": "\(name)",
                    "reason": "\(reason.rawValue)",
                ])
        case .terminateFailed(let pool, let id, let name, let failure):
            logger.warning(
                "terminate failed",
                metadata: [
                    "pool": "\(pool.map { "\($0)" } ?? "orphan")", "id": "\(id)", "name": "\(name)",
                    "error": "\(failure)",
                ])
        case .wouldSend(let command):
            reportDryRun(command)
        case .listFailed(let failure):
            logger.warning("cannot list RunPod pods; no action this pass", metadata: ["error": "\(failure)"])
        case .catalogFailed(let failure):
            logger.warning("cannot read the GPU catalog; keeping the last prices", metadata: ["error": "\(failure)"])
        case .accountStopped(let reason):
            logger.error("RunPod refused the account; creates stopped", metadata: ["reason": "\(reason)"])
        case .poolDrained(let pool):
            logger.debug("deleted pool has no pods left", metadata: ["pool": "\(pool)"])
        case .budget(let remaining, let deferred):
            metrics?.recordBudget(remaining: remaining, deferred: deferred)
            if !deferred.isEmpty {
                logger.info(
                    "rate budget spent; calls wait for a later pass",
                    metadata: [
                        "remaining": "\(remaining)",
                        "deferred":
                            "\(deferred.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
                    ])
            }
        case .passFinished(let pods, let running, let prices):
            store.update(now: now()) { inputs in
                inputs.runpodPods = pods
                inputs.runpodRunning = running
                inputs.podPrices = prices
            }
        }
    }

    private func reportDryRun(_ command: ReconcileCommand) {
        switch command {
        case .create(let pool, let name, let offering, _):
            logger.notice(
                "dry-run: would create pod",
                metadata: ["pool": "\(pool)", "name": "\(name)", "offering": "\(offering)"])
        case .terminate(let pool?, let id, let name, let reason):
            logger.notice(
                "dry-run: would terminate pod",
                metadata: ["pool": "\(pool)", "id": "\(id)", "name": "\(name)", "reason": "\(reason.rawValue)"])
        case .terminate(nil, let id, let name, _):
            logger.notice("dry-run: would terminate orphan pod", metadata: ["id": "\(id)", "name": "\(name)"])
        case .readCatalog, .listPods:
            break
        }
    }
}
