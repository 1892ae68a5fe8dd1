import Benchmark
import LMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Benchmarks of the LMDB wrapper. Every benchmark works on a fresh environment in a new
// directory under /tmp (mkdtemp), does its setup before `startMeasurement()` and removes the
// directory afterwards. Keys are 16 bytes (8 zero bytes, then the entry's index as a big-endian
// UInt64, so byte order is numeric order); values are 100 bytes.
//
// Note on durability: the wrapper opens environments with LMDB's default durability, so every
// `env.write` commit syncs the data file to disk. Benchmarks that commit often therefore measure
// the disk's sync latency more than the wrapper.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // MARK: Writes

    // 1,000 puts per iteration, each in its own write transaction (and so its own commit and
    // sync); scaled per put. Each iteration starts from an empty environment.
    Benchmark(
        "LMDB put, one transaction per put",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let store = try Store()
        defer { store.remove() }
        var key = makeKey()
        let value = makeValue()

        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            setKey(&key, to: index)
            try store.env.write { txn in
                try txn.put(value, forKey: key, in: store.database)
            }
        }
        benchmark.stopMeasurement()
    }

    // 10,000 puts of ascending keys in one write transaction. Package-benchmark only scales by
    // powers of 1,000, so the numbers are per transaction (10,000 puts and one commit).
    Benchmark(
        "LMDB put, 10,000 per transaction", configuration: .init(timeUnits: .microseconds)
    ) { benchmark in
        let store = try Store()
        defer { store.remove() }
        var key = makeKey()
        let value = makeValue()

        benchmark.startMeasurement()
        try store.env.write { txn in
            for index in 0..<Shape.batchSize {
                setKey(&key, to: index)
                try txn.put(value, forKey: key, in: store.database)
            }
        }
        benchmark.stopMeasurement()
    }

    // As above with `.append` (MDB_APPEND): keys ascend, so instead of searching the B-tree LMDB
    // only compares each key with the last one and adds it at the end. Numbers are per
    // transaction.
    Benchmark(
        "LMDB put append, 10,000 per transaction", configuration: .init(timeUnits: .microseconds)
    ) { benchmark in
        let store = try Store()
        defer { store.remove() }
        var key = makeKey()
        let value = makeValue()

        benchmark.startMeasurement()
        try store.env.write { txn in
            for index in 0..<Shape.batchSize {
                setKey(&key, to: index)
                try txn.put(value, forKey: key, in: store.database, flags: .append)
            }
        }
        benchmark.stopMeasurement()
    }

    // MARK: Reads

    // 1,000 random lookups (all hits) among 100,000 entries inside one read transaction per
    // iteration; scaled per get. The key indices come from a seeded SplitMix64 and are drawn
    // before the measurement starts.
    let zeroCopy = Fixture(preload: Shape.preloadCount, seed: 0x5EED_0001)
    Benchmark(
        "LMDB get, zero-copy (withValue)",
        configuration: .init(scalingFactor: .kilo),
        closure: { benchmark in
            let store = try zeroCopy.store()
            var key = makeKey()
            zeroCopy.drawIndices(benchmark.scaledIterations.count)
            let indices = zeroCopy.indices
            var found = 0

            benchmark.startMeasurement()
            try store.env.read { txn in
                for index in indices {
                    setKey(&key, to: index)
                    let first = try txn.withValue(forKey: key, in: store.database) { bytes in
                        bytes.load(as: UInt8.self)
                    }
                    if first != nil { found += 1 }
                    blackHole(first)
                }
            }
            benchmark.stopMeasurement()

            if found != indices.count { benchmark.error("\(indices.count - found) lookups missed") }
        },
        setup: { try zeroCopy.setUp() },
        teardown: { zeroCopy.tearDown() }
    )

    // The same lookups through `txn.get`, which copies each value into a new [UInt8].
    let copying = Fixture(preload: Shape.preloadCount, seed: 0x5EED_0001)
    Benchmark(
        "LMDB get, copying ([UInt8])",
        configuration: .init(scalingFactor: .kilo),
        closure: { benchmark in
            let store = try copying.store()
            var key = makeKey()
            copying.drawIndices(benchmark.scaledIterations.count)
            let indices = copying.indices
            var found = 0

            benchmark.startMeasurement()
            try store.env.read { txn in
                for index in indices {
                    setKey(&key, to: index)
                    let value = try txn.get(key, in: store.database)
                    if value != nil { found += 1 }
                    blackHole(value)
                }
            }
            benchmark.stopMeasurement()

            if found != indices.count { benchmark.error("\(indices.count - found) lookups missed") }
        },
        setup: { try copying.setUp() },
        teardown: { copying.tearDown() }
    )

    // The fixed cost of `env.read { _ in }` (mdb_txn_begin + mdb_txn_abort plus the wrapper's
    // map lock): 1,000 empty read transactions per iteration, scaled per transaction.
    let readTransactions = Fixture(preload: 0, seed: 0)
    Benchmark(
        "LMDB read transaction begin/end",
        configuration: .init(scalingFactor: .kilo),
        closure: { benchmark in
            let store = try readTransactions.store()

            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try store.env.read { _ in }
            }
            benchmark.stopMeasurement()
        },
        setup: { try readTransactions.setUp() },
        teardown: { readTransactions.tearDown() }
    )

    // A full forward `txn.scan` over 100,000 entries in one read transaction per iteration.
    // Numbers are per scan (100,000 entries); not a power of 1,000, so not scaled.
    let scan = Fixture(preload: Shape.preloadCount, seed: 0)
    Benchmark(
        "LMDB scan 100k entries",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in
            let store = try scan.store()
            var entries = 0
            var bytes = 0

            benchmark.startMeasurement()
            try store.env.read { txn in
                try txn.scan(store.database) { key, value in
                    entries += 1
                    bytes &+= key.count &+ value.count
                    return .proceed
                }
            }
            benchmark.stopMeasurement()

            blackHole(bytes)
            if entries != Shape.preloadCount {
                benchmark.error("scanned \(entries) entries, expected \(Shape.preloadCount)")
            }
        },
        setup: { try scan.setUp() },
        teardown: { scan.tearDown() }
    )
}

