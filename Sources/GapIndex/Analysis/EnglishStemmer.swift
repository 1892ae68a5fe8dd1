/// The Porter stemming algorithm (M. F. Porter, 1980) over lowercase ASCII bytes.
///
/// This is the algorithm exactly as published in "An algorithm for suffix stripping"
/// (*Program* 14(3), 1980), without the later departures of Porter's own reference C code
/// (`bli`→`ble`, `logi`→`log`).
///
/// ## Definitions
///
/// A *consonant* is a letter other than `a`, `e`, `i`, `o`, `u`, and other than a `y` that
/// follows a consonant; every other letter is a *vowel*. Writing `C` for a run of consonants and
/// `V` for a run of vowels, every word has the form `[C](VC)^m[V]`; `m` is the word's *measure*.
/// A rule `(condition) S1 → S2` replaces the suffix `S1` by `S2` when the condition holds for the
/// *stem* (the word without `S1`). The conditions are:
///
/// - `m > n`, `m = n`: the stem's measure;
/// - `*v*`: the stem contains a vowel;
/// - `*d`: the stem ends with a double consonant;
/// - `*o`: the stem ends consonant–vowel–consonant, the last consonant not `w`, `x` or `y`;
/// - `*S`, `*L`, …: the stem ends with that letter.
///
/// Within one step only the rule with the longest matching `S1` is considered: when its condition
/// fails, no shorter suffix of that step is tried.
///
/// ## Steps
///
/// 1. **1a** plurals: `sses`→`ss`, `ies`→`i`, `ss`→`ss`, `s`→ε.
/// 2. **1b** past tense and gerunds: `(m>0) eed`→`ee`; `(*v*) ed`→ε; `(*v*) ing`→ε; after
///    either of the last two, `at`→`ate`, `bl`→`ble`, `iz`→`ize`, a double consonant other than
///    `l`, `s`, `z` loses a letter, and `(m=1 and *o)` gains an `e`.
/// 3. **1c** `(*v*) y`→`i`.
/// 4. **2** `(m>0)` double suffixes to single ones: `ational`→`ate`, `ization`→`ize`, `biliti`→`ble`, …
/// 5. **3** `(m>0)` `icate`→`ic`, `ative`→ε, `alize`→`al`, `iciti`→`ic`, `ical`→`ic`, `ful`→ε, `ness`→ε.
/// 6. **4** `(m>1)` removes `al`, `ance`, `ence`, `er`, `ic`, `able`, `ible`, `ant`, `ement`,
///    `ment`, `ent`, `(*s or *t) ion`, `ou`, `ism`, `ate`, `iti`, `ous`, `ive`, `ize`.
/// 7. **5a** `(m>1) e`→ε; `(m=1 and not *o) e`→ε.
/// 8. **5b** `(m>1 and *d and *l)` drops the last letter: `controll`→`control`.
///
/// The implementation works on the byte array in place: suffixes are compared against
/// `StaticString` literals (constant storage, no allocation) and replaced with
/// `removeLast`/`replaceSubrange`.
enum EnglishStemmer {
    /// Stems `word` in place. `word` holds lowercase ASCII letters only (the analyzer guarantees it);
    /// words of 2 letters or fewer are left unchanged.
    static func stem(_ word: inout [UInt8]) {
        guard word.count > 2 else { return }
        step1a(&word)
        step1b(&word)
        step1c(&word)
        step2(&word)
        step3(&word)
        step4(&word)
        step5a(&word)
        step5b(&word)
    }

    // MARK: - Steps

    /// Step 1a: plurals. `sses`→`ss`, `ies`→`i`, `ss`→`ss`, `s`→ε.
    private static func step1a(_ word: inout [UInt8]) {
        guard let last = word.last, last == s else { return }
        if ends(word, "sses") || ends(word, "ies") {
            word.removeLast(2)
        } else if word.count >= 2 && word[word.count - 2] != s {
            word.removeLast()
        }
    }

    /// Step 1b: `(m>0) eed`→`ee`, `(*v*) ed`→ε, `(*v*) ing`→ε, then tidy the stem left by the
    /// last two.
    private static func step1b(_ word: inout [UInt8]) {
        if ends(word, "eed") {
            if measure(word, word.count - 3) > 0 { word.removeLast() }
            return
        }
        let suffixLength: Int
        if ends(word, "ed") {
            suffixLength = 2
        } else if ends(word, "ing") {
            suffixLength = 3
        } else {
            return
        }
        guard hasVowel(word, before: word.count - suffixLength) else { return }
        word.removeLast(suffixLength)

        if ends(word, "at") || ends(word, "bl") || ends(word, "iz") {
            word.append(e)  // at→ate, bl→ble, iz→ize
        } else if endsWithDoubleConsonant(word, word.count) {
            let last = word[word.count - 1]
            if last != l && last != s && last != z { word.removeLast() }
        } else if measure(word, word.count) == 1 && endsConsonantVowelConsonant(word, word.count) {
            word.append(e)
        }
    }

