import Config
import Crypto
import Foundation

/// One request to the inbound listener, judged purely: which partner, whether it is
/// authenticated, whether the body is an event. The listener reads at most
/// ``InboundRequest/maximumBodyBytes`` of body and hands them over with the headers; the
/// verdict says what to answer and, for an accepted event, what to store.
public struct InboundRequest: Sendable {
    /// Bodies larger than this (1 MiB) are refused with 413 before they are read further.
    public static let maximumBodyBytes = 1 << 20

    public var method: String
    public var path: String
    /// `x-360dialog-signature`, if sent.
    public var signature: String?
    /// `Authorization`, if sent.
    public var authorization: String?
    /// The body as read: at most ``maximumBodyBytes``.
    public var body: Data
    /// Whether the body was declared or sent longer than ``maximumBodyBytes`` (the rest was not read).
    public var bodyTooLarge: Bool

    public init(method: String, path: String, signature: String?, authorization: String?, body: Data, bodyTooLarge: Bool = false) {
        self.method = method
        self.path = path
        self.signature = signature
        self.authorization = authorization
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }

    /// The request the listener read.
    public init(_ request: InboundHTTPRequest) {
        self.init(method: request.method, path: request.path, signature: request.header(InboundSignature.headerName),
                  authorization: request.header("authorization"), body: request.body, bodyTooLarge: request.bodyTooLarge)
    }

    /// `/webhooks/360dialog/{partner_id}` → the partner id; nil for any other path.
    public static func partnerID(inPath path: String) -> String? {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = withoutQuery.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "webhooks", parts[1] == "360dialog" else { return nil }
        return String(parts[2]).removingPercentEncoding
    }

    /// What to answer, given how each partner authenticates (`nil`: not an inbound partner).
    public func verdict(authentication: (String) -> InboundAuthentication?) -> InboundVerdict {
        guard let partnerID = Self.partnerID(inPath: path), let expected = authentication(partnerID) else {
            return .notFound
        }
        guard method == "POST" else { return .methodNotAllowed }
        guard !bodyTooLarge, body.count <= Self.maximumBodyBytes else { return .tooLarge(partnerID: partnerID) }
        guard expected.accepts(signature: signature, authorization: authorization, body: body) else {
            return .unauthorized(partnerID: partnerID)
        }
        do {
            let event = try InboundEvent.parse(body)
            return .accepted(partnerID: partnerID, event: event, key: Self.idempotencyKey(event: event, body: body))
        } catch {
            return .invalid(partnerID: partnerID, reason: error.message)
        }
    }

    /// The event's id when it has one, else the body's SHA-256: how a repeat is recognised.
    static func idempotencyKey(event: InboundEvent, body: Data) -> String {
        if let id = event.id, !id.isEmpty { return "id:" + id }
        return "sha256:" + SHA256.hash(data: body).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// How one partner's inbound webhooks must authenticate: every configured method must pass.
public struct InboundAuthentication: Sendable {
    /// Platform secrets accepted for `x-360dialog-signature` (several while rotating).
    public var secrets: [Secret]
    /// Basic credentials expected in `Authorization`.
    public var basicAuth: InboundBasicAuth?

    public init(secrets: [Secret], basicAuth: InboundBasicAuth?) {
        self.secrets = secrets.filter { !$0.isEmpty }
        self.basicAuth = basicAuth
    }

    /// Whether it requires anything at all (a partner that requires nothing is refused by `check`).
    public var isConfigured: Bool { !secrets.isEmpty || basicAuth != nil }

    /// Whether the request passes every configured check; false when nothing is configured.
    public func accepts(signature: String?, authorization: String?, body: Data) -> Bool {
        guard isConfigured else { return false }
        if !secrets.isEmpty, !InboundSignature.isValid(signature, body: body, secrets: secrets) { return false }
        if let basicAuth, !basicAuth.accepts(authorization) { return false }
        return true
    }
}

/// What the listener answers, and what it stores (only for ``accepted(partnerID:event:key:)``).
public enum InboundVerdict: Sendable, Equatable {
    /// 200 once the event is committed (or recognised as a repeat).
    case accepted(partnerID: String, event: InboundEvent, key: String)
    /// 400: the body is not a JSON object.
    case invalid(partnerID: String, reason: String)
    /// 401: the signature or the Basic credentials do not match.
    case unauthorized(partnerID: String)
    /// 413: over 1 MiB.
    case tooLarge(partnerID: String)
    /// 404: not `/webhooks/360dialog/{partner}` of a partner with a `webhook:` block.
    case notFound
    /// 405: not a POST.
    case methodNotAllowed

    /// The HTTP status.
    public var status: Int {
        switch self {
        case .accepted: 200
        case .invalid: 400
        case .unauthorized: 401
        case .tooLarge: 413
        case .notFound: 404
        case .methodNotAllowed: 405
        }
    }

    /// The metrics label: `accepted` (duplicates are counted by the inbox), `invalid`,
    /// `unauthorized`, `too_large`, `not_found`, `method_not_allowed`.
    public var outcome: String {
        switch self {
        case .accepted: "accepted"
        case .invalid: "invalid"
        case .unauthorized: "unauthorized"
        case .tooLarge: "too_large"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        }
    }
}
