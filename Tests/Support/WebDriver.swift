import Curl
import Foundation
import LocalPostgres

/// A real headless Chromium driven over the W3C WebDriver protocol through `chromedriver`
/// (Debian's `chromium` and `chromium-driver`): pages load, forms are filled and buttons
/// clicked as a person would, and screenshots are real renderings.
public final class WebBrowser: Sendable {
    private let driver: BackgroundProcess
    private let base: URL
    private let session: String

    /// Where Debian puts them; `CHROMIUM` / `CHROMEDRIVER` override.
    static let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
    static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

    /// An error the driver reported, or a browser that could not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private init(driver: BackgroundProcess, base: URL, session: String) {
        self.driver = driver
        self.base = base
        self.session = session
    }

    /// Starts chromedriver and a headless Chromium window of `width` × `height` CSS pixels.
    public static func start(width: Int = 1280, height: Int = 900) async throws -> WebBrowser {
        for binary in [chromium, chromedriver] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw Failure(description: "\(binary) is missing: install Debian's chromium and chromium-driver (scripts/install-deps does)")
        }
        let port = try LoopbackPort.free()
        let driver = try BackgroundProcess.start(chromedriver, ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                                                 environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let deadline = ContinuousClock.now + .seconds(30)
        var lastError = "no answer"
        while true {
            do {
                if Self.bool(try await send("GET", base.appendingPathComponent("status"))["ready"]) == true { break }
                lastError = "not ready"
            } catch {
                lastError = "\(error)"
            }
            guard ContinuousClock.now < deadline else {
                await driver.kill()
                throw Failure(description: "chromedriver did not start (\(lastError)): \(driver.standardOutput.suffix(1000)) \(driver.standardError.suffix(1000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cw-chromium-\(UUID().uuidString)").path
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": chromium,
                // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--window-size=\(width),\(height)", "--user-data-dir=\(profile)", "--lang=en-US",
                         "--force-device-scale-factor=1"],
            ],
        ]]]
        do {
            let created = try await send("POST", base.appendingPathComponent("session"), capabilities)
            guard let id = created["sessionId"] as? String else { throw Failure(description: "no session in \(created)") }
            return WebBrowser(driver: driver, base: base, session: id)
        } catch {
            await driver.kill()
            throw error
        }
    }

    /// Ends the browser and the driver.
    public func quit() async {
        _ = try? await Self.send("DELETE", base.appendingPathComponent("session/\(session)"))
        await driver.kill()
    }

    // MARK: - Pages

    /// Loads `url` and waits for it.
    public func open(_ url: String) async throws {
        _ = try await command("POST", "url", ["url": url])
    }

    /// The address shown now (after redirects).
    public func currentURL() async throws -> String {
        try await command("GET", "url") as? String ?? ""
    }

    /// The page's title.
    public func title() async throws -> String {
        try await command("GET", "title") as? String ?? ""
    }

    /// The page's rendered text (what a person reads), from `<body>`.
    public func text(_ selector: String = "body") async throws -> String {
        let element = try await find(selector)
        return try await command("GET", "element/\(element)/text") as? String ?? ""
    }

    /// The rendered text of every element matching `selector`.
    public func texts(_ selector: String) async throws -> [String] {
        var texts: [String] = []
        for element in try await findAll(selector) {
            texts.append(try await command("GET", "element/\(element)/text") as? String ?? "")
        }
        return texts
    }

    /// How many elements match `selector`.
    public func count(_ selector: String) async throws -> Int {
        try await findAll(selector).count
    }

    // MARK: - Acting

    /// Clicks the first element matching `selector` (an option, a checkbox): nothing is loaded.
    public func click(_ selector: String) async throws {
        _ = try await command("POST", "element/\(try await find(selector))/click", [:])
    }

    /// Clicks a link or a form's button matching `selector` and waits until the page it leads
    /// to has loaded (a click returns before the browser has navigated).
    public func follow(_ selector: String) async throws {
        _ = try await command("POST", "execute/sync", ["script": "document.documentElement.dataset.cwLeft = 'yes'", "args": []])
        try await click(selector)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let loaded = try? await command("POST", "execute/sync", [
                "script": "return document.readyState === 'complete' && document.documentElement.dataset.cwLeft === undefined",
                "args": [],
            ])
            if Self.bool(loaded) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "clicking \(selector) loaded no new page within 20 s")
    }

    /// Replaces the text of the input matching `selector` with `text`.
    public func type(_ text: String, into selector: String) async throws {
        let element = try await find(selector)
        _ = try await command("POST", "element/\(element)/clear", [:])
        _ = try await command("POST", "element/\(element)/value", ["text": text])
    }

    /// Picks the option with `value` in the select named `name`.
    public func select(_ value: String, in name: String) async throws {
        try await click("select[name=\"\(name)\"] option[value=\"\(value)\"]")
    }

    /// Resizes the window (CSS pixels), e.g. to a phone's width.
    public func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "window/rect", ["width": width, "height": height])
    }

    /// A PNG of the whole page (the window grown to the page's height for the shot).
    public func screenshot() async throws -> Data {
        let height = try await command("POST", "execute/sync", [
            "script": "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)", "args": [],
        ]).flatMap(Self.int) ?? 900
        let rect = try await command("GET", "window/rect") as? [String: Any]
        let width = rect?["width"].flatMap(Self.int) ?? 1280
        let originalHeight = rect?["height"].flatMap(Self.int) ?? 900
        try await resize(width: width, height: min(max(height + 20, 400), 6000))
        defer { Task { try? await self.resize(width: width, height: originalHeight) } }
        guard let encoded = try await command("GET", "screenshot") as? String, let png = Data(base64Encoded: encoded) else {
            throw Failure(description: "the driver returned no screenshot")
        }
        return png
    }

    /// Saves a screenshot as `name`.png in `$CHANNELWATCH_SCREENSHOTS` (default `.build/screenshots`
    /// under the repository) and returns its path.
    @discardableResult
    public func saveScreenshot(_ name: String) async throws -> String {
        let directory = ProcessInfo.processInfo.environment["CHANNELWATCH_SCREENSHOTS"]
            ?? ChannelWatchBinary.repositoryRoot.appendingPathComponent(".build/screenshots").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(name).png").path
        try await screenshot().write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - The protocol

    /// JSON numbers and booleans arrive as NSNumber on Linux, which `as? Int` may not unwrap.
    private static func int(_ value: Any?) -> Int? {
        (value as? Int) ?? (value as? NSNumber)?.intValue ?? (value as? Double).map { Int($0) }
    }

    private static func bool(_ value: Any?) -> Bool? {
        (value as? Bool) ?? (value as? NSNumber)?.boolValue
    }

    private func find(_ selector: String) async throws -> String {
        let found = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let element = (found as? [String: Any])?.values.first as? String else {
            throw Failure(description: "no element matches \(selector)")
        }
        return element
    }

    private func findAll(_ selector: String) async throws -> [String] {
        let found = try await command("POST", "elements", ["using": "css selector", "value": selector]) as? [[String: Any]] ?? []
        return found.compactMap { $0.values.first as? String }
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let answer = try await Self.send(method, base.appendingPathComponent("session/\(session)/\(path)"), body)
        return answer["__value"]
    }

    /// The project's own libcurl client (FoundationNetworking's fails on chromedriver's headers).
    private static let http = HTTPClient(maxConnectionsPerHost: 2)

    /// Sends one WebDriver command; returns its `value` (under `__value` when it is not an object).
    @discardableResult
    private static func send(_ method: String, _ url: URL, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await http.send(HTTPRequest(
            method: method, url: url.absoluteString,
            headers: payload == nil ? [] : [(name: "Content-Type", value: "application/json; charset=utf-8")],
            body: payload, timeout: .seconds(60)))
        let parsed = try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]) as? [String: Any] ?? [:]
        let value = parsed["value"]
        if let object = value as? [String: Any], let error = object["error"] as? String {
            throw Failure(description: "WebDriver \(method) \(url.path): \(error): \(object["message"] as? String ?? "")")
        }
        var result = value as? [String: Any] ?? [:]
        result["__value"] = value
        return result
    }
}
