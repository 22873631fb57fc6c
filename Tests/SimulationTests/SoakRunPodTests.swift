import Decisions
import Foundation
import Primitives
import Testing

@testable import Simulation

/// The soak's virtual RunPod keeps RunPod's contract (reference/runpod/NOTES.md) where the machine meets it.
@Suite struct SoakRunPodTests {
    static let ada = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .secure)
    static let adaCommunity = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .community)
    static let pool = PoolID(namespace: "media", name: "burst")

    func account(capacity: Int = 2) -> SoakRunPod {
        SoakRunPod(
            catalog: ["NVIDIA RTX 6000 Ada Generation": 0.69],
            capacity: [Self.ada: capacity, Self.adaCommunity: capacity])
    }

    func create(_ name: String, _ offering: Offering = ada) -> ReconcileCommand {
        .create(pool: Self.pool, name: name, offering: offering, pricePerHour: 0)
    }

    @Test func createsFillTheStockThenAnswerNoCapacity() {
        var runpod = account(capacity: 2)
        var random = SplitMix64(seed: 1)
        #expect(runpod.answer(create("a"), gpuCount: 1, random: &random).event == .created(podId: "pod1"))
        let full = runpod.answer(create("b"), gpuCount: 2, random: &random).event
        guard case .createFailed(let failure) = full else {
            Issue.record("expected a failure, got \(full)")
            return
        }
        #expect(failure.kind == .noCapacity)
        #expect(runpod.noCapacityAnswers == 1)
        #expect(runpod.pods.map(\.name) == ["a"])
    }

    @Test func aPodCostsTheCatalogPriceOfItsCreateAndNothingOnceExited() {
        var runpod = account()
        var random = SplitMix64(seed: 2)
        _ = runpod.answer(create("a", Self.adaCommunity), gpuCount: 2, random: &random)
        runpod.catalog["NVIDIA RTX 6000 Ada Generation"] = 2.0
        #expect(runpod.pods[0].costPerHour == 1.1, "0.8 × 0.69 to the cent, × 2 GPUs; later prices do not apply")
        runpod.now = 100
        #expect(runpod.listed(epoch: ReconcileSoak.epoch).map(\.costPerHour) == [1.1])
        runpod.pods[0].failure = "EXITED"
        let listed = runpod.listed(epoch: ReconcileSoak.epoch)
        #expect(listed.map(\.costPerHour) == [0] && listed.map(\.phase) == [.failed])
    }

    @Test func aTerminatedPodIsGoneAndASecondTerminateIsNotFound() {
        var runpod = account()
        var random = SplitMix64(seed: 3)
        _ = runpod.answer(create("a"), gpuCount: 1, random: &random)
        let terminate = ReconcileCommand.terminate(pool: Self.pool, podId: "pod1", name: "a", reason: .scaleDown)
        #expect(runpod.answer(terminate, gpuCount: 1, random: &random).event == .terminated)
        #expect(runpod.pods.isEmpty)
        #expect(runpod.listed(epoch: ReconcileSoak.epoch).allSatisfy { $0.phase == .terminated })
        let again = runpod.answer(terminate, gpuCount: 1, random: &random).event
        guard case .terminateFailed(let failure) = again else {
            Issue.record("expected 404, got \(again)")
            return
        }
        #expect(failure.kind == .notFound && runpod.notFoundAnswers == 1)
    }

    @Test func aCreateWhoseAnswerIsLostAfterRunPodMadeThePod() {
        var runpod = account()
        runpod.regime.share[.create] = 1
        runpod.regime.kinds[.create] = [.lostAfterRunPod]
        var random = SplitMix64(seed: 4)
        let answer = runpod.answer(create("a"), gpuCount: 1, random: &random)
        guard case .createFailed(let failure) = answer.event else {
            Issue.record("got \(answer.event)")
            return
        }
        #expect(failure.kind == .answerLost && answer.fault == .lostAfterRunPod)
        #expect(runpod.pods.map(\.name) == ["a"], "the pod exists although the answer was lost")
        #expect(runpod.injected[.create]?[.lostAfterRunPod] == 1)
        runpod.regime.kinds[.create] = [.lostBeforeRunPod]
        _ = runpod.answer(create("b"), gpuCount: 1, random: &random)
        #expect(runpod.pods.map(\.name) == ["a"], "lost before RunPod: nothing made")
    }

    @Test func podsMoveToRunningUnlessStuck() {
        var runpod = account()
        runpod.regime.stuckShare = 1
        var random = SplitMix64(seed: 5)
        _ = runpod.answer(create("a"), gpuCount: 1, random: &random)
        runpod.regime.stuckShare = 0
        _ = runpod.answer(create("b"), gpuCount: 1, random: &random)
        runpod.now = 61
        #expect(runpod.pods.map { $0.status(at: runpod.now) } == ["PROVISIONING", "RUNNING"])
        #expect(!runpod.pods[0].healthy(at: runpod.now, provisionTimeout: 60))
        #expect(runpod.pods[1].healthy(at: runpod.now, provisionTimeout: 60))
    }
}
