/// The first eight bytes of each string of a sorted list (a segment's terms, or its stems),
/// packed big-endian into one integer and padded with zeros, so that comparing two keys
/// compares the strings' beginnings bytewise.
///
/// Query planning looks words up and walks the dictionary as a trie (``FuzzyMatcher``): each
/// probe of the bare list reads an offset and then the bytes it points to, two cache misses in
/// a dictionary too large to stay cached between searches (at 100k gaps, planning spent more
/// time waiting on them than on anything else). A probe of the keys reads one 8-byte entry of
/// a compact array whose upper levels stay cached. Made once per segment, when it is first
/// opened (a pass over the terms, like the norms).
final class PackedPrefixes: @unchecked Sendable {
    // @unchecked Sendable: written in `init` only.

    let keys: UnsafeMutablePointer<UInt64>
    let count: Int

    /// The keys of `list`'s strings.
    init(_ list: TermListView) {
        count = list.termCount
        keys = .allocate(capacity: max(count, 1))
        for i in 0..<count { keys[i] = packedPrefix(list.term(i)) }
    }

    deinit { keys.deallocate() }
}

/// The key of `bytes` (see ``PackedPrefixes``).
@inline(__always)
func packedPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var key: UInt64 = 0
    for i in 0..<min(bytes.count, 8) { key |= UInt64(bytes[i]) << UInt64(56 - 8 * i) }
    return key
}

/// A sorted list of distinct byte strings laid out as offsets into contiguous bytes (string
/// `i` spans `starts[i]..<starts[i + 1]`): a segment's terms or stems, the delta's sorted terms.
struct TermListView: SortedTermList {
    let starts: UnsafePointer<UInt32>
    let bytes: UnsafePointer<UInt8>
    let termCount: Int

    @inline(__always)
    func term(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(starts[index])
        return UnsafeBufferPointer(start: bytes + start, count: Int(starts[index + 1]) - start)
    }

    /// The index of `bytes` (binary search), if present.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var low = 0
        var high = termCount
        while low < high {
            let mid = (low + high) / 2
            let order = compareBytes(term(mid), bytes)
            if order == 0 { return mid }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

/// A ``TermListView`` with the keys of ``PackedPrefixes``: lookups and trie walks compare
/// keys first and read a string's bytes only where two keys tie or a walk goes deeper than
/// eight bytes.
///
/// A string's key tells its byte at a depth below eight unless that byte reads 0, which is
/// either padding or a zero byte of the string: then the string itself decides, so the list
/// answers exactly as the bare strings would, whatever bytes they hold.
struct KeyedTermList: SortedTermList {
    let strings: TermListView
    let keys: UnsafePointer<UInt64>

    var termCount: Int { strings.termCount }

    @inline(__always)
    func term(_ index: Int) -> UnsafeBufferPointer<UInt8> { strings.term(index) }

    @inline(__always)
    func byte(_ index: Int, at depth: Int) -> Int {
        if depth < 8 {
            let byte = Int(truncatingIfNeeded: keys[index] >> UInt64(56 - 8 * depth)) & 0xFF
            if byte != 0 { return byte }
        }
        let term = self.term(index)
        return depth < term.count ? Int(term[depth]) : -1
    }

    /// The index of `bytes` (binary search on the keys, the bytes deciding ties), if present.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = packedPrefix(bytes)
        var low = 0
        var high = termCount
        while low < high {
            let mid = (low + high) / 2
            let candidate = keys[mid]
            let order = candidate != key ? (candidate < key ? -1 : 1) : compareBytes(term(mid), bytes)
            if order == 0 { return mid }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

extension KeyedTermList {
    /// `strings` with `prefixes`, which must have been made from them.
    init(_ strings: TermListView, _ prefixes: PackedPrefixes) {
        precondition(prefixes.count == strings.termCount, "keys made from another list")
        self.init(strings: strings, keys: prefixes.keys)
    }
}
