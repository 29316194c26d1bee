import CCurl

/// Owns one `CURL*` easy handle plus everything libcurl borrows from us for its lifetime:
/// the error buffer and every `curl_slist` handed to an option.
///
/// Not `Sendable`: an instance is created, used and destroyed on the transfer loop's thread.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// libcurl does not copy lists, so they are freed only when the handle is cleaned up.
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// The redacted URL, used to label errors raised while configuring.
    let redactedURL: String

    init(redactedURL: String) throws(CurlError) {
        try CurlRuntime.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw CurlError(
                code: Int(CURLE_FAILED_INIT.rawValue), kind: .other, url: redactedURL,
                message: "curl_easy_init returned NULL (out of memory?)", isTransient: true)
        }
        raw = handle
        self.redactedURL = redactedURL
        errorBuffer = .allocate(capacity: Int(CCURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE))
        _ = ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
        // Signals cannot be used for DNS timeouts in a multi-threaded process.
        _ = ccurl_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        for list in lists {
            curl_slist_free_all(list)
        }
        errorBuffer.deallocate()
    }

    /// libcurl's detailed message for the last failure, or "" if it wrote none.
    var errorDetail: String {
        String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    /// libcurl copies strings, so `value` need not outlive the call.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(ccurl_easy_setopt_string(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int) throws(CurlError) {
        try check(ccurl_easy_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_easy_setopt_pointer(raw, option, value), option)
    }

    /// Builds a `curl_slist` from `items` and keeps it alive until this handle is destroyed.
    func set(_ option: CURLoption, list items: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items {
            guard let appended = curl_slist_append(list, item) else {
                curl_slist_free_all(list)
                throw CurlError(
                    code: Int(CURLE_OUT_OF_MEMORY.rawValue), kind: .other, url: redactedURL,
                    message: "curl_slist_append failed (out of memory)", isTransient: true)
            }
            list = appended
        }
        guard let list else { return }
        lists.append(list)
        try check(ccurl_easy_setopt_slist(raw, option, list), option)
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code == CURLE_OK else {
            let name = curl_easy_option_by_id(option).map { String(cString: $0.pointee.name) }
            throw CurlError(
                curlCode: code, url: redactedURL,
                detail: "setting CURLOPT_\(name ?? String(option.rawValue)) failed")
        }
    }
}
