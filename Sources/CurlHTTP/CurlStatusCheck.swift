internal import CCurlShim

/// What a transfer observed besides libcurl's code, to tell apart failures libcurl reports with one code.
struct CurlFailureContext {
    /// libcurl's explanation from the handle's error buffer, empty when it wrote none.
    var curlMessage = ""
    /// The write callback stopped the transfer because the body passed this many bytes.
    var exceededLimit: Int?
    /// The progress callback stopped the transfer for this reason.
    var abortReason: TransferAbort.Reason?
}

/// The one gateway for libcurl's `CURLcode` results: `CURLE_OK` passes, anything else throws the matching
/// ``HTTPClientError``. `operation` says what was attempted ("curl_easy_perform", "setting CURLOPT_URL").
func checkCurl(
    _ code: CURLcode,
    _ operation: String,
    context: CurlFailureContext = CurlFailureContext()
) throws(HTTPClientError) {
    guard code != CURLE_OK else { return }
    let number = Int(code.rawValue)
    let explanation = context.curlMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : context.curlMessage
    let detail = "\(operation) failed with curl error \(number): \(explanation)"
    switch code {
    case CURLE_OPERATION_TIMEDOUT:
        throw .timeout("timed out (\(detail))", curlCode: number)
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
        throw .connect("could not connect (\(detail))", curlCode: number)
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
        CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
        CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
        CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
        throw .tls("TLS failed (\(detail))", curlCode: number)
    case CURLE_FILESIZE_EXCEEDED:
        throw .tooLarge("the response body is larger than allowed (\(detail))", curlCode: number)
    case CURLE_WRITE_ERROR where context.exceededLimit != nil:
        throw .tooLarge("the response body is larger than \(context.exceededLimit ?? 0) bytes", curlCode: number)
    case CURLE_ABORTED_BY_CALLBACK where context.abortReason == .shutdown:
        throw .shutdown("the HTTP client was shut down during the transfer")
    case CURLE_ABORTED_BY_CALLBACK where context.abortReason == .cancelled:
        throw .cancelled("the request was cancelled during the transfer")
    case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION,
        CURLE_NOT_BUILT_IN:
        throw .invalidRequest("the request cannot be sent (\(detail))", curlCode: number)
    default:
        throw .transport("the transfer failed (\(detail))", curlCode: number)
    }
}
