import Foundation
import Primitives

/// One `Pod` object, field by field as ``PodDocument`` decodes it: `id` required; `name`, `status`, `cloud`,
/// `dataCenterId`, `image`, the timestamps and `gpu` strict (a wrong type fails the document); `cost`, `env` and
/// `ssh` lenient (a wrong type reads as the default). Every failure of a strict field throws ``JSONByteReader/Unsure``.
extension PodJSONFastPath {
    typealias Unsure = JSONByteReader.Unsure

    /// The fields of a pod object, in the order of ``PodDocument``'s keys; each one's bit marks it read.
    private enum Field: UInt32 {
        case id, name, status, gpu, cloud, dataCenterId, cost, image, env, createdAt, startedAt, ssh

        @inline(__always)
        var spelling: StaticString {
            switch self {
            case .id: "id"
            case .name: "name"
            case .status: "status"
            case .gpu: "gpu"
            case .cloud: "cloud"
            case .dataCenterId: "dataCenterId"
            case .cost: "cost"
            case .image: "image"
            case .env: "env"
            case .createdAt: "createdAt"
            case .startedAt: "startedAt"
            case .ssh: "ssh"
            }
        }

        /// The field a raw key names, if any. A pod has about 25 keys: the length and first letter rule out
        /// all fields but one before any comparison.
        @inline(__always)
        init?(key: UnsafeBufferPointer<UInt8>) {
            guard let first = key.first else { return nil }
            let candidate: Field
            switch (key.count, first) {
            case (2, UInt8(ascii: "i")): candidate = .id
            case (4, UInt8(ascii: "n")): candidate = .name
            case (6, UInt8(ascii: "s")): candidate = .status
            case (3, UInt8(ascii: "g")): candidate = .gpu
            case (5, UInt8(ascii: "c")): candidate = .cloud
            case (12, UInt8(ascii: "d")): candidate = .dataCenterId
            case (4, UInt8(ascii: "c")): candidate = .cost
            case (5, UInt8(ascii: "i")): candidate = .image
            case (3, UInt8(ascii: "e")): candidate = .env
            case (9, UInt8(ascii: "c")): candidate = .createdAt
            case (9, UInt8(ascii: "s")): candidate = .startedAt
            case (3, UInt8(ascii: "s")): candidate = .ssh
            default: return nil
            }
            guard PodJSONFastPath.key(key, is: candidate.spelling) else { return nil }
            self = candidate
        }
    }

    /// Throws when `bit` is already in `seen` (a field named twice), else adds it.
    private static func claim(_ bit: UInt32, in seen: inout UInt32) throws(Unsure) {
        guard seen & (1 << bit) == 0 else { throw Unsure() }
        seen |= 1 << bit
    }

    static func readPod(_ reader: inout JSONByteReader) throws(Unsure) -> RunPodPod {
        var pod = RunPodPod(id: "", name: "", status: .other(""))
        var seen: UInt32 = 0
        var gpu: (id: String?, count: Double?)?
        try reader.readObject { (reader, key) throws(Unsure) in
            guard let field = Field(key: key) else { return try reader.skipValue(depth: 2) }
            try claim(field.rawValue, in: &seen)
            switch field {
            case .id:
                guard reader.atString() else { throw Unsure() }
                pod.id = try reader.readString()
            case .name: pod.name = try readOptionalString(&reader) ?? ""
            case .status: pod.status = RunPodPodStatus(rawValue: try readOptionalString(&reader) ?? "")
            case .gpu: gpu = try readGPU(&reader)
            case .cloud: pod.cloud = try readOptionalString(&reader)
            case .dataCenterId: pod.dataCenterId = try readOptionalString(&reader)
            case .cost: pod.costPerHour = try readLenientNumber(&reader) ?? 0
            case .image: pod.image = try readOptionalString(&reader)
            case .env: pod.env = try readEnvironment(&reader)
            case .createdAt: pod.createdAt = try readOptionalTimestamp(&reader)
            case .startedAt: pod.startedAt = try readOptionalTimestamp(&reader)
            case .ssh: pod.sshDirect = try readSSH(&reader)
            }
        }
        guard seen & (1 << Field.id.rawValue) != 0 else { throw Unsure() }
        pod.gpuTypeId = gpu?.id
        // The schema's default count is 1 when `gpu` is present (and for a count no Int holds); CPU pods have none.
        pod.gpuCount = gpu.map { $0.count.flatMap { LenientNumber(value: $0).integer } ?? 1 } ?? 0
        return pod
    }

    /// A string or null; anything else fails the document.
    private static func readOptionalString(_ reader: inout JSONByteReader) throws(Unsure) -> String? {
        if reader.skipNull() { return nil }
        guard reader.atString() else { throw Unsure() }
        return try reader.readString()
    }

    /// A timestamp string (nil when unparsable) or null; anything else fails the document.
    private static func readOptionalTimestamp(_ reader: inout JSONByteReader) throws(Unsure) -> Date? {
        if reader.skipNull() { return nil }
        guard reader.atString() else { throw Unsure() }
        return try reader.withStringBytes(RFC3339Timestamp.parse(utf8:))
    }