    /// Step 1c: `(*v*) y`→`i`.
    private static func step1c(_ word: inout [UInt8]) {
        let count = word.count
        if count >= 1 && word[count - 1] == y && hasVowel(word, before: count - 1) {
            word[count - 1] = i
        }
    }

    /// Step 2: `(m>0)` maps double suffixes to single ones. Dispatches on the penultimate letter;
    /// within a case longer suffixes are tried before the suffixes they end with.
    private static func step2(_ word: inout [UInt8]) {
        let count = word.count
        guard count >= 2 else { return }
        switch word[count - 2] {
        case a:
            _ = rule(&word, "ational", "ate", m: 0) || rule(&word, "tional", "tion", m: 0)
        case c:
            _ = rule(&word, "enci", "ence", m: 0) || rule(&word, "anci", "ance", m: 0)
        case e:
            _ = rule(&word, "izer", "ize", m: 0)
        case l:
            _ = rule(&word, "abli", "able", m: 0) || rule(&word, "alli", "al", m: 0)
                || rule(&word, "entli", "ent", m: 0) || rule(&word, "eli", "e", m: 0)
                || rule(&word, "ousli", "ous", m: 0)
        case o:
            _ = rule(&word, "ization", "ize", m: 0) || rule(&word, "ation", "ate", m: 0)
                || rule(&word, "ator", "ate", m: 0)
        case s:
            _ = rule(&word, "alism", "al", m: 0) || rule(&word, "iveness", "ive", m: 0)
                || rule(&word, "fulness", "ful", m: 0) || rule(&word, "ousness", "ous", m: 0)
        case t:
            _ = rule(&word, "aliti", "al", m: 0) || rule(&word, "iviti", "ive", m: 0)
                || rule(&word, "biliti", "ble", m: 0)
        default:
            break
        }
    }

    /// Step 3: `(m>0)` `icate`→`ic`, `ative`→ε, `alize`→`al`, `iciti`→`ic`, `ical`→`ic`,
    /// `ful`→ε, `ness`→ε. Dispatches on the last letter.
    private static func step3(_ word: inout [UInt8]) {
        guard let last = word.last else { return }
        switch last {
        case e:
            _ = rule(&word, "icate", "ic", m: 0) || rule(&word, "ative", "", m: 0)
                || rule(&word, "alize", "al", m: 0)
        case i:
            _ = rule(&word, "iciti", "ic", m: 0)
        case l:
            _ = rule(&word, "ical", "ic", m: 0) || rule(&word, "ful", "", m: 0)
        case s:
            _ = rule(&word, "ness", "", m: 0)
        default:
            break
        }
    }

    /// Step 4: `(m>1)` removes a residual suffix (`al`, `ance`, …, `ize`); `ion` only after `s`
    /// or `t`. Dispatches on the penultimate letter.
    private static func step4(_ word: inout [UInt8]) {
        let count = word.count
        guard count >= 2 else { return }
        switch word[count - 2] {
        case a:
            _ = rule(&word, "al", "", m: 1)
        case c:
            _ = rule(&word, "ance", "", m: 1) || rule(&word, "ence", "", m: 1)
        case e:
            _ = rule(&word, "er", "", m: 1)
        case i:
            _ = rule(&word, "ic", "", m: 1)
        case l:
            _ = rule(&word, "able", "", m: 1) || rule(&word, "ible", "", m: 1)
        case n:
            _ = rule(&word, "ant", "", m: 1) || rule(&word, "ement", "", m: 1)
                || rule(&word, "ment", "", m: 1) || rule(&word, "ent", "", m: 1)
        case o:
            if ends(word, "ion") {
                // (m>1 and (*s or *t)) ion → ε
                let stem = count - 3
                if stem >= 1 && (word[stem - 1] == s || word[stem - 1] == t) && measure(word, stem) > 1 {
                    word.removeLast(3)
                }
            } else {
                _ = rule(&word, "ou", "", m: 1)
            }
        case s:
            _ = rule(&word, "ism", "", m: 1)
        case t:
            _ = rule(&word, "ate", "", m: 1) || rule(&word, "iti", "", m: 1)
        case u:
            _ = rule(&word, "ous", "", m: 1)
        case v:
            _ = rule(&word, "ive", "", m: 1)
        case z:
            _ = rule(&word, "ize", "", m: 1)
        default:
            break
        }
    }

