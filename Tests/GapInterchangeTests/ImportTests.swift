import Foundation
import GapInterchange
import GapStore
import Testing

@Suite struct ImportTests {
    /// A CRM report: its own header names, a quoted multi-line description, extra columns.
    static let crmGaps = """
        Record ID,Feature Request,Details,Product,Component,Owning Team,State,Created Date,Author,Region
        CRM-1,SAML group sync,"Sync Okta groups
        to teams, nightly",Authentication,SAML,Identity,In review,2025-03-01T09:30:00Z,ana@example.com,EMEA
        CRM-2,Search archived repositories,,Code search,,Search,,2025-03-02,,NA
        CRM-3,Export audit log to Splunk,Stream admin events,,,,backlog,2025-03-03T10:00:00.250Z,bo@example.com,APAC

        """

    @Test func csvWithTheSourcesOwnHeadersIsMappedAndImported() throws {
        try withStore { store, _ in
            try store.addCategory("Authentication", subcategories: ["SAML"])
            try store.addCategory("Code search")
            let result = try importText(Self.crmGaps, format: .csv, into: store) {
                $0.columnMap = ["title": "Feature Request", "id": "record id"]
            }
            #expect(result.kind == .gaps && result.recordsRead == 3 && result.created == 3 && result.alreadyPresent == 0)
            #expect(result.mapping["description"] == "Details" && result.mapping["subcategory"] == "Component")
            #expect(result.mapping["created_by"] == "Author" && result.ignoredColumns == ["Region"])
            let saml = try #require(try store.gap(externalID: "CRM-1"))
            #expect(saml.title == "SAML group sync" && saml.description == "Sync Okta groups\nto teams, nightly")
            #expect(saml.category == "Authentication" && saml.subcategory == "SAML" && saml.team == "Identity")
            #expect(saml.status == .inReview && saml.createdBy == "ana@example.com")
            #expect(saml.createdAt == Date(timeIntervalSince1970: 1_740_821_400))
            let search = try #require(try store.gap(externalID: "CRM-2"))
            #expect(search.status == .open && search.createdBy == "importer" && search.createdAt == Date(timeIntervalSince1970: 1_740_873_600))
            let audit = try #require(try store.gap(externalID: "CRM-3"))
            #expect(audit.status == .backlog && audit.createdAt.timeIntervalSince1970 == 1_740_996_000.25)
            // Imported gaps are found by the duplicate search at once.
            #expect(try store.findDuplicates(DuplicateQuery(title: "okta group sync")).first?.gap.id == saml.id)
            #expect(try store.verify().isConsistent)
        }
    }

    @Test func importingTheSameFileAgainChangesNothing() throws {
        try withStore { store, _ in
            let file = """
                {"id": "HIVE-1", "title": "Partition pruning for views", "body": "Prune partitions through views", "created": "2020-01-01T00:00:00Z", "product": "HIVE", "component": "Query Processor", "status": null, "dup_of": null}
                {"id": "HIVE-2", "title": "ORC bloom filters", "body": "", "created": "2020-01-02T00:00:00Z", "product": "HIVE", "component": null}
                """
            let first = try importText(file, format: .jsonl, into: store) { $0.createCategories = true }
            #expect(first.created == 2 && first.categoriesCreated == ["HIVE", "HIVE / Query Processor"])
            #expect(first.ignoredColumns == ["dup_of"])
            let before = try snapshot(store)
            let second = try importText(file, format: .jsonl, into: store) { $0.createCategories = true }
            #expect(second.created == 0 && second.alreadyPresent == 2 && second.categoriesCreated.isEmpty)
            #expect(try snapshot(store) == before)
        }
    }

