/// The parts of `channelwatch bench`, selectable with `--only`.
public enum BenchStep: String, Sendable, CaseIterable, Codable {
    /// Poll of N channels at concurrency 8 against the network bound.
    case poll
    /// The same poll at concurrency 1: the naive baseline.
    case pollNaive = "poll-naive"
    /// Idle RSS of `channelwatch run` as a subprocess.
    case idleRSS = "idle-rss"
    /// Peak RSS of `channelwatch run` over a first poll of N channels.
    case runPeakRSS = "run-rss"
    /// First poll (N new snapshots), steady-state poll (1 % changed), peak RSS.
    case record
    /// Evaluation of the shipped rules over N (previous, current) pairs.
    case rules
    /// Poll end → webhook receipt, p50/p99, through the delivery loop.
    case latency
    /// 10,000 channels changed in one poll: last page → commit, and → last webhook received.
    case massChange = "mass-change"
    /// Deliveries per second to a local webhook sink, each recorded in PostgreSQL.
    case deliveries
    /// Rendering 20,000 events' templates: the compiled renderer against swift-mustache alone.
    case templates
    /// Inbound partner webhooks accepted per second, each committed before its 200.
    case inbound
    /// Inbound webhook received → notification received, through a targeted re-read.
    case inboundLatency = "inbound-latency"
    /// Prometheus Alertmanager's notifications/s and ChannelWatch's deliveries/s on one sink, and their ratio.
    case peerAlertmanager = "peer-alertmanager"
    /// `channelwatch run` over 10,000, 100,000 (and with `--large` 1,000,000) channels: first and
    /// steady poll against the network bound, CPU, peak RSS and cost per channel.
    case scale
    /// The web console and the JSON API at N channels with N ÷ 10 alerts firing: each page's
    /// server time, p95.
    case console

    /// Whether the step needs the simulator subprocess.
    var needsSimulator: Bool { [.poll, .pollNaive, .idleRSS, .runPeakRSS, .record].contains(self) }

    /// Whether the step needs the webhook sink.
    var needsSink: Bool { [.record, .latency, .massChange, .deliveries, .inboundLatency, .peerAlertmanager, .console].contains(self) }

    /// Whether the step needs PostgreSQL.
    var needsDatabase: Bool {
        [.idleRSS, .runPeakRSS, .record, .latency, .massChange, .deliveries, .inbound, .inboundLatency, .peerAlertmanager, .scale,
         .console].contains(self)
    }
}
