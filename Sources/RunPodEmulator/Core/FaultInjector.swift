import Primitives

/// Decides which calls get a fault: an ordered list of rules, counted down as they fire, with
/// `share` draws from a seeded generator so a run can be repeated exactly.
struct FaultInjector: Sendable {
    private(set) var active: [ActiveFault] = []
    private var nextId = 1
    private var generator: SplitMix64

    init(rules: [FaultRule], seed: UInt64) {
        // A stream apart from the pod ids', so adding a pod does not change which calls fail.
        generator = SplitMix64(seed: seed ^ 0xFA01_7FA0_17FA_017F)
        for rule in rules { add(rule) }
    }

    @discardableResult
    mutating func add(_ rule: FaultRule) -> ActiveFault {
        let fault = ActiveFault(id: nextId, rule: rule, remaining: rule.count)
        nextId += 1
        active.append(fault)
        return fault
    }

    mutating func clear() {
        active.removeAll()
    }

    /// The rule that applies to this call of `operation`, if any; counts it down.
    mutating func draw(for operation: EmulatorOperation) -> FaultRule? {
        for index in active.indices where active[index].rule.matches(operation) {
            active[index].seen += 1
            if let share = active[index].rule.share, generator.nextUnit() >= share { continue }
            active[index].hits += 1
            let rule = active[index].rule
            if let remaining = active[index].remaining {
                if remaining <= 1 {
                    active.remove(at: index)
                } else {
                    active[index].remaining = remaining - 1
                }
            }
            return rule
        }
        return nil
    }
}
