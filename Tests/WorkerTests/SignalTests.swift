import Foundation
import Testing
import Worker

/// The wake-up and stop signals the loops sleep on.
@Suite struct SignalTests {
    @Test func aWakeUpSentWhileNobodyWaitsEndsTheNextWait() async {
        let wake = WakeSignal()
        wake.signal()
        let started = ContinuousClock.now
        #expect(await wake.wait(timeout: .seconds(60)))
        #expect(ContinuousClock.now - started < .seconds(30), "woken, not timed out")
        #expect(await wake.wait(timeout: .milliseconds(50)) == false, "one wake-up ends one wait")
    }

    @Test func aWakeUpEndsAWaitInProgress() async {
        let wake = WakeSignal()
        let started = ContinuousClock.now
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            wake.signal()
        }
        #expect(await wake.wait(timeout: .seconds(60)))
        #expect(ContinuousClock.now - started < .seconds(30), "woken, not timed out")
    }

    @Test func stopEndsEverySleepNowAndLater() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let first = Task { await stop.sleep(for: .seconds(120)) }
        let second = Task { await stop.sleep(for: .seconds(120)) }
        try? await Task.sleep(for: .milliseconds(100))
        stop.stop()
        let woken = [await first.value, await second.value]
        #expect(woken == [true, true])
        #expect(await stop.sleep(for: .seconds(120)))
        #expect(ContinuousClock.now - started < .seconds(60), "ended early, not after the 120 s sleep")
        #expect(stop.isStopped)
    }

    @Test func cancellingASleeperEndsItsSleep() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let sleeper = Task { await stop.sleep(for: .seconds(120)) }
        try? await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        #expect(await sleeper.value == false)
        #expect(ContinuousClock.now - started < .seconds(60), "ended early, not after the 120 s sleep")
    }
}
