/// A list of distinct terms in bytewise order, such as a segment's dictionary.
protocol SortedTermList {
    var termCount: Int { get }
    func term(_ index: Int) -> UnsafeBufferPointer<UInt8>
    /// The byte of term `index` at `depth`, or -1 where the term is shorter.
    func byte(_ index: Int, at depth: Int) -> Int
}

extension SortedTermList {
    @inline(__always)
    func byte(_ index: Int, at depth: Int) -> Int {
        let term = self.term(index)
        return depth < term.count ? Int(term[depth]) : -1
    }
}

/// How many typos a word tolerates: none under 5 letters, one from 5, two from 9.
public struct TypoTolerance: Sendable, Hashable {
    /// Words at least this long tolerate one edit.
    public var oneTypoFrom = 5
    /// Words at least this long tolerate two edits.
    public var twoTyposFrom = 9

    public init(oneTypoFrom: Int = 5, twoTyposFrom: Int = 9) {
        self.oneTypoFrom = oneTypoFrom
        self.twoTyposFrom = twoTyposFrom
    }

    /// The edits allowed for a word of `length` bytes.
    public func maxEdits(forLength length: Int) -> Int {
        length >= twoTyposFrom ? 2 : (length >= oneTypoFrom ? 1 : 0)
    }
}

/// What takes the matches of a ``FuzzyMatcher`` walk, one at a time in term order.
protocol FuzzyMatchSink {
    mutating func take(_ match: FuzzyMatch)
}

extension Array: FuzzyMatchSink where Element == FuzzyMatch {
    mutating func take(_ match: FuzzyMatch) { append(match) }
}

/// A dictionary term close to a query word.
struct FuzzyMatch: Equatable {
    var term: Int
    /// Edits between the query word (or, for a prefix match, the best prefix of the term) and
    /// the term.
    var distance: Int
    /// Whether the query word matched a prefix of the term rather than the whole term.
    var isPrefix: Bool
}

/// Finds the terms of a sorted dictionary within a few edits of a word, without scanning the
/// dictionary: the sorted list is walked as an implicit trie (terms sharing a prefix are
/// contiguous), carrying one row of the edit-distance table per trie level, and a branch is
/// abandoned as soon as every cell of its row exceeds the budget. Edits are those of the
/// optimal string alignment distance: insertion, deletion, substitution, and transposition of
/// two adjacent letters, each counting one — except that an edit of the first letter counts
/// two (people rarely mistype it), so short words must get their first letter right.
///
/// - Complexity: proportional to the trie nodes within the budget of the word, each found with
///   a binary search; independent of the dictionary's size otherwise.
struct FuzzyMatcher {
    let word: [UInt8]
    let maxEdits: Int
    /// Also match terms that merely start with something within `maxEdits` of the word.
    let prefix: Bool

    /// The matching terms in term order, at most `limit` of them (the first in term order).
    func matches(in list: some SortedTermList, limit: Int = .max) -> [FuzzyMatch] {
        var results: [FuzzyMatch] = []
        forEachMatch(in: list, limit: limit, into: &results)
        return results
    }

    /// Hands the matching terms to `sink` in term order, at most `limit` of them (the first in
    /// term order), keeping none: a short prefix can match thousands of terms of which the
    /// caller wants a few.
    func forEachMatch<Sink: FuzzyMatchSink>(in list: some SortedTermList, limit: Int = .max, into sink: inout Sink) {
        let m = word.count
        guard list.termCount > 0 else { return }
        if m == 0 {
            guard prefix else { return }
            for term in 0..<min(list.termCount, limit) { sink.take(FuzzyMatch(term: term, distance: 0, isPrefix: true)) }
            return
        }
        let maxDepth = m + maxEdits
        // rows[d] is the edit-distance row after `d` trie levels; path[d] the byte at level d.
        var rows = [Int](repeating: 0, count: (maxDepth + 2) * (m + 1))
        for i in 0...m { rows[i] = i }
        var path = [UInt8](repeating: 0, count: maxDepth + 1)
        word.withUnsafeBufferPointer { word in
            rows.withUnsafeMutableBufferPointer { rows in
                path.withUnsafeMutableBufferPointer { path in
                    var walker = Walker(
                        list: list, word: word, m: m, maxEdits: maxEdits, prefix: prefix, rows: rows, path: path, sink: sink, limit: limit)
                    walker.walk(low: 0, high: list.termCount, depth: 0, budget: maxEdits)
                    sink = walker.sink
                }
            }
        }
    }

