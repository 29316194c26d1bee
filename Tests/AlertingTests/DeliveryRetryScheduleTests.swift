import Alerting
import Outbox
import Recording
import Foundation
import Testing

@Suite struct DeliveryRetryScheduleTests {
    let schedule = DeliveryRetrySchedule()

    @Test(arguments: [(1, 5.0), (2, 10.0), (3, 20.0), (4, 40.0), (7, 320.0), (8, 600.0), (30, 600.0)])
    func doublesFromFiveSecondsUpToTenMinutes(attempts: Int, seconds: Double) {
        let middle = schedule.delay(afterAttempts: attempts, random: { 0.5 })
        #expect(middle == .seconds(seconds))
        let low = schedule.delay(afterAttempts: attempts, random: { 0 })
        let high = schedule.delay(afterAttempts: attempts, random: { 0.999_999 })
        #expect(low >= .seconds(seconds * 0.8) && low < middle || seconds == 600)
        #expect(high <= .seconds(min(seconds * 1.2, 600)))
    }

    @Test func retryAfterIsHonouredWhenLongerButCapped() {
        #expect(schedule.delay(afterAttempts: 1, retryAfter: .seconds(30), random: { 0.5 }) == .seconds(30))
        #expect(schedule.delay(afterAttempts: 1, retryAfter: .seconds(1), random: { 0.5 }) == .seconds(5))
        #expect(schedule.delay(afterAttempts: 1, retryAfter: .seconds(86_400), random: { 0.5 }) == .seconds(3600))
    }
}

@Suite struct FingerprintTests {
    @Test func stableAcrossProcessesAndSensitiveToEveryByte() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c: the value must never depend on the process (unlike Hasher).
        #expect(Fingerprint.of(Data("a".utf8)) == "af63dc4c8601ec8c")
        #expect(Fingerprint.of(Data()) == "cbf29ce484222325")
        #expect(Fingerprint.of(Data(#"{"id":"c1"}"#.utf8)) != Fingerprint.of(Data(#"{"id":"c2"}"#.utf8)))
        #expect(Fingerprint.of(["a", "b"]) != Fingerprint.of(["ab"]))
    }
}
