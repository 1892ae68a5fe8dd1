import ArgumentParser
import Foundation
import GapCorpus

/// One draft to check for duplicates (a gapcorpus query line; other fields are ignored).
struct Draft: Codable, Sendable {
    var title: String
    var description: String
}

/// Which kind of drafts to generate.
enum QueryKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Paraphrased drafts with typos: a title plus part of a description.
    case paraphrase
    /// As-you-type title prefixes, the last word cut short.
    case prefix
}

/// The drafts every checking thread cycles through.
struct QuerySet: Sendable {
    var drafts: [Draft]
    /// Search the drafts as-you-type (prefix queries: no draft has a description).
    var asYouType: Bool
    /// Where the drafts came from, for the report.
    var source: String

    /// Reads a gapcorpus query file. A set where no draft has a description is run as
    /// as-you-type queries, as `gapbench` does.
    static func read(_ path: String) throws -> QuerySet {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError("cannot read the query file \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        var drafts: [Draft] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            do {
                let draft = try decoder.decode(Draft.self, from: Data(line))
                guard !(draft.title + draft.description).allSatisfy(\.isWhitespace) else {
                    throw LoadError("\(path), line \(number + 1): the draft has neither a title nor a description")
                }
                drafts.append(draft)
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError(
                    "\(path), line \(number + 1): not a gapcorpus query line (\(describe(error))); expected {\"title\":…, \"description\":…}")
            }
        }
        guard !drafts.isEmpty else { throw LoadError("the query file \(path) holds no queries; write one with `gapcorpus queries`") }
        return QuerySet(drafts: drafts, asYouType: drafts.allSatisfy { $0.description.isEmpty }, source: path)
    }

    /// Generates drafts that re-ask gaps of the synthetic corpus GapCorpus makes from `seed`
    /// (the same ones `gapcorpus queries --seed S --corpus-count N` writes).
    static func generate(kind: QueryKind, count: Int, corpusCount: Int, seed: UInt64) -> QuerySet {
        var generator = CorpusGenerator(seed: seed)
        let corpus = generator.generate(corpusCount)
        let queries = switch kind {
        case .paraphrase: QueryGenerator.paraphrases(of: corpus, count: count, seed: seed)
        case .prefix: QueryGenerator.prefixes(of: corpus, count: count, seed: seed)
        }
        return QuerySet(
            drafts: queries.map { Draft(title: $0.title, description: $0.description) }, asYouType: kind == .prefix,
            source: "generated: \(count) \(kind.rawValue) queries over GapCorpus seed \(seed), \(corpusCount) gaps")
    }

    /// Writes the drafts as JSON lines, for worker processes.
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        var data = Data()
        for draft in drafts {
            data.append(try encoder.encode(draft))
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
