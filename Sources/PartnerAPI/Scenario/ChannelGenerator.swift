import JSON

/// Makes N synthetic channel documents from a template, for demos and benchmarks.
///
/// Strings in the template may contain `{n}` (the channel's 1-based number) or `{n:W}` (the
/// number zero-padded to width W), so `"+4930{n:7}"` gives distinct phone numbers.
public struct ChannelGenerator: Sendable {
    /// A change applied to some generated channels.
    public struct Override: Sendable {
        /// Which generated channels: every `every`-th one, or the one with this number.
        public enum Target: Sendable, Hashable {
            /// Channels whose number is a multiple of this.
            case every(Int)
            /// The channel with this 1-based number.
            case number(Int)
        }

        /// Which channels.
        public var target: Target
        /// Fields to set by dotted path (placeholders expanded too).
        public var fields: [(path: JSONPath, value: JSONValue)]

        /// An override of `fields` for the `target` channels.
        public init(target: Target, fields: [(path: JSONPath, value: JSONValue)]) {
            self.target = target
            self.fields = fields
        }
    }

    /// How many channels.
    public var count: Int
    /// The document every channel starts from; its `id` defaults to `<partner>-ch-{n:6}`.
    public var template: JSONValue
    /// Changes for some channels, applied in order.
    public var overrides: [Override]

    /// A generator of `count` channels from `template`.
    public init(count: Int, template: JSONValue, overrides: [Override] = []) {
        self.count = count
        self.template = template
        self.overrides = overrides
    }

    /// The documents, numbered 1...count.
    public func documents(partnerID: String) -> [JSONValue] {
        var template = template
        if template["id"] == nil { template.set(.string("\(partnerID)-ch-{n:6}"), at: "id") }
        return (0..<max(count, 0)).map { index in
            let number = index + 1
            var document = Self.expand(template, number: number)
            for override in overrides where override.applies(to: number) {
                for field in override.fields {
                    document.set(Self.expand(field.value, number: number), at: field.path)
                }
            }
            return document
        }
    }

    /// Replaces `{n}` / `{n:W}` in every string of `value`.
    static func expand(_ value: JSONValue, number: Int) -> JSONValue {
        switch value {
        case .string(let text) where text.contains("{n"):
            return .string(expand(text, number: number))
        case .array(let items):
            return .array(items.map { expand($0, number: number) })
        case .object(let members):
            return .object(members.mapValues { expand($0, number: number) })
        default:
            return value
        }
    }

    static func expand(_ text: String, number: Int) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{n") {
            result += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            if afterOpen.first == "}" {
                result += String(number)
                rest = afterOpen.dropFirst()
            } else if afterOpen.first == ":", let close = afterOpen.firstIndex(of: "}"),
                      let width = Int(afterOpen[afterOpen.index(after: afterOpen.startIndex)..<close]) {
                let digits = String(number)
                result += String(repeating: "0", count: max(0, width - digits.count)) + digits
                rest = afterOpen[afterOpen.index(after: close)...]
            } else {
                result += "{n"
                rest = afterOpen
            }
        }
        return result + rest
    }
}

extension ChannelGenerator.Override {
    func applies(to number: Int) -> Bool {
        switch target {
        case .every(let step): return step > 0 && number % step == 0
        case .number(let wanted): return number == wanted
        }
    }
}
