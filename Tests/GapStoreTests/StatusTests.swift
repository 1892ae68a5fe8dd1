import GapStore
import Testing

@Suite struct StatusTests {
    @Test(arguments: [
        ("open", GapStatus.open), ("In review", .inReview), ("in-review", .inReview), ("IN_REVIEW", .inReview),
        ("inReview", .inReview), ("in progress", .inProgress), ("Scheduled", .scheduled), ("resolved", .resolved),
        ("BACKLOG", .backlog), ("Won't do", .wontDo), ("wont_do", .wontDo), ("wont-do", .wontDo), ("won’t do", .wontDo),
    ])
    func parsesCaseInsensitiveAndKebabSnakeForms(text: String, status: GapStatus) throws {
        #expect(try GapStatus.parse(text) == status)
    }

    @Test func unknownStatusListsTheSeven() {
        let error = #expect(throws: GapStoreError.self) { try GapStatus.parse("done") }
        #expect(error?.code == .unknownStatus)
        #expect(error?.message.contains("Open, In review, In progress, Scheduled, Resolved, Backlog, Won't do") == true)
    }

    @Test func canonicalNames() {
        #expect(GapStatus.allCases.map(\.name) == ["Open", "In review", "In progress", "Scheduled", "Resolved", "Backlog", "Won't do"])
    }

    @Test func transitionTable() {
        for from in GapStatus.allCases {
            for to in GapStatus.allCases {
                let allowed = from.canMove(to: to)
                if from == to { #expect(!allowed) } else if from.isClosed { #expect(allowed == (to == .open || to == .inReview)) } else {
                    #expect(allowed)
                }
                #expect(from.requiresNote(toMoveTo: to) == (to == .wontDo || from.isClosed))
            }
        }
    }

    @Test func statusChangesFollowTheWorkflowAndAreRecorded() throws {
        try withStore { store, _ in
            let id = try store.createGap(draft("Saved searches"), by: "ana").gap.id
            try store.setStatus(id, to: .inReview, by: "pm")
            try store.setStatus(id, to: .scheduled, by: "pm", note: "Q3 roadmap")
            try store.setStatus(id, to: .inProgress, by: "pm")
            let done = try store.setStatus(id, to: .resolved, by: "pm")
            #expect(done.status == .resolved)
            #expect(done.updatedBy == "pm")

            let illegal = #expect(throws: GapStoreError.self) { try store.setStatus(id, to: .inProgress, by: "pm", note: "x") }
            #expect(illegal?.code == .illegalTransition)
            #expect(illegal?.message.contains("Open, In review") == true)
            expectFailure(.illegalTransition) { try store.setStatus(id, to: .open, by: "pm") }
            try store.setStatus(id, to: .open, by: "pm", note: "customer says it is not done")
            expectFailure(.illegalTransition) { try store.setStatus(id, to: .open, by: "pm") }
            expectFailure(.illegalTransition) { try store.setStatus(id, to: .wontDo, by: "pm") }
            expectFailure(.illegalTransition) { try store.setStatus(id, to: .wontDo, by: "pm", note: "   ") }
            try store.setStatus(id, to: .wontDo, by: "pm", note: "out of scope")

            let changes = try store.history(of: id).compactMap { entry -> (GapStatus, GapStatus, String?)? in
                if case let .statusChanged(from, to) = entry.event { return (from, to, entry.note) }
                return nil
            }
            #expect(changes.map(\.0) == [.open, .inReview, .scheduled, .inProgress, .resolved, .open])
            #expect(changes.map(\.1) == [.inReview, .scheduled, .inProgress, .resolved, .open, .wontDo])
            #expect(changes.map(\.2) == [nil, "Q3 roadmap", nil, nil, "customer says it is not done", "out of scope"])
            #expect(try store.listGaps(GapQuery(statuses: [.wontDo])).items.map(\.gap.id) == [id])
            #expect(try store.listGaps(GapQuery(statuses: [.open, .resolved])).total == 0)
        }
    }
}
