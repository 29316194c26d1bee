// swift-tools-version:6.0
// ChannelWatch: alerting for 360dialog partners' WhatsApp channels.
// One module per pipeline stage (ARCHITECTURE.md); libcurl and libpq through thin C shims.
import PackageDescription

let package = Package(
    name: "ChannelWatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "channelwatch", targets: ["channelwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Only its bcrypt (HummingbirdBcrypt, a small C library) is built: console passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // C shims: typed wrappers for libcurl's varargs setopt/getinfo, and libpq's header + macros.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CLibPQ", linkerSettings: [.linkedLibrary("pq")]),

        // I/O modules: transports with no knowledge of 360dialog, alerts or Slack.
        .target(name: "Curl", dependencies: ["CCurl", "Primitives"]),
        .target(name: "Postgres", dependencies: [
            "CLibPQ", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Shared values: JSON documents kept whole, and strict YAML reading with file:line:col diagnostics.
        .target(name: "JSON"),
        // Small shared pieces: the backoff behind every retry, the lock box behind every shared value.
        .target(name: "Primitives"),
        .target(name: "YAMLSupport", dependencies: [
            "JSON",
            .product(name: "Yams", package: "Yams"),
        ]),

        // The configuration file: partners, database, poll schedule, receivers, routes; secrets kept secret.
        .target(name: "Config", dependencies: [
            "JSON", "YAMLSupport",
            .product(name: "Yams", package: "Yams"),
        ]),

        // Deciders: rule files and their evaluation. Pure — no I/O beyond reading files.
        .target(name: "Rules", dependencies: [
            "JSON", "YAMLSupport",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),

        // The alert model, pure: events and their payload, routes, grouping, delivery outcomes, system alerts.
        .target(name: "Alerting", dependencies: ["Config", "JSON", "Rules", "YAMLSupport"]),

        // The outbox: deliveries queued, claimed with a lease, sent, settled, retried, reminded, given up.
        .target(name: "Outbox", dependencies: [
            "Alerting", "Primitives", "Postgres", "Rules", "YAMLSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Recording a poll in one transaction: diff by fingerprint, evaluation, snapshots, events,
        // alert rows, system alerts and the deliveries they cause.
        .target(name: "Recording", dependencies: [
            "Alerting", "Config", "JSON", "Outbox", "Postgres", "Primitives", "Rules",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Read-only queries over the stored state: alerts, events, deliveries (and pruning old rows).
        .target(name: "Inspection", dependencies: ["Alerting", "JSON", "Outbox", "Postgres", "Rules", "YAMLSupport"]),

        // Receivers: render, send, classify the outcome. One file per receiver type.
        .target(name: "Notifiers", dependencies: [
            "Alerting", "Curl", "Config", "Rules",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Inbound partner webhooks: the strict listener, authentication (signature, Basic), the
        // defensive event reader, and the durable, idempotent inbox.
        .target(name: "Inbound", dependencies: [
            "Config", "JSON", "Postgres", "Primitives",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The 360dialog Partner API: channel model, paging client, and the scenario simulator.
        .target(name: "PartnerAPI", dependencies: [
            "Primitives", "Curl", "JSON", "YAMLSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "FlyingSocks", package: "FlyingFox"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The web console and the JSON API on `listen`: server-rendered pages (Mustache), /api/v1,
        // access control (http_auth: bcrypt passwords, bearer tokens; loopback-only changes without
        // it), CSRF tokens on forms, security headers. Knows no HTTP server: the Worker serves it.
        .target(name: "Console", dependencies: [
            "Alerting", "Config", "Inspection", "JSON", "Outbox", "Postgres", "Primitives", "Recording", "Rules",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The long-running worker: poll and delivery loops, replicas, health, readiness and metrics, logs.
        .target(name: "Worker", dependencies: [
            "Alerting", "Primitives", "Config", "Console", "Inbound", "JSON", "Outbox", "Postgres", "Recording", "Rules", "PartnerAPI",
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // The command line: parses arguments and calls into the modules.
        .executableTarget(name: "channelwatch", dependencies: [
            "Primitives", "Curl", "Postgres", "JSON", "YAMLSupport", "Config", "Rules", "Alerting", "Inbound", "Outbox", "Recording", "Inspection", "Console", "Notifiers", "PartnerAPI", "Worker", "Demo", "LocalPostgres", "Bench",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // A database of our own for the demo, the bench and the tests: on the server DATABASE_URL names, else on a private server.
        .target(name: "LocalPostgres", dependencies: [
            "Postgres", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The zero-configuration tour: simulator + PostgreSQL + shipped rules + console.
        .target(name: "Demo", dependencies: [
            "Alerting", "Config", "Inbound", "JSON", "Notifiers", "Outbox", "PartnerAPI", "Postgres", "Recording", "Rules", "Worker",
            "LocalPostgres",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // `channelwatch bench`: throughput, latency and memory figures against the simulator and a real PostgreSQL.
        .target(name: "Bench", dependencies: [
            "Alerting", "Config", "Console", "Curl", "Inbound", "JSON", "LocalPostgres", "Notifiers", "Outbox", "PartnerAPI", "Postgres",
            "Primitives", "Recording", "Rules", "Worker",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        // Test tooling shared by the test targets: a real PostgreSQL, HTTP and SMTP sinks.
        .target(name: "TestSupport", dependencies: [
            "Curl", "Postgres", "LocalPostgres", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/Support"),

        .testTarget(name: "CurlTests", dependencies: ["Curl", "Primitives", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "Primitives", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: [
            "TestSupport", "Postgres", "PartnerAPI",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "WorkerTests", dependencies: [
            "Worker", "Alerting", "Console", "Primitives", "Outbox", "Recording", "Config", "TestSupport", "Postgres", "Rules", "JSON",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ConsoleTests", dependencies: [
            "Console", "Alerting", "Config", "Inspection", "JSON", "Outbox", "Postgres", "Recording", "Rules", "TestSupport",
        ]),
        .testTarget(name: "InboundTests", dependencies: [
            "Inbound", "Config", "Curl", "JSON", "Postgres", "Primitives", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "YAMLSupport", "JSON"]),
        .testTarget(name: "AlertingTests", dependencies: ["Alerting", "Primitives", "Outbox", "Recording", "Notifiers", "Config", "Rules", "TestSupport"]),
        .testTarget(name: "NotifiersTests", dependencies: ["Notifiers", "Alerting", "Config", "Curl", "Primitives", "Rules", "TestSupport"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "JSON", "YAMLSupport", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PartnerAPITests", dependencies: ["PartnerAPI", "Primitives", "Curl", "JSON", "YAMLSupport", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
