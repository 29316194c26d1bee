import Postgres

/// The `WHERE` of a listing built from the filters that are set, with their values bound as
/// parameters (`$1`, `$2`, …) — never spliced into the text.
struct SQLConditions {
    private(set) var parameters: [PostgresValue] = []
    private var conditions: [String] = []

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: PostgresValue) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// Adds `condition`, written with the placeholder of `value`, when `value` is set.
    mutating func add(_ value: String?, _ condition: (String) -> String) {
        guard let value else { return }
        conditions.append(condition(bind(.text(value))))
    }

    /// Adds a condition with no value of its own.
    mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    /// `WHERE a AND b …`, or nothing.
    var clause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// The conditions of a listing's page: rows older than the cursor (by `time`, ties broken by
    /// `key`, compared as `keyType`).
    mutating func addCursor(_ cursor: PageCursor?, time: String, key: String, keyType: String) {
        guard let cursor else { return }
        let at = bind(.int64(cursor.microseconds)), last = bind(.text(cursor.key))
        conditions.append("(\(time), \(key)) < (\(PageCursor.timestampSQL(at)), \(last)::\(keyType))")
    }

    /// The filters alerts and events share — partner, channel, rule, status, severity, since
    /// (on `time`), and the channel's WABA, client and search — on the columns of `table`
    /// (`"a."` for alerts, `""` for events), which both name alike.
    mutating func addFactFilters(_ filter: Inspection.Filter, table: String, time: String) {
        add(filter.partner) { "\(table)partner_id = \($0)" }
        add(filter.channel) { "\(table)channel_id = \($0)" }
        add(filter.rule) { "\(table)rule = \($0)" }
        add(filter.status) { "\(table)status = \($0)" }
        add(filter.severity) { "\(table)severity = \($0)" }
        if let since = filter.since { add("\(table)\(time) >= \(bind(.timestamp(since)))") }
        addChannelFilters(filter, column: "\(table)channel")
    }

    /// The filters on a channel summary column (`events.channel`, `alerts.channel`): WABA, client, and the search
    /// by phone number (its digits, when the text looks like a number) or by phone, client or
    /// WABA name.
    mutating func addChannelFilters(_ filter: Inspection.Filter, column: String) {
        add(filter.waba) { "\(column)->>'waba_id' = \($0)" }
        add(filter.client) { "\(column)->>'client_id' = \($0)" }
        guard let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty else { return }
        // One lower() over the names joined, and translate() rather than a regular expression for
        // the number: the search runs over every firing alert, thousands of rows.
        let text = bind(.text(search.lowercased()))
        var alternatives = ["""
            strpos(lower(concat_ws(' ', \(column)->>'phone_name', \(column)->>'client_name', \(column)->>'waba_name', \(column)->>'id')), \(text)) > 0
            """]
        let digits = search.filter(\.isNumber)
        if !digits.isEmpty, search.allSatisfy({ $0.isNumber || " +-()./".contains($0) }) {
            let number = bind(.text(String(digits)))
            alternatives.append("strpos(translate(\(column)->>'phone_number', '+ -()./', ''), \(number)) > 0")
        }
        conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
    }
}
