import Alerting
import Outbox
import Testing

/// The delivery pass's rules with plain values: each case feeds events in and compares the
/// actions that come out, written as short strings ("claim 2 excluding 1,2", "send 3",
/// "settle 1:delivered 2:retry", "hand back 4", "finish 1/0/0" for delivered/retrying/dead).
/// Deliveries 100 and up go to the receiver "slow", the others to "fast".
@Suite struct DeliveryPassTests {
    struct Item: Identifiable, Sendable {
        var id: Int
        var receiver: String { id >= 100 ? "slow" : "fast" }
    }
    typealias Pass = DeliveryPass<Item>

    enum Event: Sendable {
        case start
        case claimed([Int])
        case sent(Int, DeliveryOutcome)
        case settled(delivered: Int, retrying: Int = 0, dead: Int = 0)
        case stop
        case expire
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var batchSize = 2
        var concurrency = 8
        var receiverLimits: [String: Int] = [:]
        /// Each event and the actions it must produce, in order.
        var script: [(Event, [String])]
        var testDescription: String { name }
    }

    static let retry = DeliveryOutcome.retry(after: nil, reason: "HTTP 503")
    static let dead = DeliveryOutcome.dead(reason: "HTTP 404")

    static let cases: [Case] = [
        Case(name: "nothing due: one claim, then finish", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([]), ["finish 0/0/0"]),
        ]),
        Case(name: "a batch is sent at once and the next claimed while it is under way", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1", "send 2", "claim 2 excluding 1,2"]),
            (.claimed([]), []),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.sent(2, .delivered), []),
            (.settled(delivered: 1), ["settle 2:delivered"]),
            (.settled(delivered: 1), ["finish 2/0/0"]),
        ]),
        Case(name: "no more sends in flight than the concurrency", batchSize: 3, concurrency: 2, script: [
            (.start, ["claim 3 excluding -"]),
            (.claimed([1, 2, 3]), ["send 1", "send 2"]),
            (.sent(2, .delivered), ["send 3", "claim 3 excluding 1,2,3", "settle 2:delivered"]),
            (.sent(1, Self.retry), []),
            (.sent(3, .delivered), []),
            (.settled(delivered: 1), ["settle 1:retry 3:delivered"]),
            (.claimed([]), []),
            (.settled(delivered: 1, retrying: 1), ["finish 2/1/0"]),
        ]),
        Case(name: "no claim while the current batch has sends not started", batchSize: 2, concurrency: 1, script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1"]),
            (.sent(1, .delivered), ["send 2", "claim 2 excluding 1,2", "settle 1:delivered"]),
        ]),
        Case(name: "a claim skips what the pass still holds, until it is recorded", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1", "send 2", "claim 2 excluding 1,2"]),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.claimed([3]), ["send 3", "claim 2 excluding 1,2,3"]),
            (.settled(delivered: 1), []),
            (.claimed([4]), ["send 4", "claim 2 excluding 2,3,4"]),
        ]),
        Case(name: "one settle at a time, taking everything that arrived meanwhile", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1", "send 2", "claim 2 excluding 1,2"]),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.sent(2, Self.dead), []),
            (.claimed([]), []),
            (.settled(delivered: 1), ["settle 2:dead"]),
        ]),
        Case(name: "a dead delivery queues delivery_dead, so an exhausted pass claims again", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1]), ["send 1", "claim 2 excluding 1"]),
            (.claimed([]), []),
            (.sent(1, Self.dead), ["settle 1:dead"]),
            (.settled(delivered: 0, dead: 1), ["claim 2 excluding -"]),
            (.claimed([9]), ["send 9", "claim 2 excluding 9"]),
        ]),
        Case(name: "an empty claim that started before a dead one was recorded is not the end", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1]), ["send 1", "claim 2 excluding 1"]),
            (.sent(1, Self.dead), ["settle 1:dead"]),
            (.settled(delivered: 0, dead: 1), []),
            (.claimed([]), ["claim 2 excluding -"]),
            (.claimed([]), ["finish 0/0/1"]),
        ]),
        Case(name: "stop: nothing new is claimed, what is held is sent and recorded", batchSize: 2, concurrency: 1, script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1"]),
            (.stop, []),
            (.sent(1, .delivered), ["send 2", "settle 1:delivered"]),
            (.settled(delivered: 1), []),
            (.sent(2, .delivered), ["settle 2:delivered"]),
            (.settled(delivered: 1), ["finish 2/0/0"]),
        ]),
        Case(name: "stop with a claim in flight: its deliveries are still sent", script: [
            (.start, ["claim 2 excluding -"]),
            (.stop, []),
            (.claimed([1]), ["send 1"]),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.settled(delivered: 1), ["finish 1/0/0"]),
        ]),
        Case(name: "stopped before the start: no claim at all", script: [
            (.stop, ["finish 0/0/0"]),
            (.start, []),
        ]),
        Case(name: "lease expiring: claims not started are handed back, cut-short sends too", batchSize: 3, concurrency: 1, script: [
            (.start, ["claim 3 excluding -"]),
            (.claimed([1, 2, 3]), ["send 1"]),
            (.expire, ["hand back 2,3"]),
            (.sent(1, Self.retry), ["hand back 1", "finish 0/0/0"]),
        ]),
        Case(name: "lease expiring: deliveries that went out are still recorded", concurrency: 2, script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1", "send 2", "claim 2 excluding 1,2"]),
            (.expire, []),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.sent(2, Self.dead), []),
            (.claimed([3]), ["hand back 3"]),
            (.settled(delivered: 1), ["settle 2:dead"]),
            (.settled(delivered: 0, dead: 1), ["finish 1/0/1"]),
        ]),
        Case(name: "lease expiring: a retry waiting to be recorded is handed back instead", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([1, 2]), ["send 1", "send 2", "claim 2 excluding 1,2"]),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.sent(2, Self.retry), []),
            (.expire, ["hand back 2"]),
            (.claimed([]), []),
            (.settled(delivered: 1), ["finish 1/0/0"]),
        ]),
        Case(name: "a full receiver's deliveries wait while another receiver's go, and claims skip it", batchSize: 4,
             receiverLimits: ["slow": 1], script: [
            (.start, ["claim 4 excluding -"]),
            (.claimed([100, 101, 1, 2]), ["send 100", "send 1", "send 2", "claim 3 excluding 1,2,100,101 skipping slow"]),
            (.claimed([3]), ["send 3", "claim 3 excluding 1,2,3,100,101 skipping slow"]),
            // Nothing due for the others: no claim again until the slow receiver's queue drains.
            (.claimed([]), []),
            (.sent(1, .delivered), ["settle 1:delivered"]),
            (.sent(100, .delivered), ["send 101", "claim 4 excluding 1,2,3,100,101"]),
            (.claimed([102, 4]), ["send 4", "claim 3 excluding 1,2,3,4,100,101,102 skipping slow"]),
            (.claimed([]), []),
            (.settled(delivered: 1), ["settle 100:delivered"]),
            (.sent(101, .delivered), ["send 102", "claim 4 excluding 2,3,4,100,101,102"]),
            (.claimed([]), []),
        ]),
        Case(name: "an empty claim that skipped a receiver drained meanwhile does not end the pass", batchSize: 4,
             receiverLimits: ["slow": 1], script: [
            (.start, ["claim 4 excluding -"]),
            (.claimed([100, 101, 1, 2]), ["send 100", "send 1", "send 2", "claim 3 excluding 1,2,100,101 skipping slow"]),
            (.sent(100, .delivered), ["send 101", "settle 100:delivered"]),
            // The claim skipped "slow", whose queue is empty now: its next deliveries are still due.
            (.claimed([]), ["claim 4 excluding 1,2,100,101"]),
            (.claimed([102]), ["claim 3 excluding 1,2,100,101,102 skipping slow"]),
        ]),
        Case(name: "a receiver's limit holds within the pass's concurrency", batchSize: 4, concurrency: 2,
             receiverLimits: ["slow": 3], script: [
            (.start, ["claim 4 excluding -"]),
            (.claimed([100, 101, 102, 103]), ["send 100", "send 101"]),
            (.sent(100, .delivered), ["send 102", "settle 100:delivered"]),
        ]),
        Case(name: "events after the finish change nothing", script: [
            (.start, ["claim 2 excluding -"]),
            (.claimed([]), ["finish 0/0/0"]),
            (.stop, []),
            (.expire, []),
        ]),
    ]

    @Test(arguments: cases)
    func followsTheRules(_ testCase: Case) {
        var pass = Pass(batchSize: testCase.batchSize, concurrency: testCase.concurrency,
                        receiverLimits: testCase.receiverLimits, receiverOf: \.receiver)
        for (index, (event, expected)) in testCase.script.enumerated() {
            let actions: [Pass.Action]
            switch event {
            case .start: actions = pass.start()
            case .claimed(let ids): actions = pass.claimed(ids.map(Item.init))
            case .sent(let id, let outcome): actions = pass.sent(Item(id: id), outcome)
            case .settled(let delivered, let retrying, let dead):
                actions = pass.settled(Pass.Tally(delivered: delivered, retrying: retrying, dead: dead))
            case .stop: actions = pass.stopRequested()
            case .expire: actions = pass.leaseExpiring()
            }
            #expect(actions.map(Self.describe) == expected, "step \(index + 1): \(event)")
        }
    }

    @Test func finishesOnlyOnce() {
        var pass = Pass(batchSize: 1, concurrency: 1)
        _ = pass.start()
        #expect(!pass.isFinished)
        _ = pass.claimed([])
        #expect(pass.isFinished)
        #expect(pass.stopRequested().isEmpty)
    }

    static func describe(_ action: Pass.Action) -> String {
        switch action {
        case .claim(let limit, let excluding, let skipping):
            let held = excluding.isEmpty ? "-" : excluding.sorted().map(String.init).joined(separator: ",")
            return "claim \(limit) excluding \(held)" + (skipping.isEmpty ? "" : " skipping " + skipping.sorted().joined(separator: ","))
        case .send(let item): return "send \(item.id)"
        case .settle(let attempts):
            return "settle " + attempts.map { "\($0.delivery.id):\(describe($0.outcome))" }.joined(separator: " ")
        case .handBack(let ids): return "hand back " + ids.map(String.init).joined(separator: ",")
        case .finish(let tally): return "finish \(tally.delivered)/\(tally.retrying)/\(tally.dead)"
        }
    }

    static func describe(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .dead: "dead"
        }
    }
}