    private struct Walker<List: SortedTermList, Sink: FuzzyMatchSink> {
        let list: List
        let word: UnsafeBufferPointer<UInt8>
        let m: Int
        let maxEdits: Int
        let prefix: Bool
        let rows: UnsafeMutableBufferPointer<Int>
        let path: UnsafeMutableBufferPointer<UInt8>
        var sink: Sink
        let limit: Int
        /// How many matches the sink has taken.
        var found = 0

        @inline(__always)
        private mutating func emit(_ match: FuzzyMatch) {
            sink.take(match)
            found += 1
        }

        /// Terms in `low..<high` share the first `depth` bytes (`path[0..<depth]`), whose
        /// distance row is `rows[depth]`. `bestPrefix` is the smallest distance between the
        /// word and any prefix of the path so far (prefix mode).
        /// `rowMinimum` is the least cell of `rows[depth]`.
        mutating func walk(low: Int, high: Int, depth: Int, budget: Int, bestPrefix: Int = .max, rowMinimum: Int = 0) {
            guard found < limit else { return }
            let row = depth * (m + 1)
            let extra = maxEdits - budget  // the first-letter surcharge, if paid
            var best = bestPrefix
            if prefix && depth == 0 && m <= budget {
                // Deleting the whole word is within budget: the empty prefix matches all.
                var i = low
                while i < high && found < limit {
                    emit(FuzzyMatch(term: i, distance: m, isPrefix: list.term(i).count != 0))
                    i += 1
                }
                return
            }
            if prefix {
                best = min(best, rows[row + m])
                // Deeper rows never go below this row's minimum: when the best prefix is
                // already that good, every term below matches at that distance.
                if best <= budget && best <= rowMinimum {
                    var i = low
                    while i < high && found < limit {
                        emit(FuzzyMatch(term: i, distance: best + extra, isPrefix: list.term(i).count != depth || best != rows[row + m]))
                        i += 1
                    }
                    return
                }
            }
            var i = low
            // Terms equal to the path come first (a proper prefix sorts first).
            while i < high && list.byte(i, at: depth) < 0 {
                let distance = prefix ? best : rows[row + m]
                if list.term(i).count == depth && distance <= budget {
                    emit(FuzzyMatch(term: i, distance: distance + extra, isPrefix: prefix && distance != rows[row + m]))
                }
                i += 1
            }
            guard depth < m + budget || (prefix && best <= budget) else { return }
            guard depth + 1 < rows.count / (m + 1) - 1 else {
                // Deeper than any row kept: in prefix mode every term below matches.
                if prefix && best <= budget {
                    while i < high && found < limit {
                        emit(FuzzyMatch(term: i, distance: best + extra, isPrefix: true))
                        i += 1
                    }
                }
                return
            }
            // Without slack (every cell of the row at the budget or above, and no prefix within
            // it), a child stays within budget only through a cell that matches its byte at no
            // cost (a transposition costs one), and a cell more than `budget` off the diagonal
            // is above it: only bytes of the word within `budget` of this depth lead anywhere,
            // and the other children are skipped without computing their rows. At the root, a
            // first-letter edit costs two, so with one edit only the word's first letter leads
            // anywhere: its range is found directly.
            let noSlack = rowMinimum >= budget && !(prefix && best <= budget)
            if depth == 0 && budget < 2 {
                // (In prefix mode, `best` is the word's length here, more than the budget.)
                i = firstIndex(atLeast: word[0], from: i, to: high, depth: 0)
                let end = firstIndex(after: word[0], from: i, to: high, depth: 0)
                guard i < end else { return }
                let childMinimum = step(word[0], depth: 0)
                if childMinimum <= budget {
                    walk(low: i, high: end, depth: 1, budget: budget, bestPrefix: best, rowMinimum: childMinimum)
                }
                return
            }
            let nearFirst = max(0, depth - budget)
            let nearLast = min(m - 1, depth + budget)
            while i < high {
                let next = list.byte(i, at: depth)
                guard next >= 0 else {
                    i += 1  // out of order: only in a damaged dictionary
                    continue
                }
                let byte = UInt8(truncatingIfNeeded: next)
                let end = firstIndex(after: byte, from: i + 1, to: high, depth: depth)
                defer { i = end }
                if noSlack {
                    var near = false
                    var j = nearFirst
                    while j <= nearLast && !near {
                        near = word[j] == byte
                        j += 1
                    }
                    guard near else { continue }
                }
                var childBudget = budget
                if depth == 0 && byte != word[0] {
                    // A first-letter edit costs two.
                    childBudget -= 1
                }
                guard childBudget >= 0 else { continue }
                let childMinimum = step(byte, depth: depth)
                if childMinimum <= childBudget || (prefix && best <= childBudget) {
                    walk(low: i, high: end, depth: depth + 1, budget: childBudget, bestPrefix: best, rowMinimum: childMinimum)
                }
            }
        }

