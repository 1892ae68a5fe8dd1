/// One synthetic product gap.
public struct SyntheticGap: Sendable, Hashable {
    /// Position in the corpus (0, 1, …); gaps are generated in creation order.
    public let index: Int
    public let title: String
    public let description: String
    public let category: String
    public let subcategory: String
    public let team: String
    /// The earlier gap this one re-requests in other words, if it is a near-duplicate.
    public let duplicateOf: Int?
    /// The specific terms of the description that describe the asker's own setup, lowercased
    /// (see ``Specifics``): a draft re-asking this gap names its own instead.
    let contextTerms: Set<String>
}

/// Generates a realistic, deterministic stream of product gaps: titles of 5–12 words,
/// descriptions of 30–150 words in the vocabulary of a developer-platform company's product
/// areas, Zipf-distributed filler words, a long tail of specific terms (names, identifiers,
/// codes: see ``Specifics``), and near-duplicate follow-ups that ask for an earlier gap again
/// in other words.
///
/// The same seed gives the same corpus on every machine.
public struct CorpusGenerator: Sendable {
    /// The slots a gap's text is built from; kept so that a follow-up can re-ask it.
    struct Spec: Sendable {
        var area: UInt8
        var feature: UInt8
        var object: UInt8
        var integration: UInt8
        var action: UInt8
        var role: UInt8
        var qualifier: UInt8
        var subcategory: UInt8
        /// The request's specific topics (empty without specifics).
        var topics: [String]
    }

    private var random: SeededRandom
    private let duplicateRate: Double
    private let fillerRate: Double
    private let detailRate: Double
    /// Specific terms come from their own stream, so that without them (`detailRate` 0) the
    /// corpus is the one earlier versions generated for the same seed.
    private var detailRandom: SeededRandom
    private let filler = ZipfSampler(count: Vocabulary.filler.count, exponent: 1.05)
    private var specs: [Spec] = []
    private var count = 0

    /// The categories, subcategories and owning teams the corpus uses.
    public static var taxonomy: [(category: String, subcategories: [String], team: String)] {
        Vocabulary.areas.map { ($0.category, $0.subcategories, $0.team) }
    }

    /// Company names for demo accounts.
    public static var companyNames: [String] { Vocabulary.companies }

    /// - Parameters:
    ///   - seed: Fixes the whole stream.
    ///   - duplicateRate: The share of gaps that re-ask an earlier one (default 15%).
    ///   - fillerRate: How often a description sentence is Zipf-distributed filler words
    ///     rather than one about the request (default 0.4). Filler gives benchmark corpora
    ///     natural word statistics; 0 gives readable text for demos.
    ///   - detailRate: How often a filler sentence names specific terms instead (a request's
    ///     topics or the asker's setup; default 0.8); titles name the main topic half as
    ///     often. 0 gives the corpus of earlier versions: a vocabulary of a few thousand words
    ///     that hardly grows with the corpus.
    public init(seed: UInt64, duplicateRate: Double = 0.15, fillerRate: Double = 0.4, detailRate: Double = 0.8) {
        random = SeededRandom(seed: seed)
        detailRandom = SeededRandom(seed: seed ^ 0x5BEC_1F1C_7E57_D00D)
        self.duplicateRate = duplicateRate
        self.fillerRate = fillerRate
        self.detailRate = detailRate
    }

    /// The next gap of the stream.
    public mutating func next() -> SyntheticGap {
        defer { count += 1 }
        if !specs.isEmpty && random.chance(duplicateRate) {
            // Re-ask a recent gap more often than an old one: follow-ups cluster in time.
            let back = 1 + Int(random.next() % UInt64(min(specs.count, 2000)))
            let original = random.chance(0.7) ? specs.count - back : Int(random.next() % UInt64(specs.count))
            var spec = specs[original]
            if random.chance(0.5) { spec.role = UInt8(random.next() % UInt64(Vocabulary.roles.count)) }
            specs.append(spec)
            return make(spec, index: count, duplicateOf: original, paraphrase: true)
        }
        let spec = randomSpec()
        specs.append(spec)
        return make(spec, index: count, duplicateOf: nil, paraphrase: false)
    }

    /// The first `count` gaps of the stream.
    public mutating func generate(_ count: Int) -> [SyntheticGap] {
        (0..<count).map { _ in next() }
    }

    private mutating func randomSpec() -> Spec {
        let areaIndex = Int(random.next() % UInt64(Vocabulary.areas.count))
        let area = Vocabulary.areas[areaIndex]
        let topics = detailRate > 0 ? Specifics.topics(&detailRandom) : []
        return Spec(
            area: UInt8(areaIndex), feature: UInt8(random.next() % UInt64(area.features.count)),
            object: UInt8(random.next() % UInt64(area.objects.count)),
            integration: UInt8(random.next() % UInt64(area.integrations.count)),
            action: UInt8(random.next() % UInt64(area.actions.count)),
            role: UInt8(random.next() % UInt64(Vocabulary.roles.count)),
            qualifier: UInt8(random.next() % UInt64(Vocabulary.titleQualifiers.count)),
            subcategory: UInt8(random.next() % UInt64(area.subcategories.count)), topics: topics)
    }

