/// Slack `mrkdwn` escaping and length limits.
///
/// Slack counts limits in characters; clipping by UTF-16 code units is never more generous
/// than that, so clipped text always fits whatever Slack's exact way of counting is.
enum SlackText {
    /// Escapes the three characters `mrkdwn` treats as markup (`&`, `<`, `>`), so user content
    /// such as a phone name cannot inject links or mentions.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `text` cut to at most `limit` UTF-16 code units, ending in "…" when cut. For escaped
    /// `mrkdwn` it never leaves a half escape (`&am`) behind, which Slack would show literally.
    static func clip(_ text: String, to limit: Int, isEscaped: Bool = true) -> String {
        guard text.utf16.count > limit else { return text }
        var kept = ""
        var used = 0
        let budget = limit - 1  // room for the ellipsis
        for character in text {
            let size = String(character).utf16.count
            if used + size > budget { break }
            kept.append(character)
            used += size
        }
        if isEscaped, let ampersand = kept.lastIndex(of: "&"), !kept[ampersand...].contains(";") {
            kept = String(kept[..<ampersand])
        }
        return kept + "…"
    }
}
