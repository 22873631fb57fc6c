import Testing

@testable import Decisions

/// The spec keeps its template and scaling numbers behind a shared reference: copies must still behave
/// as values.
struct PoolSpecTests {
    static func spec() -> PoolSpec {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.template.image = "ghcr.io/acme/worker:1"
        spec.scaling.jobsPerWorker = 4
        return spec
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = Self.spec()
        var copy = original
        #expect(copy == original)
        copy.template.image = "ghcr.io/acme/worker:2"
        copy.template.env["MODE"] = "fast"
        copy.scaling.jobsPerWorker = 8
        #expect(original.template.image == "ghcr.io/acme/worker:1")
        #expect(original.template.env.isEmpty)
        #expect(original.scaling.jobsPerWorker == 4)
        #expect(copy.template.image == "ghcr.io/acme/worker:2")
        #expect(copy.scaling.jobsPerWorker == 8)
        #expect(copy != original)
    }

    @Test func specsBuiltApartAreEqualWhenEveryFieldIs() {
        var other = Self.spec()
        #expect(other == Self.spec())
        other.scaling.jobsPerWorker = 5
        #expect(other != Self.spec())
        other.scaling.jobsPerWorker = 4
        #expect(other == Self.spec())
        other.maxCostPerHour = nil
        #expect(other != Self.spec())
    }

    @Test func changingTheTemplateLeavesTheScalingNumbers() {
        var spec = Self.spec()
        let shared = spec
        spec.template.gpuCount = 2
        #expect(spec.scaling == shared.scaling)
        #expect(spec.scaling.jobsPerWorker == 4)
        #expect(shared.template.gpuCount == 1)
    }
}
