/// Why a poll is incomplete: which partner, which page, what went wrong, and what the API said.
///
/// The description reads like
/// `partner abc: GET /channels page 3 (offset 200): HTTP 500 (trace 9f2c…): giving up after 4 attempts`
/// and never contains the API key.
public struct PollFailure: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for classification (alerts on `auth`, metrics by kind).
    public enum Kind: Sendable, Hashable {
        /// 401 or 403: the API key was refused. Not retried.
        case auth(status: Int)
        /// Any other non-2xx status (after retries for 429 and 5xx).
        case http(status: Int)
        /// The body was not JSON, or was cut short.
        case malformedJSON
        /// The body was JSON but not a channel page (no `partner_channels`, a channel without `id`).
        case unexpectedResponse
        /// Connection refused/reset, DNS, TLS and other transport errors (after retries).
        case network
        /// A request timed out (after retries).
        case timeout
        /// The poll's deadline passed before every page arrived.
        case deadline
        /// The unique channels seen do not match `total`, or `total` moved during the poll.
        case totalMismatch
        /// The poll was cancelled (shutdown).
        case cancelled
    }

    /// The partner polled.
    public var partnerID: String
    /// 1-based page number (offset ÷ page size + 1), when the failure belongs to one page.
    public var page: Int?
    /// The page's offset, when the failure belongs to one page.
    public var offset: Int?
    /// The kind of failure.
    public var kind: Kind
    /// `meta.developer_message` from the API's error body, if any.
    public var developerMessage: String?
    /// `meta.360dialog_trace_id` from the API's error body, if any.
    public var traceID: String?
    /// Attempts made for the failing page (1 when not retried).
    public var attempts: Int
    /// What happened, without the partner/page prefix (e.g. `HTTP 500`, `connection refused`).
    public var message: String

    /// A failure; `message` is what happened, without the partner/page prefix.
    public init(partnerID: String, page: Int? = nil, offset: Int? = nil, kind: Kind,
                developerMessage: String? = nil, traceID: String? = nil, attempts: Int = 1, message: String) {
        self.partnerID = partnerID
        self.page = page
        self.offset = offset
        self.kind = kind
        self.developerMessage = developerMessage
        self.traceID = traceID
        self.attempts = attempts
        self.message = message
    }

    /// `partner P: GET /channels page N (offset O): what (trace T): giving up after A attempts; advice`.
    public var description: String {
        guard let advice else { return descriptionWithoutAdvice }
        return descriptionWithoutAdvice + "; " + advice
    }

    /// The description without the closing advice (for "retrying in …" log lines).
    var descriptionWithoutAdvice: String {
        var text = "partner \(partnerID): GET /channels"
        if let page { text += " page \(page)" }
        if let offset { text += " (offset \(offset))" }
        text += ": \(message)"
        if let developerMessage, !developerMessage.isEmpty { text += ": \"\(developerMessage)\"" }
        if let traceID, !traceID.isEmpty { text += " (trace \(traceID))" }
        if attempts > 1 { text += ": giving up after \(attempts) attempts" }
        return text
    }

    /// What an operator can do about it, where there is something to say.
    var advice: String? {
        switch kind {
        case .auth: return "check the partner's api_key"
        case .http(let status) where status == 404: return "check the partner id and base_url"
        case .deadline: return "raise poll.timeout or lower page_size"
        case .totalMismatch: return "the listing changed while it was read; the next poll will read it again"
        default: return nil
        }
    }
}
