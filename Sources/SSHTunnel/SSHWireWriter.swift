/// Writes SSH wire encodings (RFC 4251 §5).
struct SSHWireWriter {
    private(set) var buffer: [UInt8] = []

    mutating func uint32(_ value: UInt32) {
        buffer += [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    mutating func bytes(_ value: [UInt8]) {
        uint32(UInt32(value.count))
        buffer += value
    }

    mutating func string(_ value: String) {
        bytes(Array(value.utf8))
    }
}
