import ArgumentParser

/// The version printed by `channelwatch version` and `--version`.
enum ChannelWatchVersion {
    static let current = "0.1.0"
}

/// `channelwatch version`: prints the version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("channelwatch \(ChannelWatchVersion.current)")
    }
}
