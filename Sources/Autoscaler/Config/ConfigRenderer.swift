import Decisions

/// Prints the effective configuration as YAML with secrets redacted: the API
/// key shows only whether it is set, pod env values are masked.
public enum ConfigRenderer {
    public static let redacted = "<redacted>"

    public static func render(_ c: AutoscalerConfig) -> String {
        var lines: [String] = []
        func line(_ indent: Int, _ text: String) { lines.append(String(repeating: "  ", count: indent) + text) }
        func q(_ text: String) -> String {
            var escaped = "\""
            for character in text {
                switch character {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                default: escaped.append(character)
                }
            }
            return escaped + "\""
        }
        func list(_ items: [String]) -> String { "[" + items.map(q).joined(separator: ", ") + "]" }

        line(0, "# effective configuration (from \(c.origin), environment and flags)")
        line(0, "grpc:")
        line(1, "listen: \(q(c.grpc.listen))")
        line(1, "maxMessageBytes: \(c.grpc.maxMessageBytes)")
        line(1, "shutdownGraceSeconds: \(c.grpc.shutdownGraceSeconds)")
        line(
            1,
            "tls: {certFile: \(q(c.grpc.certFile)), keyFile: \(q(c.grpc.keyFile)), clientCAFile: \(q(c.grpc.clientCAFile))}"
        )
        line(0, "http:")
        line(1, "listen: \(q(c.http.listen))")
        line(0, "runpod:")
        line(1, "endpoint: \(q(c.runpod.endpoint))")
        line(1, "apiKeyFile: \(q(c.runpod.apiKeyFile))")
        line(1, "apiKey: \(c.runpod.apiKey.isEmpty ? q("") : q(redacted))")
        line(1, "podNamePrefix: \(q(c.runpod.podNamePrefix))")
        line(1, "timeoutSeconds: \(c.runpod.timeoutSeconds)")
        line(1, "reconcileSeconds: \(c.runpod.reconcileSeconds)")
        line(1, "requestsPerMinute: \(c.runpod.requestsPerMinute)")
        line(1, "emulator: {listen: \(q(c.runpod.emulatorListen)), configFile: \(q(c.runpod.emulatorConfigFile))}")
        line(0, "demand:")
        line(1, "source: \(c.demand.source.rawValue)")
        line(1, "pollSeconds: \(c.demand.pollSeconds)")
        line(1, "staleAfterSeconds: \(c.demand.staleAfterSeconds)")
        line(1, "file: {path: \(q(c.demand.filePath))}")
        line(1, "prometheus:")
        line(2, "url: \(q(c.demand.prometheusURL))")
        line(2, "queueDepthQuery: \(q(c.demand.queueDepthQuery))")
        line(2, "latencyP95Query: \(q(c.demand.latencyP95Query))")
        line(2, "arrivalRateQuery: \(q(c.demand.arrivalRateQuery))")
        line(0, "local:")
        line(1, "source: \(c.local.source.rawValue)")
        line(1, "static: {gpus: \(c.local.staticGPUs), usedByOthers: \(c.local.staticUsedByOthers)}")
        line(1, "nodeSelector: \(q(c.local.nodeSelector))")
        line(1, "workerSelector: \(q(c.local.workerSelector))")
        line(0, "kubernetes:")
        line(
            1,
            "enabled: \(c.kubernetes.enabled)   # resolved: \(c.kubernetes.active ? "Kubernetes mode" : "standalone")")
        line(1, "kubeconfig: \(q(c.kubernetes.kubeconfig))")
        line(1, "context: \(q(c.kubernetes.context))")
        line(1, "pollSeconds: \(c.kubernetes.pollSeconds)")
        line(1, "leaderElection:")
        line(2, "leaseName: \(q(c.kubernetes.leaseName))")
        line(2, "namespace: \(q(c.kubernetes.leaseNamespace))")
        line(2, "leaseDurationSeconds: \(c.kubernetes.leaseDurationSeconds)")
        line(2, "renewDeadlineSeconds: \(c.kubernetes.renewDeadlineSeconds)")
        line(2, "retryPeriodSeconds: \(c.kubernetes.retryPeriodSeconds)")
        line(2, "identity: \(q(c.kubernetes.identity))")
        line(0, "attach: {privateKeyFile: \(q(c.attach.privateKeyFile))}")
        line(0, "log: {level: \(c.log.level), format: \(c.log.format)}")
        line(0, "dryRun: \(c.dryRun)")
        line(0, "pools:")
        for pool in c.pools {
            line(1, "- name: \(q(pool.id.name))")
            line(2, "namespace: \(q(pool.id.namespace))")
            line(2, "maxReplicas: \(pool.maxReplicas)")
            line(2, "maxCostPerHour: \(pool.maxCostPerHour.map { "\($0)" } ?? "null")")
            line(2, "template:")
            let t = pool.template
            line(3, "image: \(q(t.image))")
            line(3, "templateId: \(q(t.templateId))")
            line(3, "gpuTypeIds: \(list(t.gpuTypeIds))")
            line(3, "gpuCount: \(t.gpuCount)")
            line(3, "clouds: \(list(t.clouds.map(\.rawValue)))")
            line(3, "dataCenterIds: \(list(t.dataCenterIds))")
            line(3, "networkVolumeId: \(q(t.networkVolumeId))")
            let env = t.env.keys.sorted().map { "\(q($0)): \(q(redacted))" }.joined(separator: ", ")
            line(3, "env: {\(env)}")
            line(3, "ports: \(list(t.ports))")
            line(3, "startSsh: \(t.startSsh)")
            if t.attach.ssh {
                let forwards = t.attach.forwards.map { "{remotePort: \($0.remotePort), to: \(q($0.target))}" }
                line(3, "attach:")
                line(4, "timeoutSeconds: \(t.attach.timeoutSeconds)")
                line(
                    4,
                    "ssh: {enabled: true, user: \(q(t.attach.user)), forwards: [\(forwards.joined(separator: ", "))]}")
            }
            let s = pool.scaling
            line(2, "scaling:")
            line(3, "jobsPerWorker: \(s.jobsPerWorker)")
            line(3, "activationQueueDepth: \(s.activationQueueDepth)")
            line(3, "latencySLOSeconds: \(s.latencySLOSeconds)")
            line(3, "scaleDownIdleSeconds: \(s.scaleDownIdleSeconds)")
            line(3, "provisionTimeoutSeconds: \(s.provisionTimeoutSeconds)")
            line(3, "unavailableOfferingSeconds: \(s.unavailableOfferingSeconds)")
            line(3, "orphanGraceSeconds: \(s.orphanGraceSeconds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
