import Foundation

/// Parses a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfterParser {
    /// The wait that `value` asks for, relative to `now`; dates in the past give zero.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) {
            return Int(trimmed).map { .seconds($0) } ?? .seconds(Int.max)
        }
        guard let date = httpDate(trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int((seconds * 1000).rounded()))
    }

    /// IMF-fixdate, then the two obsolete forms servers still send (RFC 850 and asctime).
    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEEE, dd-MMM-yy HH:mm:ss zzz",
        "EEE MMM d HH:mm:ss yyyy",
    ]

    static func httpDate(_ text: String) -> Date? {
        // DateFormatter is not safe to share between threads, and Retry-After is rare:
        // a fresh formatter per parse is simpler than a lock.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return date
            }
        }
        return nil
    }
}
