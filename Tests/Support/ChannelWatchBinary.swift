import Foundation

/// The `channelwatch` executable built alongside the tests, for tests that run the real binary.
public enum ChannelWatchBinary {
    /// `channelwatch` in the build directory the test bundle runs from.
    public static var url: URL {
        let testExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testExecutable.deletingLastPathComponent()
        // The test runner may be inside an `.xctest` bundle directory.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents" || directory.lastPathComponent == "MacOS" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("channelwatch")
    }

    /// The repository's top directory (for `sql/`, `Rules/`, `scenarios/`).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `channelwatch ARGS...` in `directory` with `environment` added to a minimal one.
    public static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
                           timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
        base.merge(environment) { _, new in new }
        return try await ProcessRunner.run(url.path, arguments, environment: base,
                                           workingDirectory: directory ?? FileManager.default.temporaryDirectory,
                                           timeout: timeout)
    }
}
