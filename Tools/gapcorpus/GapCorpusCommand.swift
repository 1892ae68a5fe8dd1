// gapcorpus: writes a deterministic synthetic product-gap corpus, and query sets whose right
// answers are known, as JSON lines — for benchmarks and for comparisons with other engines
// (see Tools/README.md).

import ArgumentParser
import Foundation
import GapCorpus

@main
struct GapCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gapcorpus",
        abstract: "Write synthetic product-gap corpora and query sets as JSON lines.",
        discussion: """
            The same seed gives the same corpus and queries on every machine. `queries` \
            regenerates the corpus from the seed, so pass it the same --seed, --corpus-count and \
            rates as the `corpus` run it goes with.
            """,
        subcommands: [Corpus.self, Queries.self]
    )
}

/// Options that fix the corpus; `corpus` and `queries` must agree on them.
struct CorpusOptions: ParsableArguments {
    @Option(help: "The seed that fixes the corpus (and, unless --query-seed is given, the queries).")
    var seed: UInt64 = 1

    @Option(name: .customLong("duplicate-rate"), help: "The share of gaps that re-ask an earlier one.")
    var duplicateRate: Double = 0.15

    @Option(name: .customLong("filler-rate"), help: "How often a description sentence is Zipf-distributed filler (0 for readable text).")
    var fillerRate: Double = 0.4

    @Option(
        name: .customLong("detail-rate"),
        help: "How often a filler sentence names specific terms instead, and a title the request's topic (0: the small vocabulary of gapcorpus before specifics).")
    var detailRate: Double = 0.8

    func validate() throws {
        guard (0...1).contains(duplicateRate) else { throw ValidationError("--duplicate-rate must be between 0 and 1.") }
        guard (0...1).contains(fillerRate) else { throw ValidationError("--filler-rate must be between 0 and 1.") }
        guard (0...1).contains(detailRate) else { throw ValidationError("--detail-rate must be between 0 and 1.") }
    }

    func generator() -> CorpusGenerator {
        CorpusGenerator(seed: seed, duplicateRate: duplicateRate, fillerRate: fillerRate, detailRate: detailRate)
    }
}

extension GapCorpusCommand {
    struct Corpus: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a corpus: one gap per line.",
            discussion: """
                Each line: {"index","id","title","description","category","subcategory","team","duplicate_of"}; \
                id is GAP-%06d of index+1, duplicate_of is the index of the gap it re-asks or null.
                """
        )

        @Option(help: "How many gaps to write.")
        var count: Int

        @OptionGroup var corpus: CorpusOptions

        @Option(name: .shortAndLong, help: "The file to write (default: standard output).")
        var output: String?

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be positive.") }
        }

        func run() throws {
            let out = try JSONLinesWriter(path: output)
            var generator = corpus.generator()
            for _ in 0..<count {
                let gap = generator.next()
                out.raw("{\"index\":")
                out.integer(gap.index)
                out.raw(",\"id\":")
                out.string(gapID(gap.index))
                out.raw(",\"title\":")
                out.string(gap.title)
                out.raw(",\"description\":")
                out.string(gap.description)
                out.raw(",\"category\":")
                out.string(gap.category)
                out.raw(",\"subcategory\":")
                out.string(gap.subcategory)
                out.raw(",\"team\":")
                out.string(gap.team)
                out.raw(",\"duplicate_of\":")
                if let original = gap.duplicateOf { out.integer(original) } else { out.raw("null") }
                out.raw("}\n")
            }
            try out.close()
        }
    }

    struct Queries: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a query set for a corpus: one query per line.",
            discussion: """
                Each line: {"title","description","target","acceptable":[…]}; target is the index \
                of the gap the query re-asks, acceptable the indices of it and its near-duplicates \
                (any of them is a right answer). The corpus is regenerated in memory from --seed \
                and --corpus-count.
                """
        )

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            /// 12–60-word drafts re-asking a gap with synonyms, dropped words and typos.
            case paraphrase
            /// As-you-type title prefixes of 1–6 words, the last one cut short.
            case prefix
        }

        @Option(help: "How many queries to write.")
        var count: Int

        @Option(name: .customLong("corpus-count"), help: "The size of the corpus the queries are for.")
        var corpusCount: Int

        @OptionGroup var corpus: CorpusOptions

        @Option(name: .customLong("query-seed"), help: "The seed that picks and rewrites the queries (default: --seed).")
        var querySeed: UInt64?

        @Option(help: "paraphrase (drafts of 12–60 words) or prefix (as-you-type title prefixes).")
        var kind: Kind

        @Option(name: .shortAndLong, help: "The file to write (default: standard output).")
        var output: String?

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be positive.") }
            guard corpusCount > 0 else { throw ValidationError("--corpus-count must be positive.") }
        }

        func run() throws {
            var generator = corpus.generator()
            let gaps = generator.generate(corpusCount)
            let seed = querySeed ?? corpus.seed
            let queries = switch kind {
            case .paraphrase: QueryGenerator.paraphrases(of: gaps, count: count, seed: seed)
            case .prefix: QueryGenerator.prefixes(of: gaps, count: count, seed: seed)
            }
            let out = try JSONLinesWriter(path: output)
            for query in queries {
                out.raw("{\"title\":")
                out.string(query.title)
                out.raw(",\"description\":")
                out.string(query.description)
                out.raw(",\"target\":")
                out.integer(query.target)
                out.raw(",\"acceptable\":[")
                for (i, index) in query.acceptable.sorted().enumerated() {
                    if i > 0 { out.raw(",") }
                    out.integer(index)
                }
                out.raw("]}\n")
            }
            try out.close()
        }
    }
}

