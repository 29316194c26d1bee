// swift-tools-version:6.0
// libFuzzer targets for ChannelWatch's parsers, built apart from the main package (they need
// `-sanitize=fuzzer`): `scripts/fuzz TARGET [SECONDS]`. The sources are the product's own,
// linked in by symlink, so what is fuzzed is exactly what ships.
import PackageDescription

let package = Package(
    name: "ChannelWatchFuzz",
    targets: [
        .target(name: "JSON"),
        // The inbound partner webhook reader: any bytes must give an event or an InboundEventError.
        .executableTarget(name: "InboundEventFuzz", dependencies: ["JSON"],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ],
    swiftLanguageModes: [.v6]
)
