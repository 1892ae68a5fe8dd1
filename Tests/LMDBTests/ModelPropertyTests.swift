import LMDB
import PropertyBased
import Testing

/// Random put/get/delete/range-scan sequences against LMDB and an in-memory model: after
/// every step, reads from both agree.
@Suite struct ModelPropertyTests {
    enum Operation: Sendable, CustomStringConvertible {
        case put(key: [UInt8], value: [UInt8], noOverwrite: Bool)
        case delete(key: [UInt8])
        case get(key: [UInt8])
        case scan(lower: [UInt8]?, upper: [UInt8]?, includesUpper: Bool, reverse: Bool)
        case abortedPut(key: [UInt8])

        var description: String {
            switch self {
            case let .put(k, v, n): "put(\(k), \(v.count) bytes\(n ? ", noOverwrite" : ""))"
            case let .delete(k): "delete(\(k))"
            case let .get(k): "get(\(k))"
            case let .scan(l, u, i, r): "scan(\(l.map { "\($0)" } ?? "-")..\(i ? "." : "<")\(u.map { "\($0)" } ?? "-")\(r ? ", reverse" : ""))"
            case let .abortedPut(k): "abortedPut(\(k))"
            }
        }
    }

    /// Short keys over a small alphabet, so that operations collide often.
    static let key = Gen.uint8(in: 0...3).array(of: 1...3)
    static let value = Gen.uint8(in: 0...255).array(of: 0...40)
    static let operation = Gen<Operation>.frequency(
        (4, zip(key, value, Gen.bool).map { Operation.put(key: $0, value: $1, noOverwrite: $2) }),
        (2, key.map { Operation.delete(key: $0) }),
        (2, key.map { Operation.get(key: $0) }),
        (2, zip(key.optional, key.optional, Gen.bool, Gen.bool).map {
            Operation.scan(lower: $0, upper: $1, includesUpper: $2, reverse: $3)
        }),
        (1, key.map { Operation.abortedPut(key: $0) })
    )

    @Test func lmdbMatchesADictionaryModel() async throws {
        await propertyCheck(count: 60, input: Self.operation.array(of: 1...120)) { operations in
            try withEnvironment(.init(mapSize: 1 << 20)) { env, _ in
                let db = try env.openDatabase(named: "model")
                var model: [[UInt8]: [UInt8]] = [:]
                for operation in operations {
                    try apply(operation, env: env, db: db, model: &model)
                }
                let stored = try contents(of: db, in: env)
                #expect(stored.map(\.key) == model.keys.sorted(by: lexicographicallyPrecedes))
                #expect(stored.map(\.value) == stored.map { model[$0.key]! })
            }
        }
    }

    private func apply(
        _ operation: Operation, env: Environment, db: Database, model: inout [[UInt8]: [UInt8]]
    ) throws {
        switch operation {
        case let .put(key, value, noOverwrite):
            let exists = model[key] != nil
            do {
                try env.write { txn in try txn.put(value, forKey: key, in: db, flags: noOverwrite ? .noOverwrite : []) }
                #expect(!(noOverwrite && exists), "\(operation) should have been refused")
                model[key] = value
            } catch LMDBError.keyExists {
                #expect(noOverwrite && exists, "\(operation) refused unexpectedly")
            }
        case let .delete(key):
            let deleted = try env.write { txn in try txn.delete(key, in: db) }
            #expect(deleted == (model.removeValue(forKey: key) != nil))
        case let .get(key):
            #expect(try env.read { txn in try txn.get(key, in: db) } == model[key])
        case let .scan(lower, upper, includesUpper, reverse):
            let range = KeyRange(from: lower, to: upper, includesUpper: includesUpper)
            let seen = try env.read { txn in
                var keys: [[UInt8]] = []
                try txn.scan(db, range: range, reverse: reverse) { key, _ in
                    keys.append(Array(key))
                    return .proceed
                }
                return keys
            }
            var expected = model.keys.filter { key in
                if let lower, lexicographicallyPrecedes(key, lower) { return false }
                if let upper {
                    if key == upper { return includesUpper }
                    if !lexicographicallyPrecedes(key, upper) { return false }
                }
                return true
            }.sorted(by: lexicographicallyPrecedes)
            if reverse { expected.reverse() }
            #expect(seen == expected, "\(operation)")
        case let .abortedPut(key):
            #expect(throws: Expected()) {
                try env.write { txn in
                    try txn.put("doomed", forKey: key, in: db)
                    throw Expected()
                }
            }
        }
    }
}

/// LMDB's default key order: bytewise, a proper prefix first.
private func lexicographicallyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.lexicographicallyPrecedes(b)
}
