import Foundation
import Mustache

/// Renders the console's pages from their Mustache templates (compiled into the binary, parsed
/// once) and formats the values they show. Mustache escapes every `{{value}}` for HTML, so text
/// from the Partner API or a webhook cannot become markup.
enum ConsoleView {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            do {
                try library.register(text, named: name)
            } catch {
                // The templates are constants of this file's module, and a test renders each one.
                preconditionFailure("console template '\(name)' does not parse: \(error)")
            }
        }
        return library
    }()

    /// The page `template` rendered with `values`.
    static func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? "template \(template) is missing"
    }

    /// `2026-12-06 10:00:05` (UTC, as every time on the console).
    static func time(_ date: Date) -> String {
        let calendar = Self.utcCalendar
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2026-12-06T10:00:05Z`, for `<time datetime>`.
    static func iso(_ date: Date) -> String { date.ISO8601Format() }

    /// `just now`, `40 s ago`, `3 min ago`, `2 h ago`, `5 d ago`; `in 2 h` for a time ahead.
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case ..<5: return "just now"
        case ..<90: text = "\(Int(magnitude.rounded())) s"
        case ..<3_600: text = "\(Int((magnitude / 60).rounded())) min"
        case ..<172_800: text = "\(Int((magnitude / 3_600).rounded())) h"
        default: text = "\(Int((magnitude / 86_400).rounded())) d"
        }
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// `345 ms` or `12.3 s`.
    static func duration(seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }

    /// Milliseconds since `start`, two decimals, for `Server-Timing`.
    static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.2f", Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }

    /// `1,234`.
    static func number(_ value: Int) -> String {
        value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
    }

    /// A query string's link: `path?a=1&b=2`, or `path` alone.
    static func link(_ path: String, _ fields: FormFields) -> String {
        fields.pairs.isEmpty ? path : "\(path)?\(fields.encoded)"
    }
}
