import Primitives

/// How often each RunPod call fails, and how, for a stretch of a soak
/// sequence; also how slow RunPod's list is and how many new pods get stuck.
struct SoakFaultRegime: Sendable, CustomStringConvertible {
    /// Per call: the share of calls that fail, and the faults drawn from.
    var share: [SoakCall: Double] = [:]
    var kinds: [SoakCall: [SoakFault]] = [:]
    /// The share of new pods that never leave PROVISIONING.
    var stuckShare = 0.0
    /// How long at most a new pod takes to show in lists: under the machine's
    /// 2 s lost-answer grace, as RunPod's list trails a create by a moment.
    var listLagSeconds = 0.0

    /// No faults: what the sequence ends with.
    static let calm = SoakFaultRegime()

    /// A random mix: each call fails with one of a few shares, drawing from a
    /// random subset of its faults. Refusals are kept rarer, as each stops
    /// creates for minutes and would leave little else to see.
    static func random(using random: inout SplitMix64) -> SoakFaultRegime {
        var regime = SoakFaultRegime()
        let shares = [0, 0, 0, 0.05, 0.1, 0.2, 0.5, 0.9, 1]
        for call in SoakCall.allCases {
            regime.share[call] = shares.randomElement(using: &random)!
            var kinds = call.faults.filter { random.nextUnit() < ($0 == .refused ? 0.15 : 0.5) }
            if kinds.isEmpty { kinds = [call.faults.randomElement(using: &random)!] }
            regime.kinds[call] = kinds
        }
        regime.stuckShare = [0, 0, 0.1, 0.4].randomElement(using: &random)!
        regime.listLagSeconds = [0, 0.5, 1.5].randomElement(using: &random)!
        return regime
    }

    var description: String {
        let calls = SoakCall.allCases.map { call in
            "\(call) \(share[call] ?? 0) of \((kinds[call] ?? []).map(\.rawValue).joined(separator: "/"))"
        }
        return calls.joined(separator: ", ") + "; stuck \(stuckShare), list lag \(listLagSeconds)s"
    }

    /// The fault for the next call of `call`, if it fails.
    func draw(for call: SoakCall, using random: inout SplitMix64) -> SoakFault? {
        guard let share = share[call], share > 0, random.nextUnit() < share else { return nil }
        return kinds[call]?.randomElement(using: &random)
    }
}
