import Config
import Foundation

/// A silence: while it is active, events whose labels match all its matchers are recorded but
/// not delivered.
///
/// Stored in PostgreSQL, so every replica honours a silence created through any of them.
public struct Silence: Sendable, Equatable {
    /// Stable id, used by `silence expire ID` and `DELETE /api/v1/silences/{id}`.
    public var id: UUID
    /// Label matchers with the route `match` syntax; every one must hold.
    public var matchers: [LabelMatcher]
    /// When it starts to hold.
    public var startsAt: Date
    /// When it stops holding (exclusive).
    public var endsAt: Date
    /// Why: required, so the next on-call person knows.
    public var comment: String
    /// Who created it.
    public var createdBy: String
    /// When it was created.
    public var createdAt: Date

    public init(id: UUID = UUID(), matchers: [LabelMatcher], startsAt: Date, endsAt: Date, comment: String,
                createdBy: String, createdAt: Date = Date()) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.comment = comment
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// Where a silence stands at a given time.
    public enum State: String, Sendable, Equatable {
        /// Created, not yet started.
        case pending
        /// Holding now.
        case active
        /// Over (ended, or expired by hand).
        case expired
    }

    /// Pending before ``startsAt``, active from it until ``endsAt``, expired from then on. A
    /// silence that ends where it starts (a pending one expired by hand) never holds.
    public func state(at time: Date) -> State {
        if time >= endsAt || endsAt <= startsAt { return .expired }
        return time < startsAt ? .pending : .active
    }
}

extension Silence {
    /// A silence as `silence list --json` and `/api/v1/silences` show it.
    public struct Row: Codable, Sendable, Equatable {
        public var id: UUID
        /// `{label: value}` or `{label: "=~ regex"}`.
        public var matchers: [String: String]
        public var startsAt: Date
        public var endsAt: Date
        /// `pending`, `active` or `expired` when it was read.
        public var state: String
        public var comment: String
        public var createdBy: String
        public var createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, matchers, state, comment
            case startsAt = "starts_at", endsAt = "ends_at", createdBy = "created_by", createdAt = "created_at"
        }
    }

    /// The row for this silence, its state taken at `time`.
    public func row(at time: Date) -> Row {
        Row(id: id, matchers: Dictionary(matchers.map { ($0.label, $0.written) }, uniquingKeysWith: { _, last in last }),
            startsAt: startsAt, endsAt: endsAt, state: state(at: time).rawValue, comment: comment, createdBy: createdBy,
            createdAt: createdAt)
    }

    /// `waba_id=104000001 rule=~quality_.*`, as `--match` flags would write it.
    public var matchersText: String {
        matchers.map { matcher in
            switch matcher.test {
            case .equals(let value): "\(matcher.label)=\(value)"
            case .matches(let pattern): "\(matcher.label)=~\(pattern)"
            }
        }.joined(separator: " ")
    }
}
