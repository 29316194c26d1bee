import Primitives
import Foundation
import Logging

/// A LogHandler that keeps every message in memory, for asserting on what was logged.
/// A value type, as swift-log expects; copies share one `Store`.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    final class Store: Sendable {
        private let entries = LockedBox<[Entry]>([])

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
        var all: [Entry] { entries.value }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(store: Store) { self.store = store }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.append(Entry(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:]))
    }

    /// A logger whose messages land in the returned store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test.capture") { _ in CapturingLogHandler(store: store) }, store)
    }
}
