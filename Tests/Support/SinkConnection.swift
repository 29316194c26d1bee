import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection of a `SocketServer`, with buffered line and byte reads.
///
/// Used only by the thread the server started for it.
public final class SinkConnection {
    /// 1 for the first connection the server accepted, 2 for the next, ...
    public let number: Int
    private let descriptor: Int32
    private unowned let server: SocketServer
    private var buffer: [UInt8] = []
    private var start = 0

    init(descriptor: Int32, number: Int, server: SocketServer) {
        self.descriptor = descriptor
        self.number = number
        self.server = server
    }

    /// The next line without its CRLF (or bare LF); nil when the peer closed first.
    public func readLine(maxLength: Int = 1 << 20) -> String? {
        readLineBytes(maxLength: maxLength).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Like `readLine`, but the raw bytes.
    public func readLineBytes(maxLength: Int = 1 << 20) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                return line
            }
            guard buffer.count - start <= maxLength, fill() else { return nil }
        }
    }

    /// Exactly `count` bytes; nil when the peer closed first.
    public func readExactly(_ count: Int) -> Data? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let data = Data(buffer[start..<start + count])
        start += count
        return data
    }

    /// Sends all of `data`; false if the peer is gone.
    @discardableResult
    public func write(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    /// Sends `text` as UTF-8; false if the peer is gone.
    @discardableResult
    public func write(_ text: String) -> Bool {
        write(Data(text.utf8))
    }

    /// Reads and discards until the peer closes or the server stops: a server that "hangs".
    public func drainUntilClosed() {
        while fill() {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
    }

    /// Sleeps for `duration` unless the server stops first; returns false if it stopped.
    public func pause(for duration: Duration) -> Bool {
        server.pause(for: duration)
    }

    /// Reads more bytes into the buffer; false on EOF or error.
    private func fill() -> Bool {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            guard received > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<received])
            return true
        }
    }
}
