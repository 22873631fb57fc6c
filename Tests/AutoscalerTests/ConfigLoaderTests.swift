import Foundation
import Testing

@testable import Autoscaler

@Suite struct ConfigLoaderTests {
    static let minimal = """
        pools:
          - name: burst
            namespace: media
            template: {image: "worker:1"}
        """

    func load(_ yaml: String, env: [String: String] = [:], set: [String] = []) throws(ConfigError) -> AutoscalerConfig {
        try ConfigLoader.load(yaml: yaml, origin: "test.yaml", environment: env, settings: set)
    }

    func error(_ yaml: String, env: [String: String] = [:], set: [String] = []) -> ConfigError? {
        do {
            _ = try load(yaml, env: env, set: set)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsMatchTheDesign() throws {
        let config = try load(Self.minimal)
        #expect(config.grpc.listen == "0.0.0.0:9090")
        #expect(config.grpc.maxMessageBytes == 65536)
        #expect(config.demand.staleAfterSeconds == 120)
        #expect(config.runpod.podNamePrefix == "rpa")
        let pool = try #require(config.pools.first)
        #expect(pool.id.description == "media/burst")
        #expect(pool.maxReplicas == 20)
        #expect(pool.maxCostPerHour == 15)
        #expect(pool.template.gpuTypeIds == ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"])
        #expect(pool.scaling.jobsPerWorker == 10)
        #expect(pool.scaling.scaleDownIdleSeconds == 60)
    }

    @Test func readsEveryPoolField() throws {
        let config = try load(
            """
            demand: {source: file, file: {path: /tmp/d.json}, pollSeconds: 1, staleAfterSeconds: 5}
            pools:
              - name: burst
                namespace: media
                maxReplicas: 3
                maxCostPerHour: 2.5
                template:
                  image: worker:1
                  gpuTypeIds: ["NVIDIA L40S"]
                  gpuCount: 2
                  clouds: [COMMUNITY]
                  dataCenterIds: [EU-RO-1]
                  networkVolumeId: vol1
                  env: {TOKEN: s3cr3t}
                  ports: ["8888/http"]
                  startSsh: false
                scaling: {jobsPerWorker: 4, activationQueueDepth: 0, latencySLOSeconds: 12, scaleDownIdleSeconds: 0}
            """)
        let pool = try #require(config.pools.first)
        #expect(pool.maxReplicas == 3 && pool.maxCostPerHour == 2.5)
        #expect(pool.template.image == "worker:1" && pool.template.gpuCount == 2)
        #expect(pool.template.clouds == [.community] && pool.template.dataCenterIds == ["EU-RO-1"])
        #expect(pool.template.env == ["TOKEN": "s3cr3t"] && !pool.template.startSsh)
        #expect(pool.scaling.jobsPerWorker == 4 && pool.scaling.scaleDownIdleSeconds == 0)
        #expect(config.demand.filePath == "/tmp/d.json" && config.demand.staleAfterSeconds == 5)
    }

    /// Plain scalars that YAML 1.1 would type (booleans, hex, dates, nulls) keep the text the
    /// user wrote: the loader composes with Yams' basic resolver and interprets text itself.
    @Test func plainScalarsKeepTheirText() throws {
        let config = try load(
            """
            pools:
              - name: "on"
                namespace: media
                maxReplicas: 7
                template:
                  image: worker:1
                  env: {ON: off, HEX: 0x1F, WHEN: 2001-12-14, SIZE: 1_000, "true": yes}
                  startSsh: yes
            """)
        let pool = try #require(config.pools.first)
        #expect(pool.id.description == "media/on" && pool.maxReplicas == 7)
        #expect(
            pool.template.env == ["ON": "off", "HEX": "0x1F", "WHEN": "2001-12-14", "SIZE": "1_000", "true": "yes"])
        #expect(pool.template.startSsh)
        // A merge key is not a setting: reported, as any unknown key.
        let merged = error(Self.minimal + "\n<<: {log: {level: debug}}\n")
        #expect(merged?.key == "<<")
    }

    /// A file past `scratchThreadBytes` is composed on a scratch thread: same result, same errors,
    /// and the config's text does not share the tree's storage.
    @Test func largeFilesLoadTheSameOnAScratchThread() throws {
        var yaml = "pools:\n"
        for index in 0..<300 {
            yaml += """
                  - name: pool-\(index)
                    namespace: media
                    template: {image: "ghcr.io/example-org/media-ai-worker:1.2.3-build\(index)", env: {MODEL: s3://models/\(index)}}

                """
        }
        #expect(yaml.utf8.count >= ConfigLoader.scratchThreadBytes)
        let config = try load(yaml)
        #expect(config.pools.count == 300)
        let last = try #require(config.pools.last)
        #expect(last.id.description == "media/pool-299")
        #expect(last.template.image == "ghcr.io/example-org/media-ai-worker:1.2.3-build299")
        #expect(last.template.env == ["MODEL": "s3://models/299"])
        let broken = error(yaml + "  - {name: [unclosed\n")
        #expect(broken?.reason.hasPrefix("not valid YAML") == true)
    }

    @Test func ownedTextHasStorageOfItsOwn() {
        let text = String(repeating: "ghcr.io/example-org/", count: 3)
        let copy = ConfigReader.owned(text)
        #expect(copy == text)
        let addresses = [text, copy].map { $0.utf8.withContiguousStorageIfAvailable { $0.baseAddress } }
        #expect(addresses[0] != nil && addresses[0] != addresses[1])
        #expect(ConfigReader.owned("short") == "short")
    }

    @Test func readsAttach() throws {
        let yaml = """
            pools:
              - name: burst
                namespace: media
                template:
                  image: worker:1
                  attach:
                    timeoutSeconds: 90
                    ssh:
                      enabled: true
                      user: worker
                      forwards: [{remotePort: 9092, to: "kafka-bootstrap.kafka:9092"}, {remotePort: 8081, to: "registry:80"}]
            """
        let config = try load(yaml + "\nattach: {privateKeyFile: /etc/attach/id_ed25519}")
        let attach = try #require(config.pools.first).template.attach
        #expect(attach.ssh && attach.user == "worker" && attach.timeoutSeconds == 90)
        #expect(attach.forwards.map(\.target) == ["kafka-bootstrap.kafka:9092", "registry:80"])
        #expect(attach.forwards.map(\.remotePort) == [9092, 8081])
        #expect(config.attach.privateKeyFile == "/etc/attach/id_ed25519")
        #expect(ConfigRenderer.render(config).contains("forwards: [{remotePort: 9092"))
        // Without a key the tunnels could not log in: refused at load, naming the setting.
        #expect(error(yaml)?.key == "attach.privateKeyFile")
        let bad = yaml.replacingOccurrences(of: "registry:80", with: "registry") + "\nattach: {privateKeyFile: k}"
        #expect(error(bad)?.key == "pools[0].template.attach.ssh.forwards[1]")
    }

    @Test func flagsBeatEnvironmentBeatsFile() throws {
        let yaml = "grpc: {listen: 127.0.0.1:1000}\n" + Self.minimal
        #expect(try load(yaml).grpc.listen == "127.0.0.1:1000")
        let env = ["RUNPOD_AUTOSCALER_GRPC_LISTEN": "127.0.0.1:2000"]
        #expect(try load(yaml, env: env).grpc.listen == "127.0.0.1:2000")
        #expect(try load(yaml, env: env, set: ["grpc.listen=127.0.0.1:3000"]).grpc.listen == "127.0.0.1:3000")
    }

    @Test func platformVariablesFillTheDefaults() throws {
        let env = [
            "RUNPOD_API_KEY": "rk_live_123", "RUNPOD_TEMPLATE_ID": "tpl1", "RUNPOD_NETWORK_VOLUME_ID": "vol9",
            "RUNPOD_INSTANCE_TYPE": "NVIDIA L40S",
        ]
        let config = try load(Self.minimal, env: env)
        #expect(config.runpod.apiKey == "rk_live_123")
        let template = try #require(config.pools.first).template
        #expect(template.templateId == "tpl1")
        #expect(template.networkVolumeId == "vol9")
        #expect(template.gpuTypeIds == ["NVIDIA L40S", "NVIDIA RTX 6000 Ada Generation"])
    }

    @Test func environmentNamesAreUpperSnake() {
        #expect(ConfigKey.named("grpc.tls.certFile")?.environmentName == "RUNPOD_AUTOSCALER_GRPC_TLS_CERT_FILE")
        #expect(
            ConfigKey.named("demand.staleAfterSeconds")?.environmentName
                == "RUNPOD_AUTOSCALER_DEMAND_STALE_AFTER_SECONDS")
    }

