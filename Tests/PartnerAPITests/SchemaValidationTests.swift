import Curl
import Foundation
import JSON
import Testing
import TestSupport
@testable import PartnerAPI

/// The simulator's answers validate against the reference OpenAPI schemas, checked by
/// python3's `jsonschema` (the same validator an outside reviewer would reach for).
@Suite("Simulator pages match the reference schema")
struct SchemaValidationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/partner-api")

    /// Validates `documents` (schema name, JSON bytes) and returns the validator's complaints.
    static func validate(_ documents: [(schema: String, body: Data)]) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // python3 from PATH: the one with jsonschema installed is not necessarily /usr/bin's.
        var arguments = ["python3", "-c", validatorScript, fixtures.appendingPathComponent("partner-api-channels.openapi.json").path]
        for (index, document) in documents.enumerated() {
            let file = directory.appendingPathComponent("\(index).json")
            try document.body.write(to: file)
            arguments += [document.schema, file.path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// OpenAPI 3.0's `nullable` is not JSON Schema: rewrite it as a `null` type before validating.
    static let validatorScript = """
        import json, sys, jsonschema
        spec = json.load(open(sys.argv[1]))
        def fix(node):
            if isinstance(node, dict):
                if node.get("nullable") is True:
                    node.pop("nullable")
                    if "type" in node:
                        node["type"] = [node["type"], "null"]
                    else:
                        node = {"anyOf": [fix(node), {"type": "null"}]}
                        return node
                return {k: fix(v) for k, v in node.items()}
            if isinstance(node, list):
                return [fix(v) for v in node]
            return node
        components = fix(spec["components"])
        failures = 0
        pairs = sys.argv[2:]
        for name, path in zip(pairs[0::2], pairs[1::2]):
            schema = {"$ref": "#/components/schemas/" + name, "components": components}
            validator = jsonschema.Draft7Validator(schema)
            for error in validator.iter_errors(json.load(open(path))):
                failures += 1
                print(name, path, list(error.absolute_path), error.message[:300])
        print("validated", len(pairs) // 2, "documents,", failures, "errors")
        sys.exit(1 if failures else 0)
        """

    static func get(_ url: String, apiKey: String?) async throws -> Curl.HTTPResponse {
        let headers = apiKey.map { [Curl.HTTPHeader(name: "X-API-Key", value: $0)] } ?? []
        return try await Curl.HTTPClient.shared.send(Curl.HTTPRequest(url: url, headers: headers))
    }

    @Test("pages, error bodies and echo fields validate")
    func pagesValidate() async throws {
        let fixture = try await SimulatorFixture.start(channelCount: 250)
        defer { Task { await fixture.stop() } }
        let channels = "\(fixture.baseURL)/api/v2/partners/\(fixture.partnerID)/channels"
        let filters = ChannelListURL.percentEncode(#"{"status":"ready"}"#)
        var documents: [(schema: String, body: Data)] = []
        for query in ["limit=100&offset=0", "limit=100&offset=200&sort=-id", "limit=7&offset=3&filters=\(filters)", "offset=1000"] {
            let response = try await Self.get("\(channels)?\(query)", apiKey: fixture.apiKey)
            #expect(response.status == 200)
            documents.append(("PartnerChannelsPublicOut", response.body))
        }
        let unauthorized = try await Self.get(channels, apiKey: "wrong")
        #expect(unauthorized.status == 401)
        documents.append(("DefaultHttpError", unauthorized.body))
        let unknown = try await Self.get("\(fixture.baseURL)/api/v2/partners/nobody/channels", apiKey: fixture.apiKey)
        #expect(unknown.status == 404)
        documents.append(("DefaultHttpError", unknown.body))
        let invalid = try await Self.get("\(channels)?limit=zero", apiKey: fixture.apiKey)
        #expect(invalid.status == 400)
        documents.append(("DefaultValidationError", invalid.body))

        let captured = documents
        let validation = try await offThePool { try Self.validate(captured) }
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.output.contains("validated 7 documents, 0 errors"))

        let page = try ChannelPage.decode(documents[2].body)
        #expect(page.count == 7 && page.limit == 7 && page.offset == 3 && page.total == 250)
        let echoed = try JSONParser.parse(documents[1].body)
        #expect(echoed["sort"] == .array([.string("-id")]))
        #expect(echoed["filters"] == .object([:]))
    }

    @Test("the validator is not a rubber stamp: an extra field fails it")
    func validatorRejectsExtraFields() async throws {
        let body = Data(#"{"total": 1, "count": 1, "partner_channels": [{"id": "x", "not_in_schema": 1}]}"#.utf8)
        let validation = try await offThePool { try Self.validate([("PartnerChannelsPublicOut", body)]) }
        #expect(validation.status != 0)
        #expect(validation.output.contains("not_in_schema"))
    }
}
