import Foundation
import JSON
@testable import Rules
import Testing

/// The compiled template renderer against swift-mustache: the same text for every template it
/// accepts, swift-mustache for everything else.
struct CompiledTemplateTests {
    static let document = Fixture.json("""
        {"id":"c1","status":"ready","n":5,"f":1.5,"yes":true,"no":false,"none":null,
         "text":"<b>Acme & \\"Co\\"</b> 'x'","empty":"",
         "list":["a",null,2,true,{"name":"in list"}],"nulls":[null],"nested":[["x"]],"zero":[],
         "obj":{"name":"inner","from":"shadow","deep":{"name":"deeper"}},
         "setup_info":{"phone_number":"+49 151","phone_name":"Shop"}}
        """)

    /// Variable sets covering every top-level variable, present and absent.
    static var variableSets: [TemplateVariables] { [
        TemplateVariables(channel: document, previous: Fixture.json(#"{"status":"error","obj":{"name":"old"}}"#),
                          field: "status", from: "error", to: "ready", rule: "r", severity: .critical,
                          labels: ["team": "ops", "a": "b"], status: .resolved, partnerID: "p1",
                          observedAt: Date(timeIntervalSince1970: 1_795_000_000)),
        TemplateVariables(channel: document, previous: nil, field: "current_quality_rating", from: nil, to: "Low",
                          rule: "quality_low", severity: .warning, labels: [:], status: .firing, partnerID: "p2",
                          observedAt: Date(timeIntervalSince1970: 0)),
        TemplateVariables(channel: nil, previous: nil, field: nil, from: "", to: nil, rule: "x", severity: .info,
                          labels: ["k": "v"], status: .changed, partnerID: "", observedAt: Date(timeIntervalSince1970: 1)),
    ] }

    static func expectSameRendering(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let template = try RuleTemplate(source)
        for variables in variableSets {
            #expect(template.render(variables) == template.renderWithMustache(variables),
                    "template \(source.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test func shippedTemplatesAreCompiledAndRenderAsMustacheDoes() throws {
        let rules = try RuleSet.load(paths: [Fixture.repositoryRoot + "/Rules"])
        #expect(rules.rules.count >= 13)
        for rule in rules.rules {
            for template in [rule.summary, rule.description].compactMap({ $0 }) {
                #expect(template.compiled != nil, "\(rule.name): \(template.source)")
                try Self.expectSameRendering(template.source)
            }
        }
    }

    @Test(arguments: [
        "{{channel.text}}|{{{channel.text}}}|{{&channel.text}}|{{ channel.text }}|{{{ channel.text }}}",
        "{{channel.n}} {{channel.f}} {{channel.yes}} {{channel.no}} [{{channel.none}}] [{{channel.empty}}]",
        "{{channel.obj}} {{labels}} {{previous}} {{channel.obj.deep}}",
        "{{rule}} {{severity}} {{status}} {{partner_id}} {{observed_at}} {{field}} {{from}} {{to}} {{resolved}}",
        "[{{nope}}][{{channel.nope}}][{{channel.obj.nope.deeper}}][{{channel.n.x}}][{{labels.team}}][{{previous.obj.name}}]",
        "{{#channel.list}}<{{.}}>{{/channel.list}}{{#channel.nulls}}N{{/channel.nulls}}{{^channel.nulls}}no nulls{{/channel.nulls}}",
        "{{#channel.zero}}Z{{/channel.zero}}{{^channel.zero}}empty{{/channel.zero}}{{^channel.list}}L{{/channel.list}}",
        "{{#channel.obj}}{{name}} {{from}} {{.name}} {{.from}} {{.to}} {{to}} {{deep.name}}{{/channel.obj}}",
        "{{#channel.obj}}{{#deep}}{{name}}/{{obj.name}}/{{channel.id}}/{{.id}}{{/deep}}{{/channel.obj}}",
        "{{#from}}was {{from}}, {{.}}{{/from}}{{^from}}none{{/from}}{{#to}}{{to}}{{/to}}{{^to}}-{{/to}}",
        "{{#resolved}}R {{resolved}}{{/resolved}}{{^resolved}}F{{/resolved}}{{#channel.yes}}Y{{/channel.yes}}{{^channel.no}}N{{/channel.no}}",
        "{{#channel.none}}X{{/channel.none}}{{^channel.none}}null{{/channel.none}}{{#channel.empty}}[{{.}}]{{/channel.empty}}",
        "{{#channel.list}}{{name}}{{#.}}!{{/.}}{{/channel.list}}",
        "{{#channel.nested}}{{#.}}({{.}}){{/.}}{{/channel.nested}}",
        "{{#labels}}{{team}}{{a}}{{k}}{{/labels}}{{#channel}}{{status}}{{/channel}}{{#.}}{{rule}}{{/.}}",
        "{ not a tag } {{channel..id}} {{.rule}} {{..}}x{{}}",
        "line one {{from}}\n  {{to}} indented\n\tand {{#resolved}}R{{/resolved}} tab\r\nend",
        "a\n  {{#resolved}}x{{/resolved}}\n{{^resolved}}y{{/resolved}} z\n",
    ])
    func rendersAsMustacheDoes(_ source: String) throws {
        let template = try RuleTemplate(source)
        #expect(template.compiled != nil)
        try Self.expectSameRendering(source)
    }

    /// Nothing is HTML-escaped, in either form of variable.
    @Test func nothingIsEscaped() throws {
        let template = try RuleTemplate("{{channel.text}}|{{{channel.text}}}")
        #expect(template.compiled != nil)
        #expect(template.render(Self.variableSets[0]) == #"<b>Acme & "Co"</b> 'x'|<b>Acme & "Co"</b> 'x'"#)
    }

    @Test func missingValuesRenderAsNothing() throws {
        let template = try RuleTemplate("[{{from}}][{{channel.nope}}][{{nope.deeper}}][{{channel.none}}]")
        #expect(template.render(Self.variableSets[1]) == "[][][][]")
    }

    /// Templates outside the subset are left to swift-mustache, and still render.
    @Test(arguments: [
        "{{! comment }}x",
        "{{> partial}}x",
        "{{=<% %>=}}<% from %>",
        "{{uppercased(from)}}",
        "{{#from}}{{renderText}}{{/from}}",
        "x\n{{#resolved}}\nR\n{{/resolved}}\n",
        "x\n  {{^resolved}}  \nF\n",
        "\nfirst line blank",
        "   ",
        "text\n   ",
        "a{{ from\n}}",
    ])
    func fallsBackToMustache(_ source: String) throws {
        let template: RuleTemplate
        do {
            template = try RuleTemplate(source)
        } catch {
            return  // swift-mustache rejects it: nothing to render
        }
        #expect(template.compiled == nil)
        try Self.expectSameRendering(source)
    }

    /// Values only swift-mustache knows how to print (a list as `{{x}}`) render through it.
    @Test func printingAListFallsBackAtRenderTime() throws {
        let template = try RuleTemplate("{{channel.list}}|{{#channel.zero}}{{/channel.zero}}{{^channel.zero}}{{.}}{{/channel.zero}}")
        #expect(template.compiled != nil)
        #expect(template.compiled?.render(Self.variableSets[0]) == nil)
        try Self.expectSameRendering(template.source)
    }

    /// Random templates built from tags, text, spaces and line breaks: whatever swift-mustache
    /// accepts renders the same through the compiled renderer.
    @Test func randomTemplatesRenderAsMustacheDoes() throws {
        let names = ["from", "to", "resolved", "channel.obj", "channel.list", "channel.zero", "channel.none",
                     "channel.yes", "channel.no", ".", "name", ".name", "channel.obj.deep", "labels", "deep"]
        let pieces = ["a", " ", "  ", "\t", "\n", "\r\n", "{", "}", "x y", "{{from}}", "{{ to }}", "{{{name}}}",
                      "{{&channel.n}}", "{{.}}", "{{channel.obj.name}}", "{{status}}", "{{channel.text}}"]
        var random = SplitMix(seed: 2_024)
        var compiledCount = 0
        for _ in 0..<3_000 {
            var source = ""
            var open: [String] = []
            for _ in 0..<random.next(upTo: 12) + 1 {
                switch random.next(upTo: 10) {
                case 0, 1:
                    let name = names[random.next(upTo: names.count)]
                    source += random.next(upTo: 2) == 0 ? "{{#\(name)}}" : "{{^\(name)}}"
                    open.append(name)
                case 2:
                    if let name = open.popLast() { source += "{{/\(name)}}" }
                default:
                    source += pieces[random.next(upTo: pieces.count)]
                }
            }
            while let name = open.popLast() { source += pieces[random.next(upTo: pieces.count)] + "{{/\(name)}}" }
            guard let template = try? RuleTemplate(source) else { continue }
            if template.compiled != nil { compiledCount += 1 }
            for variables in Self.variableSets {
                #expect(template.render(variables) == template.renderWithMustache(variables), "template \(source.debugDescription)")
            }
        }
        // Most random templates are inside the subset, so the comparison exercises the compiled renderer.
        #expect(compiledCount > 1_500)
    }
}

/// A small deterministic generator, so the random templates are the same on every run.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
