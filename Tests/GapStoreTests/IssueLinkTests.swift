import Foundation
import GapStore
import Testing

@Suite struct IssueLinkTests {
    let destination = "https://api.github.com/repos/acme/product/issues"

    @Test func linkingStoresTheURLRecordsHistoryAndClearsThePendingIssue() throws {
        try withStore { store, path in
            let gap = try store.createGap(draft("Search archived repositories"), by: "ana").gap
            let pending = try store.recordPendingIssue(gap.id, destination: destination)
            #expect(try store.pendingIssues() == [pending])

            // The pending record survives reopening the store (it is what a crashed sync leaves).
            let reopened = try GapStore(path: path)
            #expect(try reopened.pendingIssues() == [pending])

            let url = "https://github.com/acme/product/issues/7"
            let linked = try store.linkIssue(gap.id, url: url, by: "sync-bot", note: "GitHub issue #7")
            #expect(linked.externalLink == url)
            #expect(linked.updatedBy == "sync-bot")
            #expect(try store.gap(gap.id)?.externalLink == url)
            #expect(try store.pendingIssues().isEmpty)
            let last = try #require(try store.history(of: gap.id).last)
            #expect(last.event == .edited(field: "link", old: "", new: url))
            #expect(last.actor == "sync-bot" && last.note == "GitHub issue #7")
        }
    }

    @Test func linkingAgainIsHarmlessButAnotherIssueIsRefused() throws {
        try withStore { store, _ in
            let gap = try store.createGap(draft("Audit log streaming"), by: "ana").gap
            let url = "https://github.com/acme/product/issues/3"
            try store.linkIssue(gap.id, url: url, by: "bot")
            // A retry after a crash records the pending issue's end without a second history entry.
            try store.linkIssue(gap.id, url: url, by: "bot")
            #expect(try store.history(of: gap.id).count == 2)
            expectFailure(.alreadyExists) { try store.linkIssue(gap.id, url: "https://github.com/acme/product/issues/4", by: "bot") }
            #expect(try store.gap(gap.id)?.externalLink == url)
            // A gap with an issue cannot start another.
            expectFailure(.alreadyExists) { try store.recordPendingIssue(gap.id, destination: destination) }
            #expect(try store.pendingIssues().isEmpty)
        }
    }

    @Test func badInputChangesNothing() throws {
        try withStore { store, _ in
            let gap = try store.createGap(draft("Saved searches"), by: "ana").gap
            let other = try store.createGap(draft("Saved search alerts"), by: "ana").gap
            try store.merge(other.id, into: gap.id, by: "pm")
            expectFailure(.invalidField) { try store.linkIssue(gap.id, url: "http://example.com/not-an-issue", by: "bot") }
            expectFailure(.invalidField) { try store.recordPendingIssue(gap.id, destination: "  ") }
            expectFailure(.notFound) { try store.recordPendingIssue(GapID(99), destination: destination) }
            expectFailure(.mergeConflict) { try store.recordPendingIssue(other.id, destination: destination) }
            expectFailure(.mergeConflict) { try store.linkIssue(other.id, url: "https://github.com/a/b/issues/1", by: "bot") }
            #expect(try store.pendingIssues().isEmpty)
            #expect(try store.gap(gap.id)?.externalLink == nil)
            #expect(try store.history(of: gap.id).count == 2)  // created, absorbed
        }
    }

    @Test func clearingAndReplacingPendingIssues() throws {
        try withStore { store, _ in
            let first = try store.createGap(draft("Code owners in search"), by: "ana").gap
            let second = try store.createGap(draft("Regex search in diffs"), by: "ana").gap
            try store.recordPendingIssue(first.id, destination: destination)
            let replaced = try store.recordPendingIssue(first.id, destination: "https://ghe.example.com/api/v3/repos/a/b/issues")
            try store.recordPendingIssue(second.id, destination: destination)
            let pending = try store.pendingIssues()
            #expect(pending.map(\.gapID) == [first.id, second.id])
            #expect(pending.first == replaced)
            #expect(try store.clearPendingIssue(first.id))
            #expect(try !store.clearPendingIssue(first.id))
            #expect(try store.pendingIssues().map(\.gapID) == [second.id])
            // Bookkeeping only: the gap itself and its history are untouched.
            #expect(try store.history(of: second.id).count == 1)
            #expect(try store.verify().isConsistent)
        }
    }
}