    @Test func everyBadRecordIsReportedWithItsLineAndNothingIsWritten() throws {
        try withStore { store, _ in
            try store.addCategory("Code search", subcategories: ["Ranking"])
            try importText("id,title\nOLD-1,Already here\n", format: .csv, into: store)
            let before = try snapshot(store)
            let longTitle = String(repeating: "x", count: 301)
            let file = """
                id,title,description,category,subcategory,status,created
                A-1,Fine,"two
                lines",Code search,Ranking,open,2025-01-01
                A-2,Unknown status,,,,Done,
                A-3,Unknown category,,Billing,,,
                A-4,\(longTitle),,,,,
                A-1,Duplicate id,,,,,
                A-6,Bad date,,,,,yesterday
                A-7,Too,many,fields,,,,,
                ,No id,,,,,
                A-9,Unknown subcategory,,Code search,Filters,,

                """
            let error = try #require(expectImportFailure { try importText(file, format: .csv, into: store) })
            let found = error.issues.map { "\($0.line ?? 0) \($0.field ?? "-")" }
            #expect(found == ["4 status", "5 category", "6 title", "7 id", "8 created", "9 -", "10 id", "11 subcategory"])
            #expect(error.recordsRead == 9 && error.invalidRecords == 8)
            #expect(error.issues[0].message.contains("Open, In review, In progress, Scheduled, Resolved, Backlog, Won't do"))
            #expect(error.issues[1].message.contains("valid categories: Code search") && error.issues[1].message.contains("--create-categories"))
            #expect(error.issues[2].message.contains("301 characters; the limit is 300"))
            #expect(error.issues[3].message.contains("also on line 2"))
            #expect(error.issues[5].message.contains("9 fields but the header has 7"))
            #expect(error.issues[7].message.contains("valid subcategories of Code search: Ranking"))
            #expect(error.description.contains("8 of 9 records are invalid; nothing was imported"))
            #expect(try snapshot(store) == before)
        }
    }

