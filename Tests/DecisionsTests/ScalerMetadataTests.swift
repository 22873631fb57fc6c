import Testing

@testable import Decisions

@Suite struct ScalerMetadataTests {
    @Test func parsesTheMinimalTrigger() throws {
        let parsed = try ScalerMetadata.parse(["pool": "burst", "scalerAddress": "x:9090"]).get()
        #expect(parsed == ScalerMetadata(pool: PoolReference(namespace: nil, name: "burst")))
    }

    @Test func parsesNamespaceMetricAndTarget() throws {
        let parsed = try ScalerMetadata.parse(["pool": "media/burst", "metric": "queueDepth", "targetValue": "2.5"])
            .get()
        #expect(parsed.pool == PoolReference(namespace: "media", name: "burst"))
        #expect(parsed.metric == .queueDepth)
        #expect(parsed.targetValue == 2.5)
    }

    @Test func acceptsKebabMetricNames() throws {
        #expect(try ScalerMetadata.parse(["pool": "b", "metric": "runpod-headroom"]).get().metric == .runpodHeadroom)
    }

    @Test(arguments: [
        ([String: String](), "pool"),
        (["pool": ""], "pool"),
        (["pool": "Burst"], "pool"),
        (["pool": "a/b/c"], "pool"),
        (["pool": "/burst"], "pool"),
        (["pool": "burst", "metric": "cpu"], "metric"),
        (["pool": "burst", "targetValue": "0"], "targetValue"),
        (["pool": "burst", "targetValue": "-1"], "targetValue"),
        (["pool": "burst", "targetValue": "ten"], "targetValue"),
        (["pool": "burst", "targetValue": "inf"], "targetValue"),
    ])
    func rejectsBadMetadataNamingTheKey(metadata: [String: String], key: String) {
        switch ScalerMetadata.parse(metadata) {
        case .success(let parsed): Issue.record("accepted \(metadata) as \(parsed)")
        case .failure(let error):
            #expect(error.key == key)
            #expect(error.description.contains("\"\(key)\""))
        }
    }

    @Test func unknownMetricListsTheKnownOnes() {
        guard case .failure(let error) = ScalerMetadata.parse(["pool": "b", "metric": "gpu"]) else {
            Issue.record("accepted an unknown metric")
            return
        }
        for metric in ScalerMetric.allCases { #expect(error.reason.contains(metric.rawValue)) }
    }

    @Test func metricNamesAreStableLowercaseKebab() {
        let id = PoolID(namespace: "media", name: "burst")
        #expect(MetricNaming.name(pool: id, metric: .burst) == "runpod-media-burst-burst")
        #expect(MetricNaming.name(pool: id, metric: .queueDepth) == "runpod-media-burst-queue-depth")
        for metric in ScalerMetric.allCases {
            let name = MetricNaming.name(pool: id, metric: metric)
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
        }
        #expect(MetricNaming.sanitize("A_b.C") == "a-b-c")
    }

    @Test func defaultTargetsFollowTheMetric() {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.scaling.jobsPerWorker = 7
        #expect(ScalerMetric.queueDepth.defaultTarget(for: spec) == 7)
        #expect(ScalerMetric.burst.defaultTarget(for: spec) == 1)
    }
}
