import Alerting
import ArgumentParser
import Config
import Foundation
import Notifiers
import YAMLSupport

/// `channelwatch notify-test RECEIVER`: sends a clearly marked test notification through one
/// configured receiver now and prints the outcome in one line.
struct NotifyTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify-test",
        abstract: "Send a test notification through one receiver now; exit 0 if it was delivered.",
        discussion: """
            The message is marked as a test everywhere it shows (Slack header, email subject, \
            webhook X-ChannelWatch-Kind: test) and describes a made-up channel. Nothing is \
            written to the database; a failure is reported but not retried.
            """
    )

    @Argument(help: "The receiver's name, as in the configuration's 'receivers' list.")
    var receiver: String

    @Option(name: .customLong("config"), help: "Configuration file (default: $CHANNELWATCH_CONFIG, else ./channelwatch.yml).")
    var configPath: String?

    func run() async throws {
        let path = ConfigLoader.resolvePath(configPath)
        let config: ChannelWatchConfig
        do {
            config = try ConfigLoader().load(path: path)
        } catch {
            printToStandardError(error.description)
            printToStandardError("notify-test: \(path) has \(error.items.count) problem(s); fix them, then run again")
            throw ExitCode.failure
        }
        guard let receiverConfig = config.receivers.first(where: { $0.name == receiver }) else {
            let names = config.receivers.map(\.name)
            let known = names.isEmpty ? "it defines no receivers" : "it defines \(names.joined(separator: ", "))"
            printToStandardError("notify-test: no receiver named '\(receiver)' in \(path)"
                + DidYouMean.hint(for: receiver, among: names) + "; \(known)")
            throw ExitCode.failure
        }
        let notification = NotificationPayload.test(receiver: receiverConfig.name, partnerID: config.partners.first?.id ?? "notify-test")
        let outcome = await ReceiverFactory.make(receiverConfig).deliver(notification, kind: .test)
        let subject = "notify-test \(receiverConfig.name) (\(receiverConfig.typeName))"
        switch outcome {
        case .delivered:
            print("\(subject): delivered (delivery \(notification.deliveryID.uuidString))")
        case .retry(let after, let reason):
            let wait = after.map { "; the server asked to wait \($0)" } ?? ""
            print("\(subject): not delivered, temporary failure\(wait): \(reason)")
            throw ExitCode.failure
        case .dead(let reason):
            print("\(subject): not delivered, permanent failure: \(reason)")
            throw ExitCode.failure
        }
    }
}
