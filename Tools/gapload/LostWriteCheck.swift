import Foundation
import GapStore

/// One process's search for every acknowledged gap after the run.
struct Verification: Codable, Sendable {
    /// The process that searched (0 is the one that wrote).
    var process: Int
    var checked = 0
    /// Gaps not among the results of a search for their own title and description.
    var notFound: [String] = []
    /// Of those, gaps whose record cannot even be read: the write itself is gone.
    var missingRecords: [String] = []
    /// Searches that failed.
    var errors = ErrorSamples()
    var errorCount = 0
    var seconds = 0.0

    /// How many candidates each search asks for: titles repeat in the synthetic corpora, so
    /// the gap may share the first places with look-alikes.
    static let searchLimit = 20

    /// Searches for every gap in `gaps` with its own title and description and expects its id
    /// among the results.
    static func run(_ gaps: [AcknowledgedGap], in store: GapStore, process: Int) -> Verification {
        let clock = ContinuousClock()
        let started = clock.now
        var verification = Verification(process: process)
        for gap in gaps {
            verification.checked += 1
            do {
                let candidates = try store.findDuplicates(
                    DuplicateQuery(title: gap.title, description: gap.description, limit: searchLimit, includeMerged: true))
                if candidates.contains(where: { $0.gap.id.description == gap.id }) { continue }
                verification.notFound.append(gap.id)
                if let id = GapID(gap.id), try store.gap(id, followMerges: false) == nil {
                    verification.missingRecords.append(gap.id)
                }
            } catch {
                verification.errorCount += 1
                verification.errors.add("searching for \(gap.id): \(error)")
            }
        }
        verification.seconds = (clock.now - started).inSeconds
        return verification
    }
}