    /// Step 5a: `(m>1) e`→ε; `(m=1 and not *o) e`→ε.
    private static func step5a(_ word: inout [UInt8]) {
        let count = word.count
        guard count >= 1, word[count - 1] == e else { return }
        let m = measure(word, count - 1)
        if m > 1 || (m == 1 && !endsConsonantVowelConsonant(word, count - 1)) {
            word.removeLast()
        }
    }

    /// Step 5b: `(m>1 and *d and *l)` → single letter.
    private static func step5b(_ word: inout [UInt8]) {
        let count = word.count
        guard count >= 2, word[count - 1] == l, word[count - 2] == l else { return }
        if measure(word, count) > 1 { word.removeLast() }
    }

    // MARK: - Rules and conditions

    /// Applies `(m > minimum) suffix → replacement` to `word`.
    ///
    /// - Returns: Whether `word` ends with `suffix`, whether or not the condition held: a step
    ///   stops at its first (longest) matching suffix.
    private static func rule(
        _ word: inout [UInt8], _ suffix: StaticString, _ replacement: StaticString, m minimum: Int
    ) -> Bool {
        guard ends(word, suffix) else { return false }
        let stem = word.count - suffix.utf8CodeUnitCount
        if measure(word, stem) > minimum {
            let bytes = UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount)
            word.replaceSubrange(stem..<word.count, with: bytes)
        }
        return true
    }

    /// Whether `word` ends with the ASCII bytes of `suffix`.
    @inline(__always)
    private static func ends(_ word: [UInt8], _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        let offset = word.count - count
        guard offset >= 0 else { return false }
        let bytes = suffix.utf8Start
        var index = 0
        while index < count {
            if word[offset + index] != bytes[index] { return false }
            index += 1
        }
        return true
    }

    /// Whether `word[index]` is a consonant: not `a e i o u`, and not a `y` after a consonant
    /// (a `y` at the start is a consonant). Walks back over runs of `y` without recursion.
    private static func isConsonant(_ word: [UInt8], _ index: Int) -> Bool {
        var index = index
        var flipped = false  // each `y` stepped over negates the answer
        while true {
            switch word[index] {
            case a, e, i, o, u:
                return flipped
            case y:
                if index == 0 { return !flipped }
                flipped.toggle()
                index -= 1
            default:
                return !flipped
            }
        }
    }

    /// The measure `m` of `word[0..<length]`: the number of vowel→consonant transitions, which
    /// is the `m` of the form `[C](VC)^m[V]`.
    private static func measure(_ word: [UInt8], _ length: Int) -> Int {
        var m = 0
        var previousIsConsonant = true
        var index = 0
        while index < length {
            let consonant: Bool
            switch word[index] {
            case a, e, i, o, u: consonant = false
            case y: consonant = index == 0 || !previousIsConsonant
            default: consonant = true
            }
            if consonant && !previousIsConsonant { m += 1 }
            previousIsConsonant = consonant
            index += 1
        }
        return m
    }

    /// `*v*`: whether `word[0..<length]` contains a vowel.
    private static func hasVowel(_ word: [UInt8], before length: Int) -> Bool {
        var previousIsConsonant = true
        var index = 0
        while index < length {
            switch word[index] {
            case a, e, i, o, u:
                return true
            case y:
                if index > 0 && previousIsConsonant { return true }
                previousIsConsonant = true
            default:
                previousIsConsonant = true
            }
            index += 1
        }
        return false
    }

    /// `*d`: whether `word[0..<length]` ends with a double consonant.
    private static func endsWithDoubleConsonant(_ word: [UInt8], _ length: Int) -> Bool {
        length >= 2 && word[length - 1] == word[length - 2] && isConsonant(word, length - 1)
    }

    /// `*o`: whether `word[0..<length]` ends consonant–vowel–consonant with the last consonant
    /// not `w`, `x` or `y`.
    private static func endsConsonantVowelConsonant(_ word: [UInt8], _ length: Int) -> Bool {
        guard length >= 3 else { return false }
        let last = word[length - 1]
        if last == w || last == x || last == y { return false }
        return isConsonant(word, length - 1) && !isConsonant(word, length - 2)
            && isConsonant(word, length - 3)
    }

    // MARK: - Letters

    private static let a = UInt8(ascii: "a")
    private static let c = UInt8(ascii: "c")
    private static let e = UInt8(ascii: "e")
    private static let i = UInt8(ascii: "i")
    private static let l = UInt8(ascii: "l")
    private static let n = UInt8(ascii: "n")
    private static let o = UInt8(ascii: "o")
    private static let s = UInt8(ascii: "s")
    private static let t = UInt8(ascii: "t")
    private static let u = UInt8(ascii: "u")
    private static let v = UInt8(ascii: "v")
    private static let w = UInt8(ascii: "w")
    private static let x = UInt8(ascii: "x")
    private static let y = UInt8(ascii: "y")
    private static let z = UInt8(ascii: "z")
}
