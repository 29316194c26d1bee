import Alerting
import Config
import Foundation
import Outbox
import Postgres

/// Withholds reminders (`repeat_interval`) of alerts that a silence or an inhibition covers now,
/// decided as a poll would: the active silences and each partner's firing alerts.
public enum ReminderSuppression {
    /// The filter a delivery worker asks before queueing due reminders.
    public static func withheld(inhibitRules: [InhibitRuleConfig]) -> Reminders.Withheld {
        { events, connection in
            var withheld = Set<UUID>()
            let now = Date()
            for (partnerID, partnerEvents) in Dictionary(grouping: events, by: \.partnerID) {
                var writer = EventWriter(partnerID: partnerID, observedAt: now, router: Router(routes: []))
                writer.inhibitRules = inhibitRules
                let decider = try await writer.loadDecider(on: connection)
                guard !decider.isEmpty else { continue }
                for event in partnerEvents where decider.suppression(of: event) != nil { withheld.insert(event.id) }
            }
            return withheld
        }
    }
}
