import Foundation
import LibGRPCServer
import ScalerProtos
import SwiftProtobuf
import Testing

@testable import Autoscaler

@Suite struct ReflectionAndHealthTests {
    static let services = [
        "externalscaler.ExternalScaler", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ]

    func ask(_ service: ReflectionService, _ fill: (inout Grpc_Reflection_V1_ServerReflectionRequest) -> Void) throws
        -> Grpc_Reflection_V1_ServerReflectionResponse
    {
        var request = Grpc_Reflection_V1_ServerReflectionRequest()
        request.host = "localhost"
        fill(&request)
        return try Grpc_Reflection_V1_ServerReflectionResponse(
            serializedBytes: service.respond(to: try request.serializedBytes()))
    }

    @Test func listsEveryServedService() throws {
        let service = try ReflectionService(services: Self.services)
        let response = try ask(service) { $0.listServices = "" }
        #expect(response.listServicesResponse.service.map(\.name) == Self.services.sorted())
        #expect(response.validHost == "localhost")
        #expect(response.originalRequest.listServices == "")
    }

    @Test(arguments: [
        ("externalscaler.ExternalScaler", "externalscaler.proto"),
        ("externalscaler.ExternalScaler.GetMetrics", "externalscaler.proto"),
        ("externalscaler.MetricSpec", "externalscaler.proto"),
        ("grpc.health.v1.Health", "grpc/health/v1/health.proto"),
        ("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"),
        ("grpc.reflection.v1.ServerReflection", "grpc/reflection/v1/reflection.proto"),
        ("grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto"),
    ])
    func findsTheFileOfEverySymbol(symbol: String, file: String) throws {
        let service = try ReflectionService(services: Self.services)
        let response = try ask(service) { $0.fileContainingSymbol = symbol }
        let first = try #require(response.fileDescriptorResponse.fileDescriptorProto.first)
        #expect(try Google_Protobuf_FileDescriptorProto(serializedBytes: first).name == file)
    }

    @Test func servesFilesByName() throws {
        let service = try ReflectionService(services: Self.services)
        let response = try ask(service) { $0.fileByFilename = "grpc/health/v1/health.proto" }
        let files = try response.fileDescriptorResponse.fileDescriptorProto.map {
            try Google_Protobuf_FileDescriptorProto(serializedBytes: $0)
        }
        #expect(files.map(\.name) == ["grpc/health/v1/health.proto"])
        #expect(files[0].service.map(\.name) == ["Health"])
    }

    @Test func unknownThingsAreNotFoundErrors() throws {
        let service = try ReflectionService(services: Self.services)
        let symbol = try ask(service) { $0.fileContainingSymbol = "nope.Nope" }
        #expect(symbol.errorResponse.errorCode == StatusCode.notFound.rawValue)
        let file = try ask(service) { $0.fileByFilename = "nope.proto" }
        #expect(file.errorResponse.errorCode == StatusCode.notFound.rawValue)
        let garbage = try Grpc_Reflection_V1_ServerReflectionResponse(
            serializedBytes: service.respond(to: [0xff, 0xff]))
        #expect(garbage.errorResponse.errorCode == StatusCode.invalidArgument.rawValue)
    }

    @Test func extensionNumbersOfKnownMessagesAreEmpty() throws {
        let service = try ReflectionService(services: Self.services)
        let known = try ask(service) { $0.allExtensionNumbersOfType = "externalscaler.MetricSpec" }
        #expect(known.allExtensionNumbersResponse.baseTypeName == "externalscaler.MetricSpec")
        #expect(known.allExtensionNumbersResponse.extensionNumber.isEmpty)
    }

    @Test func healthStartsNotServingAndFollowsSetAll() throws {
        let health = HealthService(services: ["externalscaler.ExternalScaler"])
        func check(_ name: String) throws -> Result<[UInt8], GRPCStatus> {
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = name
            return health.check(try request.serializedBytes())
        }
        let before = try Grpc_Health_V1_HealthCheckResponse(serializedBytes: check("").get())
        #expect(before.status == .notServing)
        health.setAll(.serving)
        for name in ["", "externalscaler.ExternalScaler"] {
            #expect(try Grpc_Health_V1_HealthCheckResponse(serializedBytes: check(name).get()).status == .serving)
        }
        guard case .failure(let status) = try check("other.Service") else {
            Issue.record("unknown service answered")
            return
        }
        #expect(status.code == .notFound)
        let list = try Grpc_Health_V1_HealthListResponse(serializedBytes: health.list().get())
        #expect(Set(list.statuses.keys) == ["", "externalscaler.ExternalScaler"])
    }
}
