/// Why the emulator could not start.
public struct RunPodEmulatorError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case invalidListenAddress
        case alreadyStarted
        case cannotListen
    }

    private let code: Code
    public let message: String
    public let cause: (any Error)?

    private init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    static func invalidListenAddress(_ reason: String) -> Self {
        Self(code: .invalidListenAddress, message: "invalid listen address: \(reason)")
    }

    static let alreadyStarted = Self(code: .alreadyStarted, message: "the emulator is already running")

    static func cannotListen(_ address: String, cause: (any Error)?) -> Self {
        Self(code: .cannotListen, message: "cannot listen on \(address)", cause: cause)
    }

    public var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }
}
