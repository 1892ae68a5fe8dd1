/// Maps term bytes to dense ids (0, 1, 2, …) without allocating per lookup: terms live in one
/// byte arena and an open-addressing table points at them.
struct TermInterner {
    private(set) var arena: [UInt8] = []
    /// Term `i` is `arena[starts[i] ..< starts[i + 1]]`.
    private(set) var starts: [UInt32] = [0]
    /// Open-addressing slots, 0 when empty, else the term's hash in the high 32 bits and
    /// `id + 1` in the low 32: most mismatches are rejected without touching the term's
    /// bytes (a cache miss in a big dictionary). The count is a power of two.
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)

    var count: Int { starts.count - 1 }

    /// The bytes of term `id`.
    func bytes(of id: UInt32) -> ArraySlice<UInt8> {
        arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    /// The length in bytes of term `id`.
    @inline(__always)
    func length(of id: UInt32) -> Int {
        Int(starts[Int(id) + 1] &- starts[Int(id)])
    }

    /// Calls `body` with the bytes of term `id`.
    @inline(__always)
    func withBytes<R>(of id: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// `ids` ordered bytewise by their terms (shorter first on a shared prefix). Sorts on the
    /// terms' first eight bytes as one integer and compares bytes only on a tie: comparing
    /// array slices cost a retain, a release and bounds checks per comparison.
    func sortedBytewise(_ ids: [UInt32]) -> [UInt32] {
        arena.withUnsafeBufferPointer { arena in
            starts.withUnsafeBufferPointer { starts in
                func bytes(_ id: UInt32) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])])
                }
                // Big-endian, zero-padded: integer order agrees with byte order up to a tie.
                var keyed = ids.map { id -> (key: UInt64, id: UInt32) in
                    let term = bytes(id)
                    var key: UInt64 = 0
                    for i in 0..<8 { key = key << 8 | UInt64(i < term.count ? term[i] : 0) }
                    return (key, id)
                }
                keyed.sort { a, b in
                    if a.key != b.key { return a.key < b.key }
                    return compareBytes(bytes(a.id), bytes(b.id)) < 0
                }
                return keyed.map(\.id)
            }
        }
    }

    /// The id of `term`, adding it if new.
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> (id: UInt32, isNew: Bool) {
        let hash = Self.hash(term)
        let (found, index) = probe(term, hash)
        if let found { return (found, false) }
        let id = UInt32(count)
        arena.append(contentsOf: term)
        starts.append(UInt32(arena.count))
        slots[index] = Self.slot(hash, id)
        if count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `term`, if present.
    func find(_ term: UnsafeBufferPointer<UInt8>) -> UInt32? {
        probe(term, Self.hash(term)).id
    }

    /// The id of `term` if present, else the empty slot where it belongs.
    @inline(__always)
    private func probe(_ term: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> (id: UInt32?, index: Int) {
        let tag = hash >> 32
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[index]
                if slot == 0 { return (nil, index) }
                if slot >> 32 == tag {
                    let id = UInt32(truncatingIfNeeded: slot) - 1
                    if equals(id, term) { return (id, index) }
                }
                index = (index + 1) & mask
            }
        }
    }

    @inline(__always)
    private static func slot(_ hash: UInt64, _ id: UInt32) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
    }

    private func equals(_ id: UInt32, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(id)])
        let end = Int(starts[Int(id) + 1])
        guard end - start == term.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            memcmpBytes(arena.baseAddress! + start, term.baseAddress, term.count)
        }
    }

    private mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 0..<UInt32(count) {
            let hash = arena.withUnsafeBufferPointer { arena in
                Self.hash(UnsafeBufferPointer(rebasing: arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]))
            }
            var index = Int(truncatingIfNeeded: hash) & mask
            while bigger[index] != 0 { index = (index + 1) & mask }
            bigger[index] = Self.slot(hash, id)
        }
        slots = bigger
    }

    /// Eight bytes per multiply (most terms take one or two), then a final mix so the low bits
    /// spread well. Byte-at-a-time FNV cost a multiply's latency per byte. Hashes never leave
    /// memory, so this can change freely.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 29
                i += 8
            }
            if i < count {
                hash = (hash ^ loadTail(raw + i, count - i)) &* 0xFF51_AFD7_ED55_8CCD
            }
        }
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}

/// Byte equality of two buffers of `count` bytes.
@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
    guard count > 0 else { return true }
    guard let b else { return false }
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
            return false
        }
        i += 8
    }
    if i < count {
        return loadTail(UnsafeRawPointer(a + i), count - i) == loadTail(UnsafeRawPointer(b + i), count - i)
    }
    return true
}

/// The `count` (1 to 7) bytes at `bytes` as an integer, the first in the low byte: at most
/// three loads instead of a loop over the bytes.
@inline(__always)
func loadTail(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
    var value: UInt64 = 0
    var offset = 0
    if count & 4 != 0 {
        value = UInt64(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
        offset = 4
    }
    if count & 2 != 0 {
        value |= UInt64(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << UInt64(8 * offset)
        offset += 2
    }
    if count & 1 != 0 {
        value |= UInt64(bytes.load(fromByteOffset: offset, as: UInt8.self)) << UInt64(8 * offset)
    }
    return value
}

/// Lexicographic byte order (shorter first on a shared prefix): negative, zero or positive.
@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    var i = 0
    while i < n {
        let x = a[i]
        let y = b[i]
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return a.count - b.count
}
