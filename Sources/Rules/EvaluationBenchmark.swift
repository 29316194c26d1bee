import Foundation
import JSON

/// Times the engine over synthetic (previous, current) channel pairs: 100,000 pairs through the
/// shipped rules is the work of a first poll or of a rule change at that size (a steady-state
/// poll evaluates only the channels whose fingerprint changed). Measured by `channelwatch bench`;
/// BENCHMARKS.md has the figure and what dominates it.
///
/// Documents look like Partner API channels (nested `setup_info`, `client`, `waba_account`,
/// `settings`); a share of the pairs changes a watched field so rules fire, change and resolve.
public struct EvaluationBenchmark: Sendable {
    /// The measured figures.
    public struct Result: Sendable, CustomStringConvertible {
        /// Pairs evaluated.
        public var pairs: Int
        /// Facts produced.
        public var facts: Int
        /// Wall time of the evaluation loop only (documents and starting states are built beforehand).
        public var duration: Duration

        public var description: String {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Int(Double(pairs) / seconds) : 0
            return "evaluated \(pairs) pairs in \(String(format: "%.3f", seconds)) s (\(rate) pairs/s), \(facts) facts"
        }
    }

    /// The engine under test.
    public let engine: RuleEngine

    /// Creates a benchmark for `rules`.
    public init(rules: RuleSet) { engine = RuleEngine(rules: rules) }

    /// Builds `pairs` document pairs (`changedPercent` of them with a changed field) and times their evaluation.
    public func run(pairs: Int, changedPercent: Int = 10) -> Result {
        let documents = Self.pairs(count: pairs, changedPercent: changedPercent)
        let context = EvaluationContext(partnerID: "benchmark", observedAt: Date(timeIntervalSince1970: 1_795_000_000))
        let ids = (0..<pairs).map { "ch\($0)" }
        // Steady state: each channel's rule state is what evaluating its previous document left.
        let states = documents.indices.map { index in
            engine.evaluate(channelID: ids[index], previous: nil, current: documents[index].previous,
                            pollComplete: true, state: .empty, context: context).state
        }
        var facts = 0
        let clock = ContinuousClock()
        // The documents must outlive the clock reading, or freeing them would be timed too.
        let duration = withExtendedLifetime((documents, ids, states)) {
            clock.measure {
                for index in documents.indices {
                    let evaluation = engine.evaluate(channelID: ids[index], previous: documents[index].previous,
                                                     current: documents[index].current, pollComplete: true,
                                                     state: states[index], context: context)
                    facts += evaluation.facts.count
                }
            }
        }
        return Result(pairs: pairs, facts: facts, duration: duration)
    }

    /// Deterministic synthetic pairs: the same inputs on every run.
    public static func pairs(count: Int, changedPercent: Int) -> [(previous: JSONValue, current: JSONValue)] {
        let limits = ["TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "NA"]
        let ratings = ["High", "Medium", "Low", "GREEN", "NA"]
        return (0..<count).map { index in
            let previous = channel(index: index, limit: limits[index % 4], rating: ratings[index % 3],
                                   status: index % 20 == 7 ? "error" : "ready")
            guard index % 100 < changedPercent else { return (previous, previous) }
            let current = channel(index: index, limit: limits[(index / 7) % limits.count],
                                  rating: ratings[(index / 3) % ratings.count],
                                  status: index % 50 == 0 ? "error" : "ready")
            return (previous, current)
        }
    }

    static func channel(index: Int, limit: String, rating: String, status: String) -> JSONValue {
        .object([
            "id": .string("ch\(index)"),
            "status": .string(status),
            "availability_status": .string(status == "ready" ? "ready" : "error"),
            "current_limit": .string(limit),
            "current_quality_rating": .string(rating),
            "client_id": .string("client\(index % 97)"),
            "created_at": .string("2025-01-01T00:00:00Z"),
            "cancelled_at": .null,
            "terminated_at": .null,
            "is_oba": .bool(index % 5 == 0),
            "settings": .object(["tier": .string(index % 3 == 0 ? "premium" : "regular"), "throughput": .null]),
            "setup_info": .object(["phone_number": .string("+49151\(100_000 + index)"), "phone_name": .string("Shop \(index)")]),
            "client": .object(["id": .string("client\(index % 97)"), "name": .string("Client \(index % 97)")]),
            "waba_account": .object([
                "id": .string("waba\(index % 31)"), "status": .string("approved"), "external_id": .string("10\(index % 31)"),
                "on_behalf_of_business_info": .object(["name": .string("Business \(index % 31)")]),
            ]),
        ])
    }
}
