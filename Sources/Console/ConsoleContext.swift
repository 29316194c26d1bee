import Alerting
import Config
import Foundation
import Rules

/// What the console needs of the configuration and rules in force; the worker hands a fresh one
/// after every reload.
public struct ConsoleContext: Sendable {
    /// The configured partners, in file order (the database may know more).
    public var partnerIDs: [String]
    /// Rule and system alert names, for the filters.
    public var ruleNames: [String]
    /// Receiver names, for the deliveries filter.
    public var receiverNames: [String]
    /// Labels a silence may match: the built-in ones and the rules' own.
    public var silenceLabels: [String]
    /// `nil`: no `http_auth`, reads open, changes only from loopback.
    public var httpAuth: HTTPAuthConfig?
    /// Checks a silence request against the loaded rules.
    public var validateSilence: @Sendable (SilenceRequest, Date) -> Result<Silence, SilenceRequestError>

    public init(partnerIDs: [String], ruleNames: [String], receiverNames: [String], silenceLabels: [String],
                httpAuth: HTTPAuthConfig?,
                validateSilence: @escaping @Sendable (SilenceRequest, Date) -> Result<Silence, SilenceRequestError>) {
        self.partnerIDs = partnerIDs
        self.ruleNames = ruleNames
        self.receiverNames = receiverNames
        self.silenceLabels = silenceLabels
        self.httpAuth = httpAuth
        self.validateSilence = validateSilence
    }
}

extension ConsoleContext {
    /// The context of a loaded configuration and its rules.
    public init(config: ChannelWatchConfig, rules: RuleSet) {
        self.init(partnerIDs: config.partners.map(\.id),
                  ruleNames: (rules.rules.map(\.name) + RuleSet.reservedNames).sorted(),
                  receiverNames: config.receivers.map(\.name),
                  silenceLabels: Array(Set(SilenceRequest.builtInLabels).union(rules.rules.flatMap(\.labels.keys))).sorted(),
                  httpAuth: config.httpAuth,
                  validateSilence: { request, now in request.validate(now: now, rules: rules) })
    }
}
