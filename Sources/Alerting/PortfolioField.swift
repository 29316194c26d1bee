import JSON

/// The channel fields a portfolio is watched by: the console's overview and the
/// `channelwatch_channels_by_state{partner, field, value}` gauges count a partner's channels by
/// each of their values. A channel that lacks the field counts under the value `""`.
public enum PortfolioField: String, CaseIterable, Sendable {
    case qualityRating = "current_quality_rating"
    case messagingLimit = "current_limit"
    case availability = "availability_status"
    case status = "status"
    case wabaStatus = "waba_account.status"

    /// The field's path in a channel document, parsed once.
    public var path: JSONPath { Self.paths[self]! }

    /// What the console calls it.
    public var title: String {
        switch self {
        case .qualityRating: "Quality rating"
        case .messagingLimit: "Messaging limit"
        case .availability: "Availability"
        case .status: "Channel status"
        case .wabaStatus: "WABA status"
        }
    }

    /// The field's value in `document` as text, `""` when it is absent or not a scalar.
    public func value(in document: JSONValue) -> String {
        document[path: path]?.scalarText ?? ""
    }

    private static let paths: [PortfolioField: JSONPath] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, JSONPath($0.rawValue)) })
}
