import Foundation

/// One result row: text-format cells plus the column names and types they came with.
///
/// Decode by column name (`try row.decode(Int.self, "id")`) or position
/// (`try row.decode(String.self, at: 0)`); use `Optional` for nullable columns.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let cells: [[UInt8]?]

    /// The column names in result order.
    public var columnNames: [String] { columns.names }

    /// Decodes the named column; `T?` turns NULL into nil.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        try decode(type, at: try index(of: column))
    }

    /// Decodes the column at `index` (0-based); `T?` turns NULL into nil.
    public func decode<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T {
        guard cells.indices.contains(index) else {
            throw decodingError("no column at index \(index); the row has \(cells.count) columns")
        }
        let dataType = columns.types[index]
        guard let bytes = cells[index] else {
            if let null = T.postgresNull { return null }
            throw decodingError(
                "column \"\(columns.names[index])\" is NULL; decode it as Optional<\(T.self)> to accept NULL")
        }
        guard let value = T.decode(postgresText: bytes, type: dataType) else {
            throw decodingError(
                "column \"\(columns.names[index])\" of type \(dataType) cannot be decoded as \(T.self)")
        }
        return value
    }

    /// Decodes a `json`/`jsonb` (or text) column into a `Decodable` value.
    public func decodeJSON<T: Decodable>(_ type: T.Type, _ column: String, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        let data = try decode(Data.self, column)
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw decodingError("column \"\(column)\" holds JSON that does not decode as \(T.self): \(error)")
        }
    }

    /// True when the named column is SQL NULL.
    public func isNull(_ column: String) throws -> Bool {
        cells[try index(of: column)] == nil
    }

    private func index(of column: String) throws -> Int {
        guard let index = columns.indexByName[column] else {
            throw decodingError("no column named \"\(column)\"; the row has \(columns.names)")
        }
        return index
    }

    private func decodingError(_ message: String) -> PostgresError {
        PostgresError(kind: .decoding, message: message)
    }
}

/// Column metadata shared by every row of one result; immutable after creation.
final class PostgresColumns: Sendable {
    let names: [String]
    let types: [PostgresDataType]
    let indexByName: [String: Int]

    init(names: [String], types: [PostgresDataType]) {
        self.names = names
        self.types = types
        // The first column of a given name wins, matching what `SELECT a.id, b.id` readers expect.
        var indexByName: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexByName[name] == nil {
            indexByName[name] = index
        }
        self.indexByName = indexByName
    }
}
