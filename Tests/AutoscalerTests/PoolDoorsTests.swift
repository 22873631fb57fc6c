import Decisions
import KubeClient
import Primitives
import Testing

@testable import Autoscaler

/// A pool comes in through two doors: a `pools[]` entry of the config file and
/// a RunPodPool object. The same pool must come out the same, and the same
/// mistake must read the same, whichever door it took.
@Suite struct PoolDoorsTests {
    /// One pool, written once as a RunPodPool `spec`; the config-file entry is
    /// the same fields in block YAML, plus `name` and `namespace`.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var name = "burst"
        var namespace = "media"
        var spec: JSONValue
        var defaults = PoolDefaults()
        /// For a valid pool: what both doors must give (the config file's
        /// `maxCostPerHour` default aside, see `sameCapAside`).
        var expected: PoolSpec?
        /// For an invalid one: the field relative to the pool and the reason.
        var field = ""
        var reason = ""

        var testDescription: String { label }
    }

    static func spec(_ id: PoolID = PoolID(namespace: "media", name: "burst"), _ change: (inout PoolSpec) -> Void)
        -> PoolSpec
    {
        var spec = PoolSpec(id: id)
        change(&spec)
        return spec
    }

    static let valid: [Case] = [
        Case(
            label: "only an image", spec: ["template": ["image": "worker:1"]],
            expected: spec { $0.template.image = "worker:1" }),
        Case(
            label: "every field",
            spec: [
                "maxReplicas": 3, "maxCostPerHour": 2.5,
                "template": [
                    "image": "worker:2", "templateId": "tpl-1", "gpuTypeIds": ["NVIDIA L40S", "NVIDIA A40"],
                    "gpuCount": 2, "clouds": ["COMMUNITY", "SECURE"], "dataCenterIds": ["EU-RO-1"],
                    "networkVolumeId": "vol-1", "env": ["QUEUE": "media", "TOKEN": "s3cr3t"],
                    "ports": ["8888/http", "22/tcp"], "startSsh": false,
                ],
                "scaling": [
                    "jobsPerWorker": 4, "activationQueueDepth": 0, "latencySLOSeconds": 12.5,
                    "scaleDownIdleSeconds": 0, "provisionTimeoutSeconds": 900, "unavailableOfferingSeconds": 30,
                    "orphanGraceSeconds": 120,
                ],
            ],
            expected: spec {
                $0.maxReplicas = 3
                $0.maxCostPerHour = 2.5
                $0.template.image = "worker:2"
                $0.template.templateId = "tpl-1"
                $0.template.gpuTypeIds = ["NVIDIA L40S", "NVIDIA A40"]
                $0.template.gpuCount = 2
                $0.template.clouds = [.community, .secure]
                $0.template.dataCenterIds = ["EU-RO-1"]
                $0.template.networkVolumeId = "vol-1"
                $0.template.env = ["QUEUE": "media", "TOKEN": "s3cr3t"]
                $0.template.ports = ["8888/http", "22/tcp"]
                $0.template.startSsh = false
                $0.scaling.jobsPerWorker = 4
                $0.scaling.activationQueueDepth = 0
                $0.scaling.latencySLOSeconds = 12.5
                $0.scaling.scaleDownIdleSeconds = 0
                $0.scaling.provisionTimeoutSeconds = 900
                $0.scaling.unavailableOfferingSeconds = 30
                $0.scaling.orphanGraceSeconds = 120
            }),
        Case(
            label: "rate mode sized by the SLO",
            spec: [
                "template": ["image": "w"],
                "scaling": [
                    "mode": "rate", "serviceSeconds": 10, "serviceP95Seconds": 16, "drainSeconds": 60,
                    "lowerAfterSeconds": 300, "targetUtilization": 0.9, "lowerMarginSigmas": 1.5,
                    "arrivalWindowSeconds": 120,
                ],
            ],
            expected: spec {
                $0.template.image = "w"
                $0.scaling.mode = .rate
                $0.scaling.serviceSeconds = 10
                $0.scaling.serviceP95Seconds = 16
                $0.scaling.drainSeconds = 60
                $0.scaling.lowerAfterSeconds = 300
                $0.scaling.targetUtilization = 0.9
                $0.scaling.lowerMarginSigmas = 1.5
                $0.scaling.arrivalWindowSeconds = 120
            }),
        Case(
            label: "platform variables fill the template", spec: ["template": [:]],
            defaults: PoolDefaults(templateId: "tpl", networkVolumeId: "vol", gpuTypeId: "NVIDIA L40S"),
            expected: spec {
                $0.template.templateId = "tpl"
                $0.template.networkVolumeId = "vol"
                $0.template.gpuTypeIds = ["NVIDIA L40S", "NVIDIA RTX 6000 Ada Generation"]
            }),
        Case(
            label: "a pool's own values beat the platform variables",
            spec: ["template": ["templateId": "mine", "networkVolumeId": "", "gpuTypeIds": ["NVIDIA A40"]]],
            defaults: PoolDefaults(templateId: "tpl", networkVolumeId: "vol", gpuTypeId: "NVIDIA L40S"),
            expected: spec {
                $0.template.templateId = "mine"
                $0.template.gpuTypeIds = ["NVIDIA A40"]
            }),
    ]

    static let image: JSONValue = ["image": "worker:1"]

    static let invalid: [Case] = [
        Case(
            label: "bad cloud", spec: ["template": ["image": "w", "clouds": ["SECURE", "SPOT"]]],
            field: "template.clouds", reason: "unknown cloud \"SPOT\"; expected SECURE or COMMUNITY"),
        Case(
            label: "no cloud", spec: ["template": ["image": "w", "clouds": []]], field: "template.clouds",
            reason: "needs at least one cloud"),
        Case(
            label: "empty gpuTypeIds", spec: ["template": ["image": "w", "gpuTypeIds": []]],
            field: "template.gpuTypeIds", reason: "needs at least one GPU type"),
        Case(
            label: "gpuCount 0", spec: ["template": ["image": "w", "gpuCount": 0]], field: "template.gpuCount",
            reason: "must be at least 1, got 0"),
        Case(
            label: "maxReplicas -1", spec: ["template": image, "maxReplicas": -1], field: "maxReplicas",
            reason: "must be at least 0, got -1"),
        Case(
            label: "maxCostPerHour 0", spec: ["template": image, "maxCostPerHour": 0], field: "maxCostPerHour",
            reason: "expected a positive number of USD, got 0"),
        Case(
            label: "jobsPerWorker 0", spec: ["template": image, "scaling": ["jobsPerWorker": 0]],
            field: "scaling.jobsPerWorker", reason: "must be at least 1, got 0"),
        Case(
            label: "activationQueueDepth -1", spec: ["template": image, "scaling": ["activationQueueDepth": -1]],
            field: "scaling.activationQueueDepth", reason: "must be at least 0, got -1"),
        Case(
            label: "latencySLOSeconds 0", spec: ["template": image, "scaling": ["latencySLOSeconds": 0]],
            field: "scaling.latencySLOSeconds", reason: "must be greater than 0, got 0"),
        Case(
            label: "provisionTimeoutSeconds 0", spec: ["template": image, "scaling": ["provisionTimeoutSeconds": 0]],
            field: "scaling.provisionTimeoutSeconds", reason: "must be greater than 0, got 0"),
        Case(
            label: "orphanGraceSeconds -0.5", spec: ["template": image, "scaling": ["orphanGraceSeconds": -0.5]],
            field: "scaling.orphanGraceSeconds", reason: "must be at least 0, got -0.5"),
        Case(
            label: "serviceP95Seconds below the mean",
            spec: ["template": image, "scaling": ["serviceSeconds": 10, "serviceP95Seconds": 8]],
            field: "scaling.serviceP95Seconds", reason: "must be at least scaling.serviceSeconds (10), got 8"),
        Case(
            label: "serviceP95Seconds at the SLO",
            spec: ["template": image, "scaling": ["serviceSeconds": 10, "serviceP95Seconds": 30]],
            field: "scaling.serviceP95Seconds",
            reason: "must be below scaling.latencySLOSeconds (30), got 30: a job that long leaves no time to wait"),
        Case(
            label: "lowerMarginSigmas -1", spec: ["template": image, "scaling": ["lowerMarginSigmas": -1]],
            field: "scaling.lowerMarginSigmas", reason: "must be at least 0, got -1"),
        Case(
            label: "arrivalWindowSeconds 0", spec: ["template": image, "scaling": ["arrivalWindowSeconds": 0]],
            field: "scaling.arrivalWindowSeconds", reason: "must be greater than 0, got 0"),
        Case(
            label: "no image or templateId", spec: ["template": ["gpuCount": 1]], field: "template",
            reason: "image or templateId is required (or set RUNPOD_TEMPLATE_ID)"),
        Case(
            label: "bad name", name: "Burst", spec: ["template": image], field: "name",
            reason: "\"Burst\" is not a lowercase DNS label ([a-z0-9-], at most 63)"),
        Case(
            label: "bad namespace", namespace: "media_jobs", spec: ["template": image], field: "namespace",
            reason: "\"media_jobs\" is not a lowercase DNS label"),
    ]

    @Test(arguments: valid)
    func aValidPoolComesOutTheSameThroughBothDoors(_ c: Case) throws {
        let fromFile = try #require(try Self.fileDoor(c).get().pools.first)
        let fromObject = try Self.objectDoor(c).get().spec
        let expected = try #require(c.expected)
        if c.spec["maxCostPerHour"].isNull {
            // The one documented difference: unset is the default cap in the
            // file, no cap on a RunPodPool.
            #expect(fromFile.maxCostPerHour == PoolSpec(id: expected.id).maxCostPerHour)
            #expect(fromObject.maxCostPerHour == nil)
            #expect(Self.capAside(fromFile) == Self.capAside(expected))
            #expect(Self.capAside(fromObject) == Self.capAside(expected))
        } else {
            #expect(fromFile == expected)
            #expect(fromObject == expected)
        }
    }

    @Test(arguments: invalid)
    func aMistakeReadsTheSameThroughBothDoors(_ c: Case) throws {
        guard case .failure(let fileError) = Self.fileDoor(c) else {
            Issue.record("the config file accepted \(Self.yaml(c))")
            return
        }
        guard case .failure(let objectError) = Self.objectDoor(c) else {
            Issue.record("RunPodPoolDocument accepted \(c.spec)")
            return
        }
        #expect(fileError.key == "pools[0].\(c.field)")
        let objectField = c.field == "name" || c.field == "namespace" ? "metadata.\(c.field)" : "spec.\(c.field)"
        #expect(objectError.field == objectField)
        #expect(fileError.reason == c.reason)
        #expect(objectError.reason == c.reason)
    }

    @Test func theRenderedYAMLIsTheSpec() {
        let c = Self.invalid[0]
        #expect(
            Self.yaml(c) == """
                pools:
                  - name: "burst"
                    namespace: "media"
                    template:
                      clouds: ["SECURE", "SPOT"]
                      image: "w"

                """)
    }

    // MARK: The doors

    static func fileDoor(_ c: Case) -> Result<AutoscalerConfig, ConfigError> {
        var environment: [String: String] = [:]
        environment["RUNPOD_TEMPLATE_ID"] = c.defaults.templateId
        environment["RUNPOD_NETWORK_VOLUME_ID"] = c.defaults.networkVolumeId
        environment["RUNPOD_INSTANCE_TYPE"] = c.defaults.gpuTypeId
        do {
            return .success(try ConfigLoader.load(yaml: yaml(c), origin: "pools.yaml", environment: environment))
        } catch {
            return .failure(error)
        }
    }

    static func objectDoor(_ c: Case) -> Result<ClusterPool, PoolObjectError> {
        let object: JSONValue = [
            "apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool",
            "metadata": ["name": .string(c.name), "namespace": .string(c.namespace)], "spec": c.spec,
        ]
        return RunPodPoolDocument.parse(object, defaults: c.defaults)
    }

    static func capAside(_ spec: PoolSpec) -> PoolSpec {
        var spec = spec
        spec.maxCostPerHour = nil
        return spec
    }

    // MARK: JSON spec → block YAML

    static func yaml(_ c: Case) -> String {
        var lines = [
            "pools:", "  - name: \(scalar(.string(c.name)))", "    namespace: \(scalar(.string(c.namespace)))",
        ]
        block(c.spec, indent: 4, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func block(_ value: JSONValue, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for (key, member) in (value.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let members = member.object, !members.isEmpty {
                lines.append("\(pad)\(key):")
                block(member, indent: indent + 2, into: &lines)
            } else {
                lines.append("\(pad)\(key): \(scalar(member))")
            }
        }
    }

    /// A flow-style YAML value; strings double-quoted (JSON quoting is YAML's).
    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .int(let number): "\(number)"
        case .double(let number): number == number.rounded() ? "\(Int(number))" : "\(number)"
        case .string(let text): "\"\(text)\""
        case .array(let items): "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "\($0.key): \(scalar($0.value))" }.joined(separator: ", ")
                + "}"
        }
    }
}
