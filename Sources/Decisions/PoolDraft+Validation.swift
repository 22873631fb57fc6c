extension PoolDraft {
    /// The pool with every field not given set to its default (`PoolSpec`,
    /// `PodTemplate`, `ScalingSettings`, and the platform's `defaults`), or the
    /// first field that cannot be used and why.
    ///
    /// The image-or-template check comes last, so a pool that sets neither
    /// still hears about its other mistakes first.
    public func validated(defaults: PoolDefaults) throws(PoolSpecError) -> PoolSpec {
        let name = self.name ?? ""
        guard ScalerMetadata.isDNSLabel(name) else {
            throw PoolSpecError(
                field: "name", reason: "\"\(name)\" is not a lowercase DNS label ([a-z0-9-], at most 63)")
        }
        let namespace = self.namespace ?? Self.defaultNamespace
        guard ScalerMetadata.isDNSLabel(namespace) else {
            throw PoolSpecError(field: "namespace", reason: "\"\(namespace)\" is not a lowercase DNS label")
        }
        var pool = PoolSpec(id: PoolID(namespace: namespace, name: name))
        pool.maxReplicas = try Self.check(maxReplicas, "maxReplicas", atLeast: 0) ?? pool.maxReplicas
        switch maxCostPerHour {
        case .poolDefault: break
        case .unlimited: pool.maxCostPerHour = nil
        case .usdPerHour(let cost):
            guard cost.isFinite, cost > 0 else {
                throw PoolSpecError(
                    field: "maxCostPerHour", reason: "expected a positive number of USD, got \(Self.show(cost))")
            }
            pool.maxCostPerHour = cost
        }
        pool.template = try template(defaults: defaults)
        pool.scaling = try scaling()
        if pool.template.image.isEmpty && pool.template.templateId.isEmpty {
            throw PoolSpecError(
                field: "template", reason: "image or templateId is required (or set RUNPOD_TEMPLATE_ID)")
        }
        return pool
    }

    private func template(defaults: PoolDefaults) throws(PoolSpecError) -> PodTemplate {
        var t = PodTemplate()
        t.image = image ?? t.image
        t.templateId = templateId ?? (defaults.templateId.isEmpty ? t.templateId : defaults.templateId)
        if let gpuTypeIds {
            t.gpuTypeIds = gpuTypeIds
        } else if !defaults.gpuTypeId.isEmpty {
            t.gpuTypeIds = [defaults.gpuTypeId] + t.gpuTypeIds.filter { $0 != defaults.gpuTypeId }
        }
        if t.gpuTypeIds.isEmpty {
            throw PoolSpecError(field: "template.gpuTypeIds", reason: "needs at least one GPU type")
        }
        t.gpuCount = try Self.check(gpuCount, "template.gpuCount", atLeast: 1) ?? t.gpuCount
        if let clouds {
            if clouds.isEmpty { throw PoolSpecError(field: "template.clouds", reason: "needs at least one cloud") }
            t.clouds = []
            for text in clouds {
                guard let cloud = Cloud(rawValue: text) else {
                    let expected = Cloud.allCases.map(\.rawValue).joined(separator: " or ")
                    throw PoolSpecError(
                        field: "template.clouds", reason: "unknown cloud \"\(text)\"; expected \(expected)")
                }
                t.clouds.append(cloud)
            }
        }
        t.dataCenterIds = dataCenterIds ?? t.dataCenterIds
        t.networkVolumeId =
            networkVolumeId ?? (defaults.networkVolumeId.isEmpty ? t.networkVolumeId : defaults.networkVolumeId)
        t.env = env ?? t.env
        t.ports = ports ?? t.ports
        t.startSsh = startSsh ?? t.startSsh
        t.attach = try attach(ports: t.ports)
        return t
    }

    private func attach(ports: [String]) throws(PoolSpecError) -> AttachSpec {
        var a = AttachSpec()
        a.ssh = attachSSH ?? a.ssh
        if let attachUser {
            guard !attachUser.isEmpty else {
                throw PoolSpecError(field: "template.attach.ssh.user", reason: "must not be empty")
            }
            a.user = attachUser
        }
        a.timeoutSeconds =
            try Self.check(attachTimeoutSeconds, "template.attach.timeoutSeconds", positive: true) ?? a.timeoutSeconds
        for (index, record) in (attachForwards ?? []).enumerated() {
            let field = "template.attach.ssh.forwards[\(index)]"
            guard let port = record["remotePort"].flatMap({ Int($0) }), let to = record["to"],
                let forward = PortForward(remotePort: port, to: to)
            else {
                throw PoolSpecError(
                    field: field, reason: "expected remotePort (1-65535) and to (\"host:port\")")
            }
            guard !a.forwards.contains(where: { $0.remotePort == port }) else {
                throw PoolSpecError(field: field, reason: "remotePort \(port) is forwarded twice")
            }
            a.forwards.append(forward)
        }
        if a.ssh {
            guard ports.contains("22/tcp") else {
                throw PoolSpecError(
                    field: "template.attach.ssh.enabled", reason: "needs \"22/tcp\" in template.ports (direct SSH)")
            }
            guard !a.forwards.isEmpty else {
                throw PoolSpecError(field: "template.attach.ssh.forwards", reason: "needs at least one forward")
            }
        }
        return a
    }

    private func scaling() throws(PoolSpecError) -> ScalingSettings {
        var s = ScalingSettings()
        s.jobsPerWorker = try Self.check(jobsPerWorker, "scaling.jobsPerWorker", atLeast: 1) ?? s.jobsPerWorker
        s.activationQueueDepth =
            try Self.check(activationQueueDepth, "scaling.activationQueueDepth", atLeast: 0) ?? s.activationQueueDepth
        s.latencySLOSeconds =
            try Self.check(latencySLOSeconds, "scaling.latencySLOSeconds", positive: true) ?? s.latencySLOSeconds
        s.scaleDownIdleSeconds =
            try Self.check(scaleDownIdleSeconds, "scaling.scaleDownIdleSeconds") ?? s.scaleDownIdleSeconds
        s.provisionTimeoutSeconds =
            try Self.check(provisionTimeoutSeconds, "scaling.provisionTimeoutSeconds", positive: true)
            ?? s.provisionTimeoutSeconds
        s.unavailableOfferingSeconds =
            try Self.check(unavailableOfferingSeconds, "scaling.unavailableOfferingSeconds")
            ?? s.unavailableOfferingSeconds
        s.orphanGraceSeconds = try Self.check(orphanGraceSeconds, "scaling.orphanGraceSeconds") ?? s.orphanGraceSeconds
        if let mode {
            guard let parsed = ScalingMode(rawValue: mode) else {
                let known = ScalingMode.allCases.map(\.rawValue).joined(separator: " or ")
                throw PoolSpecError(field: "scaling.mode", reason: "unknown mode \"\(mode)\"; expected \(known)")
            }
            s.mode = parsed
        }
        s.serviceSeconds =
            try Self.check(serviceSeconds, "scaling.serviceSeconds", positive: true) ?? s.serviceSeconds
        s.drainSeconds = try Self.check(drainSeconds, "scaling.drainSeconds", positive: true) ?? s.drainSeconds
        s.lowerAfterSeconds = try Self.check(lowerAfterSeconds, "scaling.lowerAfterSeconds") ?? s.lowerAfterSeconds
        s.arrivalWindowSeconds =
            try Self.check(arrivalWindowSeconds, "scaling.arrivalWindowSeconds", positive: true)
            ?? s.arrivalWindowSeconds
        if let lowerMarginSigmas {
            guard lowerMarginSigmas.isFinite, lowerMarginSigmas >= 0 else {
                throw PoolSpecError(
                    field: "scaling.lowerMarginSigmas",
                    reason: "must be at least 0, got \(Self.show(lowerMarginSigmas))")
            }
            s.lowerMarginSigmas = lowerMarginSigmas
        }
        if let targetUtilization {
            guard targetUtilization > 0 && targetUtilization <= 1 else {
                throw PoolSpecError(
                    field: "scaling.targetUtilization",
                    reason: "must be above 0 and at most 1, got \(Self.show(targetUtilization))")
            }
            s.targetUtilization = targetUtilization
        }
        if let p95 = try Self.check(serviceP95Seconds, "scaling.serviceP95Seconds", positive: true) {
            guard p95 >= s.serviceSeconds else {
                throw PoolSpecError(
                    field: "scaling.serviceP95Seconds",
                    reason:
                        "must be at least scaling.serviceSeconds (\(Self.show(s.serviceSeconds))), got \(Self.show(p95))"
                )
            }
            guard p95 < s.latencySLOSeconds else {
                throw PoolSpecError(
                    field: "scaling.serviceP95Seconds",
                    reason: "must be below scaling.latencySLOSeconds (\(Self.show(s.latencySLOSeconds))), "
                        + "got \(Self.show(p95)): a job that long leaves no time to wait")
            }
            s.serviceP95Seconds = p95
        }
        return s
    }

    /// `value` when it is at least `minimum`; nil when not given.
    private static func check(_ value: Int?, _ field: String, atLeast minimum: Int) throws(PoolSpecError) -> Int? {
        guard let value else { return nil }
        guard value >= minimum else {
            throw PoolSpecError(field: field, reason: "must be at least \(minimum), got \(value)")
        }
        return value
    }

    /// A number of seconds: `value` when it is at least 0 (above 0 when
    /// `positive`); nil when not given.
    private static func check(_ value: Double?, _ field: String, positive: Bool = false) throws(PoolSpecError)
        -> Double?
    {
        guard let value else { return nil }
        guard value.isFinite, positive ? value > 0 : value >= 0 else {
            let bound = positive ? "greater than 0" : "at least 0"
            throw PoolSpecError(field: field, reason: "must be \(bound), got \(show(value))")
        }
        return value
    }

    /// A number as a person would write it: `0`, `2.5`.
    private static func show(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
