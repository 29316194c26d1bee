import Alerting
import Recording
import Config
import Foundation
import Logging
import PartnerAPI

/// The production ``PartnerPolling``: the 360dialog Partner API client, its result turned into
/// what the recorder takes.
public struct LivePartnerPoller: PartnerPolling {
    private let logger: Logger

    public init(logger: Logger = Logger(label: "channelwatch.partner-api")) {
        self.logger = logger
    }

    public func poll(_ partner: PartnerConfig, deadline: Duration) async -> ObservedPoll {
        let startedAt = Date()
        let result = await PartnerPoller(settings: Self.settings(for: partner), logger: logger).poll(timeout: deadline)
        return Self.observed(result, startedAt: startedAt, finishedAt: Date())
    }

    public func stream(_ partner: PartnerConfig, deadline: Duration) -> ObservedPollStream {
        Self.stream(settings: Self.settings(for: partner), deadline: deadline, logger: logger)
    }

    /// Starts a poll with the client's own settings whose pages go to the recorder as they arrive.
    public static func stream(settings: PartnerSettings, deadline: Duration, logger: Logger) -> ObservedPollStream {
        let startedAt = Date()
        return .start(partnerID: settings.id, startedAt: startedAt) { emit in
            let result = await PartnerPoller(settings: settings, logger: logger).poll(timeout: deadline) { batch in
                await emit(ObservedBatch(pass: batch.pass, channels: batch.channels.map(observedChannel)))
            }
            return observed(result, startedAt: startedAt, finishedAt: Date())
        }
    }

    /// The client's settings for a configured partner. Paging sorts by `id` unless the
    /// configuration says otherwise: offsets over an unordered listing can skip or repeat channels.
    public static func settings(for partner: PartnerConfig) -> PartnerSettings {
        PartnerSettings(id: partner.id, apiKey: partner.apiKey.revealed, baseURL: partner.baseURL,
                        filters: partner.filters, sort: partner.sort ?? "id", pageSize: partner.pageSize,
                        concurrency: partner.concurrency)
    }

    /// A poll result as the recorder's input; the failure message never holds the API key.
    public static func observed(_ result: PollResult, startedAt: Date, finishedAt: Date) -> ObservedPoll {
        let failure = result.failure.map { failure -> ObservedPoll.Failure in
            let status: Int? = switch failure.kind {
            case .auth(let status), .http(let status): status
            default: nil
            }
            return ObservedPoll.Failure(message: failure.description, httpStatus: status, traceID: failure.traceID)
        }
        return ObservedPoll(
            partnerID: result.partnerID, startedAt: startedAt, finishedAt: finishedAt,
            channels: result.channels.map(observedChannel), channelCount: result.channelCount,
            pages: result.pages, failure: failure)
    }

    /// A fetched channel as the recorder takes it: its bytes, parsed only if it changed.
    static func observedChannel(_ channel: Channel) -> ObservedChannel {
        ObservedChannel(id: channel.id, rawJSON: channel.rawJSON)
    }
}
