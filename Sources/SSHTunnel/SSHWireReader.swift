/// Reads SSH wire encodings (RFC 4251 §5): big-endian `uint32` and length-prefixed strings.
struct SSHWireReader {
    private let data: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.data = bytes
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, data.count - offset >= count else { throw OpenSSHKeyError.badFormat("truncated") }
        defer { offset += count }
        return Array(data[offset..<offset + count])
    }

    mutating func uint32() throws -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes() throws -> [UInt8] {
        let length = try uint32()
        guard length <= UInt32(data.count - offset) else { throw OpenSSHKeyError.badFormat("truncated") }
        return try take(Int(length))
    }

    mutating func string() throws -> String {
        String(decoding: try bytes(), as: UTF8.self)
    }
}