    /// `cost`: a number, a numeric string, or 0 for anything else (`try?` in ``PodDocument``).
    private static func readLenientNumber(_ reader: inout JSONByteReader) throws(Unsure) -> Double? {
        switch try readStrictNumber(&reader) {
        case .number(let value): value
        case .absent, .wrong: nil
        }
    }

    /// What a ``LenientNumber`` field held: a number, null, or something `LenientNumber` refuses.
    private enum NumberField {
        case number(Double)
        case absent
        case wrong
    }

    private static func readStrictNumber(_ reader: inout JSONByteReader) throws(Unsure) -> NumberField {
        if reader.skipNull() { return .absent }
        if reader.atNumber() { return .number(try reader.readNumber()) }
        if reader.atString() {
            return LenientNumber.number(inText: try reader.readString()).map(NumberField.number) ?? .wrong
        }
        try reader.skipValue(depth: 2)
        return .wrong
    }

    /// `gpu`: null, or an object whose `id` is a string or null and whose `count` is a ``LenientNumber`` or
    /// null; anything else fails the document.
    private static func readGPU(_ reader: inout JSONByteReader) throws(Unsure) -> (id: String?, count: Double?)? {
        if reader.skipNull() { return nil }
        guard reader.atObject() else { throw Unsure() }
        var gpu: (id: String?, count: Double?) = (nil, nil)
        var seen: UInt32 = 0
        try reader.readObject { (reader, key) throws(Unsure) in
            if PodJSONFastPath.key(key, is: "id") {
                try claim(0, in: &seen)
                gpu.id = try readOptionalString(&reader)
            } else if PodJSONFastPath.key(key, is: "count") {
                try claim(1, in: &seen)
                switch try readStrictNumber(&reader) {
                case .number(let value): gpu.count = value
                case .absent: gpu.count = nil
                case .wrong: throw Unsure()
                }
            } else {
                try reader.skipValue(depth: 3)
            }
        }
        return gpu
    }

    /// `env`: an object of strings, else empty (`try?` in ``PodDocument``).
    private static func readEnvironment(_ reader: inout JSONByteReader) throws(Unsure) -> [String: String] {
        guard reader.atObject() else {
            try reader.skipValue(depth: 2)
            return [:]
        }
        var environment: [String: String] = [:]
        var allStrings = true
        try reader.readObject { (reader, key) throws(Unsure) in
            guard reader.atString() else {
                allStrings = false
                return try reader.skipValue(depth: 3)
            }
            let name = String(decoding: key, as: UTF8.self)
            // Which of two equal names JSONDecoder keeps is its business.
            guard environment.updateValue(try reader.readString(), forKey: name) == nil else { throw Unsure() }
        }
        return allStrings ? environment : [:]
    }

    /// `ssh.direct` as ``PodDocument`` reads it: a host, a port in 1...65535 and a username (default `root`), or
    /// nil for anything missing or malformed.
    private static func readSSH(_ reader: inout JSONByteReader) throws(Unsure) -> RunPodSSHEndpoint? {
        guard reader.atObject() else {
            try reader.skipValue(depth: 2)
            return nil
        }
        var endpoint: RunPodSSHEndpoint?
        var valid = true
        var seen: UInt32 = 0
        try reader.readObject { (reader, key) throws(Unsure) in
            guard PodJSONFastPath.key(key, is: "direct") else { return try reader.skipValue(depth: 3) }
            try claim(0, in: &seen)
            if reader.skipNull() { return }
            guard reader.atObject() else {
                valid = false
                return try reader.skipValue(depth: 3)
            }
            let direct = try readEndpoint(&reader)
            valid = direct.valid
            endpoint = direct.endpoint
        }
        return valid ? endpoint : nil
    }

    /// An `ssh.direct` object: the endpoint it names (nil when incomplete), and whether every field had its type.
    private static func readEndpoint(
        _ reader: inout JSONByteReader
    ) throws(Unsure) -> (endpoint: RunPodSSHEndpoint?, valid: Bool) {
        var host: String?
        var port: Double?
        var username: String?
        var valid = true
        var seen: UInt32 = 0
        try reader.readObject { (reader, key) throws(Unsure) in
            if PodJSONFastPath.key(key, is: "host") {
                try claim(0, in: &seen)
                host = try readLenientString(&reader, valid: &valid)
            } else if PodJSONFastPath.key(key, is: "port") {
                try claim(1, in: &seen)
                switch try readStrictNumber(&reader) {
                case .number(let value): port = value
                case .absent: port = nil
                case .wrong: valid = false
                }
            } else if PodJSONFastPath.key(key, is: "username") {
                try claim(2, in: &seen)
                username = try readLenientString(&reader, valid: &valid)
            } else {
                try reader.skipValue(depth: 4)
            }
        }
        guard let host, !host.isEmpty, let port = port.flatMap({ LenientNumber(value: $0).integer }),
            (1...65535).contains(port)
        else { return (nil, valid) }
        return (RunPodSSHEndpoint(host: host, port: port, username: username ?? "root"), valid)
    }

    /// A string or null; anything else clears `valid` (inside a `try?` block of ``PodDocument``).
    private static func readLenientString(
        _ reader: inout JSONByteReader, valid: inout Bool
    ) throws(Unsure) -> String? {
        if reader.skipNull() { return nil }
        guard reader.atString() else {
            valid = false
            try reader.skipValue(depth: 4)
            return nil
        }
        return try reader.readString()
    }
}