        /// Fills `rows[depth + 1]` for the byte at level `depth`; returns the row's minimum.
        /// Only the band of cells within `maxEdits` of the diagonal is computed: a cell
        /// further off is at least its distance from the diagonal, more than any budget, and
        /// counts as `maxEdits + 1`, which prunes and rejects the same way. (Cells in the
        /// band that read it come out above the budget exactly when their true value is.)
        /// The minimum returned is that of the band and the first cell; where it differs from
        /// the whole row's, both exceed the budget.
        private mutating func step(_ byte: UInt8, depth: Int) -> Int {
            path[depth] = byte
            let previous = depth * (m + 1)
            let current = previous + m + 1
            let outside = maxEdits + 1
            let low = max(1, depth + 1 - maxEdits)
            let high = min(m, depth + 1 + maxEdits)
            rows[current] = depth + 1
            var smallest = rows[current]
            // Of the cells off the band, only those next to it are read (by this row and the
            // next), and the last (by the walk): they alone are set.
            guard low <= high else {
                rows[current + m] = outside
                return min(smallest, outside)
            }
            if low > 1 { rows[current + low - 1] = outside }
            if high < m {
                rows[current + high + 1] = outside
                rows[current + m] = outside
            }
            for i in low...high {
                let cost = word[i - 1] == byte ? 0 : 1
                var value = min(rows[previous + i - 1] + cost, min(rows[previous + i] + 1, rows[current + i - 1] + 1))
                if i > 1 && depth > 0 && word[i - 1] == path[depth - 1] && word[i - 2] == byte {
                    value = min(value, rows[previous - (m + 1) + i - 2] + 1)
                }
                rows[current + i] = value
                smallest = min(smallest, value)
            }
            return smallest
        }

        /// The first index in `from..<to` whose byte at `depth` is greater than `byte`.
        @inline(__always)
        private func firstIndex(after byte: UInt8, from: Int, to: Int, depth: Int) -> Int {
            firstIndex(from: from, to: to, depth: depth) { $0 <= byte }
        }

        /// The first index in `from..<to` whose byte at `depth` is `byte` or greater.
        @inline(__always)
        private func firstIndex(atLeast byte: UInt8, from: Int, to: Int, depth: Int) -> Int {
            firstIndex(from: from, to: to, depth: depth) { $0 < byte }
        }

        /// The first index in `from..<to` whose byte at `depth` fails `before` (which holds
        /// for a leading part of the range only), galloping from `from` before bisecting: most
        /// children of a trie node span a few terms, so a search costs about the log of the
        /// child's size rather than of the node's.
        @inline(__always)
        private func firstIndex(from: Int, to: Int, depth: Int, _ before: (UInt8) -> Bool) -> Int {
            // A term too short here can only come from a damaged dictionary; it counts as
            // failing, so the walk never reads past a term.
            func holds(_ index: Int) -> Bool {
                let byte = list.byte(index, at: depth)
                return byte >= 0 && before(UInt8(truncatingIfNeeded: byte))
            }
            guard from < to && holds(from) else { return from }
            // `before` holds at `low`; galloping doubles the step until it fails or the range ends.
            var low = from
            var step = 1
            while low + step < to && holds(low + step) {
                low += step
                step &<<= 1
            }
            var high = min(low + step, to)
            low += 1
            while low < high {
                let mid = (low + high) / 2
                if holds(mid) { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }
}

/// The optimal string alignment distance between two byte strings (insertions, deletions,
/// substitutions, adjacent transpositions), computed with the full table: the reference the
/// trie walk is tested against.
func optimalStringAlignmentDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let n = a.count
    let m = b.count
    if n == 0 { return m }
    if m == 0 { return n }
    var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
    for i in 0...n { table[i][0] = i }
    for j in 0...m { table[0][j] = j }
    for i in 1...n {
        for j in 1...m {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[n][m]
}
