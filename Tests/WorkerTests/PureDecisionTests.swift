import Primitives
import Foundation
import Testing
import Worker

/// The worker's pure deciders: schedule, backoff, lock keys, listen addresses, readiness.
@Suite struct PureDecisionTests {
    @Test(arguments: [
        (unit: 0.0, expected: Duration.seconds(285)),
        (unit: 0.5, expected: Duration.seconds(300)),
        (unit: 1.0, expected: Duration.seconds(315)),
        (unit: 0.25, expected: Duration.milliseconds(292_500)),
        (unit: -3.0, expected: Duration.seconds(285)),
        (unit: 7.0, expected: Duration.seconds(315)),
    ])
    func pollDelayIsIntervalPlusOrMinusJitter(unit: Double, expected: Duration) {
        #expect(PollSchedule(interval: .seconds(300), jitter: .seconds(15)).delay(unit: unit) == expected)
    }

    @Test func pollDelayNeverDropsBelowTheMinimum() {
        let schedule = PollSchedule(interval: .seconds(1), jitter: .seconds(5), minimumDelay: .milliseconds(100))
        #expect(schedule.delay(unit: 0) == .milliseconds(100))
        #expect(schedule.delay(unit: 1) == .seconds(6))
    }

    @Test func randomDelaysStayWithinTheJitterBand() {
        let schedule = PollSchedule(interval: .seconds(60), jitter: .seconds(10))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let delay = schedule.nextDelay(using: &generator)
            #expect(delay >= .seconds(50) && delay <= .seconds(70))
        }
    }

    @Test(arguments: [(0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30), (7, 30), (100, 30)])
    func databaseBackoffDoublesFromOneToThirtySeconds(failures: Int, seconds: Int) {
        #expect(Backoff.database.delay(afterFailures: failures) == .seconds(seconds))
    }

    @Test func partnerLockKeysAreStableAndDistinct() {
        // FNV-1a 64 of "channelwatch.poll:p1": the same in every process and build.
        #expect(PartnerLockKey.forPartner("p1") == PartnerLockKey.forPartner("p1"))
        #expect(PartnerLockKey.forPartner("p1") == 8_034_259_323_276_408_579)
        let keys = Set((0..<1000).map { PartnerLockKey.forPartner("partner-\($0)") })
        #expect(keys.count == 1000)
    }

    @Test(arguments: [
        ("127.0.0.1:9090", "127.0.0.1", UInt16(9090)),
        (":8080", "0.0.0.0", UInt16(8080)),
        ("localhost:0", "127.0.0.1", UInt16(0)),
        ("[::1]:9100", "::1", UInt16(9100)),
    ])
    func listenAddressesParse(text: String, host: String, port: UInt16) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host && address.port == port)
    }

    @Test(arguments: ["9090", "127.0.0.1:http", "127.0.0.1:70000"])
    func badListenAddressesSayWhatIsWrong(text: String) {
        #expect(throws: ListenAddressError.self) { try ListenAddress(parsing: text) }
    }

    @Test func readinessTable() {
        let policy = ReadinessPolicy(interval: .seconds(60))
        typealias O = ReadinessPolicy.Observation
        // Recently polled, and a partner never polled shortly after start: ready.
        #expect(policy.problems(in: O(databaseProblem: nil, secondsSinceLastPoll: ["a": 30, "b": nil],
                                      secondsSinceStart: 100)).isEmpty)
        // Exactly 2 × interval is still fine; more is not.
        #expect(policy.problems(in: O(databaseProblem: nil, secondsSinceLastPoll: ["a": 120], secondsSinceStart: 999)).isEmpty)
        #expect(policy.problems(in: O(databaseProblem: nil, secondsSinceLastPoll: ["a": 121, "b": 5], secondsSinceStart: 999))
            == ["partner a: last poll 121 s ago, more than 2 × interval (120 s)"])
        // Never polled after 2 × interval since start.
        #expect(policy.problems(in: O(databaseProblem: nil, secondsSinceLastPoll: ["b": nil], secondsSinceStart: 121))
            == ["partner b: not polled in the 121 s since start (limit 120 s)"])
        // Database down: that is the reason, whatever the partners.
        #expect(policy.problems(in: O(databaseProblem: "unreachable", secondsSinceLastPoll: [:], secondsSinceStart: 1))
            == ["database: unreachable"])
    }

    @Test func logFormatComesFromTheArgumentThenTheEnvironment() throws {
        #expect(try LogFormat.resolve(argument: nil, environment: [:]) == .text)
        #expect(try LogFormat.resolve(argument: nil, environment: ["CHANNELWATCH_LOG_FORMAT": "json"]) == .json)
        #expect(try LogFormat.resolve(argument: "text", environment: ["CHANNELWATCH_LOG_FORMAT": "json"]) == .text)
        #expect(throws: LogFormatError.self) { try LogFormat.resolve(argument: "xml", environment: [:]) }
        #expect(throws: LogFormatError.self) {
            try LogFormat.resolve(argument: nil, environment: ["CHANNELWATCH_LOG_FORMAT": "yaml"])
        }
    }
}
