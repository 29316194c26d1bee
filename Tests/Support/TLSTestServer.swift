import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTPS server on 127.0.0.1 with a throwaway CA, for certificate-verification tests.
///
/// Creates a CA and a server certificate for `127.0.0.1`/`localhost` with the `openssl` CLI
/// in a fresh temporary directory, then runs `openssl s_server -www` (answers every GET with
/// a 200 status page) as a subprocess. `init` blocks for the ~100 ms this takes.
public final class TLSTestServer: Sendable {
    /// The listening port.
    public let port: Int
    /// PEM file of the CA that signed the server certificate; pass it as the CA file.
    public let caFile: String
    /// Directory holding the generated keys and certificates; removed by `stop()`.
    public let directory: URL
    private let process: SubprocessHandle

    /// `https://127.0.0.1:PORT/`.
    public var url: String { "https://127.0.0.1:\(port)/" }

    /// Generates the certificates and starts the server.
    ///
    /// - Parameter subjectAltNames: names the server certificate is valid for, in openssl
    ///   syntax; pass others (e.g. `["DNS:elsewhere.invalid"]`) to provoke a name mismatch.
    public init(subjectAltNames: [String] = ["IP:127.0.0.1", "DNS:localhost"]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cw-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try TLSCertificateFactory.generate(in: directory, subjectAltNames: subjectAltNames)
        caFile = directory.appendingPathComponent("ca.pem").path
        var lastError: (any Error)?
        // The port is free when chosen but may be taken before s_server binds it: retry.
        for _ in 0..<5 {
            let candidate = try LoopbackPort.free()
            let handle = try SubprocessHandle.launch(
                "openssl",
                ["s_server", "-accept", "127.0.0.1:\(candidate)", "-cert", "server.pem", "-key", "server.key", "-www", "-quiet"],
                in: directory)
            if handle.waitUntilAccepting(port: candidate, timeout: 5) {
                port = candidate
                process = handle
                return
            }
            handle.terminate()
            lastError = TLSTestServerError(message: "openssl s_server did not start listening on 127.0.0.1:\(candidate)")
        }
        try? FileManager.default.removeItem(at: directory)
        throw lastError ?? TLSTestServerError(message: "openssl s_server did not start")
    }

    /// Generates the certificates and starts the server without blocking a cooperative thread
    /// (openssl's key generation takes a while on a loaded machine). Prefer this in async tests.
    public static func start(subjectAltNames: [String] = ["IP:127.0.0.1", "DNS:localhost"]) async throws -> TLSTestServer {
        try await offThePool { try TLSTestServer(subjectAltNames: subjectAltNames) }
    }

    deinit {
        stop()
    }

    /// Kills the server and deletes the certificate directory. Safe to call twice.
    public func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Failure to set up `TLSTestServer`, with the command output that explains it.
public struct TLSTestServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The message, prefixed with where it came from.
    public var description: String { "TLSTestServer: \(message)" }
}

/// Writes a throwaway CA (`ca.pem`, `ca.key`) and a server certificate signed by it
/// (`server.pem`, `server.key`) valid for the given subject alternative names.
enum TLSCertificateFactory {
    static func generate(in directory: URL, subjectAltNames: [String]) throws {
        try """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = ChannelWatch Throwaway Test CA
        [v3_ca]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        """.write(to: directory.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        try """
        basicConstraints = CA:FALSE
        keyUsage = critical,digitalSignature,keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = \(subjectAltNames.joined(separator: ","))
        authorityKeyIdentifier = keyid
        """.write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try SubprocessHandle.run(
            "openssl", ["req", "-x509", "-config", "ca.cnf", "-extensions", "v3_ca"] + ec
                + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"], in: directory)
        try SubprocessHandle.run(
            "openssl", ["req", "-new", "-subj", "/CN=127.0.0.1", "-config", "ca.cnf"] + ec
                + ["-keyout", "server.key", "-out", "server.csr"], in: directory)
        try SubprocessHandle.run(
            "openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                        "-out", "server.pem", "-days", "2", "-extfile", "server.ext"], in: directory)
    }
}

/// A child process started through `/usr/bin/env`, killed on `terminate()`.
///
/// `@unchecked Sendable`: `Process` is only started once in `launch`; afterwards it is only
/// queried (`isRunning`, `processIdentifier`) and waited for, which Foundation allows from any thread.
final class SubprocessHandle: @unchecked Sendable {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    static func launch(_ tool: String, _ arguments: [String], in directory: URL) throws -> SubprocessHandle {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = directory
        // s_server treats stdin as a command channel; an open, silent pipe keeps it idle.
        process.standardInput = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return SubprocessHandle(process: process)
    }

    /// Runs a command to completion; throws with its output if it fails.
    static func run(_ tool: String, _ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestServerError(
                message: "`\(tool) \(arguments.joined(separator: " "))` exited with \(process.terminationStatus): \(text)")
        }
    }

    /// Polls until something accepts TCP connections on `port`, or the process exits.
    func waitUntilAccepting(port: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if Self.canConnect(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Kills the process with SIGKILL and reaps it.
    ///
    /// Not SIGTERM (`Process.terminate`): the child inherits the signal mask of the thread
    /// that spawned it, and Swift's concurrency worker threads block SIGTERM, so the child
    /// would never see it.
    func terminate() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
