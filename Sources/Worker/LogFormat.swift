/// How log lines are written: readable text (the default) or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-25T10:00:00Z info poll: partner=p1 pages=3 ...`
    case text
    /// `{"ts":"2026-11-25T10:00:00Z","level":"info","msg":"poll","partner":"p1",...}`
    case json

    /// The environment variable that chooses the format when `--log-format` is not given.
    public static let environmentVariable = "CHANNELWATCH_LOG_FORMAT"

    /// The format from the `--log-format` argument, else `CHANNELWATCH_LOG_FORMAT`, else text.
    public static func resolve(argument: String?, environment: [String: String]) throws(LogFormatError) -> LogFormat {
        if let argument {
            guard let format = LogFormat(rawValue: argument.lowercased()) else {
                throw LogFormatError(source: "--log-format", value: argument)
            }
            return format
        }
        if let value = environment[environmentVariable], !value.isEmpty {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw LogFormatError(source: environmentVariable, value: value)
            }
            return format
        }
        return .text
    }
}

/// A log format that is neither `text` nor `json`.
public struct LogFormatError: Error, CustomStringConvertible {
    /// Where the value came from: the option or the environment variable.
    public var source: String
    /// The rejected value.
    public var value: String

    /// What was wrong and what is accepted.
    public var description: String { "\(source) '\(value)': expected 'text' or 'json'" }
}
