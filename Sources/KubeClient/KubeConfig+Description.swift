extension KubeConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every setting with the token and the private key redacted and PEM texts replaced by their size.
    public var description: String {
        var fields = ["server: \(server)", "namespace: \(namespace)"]
        if let caPEM {
            fields.append("caPEM: <\(caPEM.utf8.count) bytes>")
        }
        if token != nil {
            fields.append("token: <redacted>")
        }
        if let tokenFile {
            fields.append("tokenFile: \(tokenFile)")
        }
        if let clientCertificatePEM {
            fields.append("clientCertificatePEM: <\(clientCertificatePEM.utf8.count) bytes>")
        }
        if clientKeyPEM != nil {
            fields.append("clientKeyPEM: <redacted>")
        }
        if let proxy {
            fields.append("proxy: \(Redaction.url(proxy))")
        }
        if let reportingInstance {
            fields.append("reportingInstance: \(reportingInstance)")
        }
        return "KubeConfig(\(fields.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    /// No children: `dump` and debuggers show ``description`` instead of the secrets.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
