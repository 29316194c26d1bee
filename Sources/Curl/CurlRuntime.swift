import CCurl
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libcurl set-up, done exactly once before the first handle is created.
enum CurlRuntime {
    /// Swift initialises `static let` lazily under a once-guard, which gives the
    /// "exactly once, thread-safe" guarantee `curl_global_init` needs (it is not thread-safe).
    private static let initialization: CURLcode = {
        // A peer closing a socket mid-write must become an error code, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        return curl_global_init(CCURL_GLOBAL_ALL)
    }()

    /// Initialises libcurl on first use; throws if libcurl itself could not start.
    static func ensureInitialized() throws(CurlError) {
        let code = initialization
        guard code == CURLE_OK else {
            throw CurlError(
                curlCode: code, url: "", detail: "curl_global_init failed; libcurl cannot be used")
        }
    }
}
