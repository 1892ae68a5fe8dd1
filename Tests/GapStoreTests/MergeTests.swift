import GapStore
import Testing

@Suite struct MergeTests {
    @Test func mergeFoldsSubmissionsAndUnmergeRestoresThem() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let a = try store.createGap(draft("Export audit logs"), by: "ana").gap.id
            let b = try store.createGap(draft("Audit log export"), by: "bo").gap.id
            try store.submit(SubmissionDraft(gapID: a, accountID: "ACME", severity: .high, submitter: "ce"))
            try store.submit(SubmissionDraft(gapID: a, accountID: "GLOBEX", severity: .low, submitter: "ce"))
            try store.submit(SubmissionDraft(gapID: b, accountID: "ACME", severity: .blocker, submitter: "ce"))

            let survivor = try store.merge(a, into: b, by: "pm", note: "same request")
            #expect(survivor.id == b)
            #expect(try store.gap(a)?.id == b)
            #expect(try store.gap(a, followMerges: false)?.mergedInto == b)
            let merged = try store.impact(of: b)
            #expect(merged.customers == 2)  // ACME counted once
            #expect(merged.submissions == 3)
            #expect(merged.revenueAtStake == 65_000_00)
            #expect(try store.impact(of: a) == merged)  // a resolves to b
            #expect(try store.history(of: a).last?.event == .mergedInto(b))
            #expect(try store.history(of: b).last?.event == .absorbed(a))
            #expect(try store.history(of: b).last?.note == "same request")
            #expect(try store.listGaps().items.map(\.gap.id) == [b])
            #expect(try store.listGaps(GapQuery(includeMerged: true)).total == 2)

            // A new submission to the merged gap goes to the survivor.
            let late = try store.submit(SubmissionDraft(gapID: a, accountID: "INITECH", severity: .medium, submitter: "ce"))
            #expect(late.gapID == b)

            let restored = try store.unmerge(a, by: "pm", note: "actually different")
            #expect(restored.id == a && restored.mergedInto == nil)
            let aImpact = try store.impact(of: a)
            let bImpact = try store.impact(of: b)
            #expect(aImpact.submissions == 2 && aImpact.customers == 2)
            #expect(bImpact.submissions == 2 && bImpact.customers == 2)  // ACME and INITECH
            #expect(try store.history(of: a).last?.event == .unmergedFrom(b))
            #expect(try store.history(of: b).last?.event == .released(a))
            #expect(try store.verify().isConsistent)
        }
    }

    @Test func chainsResolveToTheLastSurvivor() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let a = try store.createGap(draft("A"), by: "x").gap.id
            let b = try store.createGap(draft("B"), by: "x").gap.id
            let c = try store.createGap(draft("C"), by: "x").gap.id
            try store.submit(SubmissionDraft(gapID: a, accountID: "ACME", severity: .low, submitter: "ce"))
            try store.submit(SubmissionDraft(gapID: b, accountID: "GLOBEX", severity: .low, submitter: "ce"))
            try store.submit(SubmissionDraft(gapID: c, accountID: "INITECH", severity: .low, submitter: "ce"))
            try store.merge(a, into: b, by: "pm")
            try store.merge(b, into: c, by: "pm")
            #expect(try store.gap(a)?.id == c)
            #expect(try store.impact(of: c).customers == 3)
            // Merging into a merged gap goes to its survivor.
            let d = try store.createGap(draft("D"), by: "x").gap.id
            #expect(try store.merge(d, into: a, by: "pm").id == c)
            #expect(try store.gap(d, followMerges: false)?.mergedInto == c)
            // Unmerging the middle of a chain: b stands alone again, with a still inside it.
            try store.unmerge(b, by: "pm")
            #expect(try store.gap(a)?.id == b)
            #expect(try store.impact(of: b).customers == 2)
            #expect(try store.impact(of: c).customers == 1)
            #expect(try store.verify().isConsistent)
        }
    }

    @Test func conflictsAreRefused() throws {
        try withStore { store, _ in
            let a = try store.createGap(draft("A"), by: "x").gap.id
            let b = try store.createGap(draft("B"), by: "x").gap.id
            expectFailure(.mergeConflict) { try store.merge(a, into: a, by: "pm") }
            try store.merge(a, into: b, by: "pm")
            expectFailure(.mergeConflict) { try store.merge(a, into: b, by: "pm") }
            expectFailure(.mergeConflict) { try store.merge(b, into: a, by: "pm") }  // a resolves to b
            expectFailure(.mergeConflict) { try store.unmerge(b, by: "pm") }
            expectFailure(.mergeConflict) { try store.setStatus(a, to: .inReview, by: "pm") }
            expectFailure(.mergeConflict) { try store.editGap(a, GapEdit(title: "A2"), by: "pm") }
            expectFailure(.notFound) { try store.merge(GapID(9), into: b, by: "pm") }
            expectFailure(.notFound) { try store.merge(b, into: GapID(9), by: "pm") }
        }
    }
}
