import Foundation
import Rules
import Testing
import YAMLSupport

/// Loading files and directories: sorting, extensions, missing paths, summaries.
struct LoaderTests {
    /// A fresh directory under the system temporary directory, unique per test.
    static func scratchDirectory(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "rules-loader-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return directory
    }

    static func rule(_ name: String) -> String {
        "rules:\n  - {name: \(name), summary: s, alert: {field: x, exists: true}}\n"
    }

    @Test func directoriesLoadYamlFilesSortedAndNotRecursively() throws {
        let directory = try Self.scratchDirectory([
            "b.yaml": Self.rule("from_b"), "a.yml": Self.rule("from_a"), "c.txt": "not yaml: [",
            "nested/d.yml": Self.rule("from_nested"), "README.md": "# notes",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = try RuleSet.load(paths: [directory])
        #expect(rules.rules.map(\.name) == ["from_a", "from_b"])
        #expect(rules.files == [directory + "/a.yml", directory + "/b.yaml"])
        #expect(rules.summary == "2 rule files, 2 rules (2 state, 0 change, 0 disappeared)")
    }

    @Test func filesAndDirectoriesMixInTheOrderGiven() throws {
        let directory = try Self.scratchDirectory(["dir/a.yml": Self.rule("in_dir"), "single.yml": Self.rule("single")])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = try RuleSet.load(paths: [directory + "/single.yml", directory + "/dir"])
        #expect(rules.rules.map(\.name) == ["single", "in_dir"])
    }

    @Test func missingPathsAndEmptyDirectoriesAreErrors() throws {
        let directory = try Self.scratchDirectory(["notes.txt": "x"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try RuleSet.load(paths: [directory, directory + "/missing.yml"])
            Issue.record("loaded")
        } catch {
            #expect(error.items.map(\.description) == [
                "\(directory): directory has no *.yml or *.yaml rule files",
                "\(directory)/missing.yml: no such file or directory; check the rules path",
            ])
        }
        #expect(throws: Diagnostics.self) { try RuleSet.load(paths: []) }
    }

    @Test func errorsFromSeveralFilesAreAllReported() throws {
        let directory = try Self.scratchDirectory([
            "a.yml": "rules:\n  - {name: a, summary: s, alert: {field: x, exits: true}}\n",
            "b.yml": "rules:\n  - {name: b, summry: s, alert: {field: x, exists: true}}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try RuleSet.load(paths: [directory])
            Issue.record("loaded")
        } catch {
            #expect(error.items.map(\.description) == [
                "\(directory)/a.yml:2:45: unknown key 'exits' (did you mean 'exists'?)",
                "\(directory)/b.yml:2:5: missing required key 'summary'",
                "\(directory)/b.yml:2:15: unknown key 'summry' (did you mean 'summary'?)",
            ])
        }
    }

    @Test func aFileMayHoldOnlyOrders() throws {
        let rules = try RuleSet.parse([("orders.yml", "orders:\n  settings.tier: [a, b]\n")])
        #expect(rules.rules.isEmpty)
        #expect(rules.orders["settings.tier"] != nil)
        #expect(rules.orders["current_limit"] == .messagingLimit)
    }

    @Test func declaringTheSameOrderInTwoFilesIsAnError() {
        let problems: [String]
        do {
            _ = try RuleSet.parse([("a.yml", "orders:\n  settings.tier: [a, b]\n"), ("b.yml", "orders:\n  settings.tier: [b, a]\n")])
            problems = []
        } catch {
            problems = error.items.map(\.description)
        }
        #expect(problems == ["b.yml:2:3: order for 'settings.tier' is declared twice (first at a.yml:2:3); keep one"])
    }
}
