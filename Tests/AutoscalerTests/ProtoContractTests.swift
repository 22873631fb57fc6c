import Foundation
import ScalerProtos
import SwiftProtobuf
import Testing

/// The project's protos must stay wire-identical to the reference contracts
/// (KEDA's externalscaler.proto, grpc-proto's health and reflection).
@Suite struct ProtoContractTests {
    /// The embedded descriptors, by file name.
    static func embedded() throws -> [String: Google_Protobuf_FileDescriptorProto] {
        let data = try #require(Data(base64Encoded: EmbeddedDescriptors.fileDescriptorSetBase64))
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        return Dictionary(uniqueKeysWithValues: set.file.map { ($0.name, $0) })
    }

    /// A reference file compiled by protoc now.
    static func reference(_ directory: String, _ file: String) throws -> Google_Protobuf_FileDescriptorProto {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ref-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: out) }
        let root = TestPaths.reference.appendingPathComponent(directory).path
        _ = try TestPaths.run("protoc", ["-I", root, "--descriptor_set_out=\(out.path)", file])
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: try Data(contentsOf: out))
        return try #require(set.file.first)
    }

    /// What the wire depends on: names, numbers, types, labels, RPC shapes.
    static func shape(_ file: Google_Protobuf_FileDescriptorProto) -> [String] {
        var lines = ["package \(file.package)"]
        func message(_ m: Google_Protobuf_DescriptorProto, _ prefix: String) {
            let name = prefix + m.name
            lines.append("message \(name) map=\(m.options.mapEntry)")
            for f in m.field {
                lines.append(
                    "field \(name).\(f.name) #\(f.number) \(f.type) \(f.label) \(f.typeName) oneof=\(f.hasOneofIndex ? String(f.oneofIndex) : "-") json=\(f.jsonName)"
                )
            }
            for o in m.oneofDecl { lines.append("oneof \(name).\(o.name)") }
            for e in m.enumType { enumeration(e, name + ".") }
            for n in m.nestedType { message(n, name + ".") }
        }
        func enumeration(_ e: Google_Protobuf_EnumDescriptorProto, _ prefix: String) {
            for v in e.value { lines.append("enum \(prefix)\(e.name).\(v.name) = \(v.number)") }
        }
        for m in file.messageType { message(m, "") }
        for e in file.enumType { enumeration(e, "") }
        for s in file.service {
            for m in s.method {
                lines.append(
                    "rpc \(s.name).\(m.name)(\(m.clientStreaming ? "stream " : "")\(m.inputType)) returns (\(m.serverStreaming ? "stream " : "")\(m.outputType))"
                )
            }
        }
        return lines.sorted()
    }

    @Test(arguments: [
        ("keda", "externalscaler.proto", "externalscaler.proto"),
        (".", "grpc/health/v1/health.proto", "grpc/health/v1/health.proto"),
        (".", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1/reflection.proto"),
        (".", "grpc/reflection/v1alpha/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"),
    ])
    func matchesTheReference(directory: String, referenceFile: String, ourFile: String) throws {
        let ours = try #require(try Self.embedded()[ourFile], "\(ourFile) is not embedded")
        let theirs = try Self.reference(directory, referenceFile)
        let ourShape = Self.shape(ours)
        let theirShape = Self.shape(theirs)
        #expect(
            ourShape == theirShape,
            "drift: only ours \(Set(ourShape).subtracting(theirShape)), only theirs \(Set(theirShape).subtracting(ourShape))"
        )
        #expect(ourShape.count > 3, "the comparison saw the messages")
    }

    /// KEDA v2.20.2 (the released contract, without StreamMetricSpec) is a
    /// strict subset of what we serve.
    @Test func coversTheReleasedKEDAContract() throws {
        let ours = Set(Self.shape(try #require(try Self.embedded()["externalscaler.proto"])))
        let released = try Self.reference("keda", "externalscaler.v2.20.2.proto")
        let releasedShape = Self.shape(released)
        #expect(Set(releasedShape).isSubset(of: ours))
        #expect(ours.contains { $0.contains("StreamMetricSpec") })
    }

    /// `make generate` was run after the last change to proto/.
    @Test func generatedCodeIsCurrent() throws {
        let stamp = TestPaths.repository.appendingPathComponent("Sources/ScalerProtos/GENERATED_FROM.sha256")
        let recorded = try String(contentsOf: stamp, encoding: .utf8)
        let files = recorded.split(separator: "\n").compactMap {
            $0.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
        }
        #expect(files.count == 4)
        let current = try TestPaths.run("sha256sum", files, in: TestPaths.repository.appendingPathComponent("proto"))
        #expect(String(decoding: current, as: UTF8.self) == recorded, "proto/ changed since the last `make generate`")
    }
}
