/// A small parser of the Prometheus text exposition format (0.0.4), strict enough to fail on
/// malformed lines: `# TYPE`/`# HELP` comments and `name{label="value",...} value` samples.
public struct PrometheusTextParser {
    /// One sample line.
    public struct Sample: Equatable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// A malformed line.
    public struct ParseError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var problem: String
        public var description: String { "line \(line): \(problem): \(text)" }
    }

    /// Metric family types from `# TYPE` lines.
    public private(set) var types: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    public init(_ text: String) throws {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 2, parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw ParseError(line: index + 1, text: line, problem: "bad TYPE line")
                    }
                    types[parts[2]] = parts[3]
                }
                continue
            }
            samples.append(try Self.sample(line, number: index + 1))
        }
    }

    /// Samples of `name` (for histograms: `name_bucket`, `name_sum`, `name_count` too).
    public func samples(of name: String) -> [Sample] {
        samples.filter { $0.name == name || $0.name == name + "_bucket" || $0.name == name + "_sum" || $0.name == name + "_count" }
    }

    private static func sample(_ line: String, number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !(name.first!.isNumber) else {
            throw ParseError(line: number, text: line, problem: "bad metric name")
        }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(key.count)
                guard !key.isEmpty, rest.hasPrefix("=\"") else {
                    throw ParseError(line: number, text: line, problem: "bad label")
                }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw ParseError(line: number, text: line, problem: "unterminated label value") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { throw ParseError(line: number, text: line, problem: "unterminated labels") }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count), let value = parseValue(String(fields[0])) else {
            throw ParseError(line: number, text: line, problem: "bad sample value")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func parseValue(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}
