/// An ordering of a field's values, made of one or more separate scales.
///
/// Values on different scales, and values on no scale at all (`NA`, `TIER_NOT_SET`, anything
/// the API invents later), are unordered: they never count as a step up or down and never
/// satisfy `above`/`below`.
public struct ValueOrder: Sendable, Hashable {
    /// The scales, each from lowest to highest.
    public let scales: [[String]]
    private let positions: [String: Position]

    struct Position: Sendable, Hashable {
        let scale: Int
        let rank: Int
    }

    /// Builds an order from scales listed lowest first; a value listed twice keeps its first place.
    public init(scales: [[String]]) {
        self.scales = scales
        var positions: [String: Position] = [:]
        for (scaleIndex, scale) in scales.enumerated() {
            for (rank, value) in scale.enumerated() where positions[value] == nil {
                positions[value] = Position(scale: scaleIndex, rank: rank)
            }
        }
        self.positions = positions
    }

    /// Whether `value` is on one of the scales.
    public func contains(_ value: String) -> Bool { positions[value] != nil }

    /// Every ordered value, scale by scale, for messages.
    public var allValues: [String] { scales.flatMap { $0 } }

    /// How `from` relates to `to`: `.orderedAscending` when `to` is higher; `nil` when the two
    /// are not on one scale (unknown values included) or are equal.
    public func step(from: String, to: String) -> StepDirection? {
        guard let start = positions[from], let end = positions[to], start.scale == end.scale,
              start.rank != end.rank else { return nil }
        return end.rank > start.rank ? .up : .down
    }

    func position(of value: String) -> Position? { positions[value] }
}

/// Which way a value moved along an order.
public enum StepDirection: String, Sendable, Hashable {
    case up
    case down
}

extension ValueOrder {
    /// Meta's messaging-limit tiers; `NA` and `TIER_NOT_SET` are deliberately unordered.
    public static let messagingLimit = ValueOrder(scales: [[
        "TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED",
    ]])

    /// Quality ratings: 360dialog's `Low < Medium < High` and Meta's `RED < YELLOW < GREEN` are
    /// separate scales, so a move between them is not a step.
    public static let qualityRating = ValueOrder(scales: [["Low", "Medium", "High"], ["RED", "YELLOW", "GREEN"]])

    /// The orders every rule set knows without declaring them, by field path.
    public static let builtIn: [String: ValueOrder] = [
        "current_limit": .messagingLimit,
        "current_quality_rating": .qualityRating,
    ]
}
