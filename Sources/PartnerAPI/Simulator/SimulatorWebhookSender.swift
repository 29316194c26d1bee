import Crypto
import Curl
import Foundation
import Logging

/// Posts the partner webhooks the simulator's timeline changes cause, as 360dialog would: one
/// POST per changed channel, `{"id", "event", "data": <channel document>}`, signed with the
/// scenario's secret in `x-360dialog-signature`. A failed post is logged and dropped (360dialog's
/// own retries are not simulated); the poll still sees the change.
struct SimulatorWebhookSender: Sendable {
    let webhooks: AsyncStream<SimulatorState.PendingWebhook>
    let logger: Logger

    /// Sends each webhook as its change happens, until the stream ends or the task is cancelled.
    func run() async {
        for await pending in webhooks {
            await post(pending)
        }
    }

    private func post(_ pending: SimulatorState.PendingWebhook) async {
        var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
        if let secret = pending.webhook.secret {
            headers.append(HTTPHeader(name: "x-360dialog-signature", value: Self.signature(body: pending.body, secret: secret)))
        }
        do {
            let response = try await HTTPClient.shared.send(HTTPRequest(
                method: "POST", url: pending.webhook.url, headers: headers, body: pending.body,
                connectTimeout: .seconds(2), timeout: .seconds(5), redaction: .hidePath))
            if !(200...299).contains(response.status) {
                logger.warning("simulator: partner webhook answered HTTP \(response.status)")
            }
        } catch {
            logger.warning("simulator: partner webhook not delivered: \(error)")
        }
    }

    /// Lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
    static func signature(body: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
