import Curl
import Primitives
import Foundation
import Logging

/// One page fetched (or given up on), with what it cost.
struct PageFetch: Sendable {
    var offset: Int
    var limit: Int
    var result: Result<ChannelPage, PollFailure>
    /// HTTP requests sent for this page.
    var requests: Int
    /// Of those, retries.
    var retries: Int
}

/// Fetches one page with retries: network errors, timeouts, 429 (after `Retry-After`), 5xx and
/// malformed bodies are retried per the ``RetrySchedule`` within the poll's deadline;
/// 400/401/403/404 and other client errors are not.
struct PageFetcher: Sendable {
    let settings: PartnerSettings
    let urls: ChannelListURL
    let client: HTTPClient
    let schedule: RetrySchedule
    let deadline: ContinuousClock.Instant
    let logger: Logger
    /// Bounds the requests in flight across all pages of the poll.
    let permits: Permits

    /// Generous: a 1000-channel page of large documents is a few MB.
    static let maxResponseBytes = 64 * 1024 * 1024

    func fetch(offset: Int, limit: Int, page: Int) async -> PageFetch {
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        // What the last attempt got: when the deadline passes during the wait for a retry, that
        // answer (an HTTP 500 with its trace id, say) says more than "the deadline passed".
        var lastProblem: PollFailure?
        while true {
            attempt += 1
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                if var lastProblem {
                    lastProblem.message += "; the poll deadline passed before the next attempt"
                    return finish(offset, limit, attempt - 1, .failure(lastProblem))
                }
                return finish(offset, limit, attempt - 1, .failure(failure(page, offset, .deadline, "the poll deadline passed before this page arrived", attempts: attempt - 1)))
            }
            let outcome = await attemptOnce(offset: offset, limit: limit, page: page, timeout: min(settings.requestTimeout, remaining))
            switch outcome {
            case .success(let channelPage):
                return finish(offset, limit, attempt, .success(channelPage))
            case .failure(var problem):
                problem.failure.attempts = attempt
                if problem.failure.kind == .cancelled {
                    return finish(offset, limit, attempt, .failure(problem.failure))
                }
                let decision = schedule.decide(attempt: attempt, retryable: problem.retryable, retryAfter: problem.retryAfter,
                                               remaining: ContinuousClock.now.duration(to: deadline), using: &random)
                switch decision {
                case .retry(let wait):
                    lastProblem = problem.failure
                    var shown = problem.failure
                    shown.attempts = 1
                    logger.warning("\(shown.descriptionWithoutAdvice): retrying in \(Self.format(wait)) (attempt \(attempt) of \(schedule.maxAttempts))")
                    do {
                        try await Task.sleep(for: wait)
                    } catch {
                        return finish(offset, limit, attempt, .failure(failure(page, offset, .cancelled, "cancelled while waiting to retry", attempts: attempt)))
                    }
                case .giveUp(.deadline(let wait)):
                    problem.failure.message += "; no time left before the poll deadline for a retry in \(Self.format(wait))"
                    return finish(offset, limit, attempt, .failure(problem.failure))
                case .giveUp:
                    return finish(offset, limit, attempt, .failure(problem.failure))
                }
            }
        }
    }

    /// A failed attempt, classified for the retry schedule.
    struct AttemptProblem: Error {
        var failure: PollFailure
        var retryable: Bool
        var retryAfter: Duration?
    }

    private func attemptOnce(offset: Int, limit: Int, page: Int, timeout: Duration) async -> Result<ChannelPage, AttemptProblem> {
        let request = HTTPRequest(
            url: urls.url(offset: offset, limit: limit),
            headers: [HTTPHeader(name: "X-API-Key", value: settings.apiKey), HTTPHeader(name: "Accept", value: "application/json")],
            connectTimeout: min(timeout, .seconds(10)),
            timeout: timeout,
            maxResponseBytes: Self.maxResponseBytes)
        let response: HTTPResponse
        do {
            try await permits.acquire()
            do {
                response = try await client.send(request)
                await permits.release()
            } catch {
                await permits.release()
                throw error
            }
        } catch let error as CurlError {
            let kind: PollFailure.Kind = error.kind == .timeout ? .timeout : .network
            return .failure(AttemptProblem(failure: failure(page, offset, kind, error.message), retryable: error.isTransient))
        } catch {
            let kind: PollFailure.Kind = Task.isCancelled ? .cancelled : .network
            return .failure(AttemptProblem(failure: failure(page, offset, kind, "\(error)"), retryable: false))
        }
        guard (200..<300).contains(response.status) else {
            return .failure(statusProblem(response, page: page, offset: offset))
        }
        do {
            return .success(try ChannelPage.decode(response.body))
        } catch {
            switch error {
            case .malformedJSON:
                // Usually a body cut short by a proxy: worth another try.
                return .failure(AttemptProblem(failure: failure(page, offset, .malformedJSON, error.description), retryable: true))
            case .unexpectedShape, .channelWithoutID:
                return .failure(AttemptProblem(failure: failure(page, offset, .unexpectedResponse, error.description), retryable: false))
            }
        }
    }

    private func statusProblem(_ response: HTTPResponse, page: Int, offset: Int) -> AttemptProblem {
        let body = APIErrorBody(body: response.body)
        let status = response.status
        var problem = failure(page, offset, status == 401 || status == 403 ? .auth(status: status) : .http(status: status), "HTTP \(status)")
        problem.developerMessage = body.developerMessage
        problem.traceID = body.traceID
        let retryable = status == 408 || status == 429 || status >= 500
        return AttemptProblem(failure: problem, retryable: retryable, retryAfter: status == 429 || status == 503 ? response.retryAfter : nil)
    }

    private func failure(_ page: Int, _ offset: Int, _ kind: PollFailure.Kind, _ message: String, attempts: Int = 1) -> PollFailure {
        PollFailure(partnerID: settings.id, page: page, offset: offset, kind: kind, attempts: max(attempts, 1), message: message)
    }

    private func finish(_ offset: Int, _ limit: Int, _ attempts: Int, _ result: Result<ChannelPage, PollFailure>) -> PageFetch {
        PageFetch(offset: offset, limit: limit, result: result, requests: attempts, retries: max(0, attempts - 1))
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 1 ? "\(Int(seconds * 1000)) ms" : String(format: "%.1f s", seconds)
    }
}
