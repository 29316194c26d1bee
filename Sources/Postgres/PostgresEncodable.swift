import Foundation

/// A Swift value that can be sent as a statement parameter.
///
/// Conforming types say which ``PostgresValue`` they become; `PostgresValue(x)` and
/// `PostgresValue(optionalX)` then work for them.
public protocol PostgresEncodable {
    /// The parameter this value is sent as.
    var postgresValue: PostgresValue { get }
}

extension String: PostgresEncodable {
    /// Sent as ``PostgresValue/text(_:)``.
    public var postgresValue: PostgresValue { .text(self) }
}

extension Int: PostgresEncodable {
    /// Sent as ``PostgresValue/int64(_:)``.
    public var postgresValue: PostgresValue { .int64(Int64(self)) }
}

extension Int64: PostgresEncodable {
    /// Sent as ``PostgresValue/int64(_:)``.
    public var postgresValue: PostgresValue { .int64(self) }
}

extension Int32: PostgresEncodable {
    /// Sent as ``PostgresValue/int32(_:)``.
    public var postgresValue: PostgresValue { .int32(self) }
}

extension Int16: PostgresEncodable {
    /// Sent as ``PostgresValue/int16(_:)``.
    public var postgresValue: PostgresValue { .int16(self) }
}

extension Double: PostgresEncodable {
    /// Sent as ``PostgresValue/double(_:)``.
    public var postgresValue: PostgresValue { .double(self) }
}

extension Bool: PostgresEncodable {
    /// Sent as ``PostgresValue/bool(_:)``.
    public var postgresValue: PostgresValue { .bool(self) }
}

extension Date: PostgresEncodable {
    /// Sent as ``PostgresValue/timestamp(_:)``.
    public var postgresValue: PostgresValue { .timestamp(self) }
}

extension UUID: PostgresEncodable {
    /// Sent as ``PostgresValue/uuid(_:)``.
    public var postgresValue: PostgresValue { .uuid(self) }
}

extension Array: PostgresEncodable where Element == String {
    /// Sent as ``PostgresValue/textArray(_:)``.
    public var postgresValue: PostgresValue { .textArray(self) }
}