    @Test(arguments: [
        ("grpc: {maxMessageBytes: ten}\n", "grpc.maxMessageBytes", "whole number"),
        ("grpc: {maxMessageBytes: 10}\n", "grpc.maxMessageBytes", "at least 1024"),
        ("grpc: {listen: nowhere}\n", "grpc.listen", "host:port"),
        ("grpc: {lisen: 1.2.3.4:5}\n", "grpc.lisen", "unknown key"),
        ("demand: {source: kafka}\n", "demand.source", "unknown value"),
        ("demand: {staleAfterSeconds: 0}\n", "demand.staleAfterSeconds", "greater than"),
        ("grpc: {tls: {certFile: a.pem}}\n", "grpc.tls", "together"),
        ("log: {format: xml}\n", "log.format", "text or json"),
        (
            "demand: {pollSeconds: 30, staleAfterSeconds: 20}\n", "demand.staleAfterSeconds",
            "greater than demand.pollSeconds"
        ),
        ("local: {static: {gpus: 2, usedByOthers: 3}}\n", "local.static.usedByOthers", "cannot exceed"),
        // FuzzConfigLoader: these loaded, then serve trapped turning them into milliseconds.
        ("runpod: {timeoutSeconds: 1e300}\n", "runpod.timeoutSeconds", "at most 1000000000 seconds"),
        ("runpod: {reconcileSeconds: 2e9}\n", "runpod.reconcileSeconds", "at most"),
        ("grpc: {shutdownGraceSeconds: 1e300}\n", "grpc.shutdownGraceSeconds", "at most"),
        ("kubernetes: {pollSeconds: 1e300}\n", "kubernetes.pollSeconds", "at most"),
    ])
    func badValuesNameTheFileKeyAndReason(prefix: String, key: String, reason: String) throws {
        let failure = try #require(error(prefix + Self.minimal))
        #expect(failure.origin == "test.yaml")
        #expect(failure.key == key)
        #expect(failure.reason.contains(reason), "\(failure)")
        #expect(failure.description.hasPrefix("test.yaml: \(key): "))
    }

