import Mustache

/// A Mustache template from a rule file (`summary`, `description`), parsed at load time and
/// rendered as plain text: nothing is HTML-escaped here, because each notifier escapes for
/// its own medium (Slack mrkdwn, HTML email, JSON).
///
/// swift-mustache parses and validates every template; templates within the subset the rule
/// files use (variables and sections) are also compiled to a ``CompiledTemplate``, which
/// renders the same text about fifty times faster. Anything else renders through swift-mustache.
public struct RuleTemplate: Sendable {
    /// The template as written.
    public let source: String
    private let template: MustacheTemplate
    /// The direct renderer, `nil` when the template uses more of Mustache than it handles.
    let compiled: CompiledTemplate?

    // swift-mustache escapes for HTML unless told otherwise; the pragma switches to plain text
    // for the whole template, sections included.
    private static let plainTextPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// Parses `source`; throws a message naming the template's line and column on a syntax error.
    public init(_ source: String) throws(TemplateError) {
        self.source = source
        do {
            template = try MustacheTemplate(string: Self.plainTextPragma + source)
            compiled = CompiledTemplate(source)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber
            // The pragma sits on the template's first line and shifts its columns.
            let column = line == 1 ? error.context.columnNumber - Self.plainTextPragma.count : error.context.columnNumber
            throw TemplateError(message: "template does not parse: \(Self.explain(error.error)) "
                + "(template line \(line), column \(max(column, 1)))")
        } catch {
            throw TemplateError(message: "template does not parse: \(error)")
        }
    }

    /// Renders the template; missing variables render as nothing.
    public func render(_ variables: TemplateVariables) -> String {
        compiled?.render(variables) ?? template.render(variables)
    }

    /// Renders through swift-mustache only (the reference the compiled renderer is tested against).
    func renderWithMustache(_ variables: TemplateVariables) -> String {
        template.render(variables)
    }

    private static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // The parser's own errors are terse ("overflow" means the text ended inside a tag).
            let text = "\(error)"
            return text == "overflow" ? "the template ends inside a tag; close it with '}}'" : text
        }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened"
        case .unfinishedName: return "a tag is not closed with '}}'"
        case .expectedSectionEnd: return "a section is opened but never closed"
        case .invalidSetDelimiter: return "bad set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inherit section"
        case .textInsideInheritSection: return "text inside an inherit section"
        case .invalidConfigVariableSyntax: return "bad '{{%' pragma"
        case .unrecognisedConfigVariable: return "unknown '{{%' pragma"
        }
    }
}

/// Why a template in a rule file did not parse.
public struct TemplateError: Error, Sendable {
    /// What is wrong, with the position inside the template.
    public let message: String
}
