import Alerting
import Outbox
import Recording
import Config
import Logging
import Notifiers
import Postgres
import Prometheus
import Worker

/// The product's recorder and delivery worker as `channelwatch run` builds them, with the shipped
/// rules and one webhook receiver pointing at the benchmark's sink.
struct BenchPipeline {
    /// The receiver's name in routes.
    static let receiverName = "bench-sink"

    let settings: WorkerSettings
    let metrics: WorkerMetrics

    /// A pipeline whose single route sends every event to `sinkURL`, grouped by `groupBy`.
    init(rules: LoadedRules, sinkURL: String, groupBy: [String], database: PostgresClient, logger: Logger,
         partners: [PartnerConfig] = [PartnerConfig(id: "bench", apiKey: Secret("unused"), baseURL: "http://127.0.0.1")]) {
        let receiver = ReceiverConfig(name: Self.receiverName, kind: .webhook(url: Secret(sinkURL), secret: nil))
        let config = ChannelWatchConfig(
            file: "(bench)",
            partners: partners,
            database: DatabaseConfig(url: ""), rules: [], receivers: [receiver],
            routes: [RouteConfig(receivers: [Self.receiverName], groupBy: groupBy)])
        metrics = WorkerMetrics(registry: PrometheusCollectorRegistry())
        settings = WorkerSettings(config: config, rules: rules, receivers: ReceiverFactory.make(config.receivers),
                                  database: database, metrics: metrics, logger: logger)
    }

    /// Records polls with the shipped rules and this pipeline's route.
    var recorder: PollRecorder { settings.recorder }

    /// Delivers what is due to the sink.
    var deliveryWorker: DeliveryWorker { settings.deliveryWorker }
}
