import Alerting
import Postgres
import Rules

// The enums stored as text columns (`events.status`, `events.severity`, `deliveries.kind`, `deliveries.status`)
// decode straight from their rows.
extension FactStatus: PostgresDecodable {}
extension Severity: PostgresDecodable {}
extension DeliveryKind: PostgresDecodable {}
extension DeliveryStatus: PostgresDecodable {}
