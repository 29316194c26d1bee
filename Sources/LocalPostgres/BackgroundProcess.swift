import Primitives
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A subprocess left running in the background: signal it, read what it has written so far,
/// wait for it to exit. For long-running commands (a worker, a server) that a test or a tool
/// drives while they run; ``ProcessRunner`` is the one-shot counterpart.
///
/// Spawned like ``ProcessRunner`` does (posix_spawn, empty signal mask, default dispositions,
/// output to files), so the child obeys SIGTERM even when started from a dispatch thread. A
/// dedicated thread waits for it, so no Swift concurrency thread ever blocks in `waitpid`.
/// Deinitialising a process that still runs kills it (SIGKILL), so none outlives its owner.
public final class BackgroundProcess: Sendable {
    /// The child's process id.
    public let processID: pid_t
    /// The file holding the child's standard output.
    public let outputFile: URL
    /// The file holding the child's standard error.
    public let errorFile: URL
    private let scratch: URL
    private let exit = ExitStatusBox()

    private init(processID: pid_t, scratch: URL) {
        self.processID = processID
        self.scratch = scratch
        outputFile = scratch.appendingPathComponent("stdout")
        errorFile = scratch.appendingPathComponent("stderr")
    }

    /// Starts `executable` (an absolute path) with `arguments`; `environment` nil inherits this
    /// process's environment. Throws when the process cannot be spawned.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             workingDirectory: URL? = nil) throws -> BackgroundProcess {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("channelwatch-background-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let processID = try ProcessRunner.spawn(
            executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            workingDirectory: workingDirectory?.path, outputPath: scratch.appendingPathComponent("stdout").path,
            errorPath: scratch.appendingPathComponent("stderr").path)
        let process = BackgroundProcess(processID: processID, scratch: scratch)
        process.startWaiter()
        return process
    }

    deinit {
        if exit.status == nil {
            Glibc.kill(processID, SIGKILL)
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Everything written to standard output so far.
    public var standardOutput: String {
        (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    /// Everything written to standard error so far.
    public var standardError: String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }

    /// The exit status once the process has exited (128 + the signal number when a signal
    /// killed it); nil while it runs.
    public var exitCode: Int32? { exit.status }

    /// Whether the process is still running.
    public var isRunning: Bool { exit.status == nil }

    /// Sends `signal` (e.g. `SIGTERM`, `SIGHUP`) unless the process has already exited.
    public func send(_ signal: Int32) {
        // Once reaped, the pid may belong to another process: never signal it then.
        exit.whileRunning { Glibc.kill(processID, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns its exit status, or nil if it
    /// still runs.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exit.status { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exit.status
    }

    /// Kills the process (SIGKILL) if it still runs and waits for it to be reaped.
    public func kill() async {
        send(SIGKILL)
        await waitForExit(timeout: .seconds(10))
    }

    private func startWaiter() {
        let processID = self.processID, exit = self.exit
        let waiter = Thread {
            // Wait without reaping, then reap under the lock: until then the pid cannot be
            // reused, so `send` never signals a stranger.
            var info = siginfo_t()
            while waitid(P_PID, id_t(processID), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
            exit.reap {
                var status: Int32 = 0
                while waitpid(processID, &status, 0) < 0 && errno == EINTR {}
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
        }
        waiter.name = "channelwatch.background-wait.\(processID)"
        waiter.start()
    }
}

/// The exit status of a background process, written once by its waiting thread.
private final class ExitStatusBox: Sendable {
    private let exit = LockedBox<Int32?>(nil)

    var status: Int32? { exit.value }

    /// Records the status that `reaping` returns, holding the lock while it reaps.
    func reap(_ reaping: () -> Int32) { exit.withLock { $0 = reaping() } }

    /// Runs `body` under the lock if no exit was recorded yet, so a signal never races the reaping.
    func whileRunning(_ body: () -> Void) {
        exit.withLock { if $0 == nil { body() } }
    }
}
