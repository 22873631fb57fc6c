/// PEM contents for a TLS listener. With `clientCAPEM` set, clients must
/// present a certificate signed by it (mutual TLS).
public struct TLSConfiguration: Sendable {
    public var certificateChainPEM: String
    public var privateKeyPEM: String
    public var clientCAPEM: String?

    public init(certificateChainPEM: String, privateKeyPEM: String, clientCAPEM: String? = nil) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.clientCAPEM = clientCAPEM
    }
}