    @Test func missingRequiredColumnsAndUnknownMappingsAreFileErrors() throws {
        try withStore { store, _ in
            let before = try snapshot(store)
            let noTitle = try #require(expectImportFailure {
                try importText("id,name2\n1,x\n", format: .csv, into: store) { $0.kind = .gaps }
            })
            #expect(noTitle.issues.count == 1 && noTitle.issues[0].line == 1 && noTitle.issues[0].message.contains("missing the required column title"))
            let noKey = try #require(expectImportFailure { try importText("title\nx\n", format: .csv, into: store) })
            #expect(noKey.issues[0].message.contains("no id column"))
            let unknownKind = try #require(expectImportFailure { try importText("a,b\n1,2\n", format: .csv, into: store) })
            #expect(unknownKind.issues[0].message.contains("--kind"))
            let badMap = try #require(expectImportFailure {
                try importText("id,title\n1,x\n", format: .csv, into: store) { $0.columnMap = ["titel": "title"] }
            })
            #expect(badMap.issues[0].message.contains("unknown field \"titel\""))
            let missingColumn = try #require(expectImportFailure {
                try importText("id,title\n1,x\n", format: .csv, into: store) { $0.columnMap = ["title": "Summary"] }
            })
            #expect(missingColumn.issues[0].message.contains("no column \"Summary\""))
            #expect(try snapshot(store) == before)
        }
    }

    @Test func invalidUTF8IsReportedByLineInBothFormats() throws {
        try withStore { store, _ in
            let before = try snapshot(store)
            var csv = Data("id,title,description\nU-1,multi,\"two\nlines\"\nU-2,caf".utf8)
            csv.append(contentsOf: [0xC3, 0x28])  // a broken two-byte sequence
            csv.append(contentsOf: Array(",\nU-3,fine,\n".utf8))
            let csvError = try #require(expectImportFailure { try importData(csv, format: .csv, into: store) })
            #expect(csvError.issues.map(\.line) == [4] && csvError.issues[0].message.contains("not valid UTF-8"))

            var jsonl = Data("{\"id\":\"J-1\",\"title\":\"ok\"}\n\n{\"id\":\"J-2\",\"title\":\"".utf8)
            jsonl.append(contentsOf: [0xFF, 0xFE])
            jsonl.append(contentsOf: Array("\"}\n{\"id\": \"J-3\", \"title\": \n{\"id\":[1],\"title\":\"arrays are no ids\"}\n[1,2]\n".utf8))
            let jsonError = try #require(expectImportFailure { try importData(jsonl, format: .jsonl, into: store) })
            #expect(jsonError.issues.map(\.line) == [3, 4, 5, 6])
            #expect(jsonError.issues[0].message.contains("not valid UTF-8"))
            #expect(jsonError.issues[1].message.contains("not a JSON object"))
            #expect(jsonError.issues[2].field == "id" && jsonError.issues[2].message.contains("must be a string"))
            #expect(jsonError.issues[3].message.contains("not an object"))
            #expect(try snapshot(store) == before)
        }
    }

    @Test func skipInvalidWritesTheValidRecordsAndReturnsTheRestToFix() throws {
        try withStore { store, _ in
            let file = """
                id,title,status,Notes
                S-1,Good one,open,keep me
                S-2,Bad status,finished,"quoted, with comma"
                S-3,Another good one,,
                S-4,,open,empty title

                """
            let result = try importText(file, format: .csv, into: store) { $0.skipInvalid = true }
            #expect(result.created == 2 && result.rejected == 2 && result.issues.map(\.line) == [3, 5])
            let rejects = String(decoding: try #require(result.rejects), as: UTF8.self)
            #expect(rejects == "id,title,status,Notes\nS-2,Bad status,finished,\"quoted, with comma\"\nS-4,,open,empty title\n")
            // Fixed, the rejects file imports; the valid records are not imported twice.
            let fixed = rejects.replacingOccurrences(of: "finished", with: "resolved").replacingOccurrences(of: "S-4,,", with: "S-4,Now titled,")
            let again = try importText(fixed, format: .csv, into: store)
            #expect(again.created == 2 && again.rejects == nil)
            #expect(try store.gap(externalID: "S-2")?.status == .resolved)
            #expect(try store.statistics().gaps == 4)

            let jsonl = "{\"id\":\"J-1\",\"title\":\"ok\"}\n{\"id\":\"J-2\",\"title\":\"ok\",\"status\":\"nope\"}\n"
            let jsonResult = try importText(jsonl, format: .jsonl, into: store) { $0.skipInvalid = true }
            let jsonRejects = String(decoding: try #require(jsonResult.rejects), as: UTF8.self)
            #expect(jsonResult.created == 1 && jsonRejects == "{\"id\":\"J-2\",\"title\":\"ok\",\"status\":\"nope\"}\n")
        }
    }

    @Test func submissionsNeedTheirGapAccountAndOpportunity() throws {
        try withStore { store, _ in
            try importText("id,title\nG-1,SCIM provisioning\n", format: .csv, into: store)
            try store.saveAccount(id: "GLOBEX", name: "Globex")
            let before = try snapshot(store)
            let file = """
                id,gap,account,account_name,opportunity,opportunity_kind,amount,close_date,severity,workaround,anonymous
                S-1,G-1,ACME,Acme Corp,OPP-1,renewal,"120,000.50",2026-12-31,blocker,Manual sync,
                S-2,G-404,ACME,,,,,,high,,
                S-3,GAP-000001,NOBODY,,,,,,low,none,
                S-4,G-1,GLOBEX,,OPP-9,,,,low,,
                S-5,G-1,GLOBEX,,OPP-1,,,,medium,,
                S-6,G-1,ACME,,OPP-2,renewal,lots,2026-12-31,critical,,maybe
                S-7,G-1,ACME,,OPP-3,renewal,,,low,,

                """
            let error = try #require(expectImportFailure { try importText(file, format: .csv, into: store) })
            let found = error.issues.map { "\($0.line ?? 0) \($0.field ?? "-")" }
            #expect(found == ["3 gap", "4 account", "5 opportunity", "6 opportunity", "7 severity", "7 amount", "7 anonymous", "8 amount"])
            #expect(error.issues[2].message.contains("no opportunity \"OPP-9\""))
            #expect(error.issues[3].message.contains("belongs to account ACME, not GLOBEX"))
            #expect(error.issues[7].message.contains("missing: amount, close_date"))
            #expect(try snapshot(store) == before)

            let valid = try importText(String(file.split(separator: "\n")[0...1].joined(separator: "\n")), format: .csv, into: store)
            #expect(valid.kind == .submissions && valid.created == 1)
            let submission = try #require(try store.submission(externalID: "S-1"))
            #expect(submission.accountID == "ACME" && submission.opportunityID == "OPP-1" && submission.severity == .blocker)
            #expect(submission.workaround == .described("Manual sync") && submission.submitter == "importer")
            #expect(try store.mostRecentOpportunity(ofAccount: "ACME")?.amount == 12_000_050)
            #expect(try store.account("ACME")?.name == "Acme Corp")
        }
    }
}
