/// Durations as written in configuration: an integer and a unit (`ms`, `s`, `m`, `h`, `d`).
public enum DurationText {
    /// Parses `500ms`, `15s`, `5m`, `24h`, `2d`; `nil` for anything else (including negative values).
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Int64, millis: Bool)] = [
            ("ms", 0, true), ("s", 1, false), ("m", 60, false), ("h", 3600, false), ("d", 86_400, false),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Int64(number), value >= 0 else {
                continue
            }
            return unit.millis ? .milliseconds(value) : .seconds(value * unit.seconds)
        }
        return nil
    }

    /// Renders a duration in the largest unit that divides it exactly (`300s` → `5m`).
    public static func format(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where millis >= size && millis % size == 0 {
            return "\(millis / size)\(suffix)"
        }
        return "\(millis)ms"
    }
}