    @Test(arguments: [
        ("pools: []\n", "pools", "at least one pool"),
        ("pools:\n  - name: Burst\n", "pools[0].name", "DNS label"),
        (
            "pools:\n  - {name: b, template: {image: w}}\n  - {name: b, template: {image: w}}\n", "pools[1].name",
            "twice"
        ),
        ("pools:\n  - name: b\n    template: {clouds: [SPOT]}\n", "pools[0].template.clouds", "SECURE or COMMUNITY"),
        ("pools:\n  - name: b\n    scaling: {jobsPerWorker: 0}\n", "pools[0].scaling.jobsPerWorker", "at least 1"),
        ("pools:\n  - name: b\n    scalng: {}\n", "pools[0].scalng", "unknown key"),
        ("pools:\n  - name: b\n    maxCostPerHour: -3\n", "pools[0].maxCostPerHour", "positive"),
        ("pools:\n  - name: b\n", "pools[0].template", "image or templateId"),
    ])
    func badPoolsAreReportedByIndex(yaml: String, key: String, reason: String) throws {
        let failure = try #require(error(yaml))
        #expect(failure.key == key)
        #expect(failure.reason.contains(reason), "\(failure)")
    }

    @Test func badFlagsAndEnvironmentNameTheirOrigin() throws {
        let fromEnv = try #require(error(Self.minimal, env: ["RUNPOD_AUTOSCALER_GRPC_MAX_MESSAGE_BYTES": "lots"]))
        #expect(fromEnv.origin == "environment variable RUNPOD_AUTOSCALER_GRPC_MAX_MESSAGE_BYTES")
        let fromFlag = try #require(error(Self.minimal, set: ["demand.pollSeconds=-1"]))
        #expect(fromFlag.origin == "--set demand.pollSeconds")
        let unknown = try #require(error(Self.minimal, set: ["grpc.port=1"]))
        #expect(unknown.key == "grpc.port")
        let malformed = try #require(error(Self.minimal, set: ["grpc.listen"]))
        #expect(malformed.reason.contains("KEY=VALUE"))
    }

    @Test func invalidYAMLIsReported() throws {
        let failure = try #require(error("grpc: [unclosed\n"))
        #expect(failure.reason.contains("not valid YAML"))
    }

    @Test func renderingRedactsSecrets() throws {
        let config = try load(
            "pools:\n  - name: b\n    template: {image: w, env: {HF_TOKEN: hf_supersecret}}\n",
            env: ["RUNPOD_API_KEY": "rk_live_topsecret"])
        let text = ConfigRenderer.render(config)
        #expect(!text.contains("topsecret"))
        #expect(!text.contains("supersecret"))
        #expect(text.contains("HF_TOKEN"))
        #expect(text.contains("apiKey: \"<redacted>\""))
        #expect(text.contains("listen: \"0.0.0.0:9090\""))
    }
}

@Suite struct ConfigReferenceTests {
    /// README.md's settings table is exactly what the code knows.
    @Test func readmeTableIsCurrent() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: ConfigReference.beginMarker))
        let end = try #require(readme.range(of: ConfigReference.endMarker))
        let table = readme[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(table == ConfigReference.markdownTable(), "run `make config-reference`")
        for key in ConfigKey.all { #expect(table.contains("`\(key.path)`")) }
    }
}
