import Primitives
import Foundation

/// Decides `/readyz` from plain facts: the database answered, and every partner was
/// polled within 2 × interval — a partner never polled yet is given 2 × interval from the
/// worker's start. Pure, so every case is a table row.
public struct ReadinessPolicy: Sendable, Equatable {
    /// The poll interval in force.
    public var interval: Duration

    /// The policy for `interval`.
    public init(interval: Duration) {
        self.interval = interval
    }

    /// What the checks saw.
    public struct Observation: Sendable, Equatable {
        /// Why the database check failed; nil when it answered.
        public var databaseProblem: String?
        /// Seconds since each configured partner's last poll; nil for a partner never polled.
        public var secondsSinceLastPoll: [String: Double?]
        /// Seconds since the worker started.
        public var secondsSinceStart: Double

        /// An observation.
        public init(databaseProblem: String?, secondsSinceLastPoll: [String: Double?], secondsSinceStart: Double) {
            self.databaseProblem = databaseProblem
            self.secondsSinceLastPoll = secondsSinceLastPoll
            self.secondsSinceStart = secondsSinceStart
        }
    }

    /// One plain-text reason per failing check, partners in name order; empty means ready.
    public func problems(in observation: Observation) -> [String] {
        if let problem = observation.databaseProblem {
            // Partner ages come from the database, so without it there is nothing more to judge.
            return ["database: \(problem)"]
        }
        let limit = interval.seconds * 2
        var problems: [String] = []
        for partner in observation.secondsSinceLastPoll.keys.sorted() {
            switch observation.secondsSinceLastPoll[partner] ?? nil {
            case let age? where age > limit:
                problems.append("partner \(partner): last poll \(Int(age)) s ago, more than 2 × interval (\(Int(limit)) s)")
            case nil where observation.secondsSinceStart > limit:
                problems.append("partner \(partner): not polled in the \(Int(observation.secondsSinceStart)) s since start (limit \(Int(limit)) s)")
            default:
                break
            }
        }
        return problems
    }
}
