import Testing

@testable import GapIndex

/// Tests of ``EnglishStemmer`` against the published behaviour of the original Porter algorithm
/// (M. F. Porter, "An algorithm for suffix stripping", 1980), step by step, plus structural
/// properties over generated words.
@Suite("EnglishStemmer")
struct EnglishStemmerTests {
    /// One expected stemming: `input` stems to `expected`.
    struct StemCase: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: String

        init(_ input: String, _ expected: String) {
            self.input = input
            self.expected = expected
        }

        var testDescription: String { "\(input) → \(expected)" }
    }

    /// Stems `word` through the byte API and decodes the result.
    static func stemmed(_ word: String) -> String {
        var bytes = Array(word.utf8)
        EnglishStemmer.stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Expected stems, by the step they exercise

    @Test("Step 1a", arguments: step1aCases)
    func step1a(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Step 1b", arguments: step1bCases)
    func step1b(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Step 1c", arguments: step1cCases)
    func step1c(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Step 2", arguments: step2Cases)
    func step2(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Step 3", arguments: step3Cases)
    func step3(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Step 4", arguments: step4Cases)
    func step4(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Steps 5a and 5b", arguments: step5Cases)
    func step5(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Several steps in turn", arguments: multiStepCases)
    func multiStep(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("Product-gap vocabulary", arguments: vocabularyCases)
    func vocabulary(_ stemCase: StemCase) {
        #expect(Self.stemmed(stemCase.input) == stemCase.expected)
    }

    @Test("The tables are large and free of duplicates")
    func tablesAreLarge() {
        let all = Self.step1aCases + Self.step1bCases + Self.step1cCases + Self.step2Cases
            + Self.step3Cases + Self.step4Cases + Self.step5Cases + Self.multiStepCases
            + Self.vocabularyCases
        #expect(all.count >= 120)
        #expect(Set(all.map(\.input)).count == all.count)
        // Most cases must actually change the word, or the table would prove little.
        #expect(all.filter { $0.input != $0.expected }.count * 4 >= all.count * 3)
    }

    // MARK: - Short and empty words

    @Test("Words of two letters or fewer are unchanged")
    func shortWordsAreUnchanged() {
        let letters = Array(UInt8(ascii: "a")...UInt8(ascii: "z"))
        for first in letters {
            var one = [first]
            EnglishStemmer.stem(&one)
            #expect(one == [first])
            for second in letters {
                var two = [first, second]
                EnglishStemmer.stem(&two)
                #expect(two == [first, second])
            }
        }
        // Porter's paper alone would strip these; the two-letter floor keeps them.
        #expect(Self.stemmed("is") == "is")
        #expect(Self.stemmed("as") == "as")
        #expect(Self.stemmed("ed") == "ed")
    }

    @Test("The empty word is unchanged")
    func emptyWordIsUnchanged() {
        var empty: [UInt8] = []
        EnglishStemmer.stem(&empty)
        #expect(empty.isEmpty)
    }

    // MARK: - Properties over generated words

    /// SplitMix64: a small, seeded, deterministic generator so failures reproduce.
    struct SplitMix64 {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func next(below bound: Int) -> Int {
            Int(next() % UInt64(bound))
        }
    }

    /// Letters weighted towards vowels, `y` and the consonants the rules test (`l`, `s`, `z`,
    /// `w`, `x`, doubled letters arise often).
    static let alphabet = Array("aeiouyyyybcdlllmnrssttwxz".utf8)

    /// Suffixes every step looks for, so generated words reach every rule.
    static let suffixes: [[UInt8]] = [
        "ational", "tional", "enci", "anci", "izer", "abli", "alli", "entli", "eli", "ousli",
        "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti",
        "biliti", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence",
        "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "sion", "tion", "ion", "ou",
        "ism", "ate", "iti", "ous", "ive", "ize", "e", "ll", "ed", "ing", "eed", "s", "ies",
        "sses", "ss", "y", "at", "bl", "iz",
    ].map { Array($0.utf8) }

    /// A generated lowercase word: random letters, or random letters plus one or two suffixes.
    static func generatedWord(_ random: inout SplitMix64) -> [UInt8] {
        var word: [UInt8] = []
        let stemLength = random.next(below: 9)
        for _ in 0..<stemLength {
            word.append(alphabet[random.next(below: alphabet.count)])
        }
        if random.next(below: 4) != 0 {
            word += suffixes[random.next(below: suffixes.count)]
            if random.next(below: 3) == 0 {
                word += suffixes[random.next(below: suffixes.count)]
            }
        }
        return word
    }

    @Test("Generated words never crash, grow, empty out or leave a-z", arguments: [1, 2, 3, 4] as [UInt64])
    func generatedWords(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let lowercase = UInt8(ascii: "a")...UInt8(ascii: "z")
        for _ in 0..<25_000 {
            let input = Self.generatedWord(&random)
            var word = input
            EnglishStemmer.stem(&word)
            let shown = String(decoding: input, as: UTF8.self)
            // Step 1b may add an `e`, but only after removing `ed` or `ing`, and steps 2 and 3 never
            // replace a suffix by a longer one, so a word never grows (stronger than "by at most one").
            #expect(word.count <= input.count, "\(shown) grew")
            if !input.isEmpty {
                #expect(!word.isEmpty, "\(shown) stemmed to nothing")
            }
            if input.count <= 2 {
                #expect(word == input, "\(shown) is short and must be unchanged")
            }
            #expect(word.allSatisfy { lowercase.contains($0) }, "\(shown) produced a non-letter")
        }
    }
}

// MARK: - Tables

/// Expected stems, checked against the original 1980 algorithm (no `bli`/`logi` departures).
extension EnglishStemmerTests {
    /// Step 1a: plurals (`sses`, `ies`, `ss`, `s`).
    static let step1aCases: [StemCase] = [
        .init("caresses", "caress"), .init("ponies", "poni"), .init("ties", "ti"),
        .init("caress", "caress"), .init("cats", "cat"), .init("plays", "plai"),
        .init("rays", "rai"), .init("misses", "miss"), .init("mess", "mess"),
        .init("excess", "excess"), .init("news", "new"), .init("bus", "bu"), .init("gas", "ga"),
        .init("this", "thi"), .init("was", "wa"), .init("his", "hi"), .init("yes", "ye"),
        .init("dies", "di"), .init("lies", "li"), .init("flies", "fli"),
    ]

    /// Step 1b: `eed`, `ed`, `ing`, and the repairs after them (`at`/`bl`/`iz` + e, undoubling, `*o` + e).
    static let step1bCases: [StemCase] = [
        .init("feed", "feed"), .init("agreed", "agre"), .init("disagreed", "disagre"),
        .init("proceed", "proce"), .init("bleed", "bleed"), .init("plastered", "plaster"),
        .init("bled", "bled"), .init("motoring", "motor"), .init("sing", "sing"),
        .init("conflated", "conflat"), .init("troubled", "troubl"), .init("sized", "size"),
        .init("hopping", "hop"), .init("tanned", "tan"), .init("falling", "fall"),
        .init("hissing", "hiss"), .init("fizzed", "fizz"), .init("failing", "fail"),
        .init("filing", "file"), .init("hoping", "hope"), .init("hopped", "hop"),
        .init("stopped", "stop"), .init("filling", "fill"), .init("buzzing", "buzz"),
        .init("missing", "miss"), .init("stated", "state"), .init("rated", "rate"),
        .init("abating", "abat"), .init("hating", "hate"), .init("fitted", "fit"),
        .init("crashed", "crash"), .init("fixed", "fix"), .init("snowing", "snow"),
        .init("bowing", "bow"), .init("boxing", "box"), .init("tapping", "tap"),
        .init("sleeping", "sleep"), .init("sleep", "sleep"),
    ]

    /// Step 1c: `(*v*) y` → `i`, with `y` as consonant or vowel by position.
    static let step1cCases: [StemCase] = [
        .init("happy", "happi"), .init("sky", "sky"), .init("crying", "cry"), .init("cry", "cry"),
        .init("say", "sai"), .init("enjoy", "enjoi"), .init("boy", "boi"), .init("toy", "toi"),
        .init("syzygy", "syzygi"), .init("yellow", "yellow"),
    ]

    /// Step 2: `(m>0)` double suffixes to single ones.
    static let step2Cases: [StemCase] = [
        .init("relational", "relat"), .init("conditional", "condit"), .init("rational", "ration"),
        .init("valenci", "valenc"), .init("hesitanci", "hesit"), .init("digitizer", "digit"),
        .init("conformabli", "conform"), .init("radicalli", "radic"),
        .init("differentli", "differ"), .init("vileli", "vile"), .init("analogousli", "analog"),
        .init("vietnamization", "vietnam"), .init("predication", "predic"),
        .init("operator", "oper"), .init("feudalism", "feudal"), .init("decisiveness", "decis"),
        .init("hopefulness", "hope"), .init("callousness", "callous"), .init("formaliti", "formal"),
        .init("sensitiviti", "sensit"), .init("sensibiliti", "sensibl"),
        .init("national", "nation"), .init("nationality", "nation"), .init("optional", "option"),
        .init("traditional", "tradit"), .init("capitalism", "capit"), .init("realism", "realism"),
        .init("possibly", "possibli"), .init("possibility", "possibl"),
        .init("responsibility", "respons"), .init("probability", "probabl"),
        .init("generously", "gener"), .init("nervousness", "nervous"), .init("playfulness", "play"),
        .init("helpfulness", "help"), .init("usefulness", "us"), .init("realization", "realiz"),
        .init("specialization", "special"), .init("civilization", "civil"),
        .init("organization", "organ"), .init("normalization", "normal"),
    ]

    /// Step 3: `(m>0)` `icate`, `ative`, `alize`, `iciti`, `ical`, `ful`, `ness`.
    static let step3Cases: [StemCase] = [
        .init("triplicate", "triplic"), .init("formative", "form"), .init("formalize", "formal"),
        .init("electriciti", "electr"), .init("electrical", "electr"), .init("hopeful", "hope"),
        .init("goodness", "good"), .init("duplicate", "duplic"), .init("indicate", "indic"),
        .init("indicative", "indic"), .init("communicate", "commun"),
        .init("communicative", "commun"), .init("normalize", "normal"),
        .init("visualize", "visual"), .init("centralize", "central"),
        .init("electricity", "electr"), .init("publicity", "public"),
        .init("authenticity", "authent"), .init("radically", "radic"), .init("basically", "basic"),
        .init("logically", "logic"), .init("magical", "magic"), .init("musical", "music"),
        .init("typical", "typic"), .init("physical", "physic"), .init("classical", "classic"),
        .init("logical", "logic"), .init("awareness", "awar"), .init("happiness", "happi"),
        .init("kindness", "kind"), .init("useful", "us"), .init("carefully", "carefulli"),
        .init("hopefully", "hopefulli"),
    ]

    /// Step 4: `(m>1)` residual suffixes, `ion` only after `s` or `t`.
    static let step4Cases: [StemCase] = [
        .init("revival", "reviv"), .init("allowance", "allow"), .init("inference", "infer"),
        .init("airliner", "airlin"), .init("gyroscopic", "gyroscop"), .init("adjustable", "adjust"),
        .init("defensible", "defens"), .init("irritant", "irrit"), .init("replacement", "replac"),
        .init("adjustment", "adjust"), .init("dependent", "depend"), .init("adoption", "adopt"),
        .init("homologou", "homolog"), .init("communism", "commun"), .init("activate", "activ"),
        .init("angulariti", "angular"), .init("homologous", "homolog"),
        .init("effective", "effect"), .init("bowdlerize", "bowdler"),
        .init("agreement", "agreement"), .init("element", "element"), .init("cement", "cement"),
        .init("abatement", "abat"), .init("vision", "vision"), .init("lion", "lion"),
        .init("onion", "onion"), .init("opinion", "opinion"), .init("union", "union"),
        .init("corrosion", "corros"), .init("friction", "friction"), .init("action", "action"),
        .init("generate", "gener"), .init("generous", "gener"), .init("ambiguous", "ambigu"),
        .init("continuous", "continu"), .init("dangerous", "danger"), .init("criticism", "critic"),
        .init("organism", "organ"), .init("elegance", "eleg"), .init("elegant", "eleg"),
        .init("tolerant", "toler"), .init("tolerance", "toler"), .init("assistant", "assist"),
        .init("assistance", "assist"), .init("argument", "argument"), .init("management", "manag"),
        .init("environment", "environ"), .init("requirement", "requir"),
        .init("payment", "payment"), .init("statement", "statement"), .init("moment", "moment"),
        .init("comment", "comment"), .init("component", "compon"),
    ]

    /// Steps 5a and 5b: final `e` by measure and `*o`, and `ll` → `l` when m>1.
    static let step5Cases: [StemCase] = [
        .init("probate", "probat"), .init("rate", "rate"), .init("cease", "ceas"),
        .init("controll", "control"), .init("roll", "roll"),
    ]

    /// Words that pass through several steps.
    static let multiStepCases: [StemCase] = [
        .init("generalizations", "gener"), .init("oscillators", "oscil"),
        .init("connection", "connect"), .init("connections", "connect"),
        .init("connective", "connect"), .init("connected", "connect"),
        .init("connecting", "connect"), .init("generation", "gener"),
        .init("sensational", "sensat"), .init("sensation", "sensat"),
        .init("sensationalism", "sensation"), .init("international", "intern"),
        .init("reliability", "reliabl"), .init("reliable", "reliabl"), .init("available", "avail"),
        .init("availability", "avail"), .init("usability", "usabl"), .init("usable", "usabl"),
        .init("compatible", "compat"), .init("compatibility", "compat"),
        .init("readable", "readabl"), .init("visible", "visibl"), .init("visibility", "visibl"),
        .init("possible", "possibl"), .init("terrible", "terribl"), .init("horrible", "horribl"),
        .init("reproducible", "reproduc"), .init("reproduction", "reproduct"),
        .init("reckless", "reckless"), .init("recklessness", "reckless"),
        .init("abundance", "abund"), .init("abundant", "abund"), .init("knowledgeable", "knowledg"),
    ]

    /// Vocabulary of product-gap reports: searches, queries, tokens and features.
    static let vocabularyCases: [StemCase] = [
        .init("searching", "search"), .init("searches", "search"),
        .init("repositories", "repositori"), .init("permissions", "permiss"),
        .init("authentication", "authent"), .init("provisioning", "provis"),
        .init("configuration", "configur"), .init("running", "run"), .init("ran", "ran"),
        .init("indexing", "index"), .init("indexes", "index"), .init("duplicates", "duplic"),
        .init("ability", "abil"), .init("duplicating", "duplic"), .init("duplication", "duplic"),
        .init("organize", "organ"), .init("initialize", "initi"), .init("initialization", "initi"),
        .init("tokenizer", "token"), .init("tokenization", "token"), .init("tokenize", "token"),
        .init("optimizer", "optim"), .init("optimization", "optim"), .init("dependency", "depend"),
        .init("emergency", "emerg"), .init("frequency", "frequenc"), .init("relevance", "relev"),
        .init("relevancy", "relev"), .init("consistency", "consist"),
        .init("consistent", "consist"), .init("difference", "differ"), .init("different", "differ"),
        .init("importance", "import"), .init("important", "import"),
        .init("performance", "perform"), .init("performer", "perform"), .init("perform", "perform"),
        .init("arguments", "argument"), .init("manager", "manag"), .init("managing", "manag"),
        .init("managed", "manag"), .init("development", "develop"), .init("developer", "develop"),
        .init("developing", "develop"), .init("commented", "comment"),
        .init("components", "compon"), .init("latency", "latenc"), .init("timeout", "timeout"),
        .init("timeouts", "timeout"), .init("crashes", "crash"), .init("crashing", "crash"),
        .init("crash", "crash"), .init("errors", "error"), .init("error", "error"),
        .init("failure", "failur"), .init("failures", "failur"), .init("filter", "filter"),
        .init("filters", "filter"), .init("filtering", "filter"), .init("query", "queri"),
        .init("queries", "queri"), .init("querying", "queri"), .init("ranking", "rank"),
        .init("ranked", "rank"), .init("rank", "rank"), .init("token", "token"),
        .init("tokens", "token"), .init("stemmer", "stemmer"), .init("stemming", "stem"),
        .init("stemmed", "stem"), .init("fuzzy", "fuzzi"), .init("matches", "match"),
        .init("matching", "match"), .init("matched", "match"), .init("search", "search"),
        .init("searcher", "searcher"), .init("searchable", "searchabl"), .init("feature", "featur"),
        .init("features", "featur"), .init("featured", "featur"), .init("request", "request"),
        .init("requested", "request"), .init("requests", "request"), .init("product", "product"),
        .init("products", "product"), .init("production", "product"),
        .init("productive", "product"), .init("productivity", "product"), .init("user", "user"),
        .init("users", "user"), .init("using", "us"), .init("used", "us"), .init("login", "login"),
        .init("logging", "log"), .init("logged", "log"), .init("sync", "sync"),
        .init("syncing", "sync"), .init("synced", "sync"), .init("export", "export"),
        .init("exported", "export"), .init("exporting", "export"), .init("import", "import"),
        .init("imported", "import"), .init("importing", "import"), .init("notification", "notif"),
        .init("notifications", "notif"), .init("notify", "notifi"), .init("notified", "notifi"),
        .init("integration", "integr"), .init("integrate", "integr"), .init("integrated", "integr"),
        .init("customer", "custom"), .init("customers", "custom"), .init("custom", "custom"),
        .init("customize", "custom"), .init("customization", "custom"),
        .init("dashboard", "dashboard"), .init("dashboards", "dashboard"),
        .init("report", "report"), .init("reporting", "report"), .init("reported", "report"),
        .init("slow", "slow"), .init("slowly", "slowli"), .init("slower", "slower"),
        .init("slowness", "slow"), .init("fast", "fast"), .init("faster", "faster"),
        .init("fastest", "fastest"), .init("quick", "quick"), .init("quickly", "quickli"),
        .init("easy", "easi"), .init("easily", "easili"), .init("easier", "easier"),
        .init("easiest", "easiest"), .init("ease", "eas"), .init("eased", "eas"),
        .init("troubleshooting", "troubleshoot"), .init("reproduce", "reproduc"),
        .init("missed", "miss"), .init("knowledge", "knowledg"),
    ]
}
