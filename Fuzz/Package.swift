// swift-tools-version:6.0
// libFuzzer targets for ChannelWatch's parsers, built apart from the main package (they need
// `-sanitize=fuzzer`): `scripts/fuzz TARGET [SECONDS]`. The sources are the product's own,
// linked in by symlink, so what is fuzzed is exactly what ships.
import PackageDescription

let parseAsLibrary: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "ChannelWatchFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // The product's modules (symlinked sources).
        .target(name: "JSON"),
        .target(name: "YAMLSupport", dependencies: ["JSON", .product(name: "Yams", package: "Yams")]),
        .target(name: "Config", dependencies: ["JSON", "YAMLSupport", .product(name: "Yams", package: "Yams")]),
        // Built for testing so TemplateFuzz can compare the compiled renderer with swift-mustache.
        .target(name: "Rules", dependencies: [
            "JSON", "YAMLSupport", .product(name: "Yams", package: "Yams"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], swiftSettings: [.unsafeFlags(["-enable-testing"])]),

        // libFuzzer's driver, JSONSerialization as the reference reader, the inputs they differ on by design.
        .target(name: "FuzzSupport", dependencies: ["JSON"]),

        // The inbound partner webhook reader: any bytes must give an event or an InboundEventError.
        .executableTarget(name: "InboundEventFuzz", dependencies: ["JSON", "FuzzSupport"], swiftSettings: parseAsLibrary),
        // The skimming parser (pages of channels) against JSONSerialization.
        .executableTarget(name: "JSONSkimFuzz", dependencies: ["JSON", "FuzzSupport"], swiftSettings: parseAsLibrary),
        // The full parser against JSONSerialization and against its own writer.
        .executableTarget(name: "JSONParserFuzz", dependencies: ["JSON", "FuzzSupport"], swiftSettings: parseAsLibrary),
        // The configuration reader: a configuration or located diagnostics; secrets never shown.
        .executableTarget(name: "ConfigFuzz", dependencies: ["Config", "FuzzSupport", "JSON", "YAMLSupport"],
                          swiftSettings: parseAsLibrary),
        // The rule-file reader: a rule set or located diagnostics.
        .executableTarget(name: "RuleFileFuzz", dependencies: ["Rules", "FuzzSupport", "YAMLSupport"],
                          swiftSettings: parseAsLibrary),
        // The Mustache renderer: the compiled fast path renders what swift-mustache renders.
        .executableTarget(name: "TemplateFuzz", dependencies: ["Rules", "FuzzSupport", "JSON"],
                          swiftSettings: parseAsLibrary),
    ],
    swiftLanguageModes: [.v6]
)
