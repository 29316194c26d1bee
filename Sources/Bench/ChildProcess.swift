import Foundation

/// A `channelwatch` subcommand running beside the benchmark (`simulate`, `run`), with its output
/// in a file, stopped with SIGTERM.
final class ChildProcess: Sendable {
    /// What the child is, for messages: `simulator`, `run`.
    let role: String
    /// Where its standard output and error go.
    let outputFile: URL
    private let process: Process

    /// Starts `executable arguments...` with `environment` added to this process's environment.
    init(role: String, executable: URL, arguments: [String], environment: [String: String] = [:],
         outputFile: URL) throws {
        self.role = role
        self.outputFile = outputFile
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchError("\(role): cannot start \(executable.path): \(error.localizedDescription)")
        }
        try? output.close()
        self.process = process
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// User + system CPU seconds the child has used so far.
    func cpuSeconds() throws -> Double {
        guard let seconds = ProcessUsage.cpuSeconds(pid: pid) else {
            throw BenchError("\(role): cannot read /proc/\(pid)/stat (\(exitDescription))")
        }
        return seconds
    }

    /// Whether the child is still running.
    var isRunning: Bool { process.isRunning }

    /// `running`, or how it ended: `exit status N` or `signal N`.
    var exitDescription: String {
        if process.isRunning { return "running" }
        return process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)"
            : "exit status \(process.terminationStatus)"
    }

    /// Its output so far.
    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Waits until a line of the output satisfies `match` and returns what it returned; fails when
    /// the child exits or `timeout` passes first, quoting the end of the output.
    func waitForLine<T>(timeout: Duration, _ match: (Substring) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in output.split(separator: "\n") {
                if let found = match(line) { return found }
            }
            guard process.isRunning else {
                throw BenchError("\(role) exited early (\(exitDescription)): \(output.suffix(600))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("\(role) did not get ready within \(timeout): \(output.suffix(600))")
    }

    /// Sends SIGTERM and waits up to 15 s for the exit, then SIGKILL.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
