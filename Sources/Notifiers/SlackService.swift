import Alerting

extension ReceiverService {
    /// Slack's incoming webhooks: 200 with body `ok` is delivered; errors come as 4xx/5xx with
    /// an error code as the body (`channel_not_found`), which the advice explains.
    public static let slack = ReceiverService(name: "Slack", urlKind: "incoming webhook", expectedBody: "ok",
                                              advice: slackAdvice(forError:))

    /// What the operator can do about Slack's documented webhook errors.
    static func slackAdvice(forError code: String) -> String {
        switch code {
        case "channel_not_found":
            "The webhook's channel no longer exists; create a new incoming webhook and update the receiver's url."
        case "channel_is_archived":
            "The webhook's channel is archived; unarchive it or create a webhook for another channel."
        case "invalid_token", "no_service", "no_team", "team_disabled", "no_service_id":
            "The webhook was revoked or disabled; create a new incoming webhook and update the receiver's url."
        case "action_prohibited", "posting_to_general_channel_denied":
            "A workspace admin restricted posting to that channel; ask them or pick another channel."
        case "invalid_payload", "invalid_blocks", "invalid_blocks_format", "too_many_attachments":
            "Slack rejected the message format; this is a ChannelWatch bug, please report it."
        default:
            "Slack refused the message; check the receiver's url and the Slack app's configuration."
        }
    }
}
