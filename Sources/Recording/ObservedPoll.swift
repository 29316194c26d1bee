import Alerting
import Foundation
import JSON

/// One channel as a poll saw it: its id and raw JSON text (stored as is), parsed only when needed.
public struct ObservedChannel: Sendable {
    public var id: String
    public var rawJSON: Data
    /// The document when the caller already had it parsed.
    private var parsed: JSONValue?

    /// A channel whose document is already parsed (`rawJSON` must be its text).
    public init(id: String, document: JSONValue, rawJSON: Data) {
        self.id = id
        self.parsed = document
        self.rawJSON = rawJSON
    }

    /// A channel known only by its bytes; ``document`` parses them when first asked.
    public init(id: String, rawJSON: Data) {
        self.id = id
        self.rawJSON = rawJSON
    }

    /// The channel document (parsed from ``rawJSON`` on each call unless it was given parsed).
    public var document: JSONValue {
        parsed ?? (try? JSONParser.parse(rawJSON)) ?? .null
    }
}

/// What one poll of one partner produced, complete or not — the recorder's input.
public struct ObservedPoll: Sendable {
    /// The partner polled.
    public var partnerID: String
    /// When the poll started and finished.
    public var startedAt: Date
    public var finishedAt: Date
    /// The channels fetched, unique by id (empty when they were streamed, see ``ObservedPollStream``).
    public var channels: [ObservedChannel]
    /// Unique channels the poll saw (``channels``' count unless they were streamed).
    public var channelCount: Int
    /// Pages fetched.
    public var pages: Int
    /// `nil` for a complete poll; otherwise why it was not complete.
    public var failure: Failure?

    /// Why a poll was incomplete, as recorded in `polls` and shown in `poll_failing`.
    public struct Failure: Sendable {
        /// Readable reason naming the page and the error (never the API key).
        public var message: String
        /// HTTP status of the failing response, if there was one.
        public var httpStatus: Int?
        /// `360dialog_trace_id` of the failing response, if any.
        public var traceID: String?

        /// 401/403: the key is wrong or revoked — `api_auth_failed`.
        public var isAuthFailure: Bool { httpStatus == 401 || httpStatus == 403 }

        public init(message: String, httpStatus: Int? = nil, traceID: String? = nil) {
            self.message = message
            self.httpStatus = httpStatus
            self.traceID = traceID
        }
    }

    /// Whether every page was fetched and the ids matched the total: only then may a channel be judged gone.
    public var isComplete: Bool { failure == nil }

    public init(partnerID: String, startedAt: Date, finishedAt: Date, channels: [ObservedChannel],
                channelCount: Int? = nil, pages: Int, failure: Failure?) {
        self.partnerID = partnerID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.channels = channels
        self.channelCount = channelCount ?? channels.count
        self.pages = pages
        self.failure = failure
    }
}

extension ChannelSummary {
    /// The fields messages show, read from a channel document (field names from the Partner API reference).
    public init(id: String, document: JSONValue?) {
        func text(_ path: JSONPath) -> String? { document?[path: path]?.scalarText }
        let paths = SummaryPaths.shared
        self.init(
            id: id,
            phoneNumber: text(paths.phoneNumber),
            phoneName: text(paths.phoneName),
            clientID: text(paths.clientID) ?? text(paths.clientIDNested),
            clientName: text(paths.clientName),
            wabaID: text(paths.wabaID),
            wabaName: text(paths.wabaName) ?? text(paths.wabaBusinessName),
            businessID: text(paths.businessID))
    }
}

/// The summary's field paths, parsed once: parsing them for every channel was a fifth of a
/// first poll's CPU.
private struct SummaryPaths: Sendable {
    static let shared = SummaryPaths()
    let phoneNumber: JSONPath = "setup_info.phone_number"
    let phoneName: JSONPath = "setup_info.phone_name"
    let clientID: JSONPath = "client_id"
    let clientIDNested: JSONPath = "client.id"
    let clientName: JSONPath = "client.name"
    let wabaID: JSONPath = "waba_account.id"
    let wabaName: JSONPath = "waba_account.name"
    let wabaBusinessName: JSONPath = "waba_account.on_behalf_of_business_info.name"
    let businessID: JSONPath = "waba_account.fb_business_id"
}
