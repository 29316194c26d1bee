import Rules
import Testing

/// The built-in orders and how values on no scale or different scales behave.
struct ValueOrderTests {
    @Test func messagingLimitTiersAscendIncludingTier2K() {
        let tiers = ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"]
        for (lower, higher) in zip(tiers, tiers.dropFirst()) {
            #expect(ValueOrder.messagingLimit.step(from: lower, to: higher) == .up)
            #expect(ValueOrder.messagingLimit.step(from: higher, to: lower) == .down)
        }
    }

    @Test(arguments: ["NA", "TIER_NOT_SET", "TIER_3K", "", "tier_1k"])
    func unorderedTierValuesNeverStep(_ value: String) {
        #expect(!ValueOrder.messagingLimit.contains(value))
        #expect(ValueOrder.messagingLimit.step(from: value, to: "TIER_1K") == nil)
        #expect(ValueOrder.messagingLimit.step(from: "TIER_1K", to: value) == nil)
    }

    @Test func qualityScalesAreSeparate() {
        let order = ValueOrder.qualityRating
        #expect(order.step(from: "High", to: "Medium") == .down)
        #expect(order.step(from: "RED", to: "YELLOW") == .up)
        #expect(order.step(from: "GREEN", to: "Low") == nil)
        #expect(order.step(from: "Low", to: "GREEN") == nil)
        #expect(order.step(from: "UNKNOWN", to: "RED") == nil)
        #expect(order.step(from: "NA", to: "High") == nil)
        #expect(order.step(from: "Low", to: "Low") == nil)
    }

    @Test func builtInOrdersAreKeyedByFieldPath() {
        #expect(ValueOrder.builtIn.keys.sorted() == ["current_limit", "current_quality_rating"])
    }
}