/// The display id of the gap at `index`: GAP-000001 for index 0.
func gapID(_ index: Int) -> String {
    let digits = String(index + 1)
    return "GAP-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

/// A file that cannot be opened or written, with the system's reason.
struct WriteError: Error, CustomStringConvertible {
    let description: String

    init(path: String) {
        description = "Cannot write \(path): \(String(cString: strerror(errno)))."
    }
}

/// Streams JSON lines to a file or standard output through a 1 MiB buffer, escaping strings by
/// hand (RFC 8259: quote, backslash and control characters; everything else is copied as UTF-8).
final class JSONLinesWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private let path: String
    private var buffer: [UInt8] = []
    private static let capacity = 1 << 20
    private static let hex = Array("0123456789abcdef".utf8)

    init(path: String?) throws {
        if let path, path != "-" {
            guard let file = fopen(path, "wb") else {
                throw WriteError(path: path)
            }
            self.file = file
            self.path = path
            ownsFile = true
        } else {
            // A FILE of our own over descriptor 1 (the C `stdout` global is not concurrency-safe).
            guard let file = fdopen(STDOUT_FILENO, "wb") else {
                throw WriteError(path: "standard output")
            }
            self.file = file
            self.path = "standard output"
            ownsFile = false
        }
        buffer.reserveCapacity(Self.capacity + 4096)
    }

    /// Text copied as is: JSON punctuation and keys.
    func raw(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
        flushIfFull()
    }

    func integer(_ value: Int) {
        var value = value
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            value = -value
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var end = scratch.count
            repeat {
                end -= 1
                scratch[end] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            buffer.append(contentsOf: scratch[end...])
        }
    }

    /// A JSON string literal.
    func string(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            buffer.append(UInt8(ascii: "\""))
            var start = 0
            for i in bytes.indices {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                buffer.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
                case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "t"))
                default:
                    buffer.append(contentsOf: Array("u00".utf8))
                    buffer.append(Self.hex[Int(byte >> 4)])
                    buffer.append(Self.hex[Int(byte & 0xF)])
                }
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            buffer.append(UInt8(ascii: "\""))
        }
        flushIfFull()
    }

    private func flushIfFull() {
        if buffer.count >= Self.capacity { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count {
            // A closed pipe (`gapcorpus corpus … | head`) or a full disk: stop quietly.
            FileHandle.standardError.write(Data("gapcorpus: cannot write \(path): \(String(cString: strerror(errno)))\n".utf8))
            Foundation.exit(1)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        if ownsFile {
            guard fclose(file) == 0 else { throw WriteError(path: path) }
        } else {
            fflush(file)
        }
    }
}