    private mutating func make(_ spec: Spec, index: Int, duplicateOf: Int?, paraphrase: Bool) -> SyntheticGap {
        let area = Vocabulary.areas[Int(spec.area)]
        var title = self.title(spec, area, pattern: Int(random.next() % 6))
        // Titles name a specific topic less often than descriptions do.
        if !spec.topics.isEmpty && detailRandom.chance(detailRate / 2) {
            title += " " + Specifics.titleMention(spec.topics, &detailRandom)
        }
        if paraphrase { title = Paraphraser.rephrase(title, &random, typoRate: 0.05) }
        var contextTerms: Set<String> = []
        let description = self.description(spec, area, words: random.int(in: 30...150), contextTerms: &contextTerms)
        return SyntheticGap(
            index: index, title: title, description: description, category: area.category,
            subcategory: area.subcategories[Int(spec.subcategory)], team: area.team, duplicateOf: duplicateOf,
            contextTerms: contextTerms)
    }

    private func title(_ spec: Spec, _ area: ProductArea, pattern: Int) -> String {
        let feature = area.features[Int(spec.feature)]
        let object = area.objects[Int(spec.object)]
        let integration = area.integrations[Int(spec.integration)]
        let action = area.actions[Int(spec.action)]
        let role = Vocabulary.roles[Int(spec.role)]
        let qualifier = Vocabulary.titleQualifiers[Int(spec.qualifier)]
        let verb = Vocabulary.titleVerbs[(Int(spec.feature) + Int(spec.object)) % Vocabulary.titleVerbs.count]
        let text: String
        switch pattern {
        case 0: text = "\(verb) \(feature) for \(object) \(qualifier)"
        case 1: text = "Allow \(role) to \(action) \(object) with \(feature)"
        case 2: text = "\(capitalized(feature)) should \(action) \(object) from \(integration)"
        case 3: text = "\(integration) support for \(feature) \(qualifier)"
        case 4: text = "Let \(role) \(action) \(object) in \(feature)"
        default: text = "\(capitalized(feature)): \(action) \(object) \(qualifier)"
        }
        return text
    }

    private mutating func description(_ spec: Spec, _ area: ProductArea, words target: Int, contextTerms: inout Set<String>)
        -> String
    {
        let feature = area.features[Int(spec.feature)]
        let object = area.objects[Int(spec.object)]
        let integration = area.integrations[Int(spec.integration)]
        let action = area.actions[Int(spec.action)]
        let role = Vocabulary.roles[Int(spec.role)]
        let otherFeature = random.pick(area.features)
        let sentences = [
            "Customers using \(integration) want to \(action) \(object) with \(feature).",
            "Today \(role) have to do this manually, which takes hours for large \(object).",
            "Teams with more than \(random.int(in: 2...40) * 500) \(object) run into this during their rollout.",
            "It would help if \(feature) worked together with \(otherFeature).",
            "Without it, \(role) export the \(object) and script around the missing \(feature).",
            "This came up in the \(area.category.lowercased()) evaluation and again at renewal.",
            "The current behavior makes it hard to \(action) \(object) consistently across teams.",
        ]
        var text = ""
        var words = 0
        var order = Array(sentences.indices)
        order.shuffle(using: &random)
        var next = 0
        while words < target {
            let sentence: String
            if next < order.count && (words == 0 || !random.chance(fillerRate)) {
                sentence = sentences[order[next]]
                next += 1
            } else if fillerRate == 0 {
                break
            } else if detailRate > 0 && detailRandom.chance(detailRate) {
                // Specifics take the place of filler: half about the request, half about the
                // asker's setup.
                if detailRandom.chance(0.5) {
                    sentence = Specifics.topicSentence(spec.topics, &detailRandom)
                } else {
                    let (text, terms) = Specifics.contextSentence(&detailRandom)
                    sentence = text
                    contextTerms.formUnion(terms.map { $0.lowercased() })
                }
            } else {
                sentence = fillerSentence(words: random.int(in: 6...14))
            }
            text += text.isEmpty ? sentence : " " + sentence
            words += sentence.split(separator: " ").count
        }
        return text
    }

    private mutating func fillerSentence(words: Int) -> String {
        var parts: [String] = []
        for _ in 0..<words { parts.append(Vocabulary.filler[filler.sample(&random)]) }
        return capitalized(parts.joined(separator: " ")) + "."
    }
}

func capitalized(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
}
