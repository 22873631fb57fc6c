extension HTTPClient.Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every setting, with PEM texts replaced by their size, the private key by `<redacted>` and the proxy URL
    /// without its user info, so a configuration can be logged.
    public var description: String {
        var fields = [
            "connectTimeout: \(connectTimeout)", "timeout: \(timeout)", "maxResponseBytes: \(maxResponseBytes)",
            "maxConcurrentTransfers: \(maxConcurrentTransfers)", "userAgent: \(userAgent)",
        ]
        if let proxy {
            fields.append("proxy: \(HTTPRequest(url: proxy).redactedURL)")
        }
        if let caFile {
            fields.append("caFile: \(caFile)")
        }
        if let caPEM {
            fields.append("caPEM: <\(caPEM.utf8.count) bytes>")
        }
        if let clientCertificatePEM {
            fields.append("clientCertificatePEM: <\(clientCertificatePEM.utf8.count) bytes>")
        }
        if clientKeyPEM != nil {
            fields.append("clientKeyPEM: <redacted>")
        }
        if let clientCertificateFile {
            fields.append("clientCertificateFile: \(clientCertificateFile)")
        }
        if let clientKeyFile {
            fields.append("clientKeyFile: \(clientKeyFile)")
        }
        return "HTTPClient.Configuration(\(fields.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    /// No children: `dump` and debuggers show ``description`` instead of the stored key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
