import Alerting
import Foundation
import Inspection
import JSON
import Recording

/// `GET/POST /api/v1/silences` and `DELETE /api/v1/silences/{id}` on `listen`: JSON in and out,
/// every error a JSON object with a `message`.
///
/// Who may call them is ``AccessControl``'s decision, made before. A JSON body is required,
/// which a cross-site form cannot send, so these requests need no CSRF token.
public struct SilenceAPI: Sendable {
    /// Where silences are stored.
    public let store: SilenceStore

    public init(store: SilenceStore) {
        self.store = store
    }

    /// Bodies larger than this are refused unread (413).
    public static let maximumBodyBytes = 64 * 1024

    /// An answer: the status code and the JSON body.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: Data

        static func json<T: Encodable>(_ status: Int, _ value: T) -> Answer {
            Answer(status: status, body: (try? SilenceAPI.encoder.encode(value)) ?? Data("{}".utf8))
        }

        static func error(_ status: Int, _ message: String, problems: [String] = []) -> Answer {
            json(status, ErrorBody(message: message, problems: problems.isEmpty ? nil : problems))
        }
    }

    private struct ErrorBody: Encodable {
        var message: String
        var problems: [String]?
    }

    private struct ListBody: Encodable {
        var silences: [Silence.Row]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case silences, nextCursor = "next_cursor"
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `GET /api/v1/silences[?expired=true]`: pending and active silences (and expired ones),
    /// newest first, `limit` at a time after `cursor`.
    public func list(includeExpired: Bool, limit: Int = 100, after cursor: PageCursor? = nil, now: Date = Date()) async -> Answer {
        do {
            let page = Self.page(try await store.list(at: now, includeExpired: includeExpired), limit: limit, after: cursor)
            return .json(200, ListBody(silences: page.rows.map { $0.row(at: now) }, nextCursor: page.next?.description))
        } catch {
            return .error(503, "the database could not be read; try again")
        }
    }

    /// The silences after `cursor` in the store's order (newest first, then id), `limit` of them.
    static func page(_ silences: [Silence], limit: Int, after cursor: PageCursor?) -> Page<Silence> {
        func key(_ silence: Silence) -> (Int64, String) {
            (Int64((silence.createdAt.timeIntervalSince1970 * 1e6).rounded()), silence.id.uuidString.lowercased())
        }
        let remaining = cursor.map { cursor in
            silences.filter { key($0).0 < cursor.microseconds || (key($0).0 == cursor.microseconds && key($0).1 < cursor.key) }
        } ?? silences
        let shown = Array(remaining.prefix(limit))
        guard remaining.count > limit, let last = shown.last else { return Page(rows: shown, next: nil) }
        return Page(rows: shown, next: PageCursor(microseconds: key(last).0, key: key(last).1))
    }

    /// `POST /api/v1/silences`: validates the body and stores the silence (201), or stores nothing
    /// (4xx). `author` stands in for a missing `created_by` (the signed-in user or token).
    public func create(body: Data, contentType: String?, author: String? = nil, now: Date = Date(),
                       validate: @Sendable (SilenceRequest, Date) -> Result<Silence, SilenceRequestError>) async -> Answer {
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            return .error(415, "send the silence as JSON with Content-Type: application/json")
        }
        guard body.count <= Self.maximumBodyBytes else { return .error(413, "the body is larger than 64 KiB") }
        var request: SilenceRequest
        switch Self.request(from: body) {
        case .success(let parsed): request = parsed
        case .failure(let error): return .error(400, "invalid silence: " + error.problems.joined(separator: "; "), problems: error.problems)
        }
        if request.createdBy?.isEmpty ?? true, let author { request.createdBy = author }
        switch validate(request, now) {
        case .failure(let error):
            return .error(400, error.description, problems: error.problems)
        case .success(let silence):
            do {
                try await store.add(silence)
                return .json(201, silence.row(at: now))
            } catch {
                return .error(503, "the silence could not be stored; nothing was saved, try again")
            }
        }
    }

    /// `DELETE /api/v1/silences/{id}`: ends the silence now (200), 404 for an unknown id.
    public func expire(id text: String, now: Date = Date()) async -> Answer {
        guard let id = UUID(uuidString: text) else { return .error(404, "'\(text)' is not a silence id") }
        do {
            switch try await store.expire(id, at: now) {
            case .expired(let silence), .alreadyExpired(let silence): return .json(200, silence.row(at: now))
            case .notFound: return .error(404, "no silence \(id)")
            }
        } catch {
            return .error(503, "the database could not be changed; try again")
        }
    }

    /// The keys a request body may have.
    static let bodyKeys: Set<String> = ["matchers", "starts_at", "ends_at", "duration", "comment", "created_by"]

    /// Reads the JSON body: `{"matchers": {"label": "value" | "=~regex"}, "starts_at", "ends_at" | "duration",
    /// "comment", "created_by"}`; every problem of shape is named.
    static func request(from body: Data) -> Result<SilenceRequest, SilenceRequestError> {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(body)
        } catch {
            return .failure(SilenceRequestError(problems: ["the body is not JSON: \(error)"]))
        }
        guard case .object(let members) = parsed else {
            return .failure(SilenceRequestError(problems: ["the body must be a JSON object"]))
        }
        var problems: [String] = []
        for key in members.keys.sorted() where !bodyKeys.contains(key) {
            problems.append("unknown key '\(key)'; keys are \(bodyKeys.sorted().joined(separator: ", "))")
        }
        func text(_ key: String) -> String? {
            guard let value = members[key], value != .null else { return nil }
            guard case .string(let string) = value else {
                problems.append("'\(key)' must be a string")
                return nil
            }
            return string
        }
        var matchers: [(label: String, written: String)] = []
        switch members["matchers"] {
        case .object(let pairs)?:
            for label in pairs.keys.sorted() {
                guard case .string(let written) = pairs[label]! else {
                    problems.append("matcher '\(label)' must be a string: a value, or =~ and a regular expression")
                    continue
                }
                matchers.append((label, written))
            }
        case nil:
            break
        default:
            problems.append("'matchers' must be an object such as {\"waba_id\": \"104000001\"}")
        }
        let request = SilenceRequest(matchers: matchers, startsAt: text("starts_at"), endsAt: text("ends_at"),
                                     duration: text("duration"), comment: text("comment"), createdBy: text("created_by"))
        return problems.isEmpty ? .success(request) : .failure(SilenceRequestError(problems: problems))
    }
}
