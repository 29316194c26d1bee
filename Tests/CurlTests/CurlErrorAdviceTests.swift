import CCurl
import Testing

@testable import Curl

/// libcurl's result codes → the advice printed with them: each cause named, never a TLS
/// certificate hint for a server that simply offers no STARTTLS.
@Suite struct CurlErrorAdviceTests {
    static func advice(_ code: CURLcode, _ url: String = "https://hooks.example.com/x") -> String {
        CurlError(code: Int(code.rawValue), kind: CurlError.Kind(classifying: code), url: url, message: "m", isTransient: false).advice
    }

    @Test func noSTARTTLSNamesTheTwoWaysOut() {
        let advice = Self.advice(CURLE_USE_SSL_FAILED, "smtp://mail.example.com:587")
        #expect(advice.contains("does not offer STARTTLS"))
        #expect(advice.contains("smtps://") && advice.contains("require_tls: false"))
        #expect(!advice.contains("certificate"))
    }

    @Test(arguments: [
        (CURLE_SSL_CONNECT_ERROR, "smtps://mail.example.com:587", "port 587 and 25 want smtp://"),
        (CURLE_SSL_CONNECT_ERROR, "https://hooks.example.com:80/x", "plain-HTTP port"),
        (CURLE_PEER_FAILED_VERIFICATION, "https://hooks.example.com/x", "not trusted or does not name this host"),
        (CURLE_SSL_CACERT_BADFILE, "https://hooks.example.com/x", "CA file could not be read"),
        (CURLE_COULDNT_RESOLVE_HOST, "https://hooks.exampel.com/x", "does not resolve"),
        (CURLE_COULDNT_CONNECT, "https://hooks.example.com:8443/x", "Nothing accepted the connection"),
        (CURLE_GOT_NOTHING, "https://hooks.example.com/x", "closed the connection without answering"),
        (CURLE_RECV_ERROR, "https://hooks.example.com/x", "connection broke"),
        (CURLE_SEND_ERROR, "https://hooks.example.com/x", "connection broke"),
        (CURLE_WEIRD_SERVER_REPLY, "smtp://mail.example.com:443", "not answer as an SMTP server"),
        (CURLE_WEIRD_SERVER_REPLY, "http://mail.example.com:25", "not answer as an HTTP server"),
        (CURLE_LOGIN_DENIED, "smtp://mail.example.com:587", "refused the username and password"),
        (CURLE_UNSUPPORTED_PROTOCOL, "ftp://x/y", "scheme"),
        (CURLE_URL_MALFORMAT, "https://", "not well formed"),
        (CURLE_OPERATION_TIMEDOUT, "https://hooks.example.com/x", "did not answer in time"),
        (CURLE_FILESIZE_EXCEEDED, "https://hooks.example.com/x", "maxResponseBytes"),
    ])
    func advice(code: CURLcode, url: String, expected: String) {
        #expect(Self.advice(code, url).contains(expected), "\(Self.advice(code, url))")
    }
}
