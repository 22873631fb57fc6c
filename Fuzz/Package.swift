// swift-tools-version:5.4
// 5.4 on purpose: from 5.5 on SwiftPM renames an executable's `main` so tests can link it, and a fuzz target
// has no main of its own (libFuzzer's runs it). Build with `make fuzz-build`, which adds the sanitizer flags.
import PackageDescription

/// One libFuzzer executable per parser; each is a single file defining `LLVMFuzzerTestOneInput`.
let fuzzTargets = [
    "FuzzKEDARequest",
    "FuzzConfigLoader",
    "FuzzRunPodJSON",
    "FuzzKubeJSON",
    "FuzzPrometheusResponse",
]

let project: Target.Dependency = .product(name: "RunPodAutoscalerFuzzing", package: "runpod-autoscaler")

let package = Package(
    name: "runpod-autoscaler-fuzz",
    dependencies: [
        .package(name: "runpod-autoscaler", path: ".."),
        .package(name: "SwiftProtobuf", url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(name: "swift-log", url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(name: "Yams", url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // What several targets check after a successful parse: the parsed pools drive the real policy.
        .target(
            name: "FuzzSupport",
            dependencies: [project, .product(name: "Logging", package: "swift-log")]
        )
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport", project,
                    .product(name: "SwiftProtobuf", package: "SwiftProtobuf"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "Yams", package: "Yams"),
                ]
            )
        }
)
