import Foundation

/// Serves one connection of an `SMTPSink`.
struct SMTPSinkSession {
    let connection: SinkConnection
    let recorder: SMTPSinkRecorder

    private struct Envelope {
        var heloName = ""
        var credentials: SMTPSinkCredentials?
        var mailFrom: String?
        var recipients: [String] = []
    }

    private enum Outcome { case proceed, close }

    func run() {
        guard answer(.greeting, default: (220, "127.0.0.1 SMTPSink ESMTP ready")) else { return }
        var envelope = Envelope()
        while let line = connection.readLine() {
            let verb = line.prefix { $0 != " " }.uppercased()
            let argument = line.drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
            recorder.record(command: verb == "AUTH" ? "AUTH \(argument.prefix { $0 != " " })" : line)
            switch verb {
            case "EHLO":
                envelope = Envelope(heloName: argument)
                guard connection.write("250-127.0.0.1 greets \(argument)\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n") else { return }
            case "HELO":
                envelope = Envelope(heloName: argument)
                guard reply(250, "127.0.0.1") else { return }
            case "AUTH":
                guard authenticate(argument, into: &envelope) else { return }
            case "MAIL":
                guard let address = Self.address(in: argument, after: "FROM:") else {
                    guard reply(501, "5.5.4 syntax: MAIL FROM:<address>") else { return }
                    continue
                }
                envelope.mailFrom = address
                envelope.recipients = []
                guard answer(.mailFrom, default: (250, "2.1.0 sender ok")) else { return }
            case "RCPT":
                guard envelope.mailFrom != nil, let address = Self.address(in: argument, after: "TO:") else {
                    guard reply(503, "5.5.1 need MAIL FROM before RCPT TO") else { return }
                    continue
                }
                switch recorder.reply(for: .recipient) {
                case .reply(let code, let text):
                    if (200..<300).contains(code) { envelope.recipients.append(address) }
                    guard reply(code, text) else { return }
                case .dropConnection:
                    return
                case nil:
                    envelope.recipients.append(address)
                    guard reply(250, "2.1.5 recipient ok") else { return }
                }
            case "DATA":
                guard receiveData(&envelope) == .proceed else { return }
            case "RSET":
                envelope.mailFrom = nil
                envelope.recipients = []
                guard reply(250, "2.0.0 reset") else { return }
            case "NOOP":
                guard reply(250, "2.0.0 ok") else { return }
            case "QUIT":
                reply(221, "2.0.0 bye")
                return
            default:
                guard reply(502, "5.5.2 command not implemented") else { return }
            }
        }
    }

    private func receiveData(_ envelope: inout Envelope) -> Outcome {
        guard let mailFrom = envelope.mailFrom, !envelope.recipients.isEmpty else {
            return reply(503, "5.5.1 need MAIL FROM and RCPT TO before DATA") ? .proceed : .close
        }
        switch recorder.reply(for: .dataCommand) {
        case .reply(let code, let text) where code != 354:
            return reply(code, text) ? .proceed : .close
        case .dropConnection:
            return .close
        default:
            guard reply(354, "end data with <CR><LF>.<CR><LF>") else { return .close }
        }
        var data = Data()
        while true {
            guard var line = connection.readLineBytes() else { return .close }
            if line == [UInt8(ascii: ".")] { break }
            // RFC 5321 §4.5.2: a leading "." was doubled by the client; remove one.
            if line.first == UInt8(ascii: ".") { line.removeFirst() }
            data.append(contentsOf: line)
            data.append(contentsOf: [13, 10])
        }
        let message = SMTPSinkMessage(
            heloName: envelope.heloName, credentials: envelope.credentials, mailFrom: mailFrom,
            recipients: envelope.recipients, data: data)
        envelope.mailFrom = nil
        envelope.recipients = []
        switch recorder.reply(for: .messageEnd) {
        case .reply(let code, let text):
            if (200..<300).contains(code) { recorder.record(message) }
            return reply(code, text) ? .proceed : .close
        case .dropConnection:
            return .close
        case nil:
            recorder.record(message)
            return reply(250, "2.0.0 queued") ? .proceed : .close
        }
    }

    private func authenticate(_ argument: String, into envelope: inout Envelope) -> Bool {
        let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
        let mechanism = parts.first?.uppercased() ?? ""
        var initial = parts.count > 1 ? parts[1] : nil
        let credentials: SMTPSinkCredentials
        switch mechanism {
        case "PLAIN":
            if initial == nil {
                guard connection.write("334 \r\n"), let line = connection.readLine() else { return false }
                initial = line
            }
            // authzid NUL authcid NUL password
            let fields = Self.decode(initial ?? "").split(separator: "\0", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return reply(501, "5.5.2 malformed AUTH PLAIN") }
            credentials = SMTPSinkCredentials(mechanism: "PLAIN", username: String(fields[1]), password: String(fields[2]))
        case "LOGIN":
            if initial == nil {
                guard connection.write("334 VXNlcm5hbWU6\r\n"), let line = connection.readLine() else { return false }
                initial = line
            }
            guard connection.write("334 UGFzc3dvcmQ6\r\n"), let password = connection.readLine() else { return false }
            credentials = SMTPSinkCredentials(mechanism: "LOGIN", username: Self.decode(initial ?? ""), password: Self.decode(password))
        default:
            return reply(504, "5.5.4 unrecognized authentication type")
        }
        recorder.record(credentials)
        if let expected = recorder.acceptedCredentials,
            expected.username != credentials.username || expected.password != credentials.password
        {
            return reply(535, "5.7.8 authentication credentials invalid")
        }
        envelope.credentials = credentials
        return reply(235, "2.7.0 authentication successful")
    }

    /// Sends the scripted reply for `stage`, or the default; false when the connection ends.
    private func answer(_ stage: SMTPSinkStage, default fallback: (Int, String)) -> Bool {
        switch recorder.reply(for: stage) {
        case .reply(let code, let text): reply(code, text)
        case .dropConnection: false
        case nil: reply(fallback.0, fallback.1)
        }
    }

    @discardableResult
    private func reply(_ code: Int, _ text: String) -> Bool {
        connection.write("\(code) \(text)\r\n")
    }

    /// `<a@b>` from `FROM:<a@b> SIZE=12`, case-insensitively; nil if malformed.
    private static func address(in argument: String, after keyword: String) -> String? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        return String(rest[rest.index(after: rest.startIndex)..<close])
    }

    private static func decode(_ base64: String) -> String {
        Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
