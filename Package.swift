// swift-tools-version: 6.1
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode plus the upcoming features that
/// keep imports and existentials explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "gapsearch",
    products: [
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "GapStore", targets: ["GapStore"]),
        .library(name: "GapIndex", targets: ["GapIndex"]),
        .library(name: "GapInterchange", targets: ["GapInterchange"]),
        // Synthetic corpora, for the benchmarks package.
        .library(name: "GapCorpus", targets: ["GapCorpus"]),
        .executable(name: "gapsearch", targets: ["gapsearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // System library over Debian's liblmdb-dev.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // Safe Swift wrapper over LMDB: environments, closure-scoped transactions, cursors.
        .target(
            name: "LMDB",
            dependencies: ["CLMDB"],
            swiftSettings: strictSettings
        ),

        // The search engine: analysis, inverted index, fuzzy matching, BM25F ranking. Pure
        // Swift, no Foundation in the hot path.
        .target(
            name: "GapIndex",
            swiftSettings: strictSettings
        ),

        // The product-gap domain and its persistence: the library services link.
        .target(
            name: "GapStore",
            dependencies: ["LMDB", "GapIndex"],
            swiftSettings: strictSettings
        ),

        // Import and export of gaps and submissions as CSV and JSON lines: parsing, column
        // mapping, validation of every row before anything is written.
        .target(
            name: "GapInterchange",
            dependencies: ["GapStore", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: strictSettings
        ),

        // The command-line tool, thin over GapStore.
        .executableTarget(
            name: "gapsearch",
            dependencies: [
                "GapStore",
                "GapIndex",
                "GapInterchange",
                "GapCorpus",
                "GapGitHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // GitHub issues for gaps: rendering and an idempotent sync over the REST API. Its own
        // target so that GapStore stays free of networking.
        .target(
            name: "GapGitHub",
            dependencies: [
                "GapStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Writes synthetic corpora and query sets for benchmarks and comparisons.
        .executableTarget(
            name: "gapcorpus",
            dependencies: ["GapCorpus", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/gapcorpus",
            swiftSettings: strictSettings
        ),

        // Measures GapIndex on a gapcorpus corpus and query set (Tools/README.md).
        .executableTarget(
            name: "gapbench",
            dependencies: ["GapIndex", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/gapbench",
            swiftSettings: strictSettings
        ),

        // Load-tests duplicate detection: concurrent checks from threads and processes while
        // writers add gaps and submissions; latency percentiles and a lost-write check.
        .executableTarget(
            name: "gapload",
            dependencies: [
                "GapStore",
                "GapCorpus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Tools/gapload",
            swiftSettings: strictSettings
        ),

        // Deterministic synthetic product-gap corpora and query sets (demo, benchmarks, tools).
        .target(
            name: "GapCorpus",
            swiftSettings: strictSettings
        ),

        // Shared test helpers: temporary directories, spawning built executables.
        .target(
            name: "GapTestSupport",
            swiftSettings: strictSettings
        ),

        // A helper process the LMDB tests spawn to prove multi-process safety.
        .executableTarget(
            name: "lmdb-test-writer",
            dependencies: ["LMDB"],
            path: "Tests/LMDBTestWriter",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LMDBTests",
            dependencies: [
                "LMDB",
                "lmdb-test-writer",
                "GapTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GapStoreTests",
            dependencies: [
                "GapStore",
                "GapIndex",
                "LMDB",
                "GapTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GapIndexTests",
            dependencies: [
                "GapIndex",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GapCorpusTests",
            dependencies: ["GapCorpus"],
            swiftSettings: strictSettings
        ),
        // A local HTTP server that plays the GitHub issues API, for the GapGitHub tests.
        .target(
            name: "GitHubTestServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GapGitHubTests",
            dependencies: ["GapGitHub", "GapStore", "GitHubTestServer", "GapTestSupport", "gapsearch"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GapInterchangeTests",
            dependencies: ["GapInterchange", "GapStore", "GapTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "gapsearchTests",
            dependencies: ["gapsearch", "GapStore", "LMDB", "GapTestSupport"],
            swiftSettings: strictSettings
        ),
        // A short end-to-end run of the built gapload binary.
        .testTarget(
            name: "gaploadTests",
            dependencies: ["gapload", "GapStore", "GapTestSupport"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
