internal import CCurlShim

extension EasyHandle {
    /// Trust anchors and the client identity from `configuration`. Peer and host verification stay on whatever
    /// is set here; messages name options, never their values.
    func configureTLSIdentity(_ configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        try Self.checkTLSIdentity(configuration)
        if let caPEM = configuration.caPEM {
            // A copied blob overrides CURLOPT_CAINFO; clearing CURLOPT_CAPATH drops the built-in CA
            // directory, so these certificates are the only trust anchors.
            try set(CURLOPT_CAINFO_BLOB, blob: caPEM, "CURLOPT_CAINFO_BLOB")
            try clear(CURLOPT_CAPATH, "CURLOPT_CAPATH")
        } else if let caFile = configuration.caFile {
            try set(CURLOPT_CAINFO, caFile, "CURLOPT_CAINFO")
        }
        if let certificate = configuration.clientCertificatePEM {
            try set(CURLOPT_SSLCERTTYPE, "PEM", "CURLOPT_SSLCERTTYPE")
            try set(CURLOPT_SSLCERT_BLOB, blob: certificate, "CURLOPT_SSLCERT_BLOB")
        } else if let certificateFile = configuration.clientCertificateFile {
            try set(CURLOPT_SSLCERTTYPE, "PEM", "CURLOPT_SSLCERTTYPE")
            try set(CURLOPT_SSLCERT, certificateFile, "CURLOPT_SSLCERT")
        }
        if let key = configuration.clientKeyPEM {
            try set(CURLOPT_SSLKEYTYPE, "PEM", "CURLOPT_SSLKEYTYPE")
            try set(CURLOPT_SSLKEY_BLOB, blob: key, "CURLOPT_SSLKEY_BLOB")
        } else if let keyFile = configuration.clientKeyFile {
            try set(CURLOPT_SSLKEYTYPE, "PEM", "CURLOPT_SSLKEYTYPE")
            try set(CURLOPT_SSLKEY, keyFile, "CURLOPT_SSLKEY")
        }
    }

    /// Rejects identity settings that contradict each other, before anything reaches libcurl.
    static func checkTLSIdentity(_ configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        if configuration.clientCertificatePEM != nil, configuration.clientCertificateFile != nil {
            throw .invalidRequest("set clientCertificatePEM or clientCertificateFile, not both")
        }
        if configuration.clientKeyPEM != nil, configuration.clientKeyFile != nil {
            throw .invalidRequest("set clientKeyPEM or clientKeyFile, not both")
        }
        let hasKey = configuration.clientKeyPEM != nil || configuration.clientKeyFile != nil
        let hasCertificate = configuration.clientCertificatePEM != nil || configuration.clientCertificateFile != nil
        if hasKey, !hasCertificate {
            throw .invalidRequest("a client key is set without a client certificate")
        }
    }
}
