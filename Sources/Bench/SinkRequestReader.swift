import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads HTTP/1.1 requests one after another from a blocking socket: the head, then exactly
/// `Content-Length` bytes of body, keeping whatever follows for the next request.
struct SinkRequestReader {
    /// The parts of a request head the sink acts on.
    struct Head {
        var contentLength: Int
        var expectsContinue: Bool
        var wantsClose: Bool
    }

    let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let headEnd: [UInt8] = Array("\r\n\r\n".utf8)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next request's head, or `nil` when the peer closed the connection or sent garbage.
    mutating func next() -> Head? {
        while true {
            if let end = Self.find(Self.headEnd, in: buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + Self.headEnd.count)
                return Self.parse(head)
            }
            if buffer.count > 64 * 1024 || !fill() { return nil }
        }
    }

    /// Exactly `length` bytes of body, or `nil` if the connection ended first.
    mutating func body(length: Int) -> [UInt8]? {
        while buffer.count < length {
            if !fill() { return nil }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return body
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private static func parse(_ head: String) -> Head {
        var result = Head(contentLength: 0, expectsContinue: false, wantsClose: false)
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "content-length": result.contentLength = Int(value) ?? 0
            case "expect": result.expectsContinue = value == "100-continue"
            case "connection": result.wantsClose = value == "close"
            default: break
            }
        }
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
