import JSON
import Yams

extension Node {
    /// Converts YAML into a JSON value, resolving plain scalars by YAML's core schema
    /// (`null`, booleans, numbers); quoted scalars stay strings.
    public var jsonValue: JSONValue {
        switch self {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any {
                if scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return .null }
                if let flag = Bool.construct(from: scalar) { return .bool(flag) }
                if let integer = Int.construct(from: scalar) { return .number(Double(integer)) }
                if let number = Double.construct(from: scalar) { return .number(number) }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(\.jsonValue))
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                members[key.scalar?.string ?? "\(key)"] = value.jsonValue
            }
            return .object(members)
        case .alias:
            return .null
        }
    }
}
