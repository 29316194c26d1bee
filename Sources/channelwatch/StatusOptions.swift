import ArgumentParser
import Outbox
import Rules

/// `alerts --status`: the stored alert states, or both.
enum AlertStatusOption: String, CaseIterable, ExpressibleByArgument {
    case firing, resolved, all

    /// The `alerts.status` to match, `nil` for every alert.
    var storedStatus: String? {
        switch self {
        case .firing: FactStatus.firing.rawValue
        case .resolved: FactStatus.resolved.rawValue
        case .all: nil
        }
    }
}

// `events --status` and `deliveries --status` take the stored values themselves; a value that is
// not one of them is refused with the list of those that are.
extension FactStatus: ExpressibleByArgument {}
extension DeliveryStatus: ExpressibleByArgument {}
