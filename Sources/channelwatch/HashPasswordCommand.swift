import ArgumentParser
import Console
import Foundation

/// `channelwatch hash-password`: a bcrypt hash for an `http_auth` user, from a password read on
/// standard input (never an argument, which `ps` and shell history would show).
struct HashPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print a bcrypt hash of a password read from standard input, for http_auth users.",
        discussion: """
            Example: `printf '%s' "$PASSWORD" | channelwatch hash-password`, then in channelwatch.yml: \
            http_auth: {users: [{username: ana, password_hash: '$2b$12$…'}]} (or password_hash_file). \
            The first line of standard input is the password; a trailing newline is not part of it.
            """)

    @Option(help: "bcrypt cost, 10–16: each step doubles the time to check (and to guess) a password.")
    var cost: UInt8 = 12

    func validate() throws {
        guard (10...16).contains(cost) else { throw ValidationError("--cost must be from 10 to 16, not \(cost)") }
    }

    func run() async throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password on standard input; pipe one in: printf '%s' \"$PASSWORD\" | channelwatch hash-password")
        }
        guard line.utf8.count <= 72 else {
            throw ValidationError("the password is longer than 72 bytes; bcrypt ignores everything after the 72nd")
        }
        print(AccessControl.hashPassword(line, cost: cost))
    }
}
