import Alerting
import Config
import Curl
import Foundation

/// Posts one rendered notification to an HTTP receiver and classifies the answer: what every
/// HTTP receiver does once its message is rendered. The URL is revealed to libcurl only;
/// errors show its host (path and query often carry the credential) and reasons are scrubbed
/// of every secret in `reasonText`.
struct ReceiverPost {
    /// The receiver's URL (a credential for Slack and most webhooks).
    var url: Secret
    /// How the receiver's service answers (``ReceiverService``).
    var service: ReceiverService
    /// How reasons name the receiver: `slack receiver 'ops'`.
    var label: String
    var client: HTTPClient
    /// Limit for the whole request; a slower answer is retried later.
    var timeout: Duration
    /// Masks the receiver's secrets in reasons.
    var reasonText: ReasonText
    /// How much of the URL reasons show: the host only, unless the URL holds no credential.
    var redaction: URLRedaction = .hidePath

    /// Sends `body` with `headers` (a `POST`) and classifies what came back.
    func send(_ body: Data, headers: [HTTPHeader]) async -> DeliveryOutcome {
        let request = HTTPRequest(
            method: "POST", url: url.revealed, headers: headers, body: body,
            connectTimeout: min(timeout, .seconds(10)), timeout: timeout,
            maxResponseBytes: 64 * 1024, redaction: redaction)
        do {
            let response = try await client.send(request)
            return ReceiverResponse(status: response.status, body: response.bodyText, retryAfter: response.retryAfter)
                .outcome(service, receiver: "\(label) (\(request.redactedURL))", reasonText: reasonText)
        } catch {
            return TransportFailure.outcome(for: error, receiver: label, reasonText: reasonText)
        }
    }
}
