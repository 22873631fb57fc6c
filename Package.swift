// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "runpod-autoscaler",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runpod-autoscaler", targets: ["RunPodAutoscalerCLI"]),
        // Only for the fuzz package in Fuzz/, which builds these modules with sanitizers in its own scratch path.
        .library(
            name: "RunPodAutoscalerFuzzing",
            targets: [
                "Autoscaler", "Decisions", "KubeClient", "LibGRPCServer", "Primitives", "RunPodAPI", "ScalerProtos",
                "CurlHTTP",
            ]
        ),
    ],
    dependencies: [
        // traits: [] keeps SwiftPM from rebuilding swift-protobuf on every other build here.
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The gRPC C core, behind a header-only shim. Only LibGRPCServer imports it.
        // Linked by name: pkg-config's abseil flags overflow the link line.
        .target(
            name: "CGRPCShim",
            linkerSettings: [.linkedLibrary("grpc"), .linkedLibrary("gpr")]
        ),
        // libcurl, behind a header-only shim of typed setopt wrappers. Only CurlHTTP imports it.
        .target(
            name: "CCurlShim",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // Small value types several modules share: JSONValue, RFC 3339 timestamps, Retry-After, a seeded generator.
        // No IO.
        .target(name: "Primitives"),
        // A small blocking-transfer HTTP client over libcurl, run off the cooperative pool.
        .target(name: "CurlHTTP", dependencies: ["CCurlShim"]),
        // The RunPod REST v2 client: pods, actions, the GPU catalog, typed errors.
        .target(name: "RunPodAPI", dependencies: ["CurlHTTP", "Primitives"]),
        // A minimal Kubernetes REST client: in-cluster config and kubeconfig, JSON objects.
        .target(
            name: "KubeClient",
            dependencies: ["CurlHTTP", "Primitives", .product(name: "Yams", package: "Yams")]
        ),
        // The built-in RunPod REST v2 emulator with fault injection.
        .target(
            name: "RunPodEmulator",
            dependencies: [
                "Primitives",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A gRPC server (unary, server-streaming, bidi) over one completion queue.
        .target(
            name: "LibGRPCServer",
            dependencies: ["CGRPCShim"]
        ),
        // swift-protobuf messages generated from proto/ plus the embedded descriptors.
        .target(
            name: "ScalerProtos",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["GENERATED_FROM.sha256"]
        ),
        // SSH client sessions that keep remote port forwards up (attach), over swift-nio-ssh. No C. The address and
        // forwards are Decisions' value types.
        .target(
            name: "SSHTunnel",
            dependencies: [
                "Decisions",
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Pure decision code: pool specs, the scaling policy, the reconcile planner and machine,
        // leader election, label selectors, metric naming. No IO, no clock of its own.
        .target(name: "Decisions"),
        // The closed-loop simulator: traces, the real policy and reconcile machine on a virtual clock, the
        // cost and SLO report. No threads, sockets or sleeps.
        .target(name: "Simulation", dependencies: ["Decisions", "Primitives"]),
        // The application: config, observers, the state store and the gRPC services.
        .target(
            name: "Autoscaler",
            dependencies: [
                "LibGRPCServer",
                "ScalerProtos",
                "Decisions",
                "Simulation",
                "RunPodAPI",
                "CurlHTTP",
                "RunPodEmulator",
                "KubeClient",
                "Primitives",
                "SSHTunnel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "RunPodAutoscalerCLI",
            dependencies: [
                "Autoscaler",
                "Simulation",
                "Decisions",
                "RunPodAPI",
                "CurlHTTP",
                "RunPodEmulator",
                "KubeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Deterministic helpers shared by the test targets: a manual clock, a loopback test server, a recording
        // HTTP fake with canned responses, an in-memory Kubernetes cluster.
        .target(
            name: "TestSupport",
            dependencies: [
                "KubeClient", "Decisions", "Primitives", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "SSHTunnelTests", dependencies: ["SSHTunnel"]),
        .testTarget(name: "DecisionsTests", dependencies: ["Decisions", "Primitives", "TestSupport"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Decisions", "Primitives"]),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: ["CurlHTTP", "TestSupport", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "CurlHTTP", "Primitives", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "RunPodAPITests",
            dependencies: [
                "RunPodAPI", "CurlHTTP", "Primitives", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "RunPodEmulatorTests",
            dependencies: [
                "RunPodEmulator",
                "Primitives",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "AutoscalerTests",
            dependencies: [
                "Autoscaler",
                "ScalerProtos",
                "Decisions",
                "LibGRPCServer",
                "TestSupport",
                "KubeClient",
                "RunPodAPI",
                "RunPodEmulator",
                "CurlHTTP",
                "Primitives",
                "SSHTunnel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)
