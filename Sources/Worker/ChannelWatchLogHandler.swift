import Foundation
import Logging

/// A swift-log handler writing one line per record, as text or JSON (``LogFormat``), to
/// standard error or to any line sink (tests).
public struct ChannelWatchLogHandler: LogHandler {
    /// Records below this level are dropped.
    public var logLevel: Logger.Level
    /// Metadata attached to every record of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Where finished lines go.
    private let write: @Sendable (String) -> Void
    private let formatter: LogLineFormatter
    private let label: String

    /// A handler for `label` writing `format` lines to `write` (standard error by default).
    public init(label: String, format: LogFormat, level: Logger.Level = .info,
                write: @escaping @Sendable (String) -> Void = StandardErrorLines.write) {
        self.label = label
        self.formatter = LogLineFormatter(format: format)
        self.logLevel = level
        self.write = write
    }

    /// Reads or writes one metadata entry.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one record.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(formatter.line(time: Date(), level: event.level, message: "\(event.message)", label: label,
                             metadata: merged))
    }

    /// Installs this handler for every logger of the process (swift-log allows it once per process).
    public static func bootstrap(format: LogFormat, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in ChannelWatchLogHandler(label: label, format: format, level: level) }
    }
}

/// Writes whole lines to standard error, one `write(2)` each so lines from concurrent tasks never interleave.
public enum StandardErrorLines {
    /// Writes `line` and a newline to standard error.
    public static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBufferPointer { buffer in
            _ = Foundation.write(2, buffer.baseAddress, buffer.count)
        }
    }
}
