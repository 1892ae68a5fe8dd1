import Foundation
import GapStore
import GapTestSupport
import Synchronization
import Testing

/// A clock that advances one second per reading, from a fixed start, so times are
/// deterministic and strictly increasing.
final class TestClock: Sendable {
    private let ticks = Mutex<Int64>(0)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func now() -> Date {
        let tick = ticks.withLock { value in
            value += 1
            return value
        }
        return start.addingTimeInterval(TimeInterval(tick))
    }
}

/// Opens a fresh store in a temporary directory for the duration of `body`.
@discardableResult
func withStore<R>(_ body: (GapStore, _ path: String) throws -> R) throws -> R {
    try withTemporaryDirectory { directory in
        let clock = TestClock()
        var options = GapStore.Options()
        options.clock = { clock.now() }
        let path = directory + "/store"
        let store = try GapStore(path: path, options: options)
        return try body(store, path)
    }
}

/// A store with a small taxonomy, two customers with opportunities and one internal actor.
func seedTaxonomyAndAccounts(_ store: GapStore) throws {
    try store.addCategory("Code search", subcategories: ["Ranking", "Filters"])
    try store.addCategory("Authentication", subcategories: ["SAML", "SCIM"])
    try store.addCategory("Batch changes")
    try store.saveAccount(id: "ACME", name: "Acme Corp")
    try store.saveAccount(id: "GLOBEX", name: "Globex")
    try store.saveAccount(id: "INITECH", name: "Initech")
    let day: TimeInterval = 86_400
    let base = Date(timeIntervalSince1970: 1_790_000_000)
    try store.saveOpportunity(id: "OPP-A1", accountID: "ACME", kind: .netNew, amount: 10_000_00, closeDate: base)
    try store.saveOpportunity(id: "OPP-A2", accountID: "ACME", kind: .renewal, amount: 25_000_00, closeDate: base.addingTimeInterval(300 * day))
    try store.saveOpportunity(id: "OPP-G1", accountID: "GLOBEX", kind: .netNew, amount: 40_000_00, closeDate: base)
    try store.saveOpportunity(id: "OPP-I1", accountID: "INITECH", kind: .renewal, amount: 5_000_00, closeDate: base)
}

/// Shorthand for a gap draft.
func draft(_ title: String, category: String? = nil, team: String? = nil, description: String = "") -> GapDraft {
    GapDraft(title: title, description: description, category: category, team: team)
}

/// Every regular file below `directory`, concatenated.
func allBytes(below directory: String) throws -> Data {
    var data = Data()
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let relative = enumerator?.nextObject() as? String {
        let path = directory + "/" + relative
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            data.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
    return data
}

/// Expects `body` to throw a ``GapStoreError`` of family `code`; returns the error.
@discardableResult
func expectFailure<R>(
    _ code: GapStoreError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> GapStoreError? {
    let error = #expect(throws: GapStoreError.self, comment, sourceLocation: sourceLocation) { _ = try body() }
    #expect(error?.code == code, comment, sourceLocation: sourceLocation)
    return error
}
