import Primitives
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished subprocess left behind.
public struct ProcessResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal killed the process.
    public let exitCode: Int32
    /// Everything written to standard output, decoded as UTF-8.
    public let standardOutput: String
    /// Everything written to standard error, decoded as UTF-8.
    public let standardError: String
    /// True when the process was killed because it outlived its timeout.
    public let timedOut: Bool

    /// True for exit status 0 within the timeout.
    public var succeeded: Bool { exitCode == 0 && !timedOut }
}

/// Runs subprocesses for tests: arguments, environment, captured output, exit code, timeout.
///
/// Built on posix_spawn + waitpid instead of Foundation's `Process`: on Linux `Process` detects
/// termination through a descriptor the child inherits, so a daemonising child (`pg_ctl start`
/// leaves a postmaster behind) makes it wait forever. For the same reason output goes to
/// temporary files, not pipes, and every descriptor above stderr is closed in the child.
public enum ProcessRunner {
    /// Runs `executable` (an absolute path) and waits for it on a dedicated thread, never
    /// blocking a Swift concurrency thread. After `timeout` the process gets SIGTERM, then
    /// SIGKILL two seconds later. `environment` nil inherits this process's environment.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        workingDirectory: URL? = nil, timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("channelwatch-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputPath = scratch.appendingPathComponent("stdout").path
        let errorPath = scratch.appendingPathComponent("stderr").path

        let processID = try spawn(
            executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            workingDirectory: workingDirectory?.path, outputPath: outputPath, errorPath: errorPath)
        let state = ProcessState()
        scheduleTimeout(processID: processID, after: timeout, state: state)
        let exitCode = await waitForExit(processID, state: state)
        return ProcessResult(
            exitCode: exitCode,
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "",
            timedOut: state.timedOut)
    }

    /// Starts `executable` with stdin from /dev/null and stdout/stderr to the given files, an empty
    /// signal mask and default signal dispositions; shared with ``BackgroundProcess``.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String],
        workingDirectory: String?, outputPath: String, errorPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let closeFrom = GNUSpawnActions.closeFrom { _ = closeFrom(&actions, 3) }
        if let workingDirectory, let changeDirectory = GNUSpawnActions.changeDirectory {
            _ = changeDirectory(&actions, workingDirectory)
        }

        // The spawning thread may block signals (dispatch workers do) or ignore SIGPIPE (HTTP
        // clients do); the child must start with an empty mask and default dispositions, or it
        // would shrug off the SIGTERM of a timeout.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var processID: pid_t = 0
        let status = posix_spawn(&processID, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw ProcessRunnerError(message: "could not start \(executable): \(String(cString: strerror(status)))")
        }
        return processID
    }

    /// Blocks a dedicated thread (not a dispatch or cooperative one) in waitpid.
    private static func waitForExit(_ processID: pid_t, state: ProcessState) async -> Int32 {
        await withCheckedContinuation { continuation in
            let waiter = Thread {
                var status: Int32 = 0
                while waitpid(processID, &status, 0) < 0 && errno == EINTR {}
                state.markExited()
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
            waiter.name = "channelwatch.process-wait.\(processID)"
            waiter.start()
        }
    }

    private static func scheduleTimeout(processID: pid_t, after timeout: Duration, state: ProcessState) {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            guard state.markTimedOutIfRunning() else { return }
            kill(processID, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
                if !state.hasExited { kill(processID, SIGKILL) }
            }
        }
    }
}

/// glibc's `_np` spawn actions, looked up at run time because Swift's Glibc module is imported
/// without `_GNU_SOURCE` and so does not declare them. Nil on a libc without them.
private enum GNUSpawnActions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFrom: CloseFrom? = lookUp("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectory: ChangeDirectory? = lookUp("posix_spawn_file_actions_addchdir_np")

    private static func lookUp<F>(_ name: String) -> F? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}

/// A subprocess could not be started or did not do its job.
public struct ProcessRunnerError: Error, CustomStringConvertible {
    /// What failed, including the command and its stderr when relevant.
    public let message: String
    /// Creates the error.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Whether the process has exited or timed out, shared by the waiting thread and the timer.
private final class ProcessState: Sendable {
    private let flags = LockedBox((exited: false, timedOut: false))

    func markExited() { flags.withLock { $0.exited = true } }
    var hasExited: Bool { flags.value.exited }
    var timedOut: Bool { flags.value.timedOut }

    /// Records a timeout unless the process already exited; true when it should be killed.
    func markTimedOutIfRunning() -> Bool {
        flags.withLock {
            guard !$0.exited else { return false }
            $0.timedOut = true
            return true
        }
    }
}
