import Alerting
import Foundation
import Inspection
import Outbox

extension ConsoleApp {
    /// `/api/v1/…`: the console's data as JSON, paginated with `limit` and `cursor` (the
    /// `next_cursor` of the previous page), filtered as the CLI's listings are.
    func answerAPI(_ route: ConsoleRoute.API, _ session: ConsoleSession) async -> ConsoleResponse {
        let request = session.request
        do {
            switch route {
            case .partners:
                try Self.refuseParameters(request.query)
                let partners = try await inspection.partners(configured: session.context.partnerIDs)
                return .json(ConsoleJSON.encode(PartnersBody(partners: partners, summary: try await inspection.summary())))
            case .alerts:
                let filter = try Self.alertFilter(request.query, defaultLimit: 100)
                let page = try await inspection.alerts(filter)
                return .json(ConsoleJSON.encode(ListBody(key: "alerts", page: page)))
            case .alert(let text):
                guard let id = UUID(uuidString: text), let history = try await inspection.alertHistory(id: id) else {
                    return .jsonError(404, "no alert \(text)")
                }
                return .json(ConsoleJSON.encode(history))
            case .events:
                let filter = try ListingQuery.filter(request.query, allowed: Self.eventParameters, statuses: Self.eventStatuses,
                                                     defaultLimit: 100).get()
                return .json(ConsoleJSON.encode(ListBody(key: "events", page: try await inspection.events(filter))))
            case .deliveries:
                let filter = try ListingQuery.filter(request.query, allowed: Self.deliveryParameters,
                                                     statuses: Self.deliveryStatuses, defaultLimit: 100).get()
                return .json(ConsoleJSON.encode(ListBody(key: "deliveries", page: try await inspection.deliveries(filter))))
            case .webhooks:
                let filter = try ListingQuery.filter(request.query, allowed: Self.webhookParameters,
                                                     statuses: Self.webhookStatuses, defaultLimit: 100).get()
                return .json(ConsoleJSON.encode(ListBody(key: "webhooks", page: try await inspection.inboundWebhooks(filter))))
            case .retryDelivery(let text):
                guard let id = UUID(uuidString: text) else { return .jsonError(404, "'\(text)' is not a delivery id") }
                let requeued = try await Outbox(database: database).requeueDead(id: id)
                guard requeued == 1 else { return .jsonError(409, "delivery \(text) is not dead (or does not exist); nothing was queued") }
                logger.notice("dead delivery queued again through the API", metadata: [
                    "delivery": "\(text.lowercased())", "by": "\(session.principal.name)", "peer": "\(request.peer)",
                ])
                return .json(Data(#"{"requeued":1}"#.utf8))
            case .silences:
                let filter = try ListingQuery.filter(request.query, allowed: ["expired"], defaultLimit: 100).get()
                if let expired = request.query["expired"], expired != "true", expired != "false" {
                    throw ListingQueryError(problems: ["expired must be true or false, not '\(expired)'"])
                }
                return Self.response(await silences.list(includeExpired: request.query["expired"] == "true", limit: filter.limit,
                                                         after: filter.cursor))
            case .createSilence:
                let answer = await silences.create(body: request.body, contentType: request.header("content-type"),
                                                   author: session.principal.authenticated ? session.principal.name : nil,
                                                   validate: session.context.validateSilence)
                if answer.status == 201 {
                    logger.notice("silence created through the API", metadata: [
                        "by": "\(session.principal.name)", "peer": "\(request.peer)",
                        "silence": "\(String(decoding: answer.body, as: UTF8.self))",
                    ])
                }
                return Self.response(answer)
            case .expireSilence(let id):
                let answer = await silences.expire(id: id)
                if answer.status == 200 {
                    logger.notice("silence expired through the API", metadata: [
                        "id": "\(id)", "by": "\(session.principal.name)", "peer": "\(request.peer)",
                    ])
                }
                return Self.response(answer)
            }
        } catch let error as ListingQueryError {
            return .jsonError(400, error.message, problems: error.problems)
        } catch {
            logger.error("API: the database could not be read: \(error)")
            return .jsonError(503, "the database could not be read; try again")
        }
    }

    private static func refuseParameters(_ query: FormFields) throws {
        if let name = query.names.sorted().first {
            throw ListingQueryError(problems: ["unknown parameter '\(name)'; this resource takes none"])
        }
    }

    private static func response(_ answer: SilenceAPI.Answer) -> ConsoleResponse {
        .json(answer.body, status: answer.status)
    }

    /// `{"<key>": [rows], "next_cursor": "…"}`; `next_cursor` only when there is a next page.
    struct ListBody<Row: Encodable & Sendable>: Encodable {
        var key: String
        var page: Page<Row>

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(page.rows, forKey: Key(stringValue: key))
            if let next = page.next { try container.encode(next.description, forKey: Key(stringValue: "next_cursor")) }
        }
    }

    struct PartnersBody: Encodable {
        var partners: [Inspection.PartnerOverview]
        var summary: Inspection.Summary
    }
}
