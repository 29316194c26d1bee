import Alerting
import Recording
import Config
import Foundation
import JSON
import Worker

/// A deterministic poller for tests: returns the channels it was given, counts its polls, and
/// can be paused (polls then wait until resumed or cancelled).
final class FixedPoller: PartnerPolling, @unchecked Sendable {
    // @unchecked Sendable: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private var channels: [String: [ObservedChannel]] = [:]
    private var counts: [String: Int] = [:]
    private var paused = false

    /// Channels of every partner, with quality `quality`.
    init(channelIDs: [String] = ["c1"], quality: String = "High") {
        setChannels(channelIDs.map { Self.channel($0, quality: quality) })
    }

    /// Every partner gets these channels from now on.
    func setChannels(_ channels: [ObservedChannel]) {
        lock.withLock { self.channels["*"] = channels }
    }

    func setPaused(_ paused: Bool) {
        lock.withLock { self.paused = paused }
    }

    func pollCount(_ partnerID: String) -> Int {
        lock.withLock { counts[partnerID] ?? 0 }
    }

    func poll(_ partner: PartnerConfig, deadline: Duration) async -> ObservedPoll {
        let started = Date()
        while lock.withLock({ paused }) {
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                return ObservedPoll(partnerID: partner.id, startedAt: started, finishedAt: Date(), channels: [], pages: 0,
                                    failure: .init(message: "cancelled"))
            }
        }
        let channels = lock.withLock {
            counts[partner.id, default: 0] += 1
            return self.channels["*"] ?? []
        }
        return ObservedPoll(partnerID: partner.id, startedAt: started, finishedAt: Date(), channels: channels, pages: 1,
                            failure: nil)
    }

    /// A channel document with a quality rating.
    static func channel(_ id: String, quality: String) -> ObservedChannel {
        let document = JSONValue.object([
            "id": .string(id), "current_quality_rating": .string(quality), "current_limit": .string("TIER_10K"),
            "setup_info": .object(["phone_number": .string("+49 30 \(id)")]),
        ])
        return ObservedChannel(id: id, document: document, rawJSON: document.encoded())
    }
}

/// A receiver that records what it was asked to deliver and accepts everything.
final class RecordingReceiver: Receiver, @unchecked Sendable {
    // @unchecked Sendable: `received` is guarded by `lock`.
    let name: String
    private let lock = NSLock()
    private var received: [NotificationPayload] = []
    private var started = 0
    private let delay: Duration

    /// A receiver that takes `delay` per send (not cut short by cancellation, like a send on the wire).
    init(name: String, delay: Duration = .zero) {
        self.name = name
        self.delay = delay
    }

    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        lock.withLock { started += 1 }
        if delay > .zero {
            let delay = self.delay
            await Task { try? await Task.sleep(for: delay) }.value
        }
        lock.withLock { received.append(notification) }
        return .delivered
    }

    /// Sends begun, finished or not.
    var sendsStarted: Int { lock.withLock { started } }

    /// Every event received, as `rule channel status`.
    var eventLines: [String] {
        lock.withLock { received.flatMap { $0.events.map { "\($0.rule) \($0.channel.id) \($0.status)" } } }
    }
}

/// Collects log lines written by a ``ChannelWatchLogHandler``.
final class LogCapture: @unchecked Sendable {
    // @unchecked Sendable: `lines` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: [String] = []

    func write(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
