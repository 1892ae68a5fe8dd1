/// What filtering and the priors need of one document slot, packed into 16 bytes.
///
/// A search visits the documents its query words hit, scattered over the whole index; reading
/// status, category, creation time and liveness from separate per-slot arrays costs a cache
/// miss each, so they are gathered here and one miss fetches them all.
struct SlotFacts {
    var createdAt: Int64
    var category: UInt32
    var status: UInt8
    var flags: UInt8

    static let merged: UInt8 = 1
    /// Superseded by a later segment or the delta: never returned.
    static let dead: UInt8 = 2

    init(_ attributes: DocumentAttributes, dead: Bool = false) {
        createdAt = attributes.createdAt
        category = attributes.category
        status = attributes.status
        flags = (attributes.merged ? Self.merged : 0) | (dead ? Self.dead : 0)
    }

    var isDead: Bool { flags & Self.dead != 0 }
    var isMerged: Bool { flags & Self.merged != 0 }
}

/// The ``SlotFacts`` of a segment or of the delta, in memory that does not move.
///
/// A reference type on purpose: searches read it through a raw pointer, with no copy-on-write
/// checks or bounds checks in their loops. It is changed only by ``LiveIndex`` under its write
/// lock, while no search runs.
final class SlotFactsTable: @unchecked Sendable {
    // @unchecked Sendable: mutated only under LiveIndex's write lock (see above).
    let count: Int
    let facts: UnsafeMutablePointer<SlotFacts>
    private(set) var deadCount = 0
    /// The newest creation time in each run of `1 << runShift` slots (at most
    /// ``runCount`` runs): no document of a run has a higher recency prior than one created
    /// then. Slots mostly follow creation, so in a store of gaps of many ages a run spans a
    /// short time and bounds its documents' priors closely.
    let newestCreated: [Int64]
    let runShift: Int

    /// How many runs of slots a table keeps the newest creation time of.
    static let runCount = 64

    init(count: Int, _ fact: (Int) -> SlotFacts) {
        self.count = count
        facts = .allocate(capacity: max(count, 1))
        let table = facts
        for slot in 0..<count { (table + slot).initialize(to: fact(slot)) }
        var shift = 0
        while (count &+ (1 << shift) &- 1) >> shift > Self.runCount { shift &+= 1 }
        runShift = shift
        // (No sentinel such as Int64.min: the prior's age is `now - createdAt`.)
        var newest = [Int64](repeating: 0, count: max(1, (count + (1 << shift) - 1) >> shift))
        for slot in 0..<count {
            let created = table[slot].createdAt
            newest[slot >> shift] = slot & ((1 << shift) - 1) == 0 ? created : max(newest[slot >> shift], created)
        }
        newestCreated = newest
        deadCount = (0..<count).count { table[$0].isDead }
    }

    deinit { facts.deallocate() }

    convenience init(_ segment: Segment) {
        self.init(count: segment.documentCount) { slot in
            SlotFacts(DocumentAttributes(
                status: segment.status[slot], category: segment.category[slot], merged: segment.merged[slot] != 0,
                createdAt: segment.created[slot]))
        }
    }

    convenience init(_ delta: DeltaIndex) {
        self.init(count: delta.slotCount) { slot in SlotFacts(delta.attributes[slot], dead: !delta.live[slot]) }
    }

    func markDead(_ slot: Int) {
        guard !facts[slot].isDead else { return }
        facts[slot].flags |= SlotFacts.dead
        deadCount += 1
    }

    func reviveAll() {
        for slot in 0..<count { facts[slot].flags &= ~SlotFacts.dead }
        deadCount = 0
    }
}
