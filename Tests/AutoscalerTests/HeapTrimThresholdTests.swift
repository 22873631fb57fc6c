import Testing

@testable import Autoscaler

@Suite struct HeapTrimThresholdTests {
    @Test func appliesWhenTheEnvironmentDoesNotTuneMalloc() {
        #expect(HeapTrimThreshold.applies(environment: [:]))
        #expect(
            HeapTrimThreshold.applies(environment: ["PATH": "/usr/bin", "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2"]))
    }

    @Test func leavesAMallocTunableOrVariableToTheOperator() {
        #expect(!HeapTrimThreshold.applies(environment: ["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536"]))
        #expect(
            !HeapTrimThreshold.applies(environment: [
                "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2:glibc.malloc.arena_max=2"
            ]))
        #expect(!HeapTrimThreshold.applies(environment: ["MALLOC_ARENA_MAX": "2"]))
        #expect(!HeapTrimThreshold.applies(environment: ["MALLOC_TRIM_THRESHOLD_": "65536"]))
    }

    @Test func setsTheThresholdWithGlibcAndNotWhenTunedByTheEnvironment() {
        #if canImport(Glibc)
            #expect(HeapTrimThreshold.fix(environment: [:]))
        #endif
        #expect(!HeapTrimThreshold.fix(environment: ["MALLOC_ARENA_MAX": "1"]))
    }
}
