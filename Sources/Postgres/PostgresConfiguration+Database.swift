extension PostgresConfiguration {
    /// The same server, credentials and options, connected to database `name` instead.
    ///
    /// Returns nil when the connection string cannot be parsed. The result is a conninfo
    /// string (`host='...' dbname='...'`), so it may contain the password: log
    /// ``redactedDescription`` only.
    public func replacingDatabase(with name: String) -> PostgresConfiguration? {
        guard var options = Self.parse(connectionString) else { return nil }
        options["dbname"] = name
        var copy = self
        copy.connectionString = options.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(Self.quoteConninfoValue($0.value))" }
            .joined(separator: " ")
        return copy
    }

    /// Single-quotes a conninfo value, escaping `\` and `'` as libpq expects.
    static func quoteConninfoValue(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'" + escaped + "'"
    }
}
