/// The fields of a listing's filter form, with what the query string says in each.
struct ConsoleFilterForm {
    private(set) var fields: [[String: Any]] = []
    let query: FormFields

    init(query: FormFields) { self.query = query }

    /// A select of `choices` (value, label); the first is "any" unless `any` is nil.
    mutating func select(_ name: String, _ label: String, _ choices: [(value: String, label: String)], any: String? = "any") {
        let current = query[name] ?? ""
        var options = any.map { [["value": "", "label": $0, "selected": current.isEmpty]] } ?? []
        options += choices.map { ["value": $0.value, "label": $0.label, "selected": $0.value == current] }
        fields.append(["name": name, "label": label, "isSelect": true, "options": options])
    }

    /// A select whose values are their own labels.
    mutating func select(_ name: String, _ label: String, values: [String], any: String? = "any") {
        select(name, label, values.map { ($0, $0) }, any: any)
    }

    /// A text input.
    mutating func text(_ name: String, _ label: String, placeholder: String = "", size: Int = 14, type: String = "text") {
        fields.append(["name": name, "label": label, "isSelect": false, "type": type, "value": query[name] ?? "",
                       "placeholder": placeholder, "size": size])
    }

    /// The values for the `filters` template, which submits to `action`.
    func values(action: String) -> [String: Any] { ["action": action, "fields": fields] }
}
