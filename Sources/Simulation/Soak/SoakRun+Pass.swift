import Decisions

extension SoakRun {
    /// One reconcile pass of a replica, made as `PodReconciler` makes it: the
    /// request read once, each command answered by the account (or refused
    /// as `notPermitted` once the replica no longer leads), the invariants
    /// checked before each mutating call and after every answer.
    mutating func pass(_ index: Int) {
        let mayAct = leader == index
        var poolsNow: [PoolSpec] = []
        var wanted: [PoolID: Int] = [:]
        for (position, spec) in pools.enumerated() where active[position] {
            poolsNow.append(spec)
            if let count = desired[spec.id] { wanted[spec.id] = count }
        }
        let request = ReconcilePassRequest(
            pools: poolsNow, desired: wanted, mayAct: mayAct, poolsKnown: replicas[index].poolsKnown)
        replicas[index].poolsKnown = true
        let crashAt = crashArmed == index ? Int.random(in: 1...4, using: &random) : nil
        if crashArmed == index { crashArmed = nil }
        let who = "r\(index).\(replicas[index].generation)"
        note("  \(who) pass mayAct \(mayAct) poolsKnown \(request.poolsKnown) desired \(Self.describe(wanted))")

        var listedAt = world.now
        var commandIndex = 0
        var step = replicas[index].machine.startPass(request, now: date)
        while let command = step.command, violation == nil {
            commandIndex += 1
            if command.mutates {
                guard mayAct else { return fail("\(who) sent \(command) in a pass that may not act") }
                if leaderLossArmed {
                    leaderLossArmed = false
                    leader = nil
                    vacantUntil = world.now + Double.random(in: 3...15, using: &random)
                    count(.leadershipLostMidPass)
                    note("  \(who) loses the lease")
                }
                if leader != index {
                    note("  \(who) \(command) -> notPermitted")
                    step = replicas[index].machine.handle(.notPermitted, now: date)
                    continue
                }
            }
            // A process that dies during a call may have sent it or not.
            let dies = crashAt == commandIndex
            let sent = !dies || Bool.random(using: &random)
            if command.mutates && sent {
                mutatingCalls += 1
                checkBefore(command, request: request, listedAt: listedAt)
                if violation != nil { return }
            }
            if dies { return crash(index, during: command, sent: sent) }
            if phase == "faults", case .terminate(_, let id, let name, _) = command, chance(0.03),
                let gone = world.pods.firstIndex(where: { $0.id == id })
            {
                // Deleted by someone else since the list: the terminate finds it gone (404).
                world.pods.remove(at: gone)
                count(.podVanished)
                note("  \(name) deleted outside the autoscaler")
            }
            let callStart = world.now
            var (event, seconds, fault) = world.answer(
                command, gpuCount: gpuCount(of: command.pool), random: &random)
            if options.mutation == .terminateFailuresReportedAsSuccess, case .terminateFailed(let failure) = event,
                failure.kind != .notFound
            {
                event = .terminated
            }
            calls[Self.call(of: command), default: 0] += 1
            world.now += seconds
            note("  \(who) \(command) -> \(Self.describe(event))\(fault.map { " [\($0)]" } ?? "")")
            if case .listed = event { listedAt = callStart }
            if command.mutates { checkCaps() }
            step = replicas[index].machine.handle(event, now: date)
        }
    }

    /// The process dies during a call: RunPod carried it out if it was sent, and the answer is never read.
    mutating func crash(_ index: Int, during command: ReconcileCommand, sent: Bool) {
        count(.crashMidPass)
        if sent {
            _ = world.answer(command, gpuCount: gpuCount(of: command.pool), random: &random)
            if command.mutates { checkCaps() }
        }
        note("  r\(index).\(replicas[index].generation) dies during \(command)\(sent ? "" : " before sending it")")
        restart(index, killed: true)
    }

    /// A fresh process: new machine, back after a few seconds; a leader's lease
    /// is released (SIGTERM) or left to expire (SIGKILL).
    mutating func restart(_ index: Int, killed: Bool) {
        replicas[index] = SoakReplica(index: index, generation: replicas[index].generation + 1, seed: seed)
        upAt[index] = world.now + Double.random(in: 3...10, using: &random)
        if leader == index {
            leader = nil
            vacantUntil = world.now + (killed ? Double.random(in: 5...15, using: &random) : 3)
        }
    }

    func gpuCount(of pool: PoolID?) -> Int {
        pools.first { $0.id == pool }?.template.gpuCount ?? 1
    }

    static func call(of command: ReconcileCommand) -> SoakCall {
        switch command {
        case .readCatalog: .catalog
        case .listPods: .list
        case .create: .create
        case .terminate: .terminate
        }
    }

    static func describe(_ desired: [PoolID: Int]) -> String {
        desired.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    static func describe(_ event: ReconcileEvent) -> String {
        switch event {
        case .listed(let pods):
            "listed " + pods.map { "\($0.name)(\($0.id) \($0.status) $\($0.costPerHour))" }.joined(separator: " ")
        case .catalogRead(let prices): "catalog \(prices.count) offerings"
        default: "\(event)"
        }
    }
}