// MARK: - Support

enum Shape {
    static let keySize = 16
    static let valueSize = 100
    static let batchSize = 10_000
    static let preloadCount = 100_000
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// A new key buffer; `setKey(_:to:)` rewrites it in place, so the measured loops do not allocate
/// keys.
func makeKey() -> [UInt8] { [UInt8](repeating: 0, count: Shape.keySize) }

/// Stores `index` big-endian in the last 8 bytes of `key`.
@inline(__always)
func setKey(_ key: inout [UInt8], to index: Int) {
    key.withUnsafeMutableBytes { bytes in
        bytes.storeBytes(of: UInt64(index).bigEndian, toByteOffset: Shape.keySize - 8, as: UInt64.self)
    }
}

func makeValue() -> [UInt8] { (0..<Shape.valueSize).map { UInt8(truncatingIfNeeded: $0) } }

/// A fresh environment with one named database in a new temporary directory under /tmp.
final class Store {
    let directory: String
    let env: Environment
    let database: Database

    init() throws {
        var template = Array("/tmp/lmdb-bench-XXXXXX".utf8CString)
        let created: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let path = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: path)
        }
        guard let created else {
            throw SetupError(description: "mkdtemp failed: errno \(errno)")
        }
        directory = created
        env = try Environment(path: directory)
        database = try env.openDatabase(named: "bench")
    }

    /// Deletes the environment's files and directory. The environment itself closes when the
    /// last reference goes away (an unlinked, still-mapped file is fine on Linux and macOS).
    func remove() {
        unlink(directory + "/data.mdb")
        unlink(directory + "/lock.mdb")
        rmdir(directory)
    }
}

/// A store shared by every iteration of one benchmark, created by its setup hook and removed by
/// its teardown hook, with the deterministic random indices for lookups.
final class Fixture {
    let preload: Int
    private var current: Store?
    private var random: SplitMix64
    private(set) var indices: [Int] = []

    init(preload: Int, seed: UInt64) {
        self.preload = preload
        self.random = SplitMix64(seed: seed)
    }

    func setUp() throws {
        let store = try Store()
        current = store
        guard preload > 0 else { return }
        var key = makeKey()
        let value = makeValue()
        try store.env.write { txn in
            for index in 0..<preload {
                setKey(&key, to: index)
                try txn.put(value, forKey: key, in: store.database, flags: .append)
            }
        }
    }

    func tearDown() {
        current?.remove()
        current = nil
    }

    func store() throws -> Store {
        guard let current else { throw SetupError(description: "the setup hook did not run") }
        return current
    }

    /// Replaces `indices` with `count` random entry indices below `preload`, reusing the array.
    func drawIndices(_ count: Int) {
        indices.removeAll(keepingCapacity: true)
        for _ in 0..<count {
            indices.append(Int(random.next() % UInt64(preload)))
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, fast, deterministic generator.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
