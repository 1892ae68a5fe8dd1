/// Maps term bytes to dense ids (0, 1, 2, …) without allocating per lookup: terms live in one
/// byte arena and an open-addressing table points at them.
struct TermInterner {
    private(set) var arena: [UInt8] = []
    /// Term `i` is `arena[starts[i] ..< starts[i + 1]]`.
    private(set) var starts: [UInt32] = [0]
    private var hashes: [UInt64] = []
    /// Open-addressing slots holding `id + 1`, or 0 when empty; the count is a power of two.
    private var slots: [UInt32] = Array(repeating: 0, count: 1024)

    var count: Int { hashes.count }

    /// The bytes of term `id`.
    func bytes(of id: UInt32) -> ArraySlice<UInt8> {
        arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    /// The id of `term`, adding it if new.
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> (id: UInt32, isNew: Bool) {
        let hash = Self.hash(term)
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[index] != 0 {
            let id = slots[index] - 1
            if hashes[Int(id)] == hash && equals(id, term) { return (id, false) }
            index = (index + 1) & (slots.count - 1)
        }
        let id = UInt32(hashes.count)
        arena.append(contentsOf: term)
        starts.append(UInt32(arena.count))
        hashes.append(hash)
        slots[index] = id + 1
        if hashes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The id of `term`, if present.
    func find(_ term: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let hash = Self.hash(term)
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[index] != 0 {
            let id = slots[index] - 1
            if hashes[Int(id)] == hash && equals(id, term) { return id }
            index = (index + 1) & (slots.count - 1)
        }
        return nil
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
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, hash) in hashes.enumerated() {
            var index = Int(truncatingIfNeeded: hash) & mask
            while bigger[index] != 0 { index = (index + 1) & mask }
            bigger[index] = UInt32(id + 1)
        }
        slots = bigger
    }

    /// FNV-1a, then a final mix so the low bits spread well.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
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
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
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
