import Config
import Testing

@Suite struct EnvironmentExpansionTests {
    let expansion = EnvironmentExpansion(environment: ["A": "alpha", "EMPTY": ""])

    @Test(arguments: [
        ("plain", "plain"), ("${A}", "alpha"), ("x-${A}-y", "x-alpha-y"), ("${B:-beta}", "beta"),
        ("${EMPTY:-fallback}", "fallback"), ("${EMPTY}", ""), ("${B:-}", ""), ("$$A", "$A"), ("cost $5", "cost $5"),
    ])
    func expands(input: String, expected: String) throws {
        #expect(try expansion.expand(input) == expected)
    }

    @Test func failures() {
        #expect(throws: EnvironmentExpansion.Failure.unset("B")) { try expansion.expand("${B}") }
        #expect(throws: EnvironmentExpansion.Failure.malformed("${A")) { try expansion.expand("${A") }
        #expect(throws: EnvironmentExpansion.Failure.malformed("${1X}")) { try expansion.expand("${1X}") }
    }
}
