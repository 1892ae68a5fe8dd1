// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for the LMDB wrapper (LMDBBenchmarks), the GapStore library (GapStoreBenchmarks),
// the GapIndex search engine (GapIndexBenchmarks) and workloads (WorkloadBenchmarks: analyzer
// MB/s, writes while the search index is maintained, reports), the last two on gapcorpus text,
// kept in a package of their own so the main package does not depend on package-benchmark. Run from the repository root (README.md
// has the details):
//
//     swift package --package-path Benchmarks benchmark
//     swift package --package-path Benchmarks benchmark --filter "GapStore.*"
//     swift package --package-path Benchmarks benchmark --filter "GapIndex.*"
//     swift package --package-path Benchmarks benchmark --target WorkloadBenchmarks
//
// The "MallocInterposer" trait is listed explicitly: it supplies the malloc metrics, and
// naming the traits leaves out the default "RuntimeInterposer" trait (ARC metrics on Linux
// with Swift 6.3), whose package is not available to this build.
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(
            url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]
        ),
        .package(name: "gapsearch", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "LMDBBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMDB", package: "gapsearch"),
            ],
            path: "LMDBBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "GapStoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GapStore", package: "gapsearch"),
            ],
            path: "GapStoreBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "GapIndexBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GapIndex", package: "gapsearch"),
                .product(name: "GapCorpus", package: "gapsearch"),
            ],
            path: "GapIndexBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "WorkloadBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GapStore", package: "gapsearch"),
                .product(name: "GapIndex", package: "gapsearch"),
                .product(name: "GapCorpus", package: "gapsearch"),
            ],
            path: "WorkloadBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
