import Alerting
import Curl

/// Classifies an HTTP request that got no response at all (the `HTTPClient.send` error),
/// shared by the Slack and webhook receivers.
enum TransportFailure {
    /// Network failures, timeouts and TLS trouble are retried: they often heal, and a delivery
    /// still dies after `max_delivery_age` with this reason kept. Only a request libcurl cannot
    /// even attempt (malformed URL, unsupported scheme) is dead at once.
    static func outcome(for error: any Error, receiver: String, reasonText: ReasonText) -> DeliveryOutcome {
        switch error {
        case let error as CurlError where error.kind == .invalidRequest:
            return .dead(reason: reasonText.scrub("\(receiver): \(error.description)"))
        case let error as CurlError:
            return .retry(after: nil, reason: reasonText.scrub("\(receiver): \(error.description)"))
        case is CancellationError:
            return .retry(after: nil, reason: "\(receiver): cancelled before the server answered; will be sent again")
        default:
            return .retry(after: nil, reason: reasonText.scrub("\(receiver): \(error)"))
        }
    }
}
