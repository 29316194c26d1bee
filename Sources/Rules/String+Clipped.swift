import YAMLSupport

extension String {
    /// The text cut to `limit` characters with an ellipsis, so a diagnostic quoting a value
    /// from a file stays one readable line even when the value is megabytes long.
    func clipped(_ limit: Int = 80) -> String {
        count <= limit ? self : prefix(limit) + "…"
    }
}

/// "Did you mean" hints for values read from files; a long value is no typo of a short
/// keyword, and comparing megabytes against each candidate would only waste time.
enum Hint {
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        word.utf8.count > 64 ? "" : DidYouMean.hint(for: word, among: candidates)
    }
}
