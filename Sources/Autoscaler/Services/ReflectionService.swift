import Foundation
import LibGRPCServer
import ScalerProtos
import SwiftProtobuf

/// Server reflection over both `grpc.reflection.v1` and `v1alpha` (their
/// messages are wire-identical, so one implementation answers both), built
/// from the descriptor set protoc wrote at generation time.
public struct ReflectionService: Sendable {
    public static let v1ServiceName = "grpc.reflection.v1.ServerReflection"
    public static let v1alphaServiceName = "grpc.reflection.v1alpha.ServerReflection"

    /// Serialized FileDescriptorProtos by file name, and their dependencies.
    private let files: [String: (bytes: Data, dependencies: [String])]
    /// Fully-qualified symbol (service, method, message, enum, field) → file name.
    private let symbols: [String: String]
    /// Message name → extension numbers (none of the served files has any).
    private let messages: Set<String>
    private let services: [String]

    /// - Parameter services: the names `list_services` reports.
    public init(descriptorSetBase64: String = EmbeddedDescriptors.fileDescriptorSetBase64, services: [String]) throws {
        guard let data = Data(base64Encoded: descriptorSetBase64) else {
            throw GRPCStatus(.internal, "embedded descriptor set is not base64")
        }
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        var files: [String: (Data, [String])] = [:]
        var symbols: [String: String] = [:]
        var messages = Set<String>()
        for file in set.file {
            files[file.name] = (try file.serializedBytes(), file.dependency)
            let prefix = file.package.isEmpty ? "" : file.package + "."
            if !file.package.isEmpty { symbols[file.package] = symbols[file.package] ?? file.name }
            for service in file.service {
                symbols[prefix + service.name] = file.name
                for method in service.method { symbols[prefix + service.name + "." + method.name] = file.name }
            }
            for message in file.messageType {
                Self.index(message, prefix: prefix, file: file.name, into: &symbols, &messages)
            }
            for enumeration in file.enumType { symbols[prefix + enumeration.name] = file.name }
        }
        self.files = files
        self.symbols = symbols
        self.messages = messages
        self.services = services.sorted()
    }

    private static func index(
        _ message: Google_Protobuf_DescriptorProto, prefix: String, file: String,
        into symbols: inout [String: String], _ messages: inout Set<String>
    ) {
        let name = prefix + message.name
        symbols[name] = file
        messages.insert(name)
        for field in message.field { symbols[name + "." + field.name] = file }
        for nested in message.nestedType { index(nested, prefix: name + ".", file: file, into: &symbols, &messages) }
        for enumeration in message.enumType { symbols[name + "." + enumeration.name] = file }
    }

    public var handlers: [String: MethodHandler] {
        let handler = MethodHandler.bidiStreaming { _, request, stream in
            stream.send(respond(to: request))
        }
        return [
            "/\(Self.v1ServiceName)/ServerReflectionInfo": handler,
            "/\(Self.v1alphaServiceName)/ServerReflectionInfo": handler,
        ]
    }

    /// One response per request; errors are ErrorResponses, as the protocol wants.
    func respond(to bytes: [UInt8]) -> [UInt8] {
        var response = Grpc_Reflection_V1_ServerReflectionResponse()
        guard let request = try? Grpc_Reflection_V1_ServerReflectionRequest(serializedBytes: bytes) else {
            response.errorResponse = error(.invalidArgument, "malformed ServerReflectionRequest")
            return (try? response.serializedBytes()) ?? []
        }
        response.validHost = request.host
        response.originalRequest = request
        switch request.messageRequest {
        case .listServices:
            var list = Grpc_Reflection_V1_ListServiceResponse()
            list.service = services.map { name in
                var service = Grpc_Reflection_V1_ServiceResponse()
                service.name = name
                return service
            }
            response.listServicesResponse = list
        case .fileByFilename(let name):
            if files[name] != nil {
                response.fileDescriptorResponse = descriptors(startingAt: name)
            } else {
                response.errorResponse = error(.notFound, "file \"\(name)\" not found")
            }
        case .fileContainingSymbol(let symbol):
            let trimmed = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
            if let file = symbols[trimmed] {
                response.fileDescriptorResponse = descriptors(startingAt: file)
            } else {
                response.errorResponse = error(.notFound, "symbol \"\(symbol)\" not found")
            }
        case .fileContainingExtension(let request):
            response.errorResponse = error(
                .notFound, "extension \(request.extensionNumber) of \"\(request.containingType)\" not found")
        case .allExtensionNumbersOfType(let type):
            if messages.contains(type) {
                var numbers = Grpc_Reflection_V1_ExtensionNumberResponse()
                numbers.baseTypeName = type
                response.allExtensionNumbersResponse = numbers
            } else {
                response.errorResponse = error(.notFound, "type \"\(type)\" not found")
            }
        case nil:
            response.errorResponse = error(.invalidArgument, "empty ServerReflectionRequest")
        }
        return (try? response.serializedBytes()) ?? []
    }

    /// The file and everything it imports, the file first.
    private func descriptors(startingAt name: String) -> Grpc_Reflection_V1_FileDescriptorResponse {
        var ordered: [String] = []
        var pending = [name]
        while let next = pending.popLast() {
            guard !ordered.contains(next), let file = files[next] else { continue }
            ordered.append(next)
            pending.append(contentsOf: file.dependencies.reversed())
        }
        var response = Grpc_Reflection_V1_FileDescriptorResponse()
        response.fileDescriptorProto = ordered.compactMap { files[$0]?.bytes }
        return response
    }

    private func error(_ code: StatusCode, _ message: String) -> Grpc_Reflection_V1_ErrorResponse {
        var error = Grpc_Reflection_V1_ErrorResponse()
        error.errorCode = code.rawValue
        error.errorMessage = message
        return error
    }
}
