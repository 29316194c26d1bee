import Rules

extension SystemAlerts {
    /// How a poll ended, as far as the system alerts care.
    public enum PollEnd: Sendable, Equatable {
        /// Every page arrived.
        case complete
        /// The poll failed; `httpStatus` is the Partner API's answer, when there was one.
        case failed(message: String, httpStatus: Int?, consecutiveFailures: Int)
    }

    /// A system alert event to record.
    public struct Change: Sendable, Equatable {
        public var rule: String
        public var status: FactStatus
        public var summary: String
        public var description: String
        /// Poll alerts are always critical.
        public var severity: Severity { .critical }
    }

    /// Decides which of `poll_failing` and `api_auth_failed` fire or resolve after a poll of
    /// `partnerID`. Pure: `firing` is the set of system alerts already firing for the partner.
    ///
    /// A failed poll fires `api_auth_failed` on 401/403 and `poll_failing` once the streak
    /// reaches `failingAfter`, each only if not already firing; a complete poll resolves both
    /// if they fire.
    public static func decide(after end: PollEnd, partnerID: String, failingAfter: Int,
                              firing: Set<String>) -> [Change] {
        switch end {
        case .complete:
            return [pollFailing, apiAuthFailed].filter(firing.contains).map {
                Change(rule: $0, status: .resolved, summary: "Polling partner \(partnerID) works again",
                       description: "A complete poll succeeded.")
            }
        case .failed(let message, let httpStatus, let failures):
            var changes: [Change] = []
            if httpStatus == 401 || httpStatus == 403, !firing.contains(apiAuthFailed) {
                changes.append(Change(
                    rule: apiAuthFailed, status: .firing,
                    summary: "Partner API rejected the API key of partner \(partnerID)",
                    description: "HTTP \(httpStatus ?? 0): \(message). Check the partner's api_key."))
            }
            if failures >= failingAfter, !firing.contains(pollFailing) {
                changes.append(Change(
                    rule: pollFailing, status: .firing,
                    summary: "Polling partner \(partnerID) has failed \(failures) times in a row",
                    description: "Last error: \(message). Channel alerts are frozen until a poll completes."))
            }
            return changes
        }
    }
}
