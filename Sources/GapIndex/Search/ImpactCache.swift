import Synchronization

/// The scores of a segment's postings per unit of scale — each posting's BM25 saturation of
/// its weighted frequency under the current norms — for the terms searches have walked,
/// kept so that the next walk of a term reads one `Float` per posting in order instead of
/// computing it from the document's norms, a read at a random place in an array of 8 bytes
/// per document: at 1M gaps that read misses the caches, and it was most of the time of
/// accumulating a term's postings. Same arithmetic, so the same scores to the bit.
///
/// A term's list is filled by the first search that walks it in full and shared by every
/// later one (searches run concurrently; two filling the same term at once keep one list).
/// The lists may hold at most `budget` postings in all — a share of the segment's, so that
/// index memory stays under the text indexed; past it, searches compute the scores from the
/// norms. The cache belongs to one set of norms: new parameters or averages make a new one.
final class ImpactCache: @unchecked Sendable {
    // @unchecked Sendable: `lists` is guarded by its mutex; a list never changes once
    // published, and is freed only with the cache.

    /// The share of a segment's postings (all fields and titles alone) the cache may hold:
    /// 4 bytes each, so a quarter adds a tenth to a segment's memory (about 10 bytes a posting
    /// all told: 55 MB for 5.6 million postings at 100k gaps). 1,100 drafts walked 29% of the
    /// postings at 100k, 31% at 1M.
    static let defaultShare = 0.25

    private struct Lists {
        /// Each list's address (as an integer: the mutex only holds sendable values).
        var byKey: [Int: UInt] = [:]
        var reserved = 0
    }

    private let lists = Mutex(Lists())
    let budget: Int

    /// A cache of up to `budget` postings.
    init(budget: Int) {
        self.budget = max(budget, 0)
    }

    /// A cache of up to `share` of `postingCount` postings.
    convenience init(postingCount: Int, share: Double) {
        self.init(budget: Int(Double(postingCount) * max(0, min(share, 1))))
    }

    deinit {
        lists.withLock { lists in
            for address in lists.byKey.values { UnsafeMutablePointer<Float>(bitPattern: address)?.deallocate() }
        }
    }

    /// The key of a term's list: its id, and which posting set (titles alone or all fields).
    static func key(term: Int, titles: Bool) -> Int { term << 1 | (titles ? 1 : 0) }

    /// The list of `key`, if filled.
    func list(_ key: Int) -> UnsafePointer<Float>? {
        lists.withLock { $0.byKey[key] }.flatMap { UnsafePointer(bitPattern: $0) }
    }

    /// Room for a list of `count` scores to fill, or nil when the budget cannot hold it.
    /// Hand it to ``publish(_:_:)`` once filled.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float>? {
        guard count > 0 else { return nil }
        let granted = lists.withLock { lists in
            guard lists.reserved + count <= budget else { return false }
            lists.reserved += count
            return true
        }
        return granted ? .allocate(capacity: count) : nil
    }

    /// Keeps a filled list for `key` and returns the list kept: if another search published
    /// one first, that one, and `filled` is freed (the two are equal).
    func publish(_ key: Int, _ filled: UnsafeMutablePointer<Float>, count: Int) -> UnsafePointer<Float> {
        let address = UInt(bitPattern: filled)
        let kept = lists.withLock { lists in
            if let earlier = lists.byKey[key] {
                lists.reserved -= count
                return earlier
            }
            lists.byKey[key] = address
            return address
        }
        if kept != address { filled.deallocate() }
        return UnsafePointer(bitPattern: kept)!
    }

    /// How many postings the lists hold, counting those being filled (for tests).
    var filledPostings: Int { lists.withLock { $0.reserved } }
}
