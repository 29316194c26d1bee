import Foundation
import Testing
import Worker

/// The wake-up and stop signals the loops sleep on.
@Suite struct SignalTests {
    @Test func aWakeUpSentWhileNobodyWaitsEndsTheNextWait() async {
        let wake = WakeSignal()
        wake.signal()
        let started = ContinuousClock.now
        #expect(await wake.wait(timeout: .seconds(10)))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(await wake.wait(timeout: .milliseconds(50)) == false, "one wake-up ends one wait")
    }

    @Test func aWakeUpEndsAWaitInProgress() async {
        let wake = WakeSignal()
        let started = ContinuousClock.now
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            wake.signal()
        }
        #expect(await wake.wait(timeout: .seconds(10)))
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func stopEndsEverySleepNowAndLater() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let first = Task { await stop.sleep(for: .seconds(30)) }
        let second = Task { await stop.sleep(for: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        stop.stop()
        let woken = [await first.value, await second.value]
        #expect(woken == [true, true])
        #expect(await stop.sleep(for: .seconds(30)))
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(stop.isStopped)
    }

    @Test func cancellingASleeperEndsItsSleep() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let sleeper = Task { await stop.sleep(for: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        #expect(await sleeper.value == false)
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
