import ArgumentParser
import Foundation
import GapStore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank gaps by impact and roll them up by team, status and category.",
        discussion: """
            Customers and revenue at stake count each customer once per row: a customer's
            revenue is the amount of their most recent opportunity.

            Examples:
              gapsearch report --top 10
              gapsearch report --team Search --status open --format markdown
              gapsearch report --by customers --format csv > gaps.csv
              gapsearch report --top 5 --json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json, markdown
    }

    enum Ranking: String, ExpressibleByArgument, CaseIterable {
        case revenue, customers
    }

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this status (repeatable).", transform: statusArgument) var status: [GapStatus] = []
    @Option(help: "Only this team (repeatable).") var team: [String] = []
    @Option(help: "Only this category (repeatable).") var category: [String] = []
    @Option(help: "How many gaps to rank.") var top = 20
    @Option(help: "Rank by revenue or customers.") var by: Ranking = .revenue
    @Option(help: "table, csv, json or markdown (default: table; --json is --format json).") var format: Format?

    func validate() throws {
        if output.json, let format, format != .json { throw ValidationError("give --json or --format \(format.rawValue), not both") }
    }

    func run() throws {
        let format = output.json ? .json : format ?? .table
        let store = try store.openForReading()
        let report = try store.impactReport(GapQuery(
            statuses: Set(status), teams: team, categories: category, sort: by == .customers ? .mostCustomers : .mostRevenue, limit: top))
        switch format {
        case .json: try printJSON(ReportJSON(report, currency: store.currency))
        case .csv: print(csv(report, currency: store.currency))
        case .markdown: print(markdown(report, currency: store.currency))
        case .table: print(table(report, currency: store.currency))
        }
    }

    private func table(_ report: ImpactReport, currency: String) -> String {
        let maximum = Double(report.top.map { by == .customers ? Int64($0.impact.customers) : $0.impact.revenueAtStake }.max() ?? 0)
        var text = Style.bold("Top \(plural(report.top.count, "gap")) by \(by.rawValue)") + "\n"
        text += renderTable(
            header: ["ID", "CUSTOMERS", "AT STAKE", "B/H/M/L", "STATUS", "TITLE", ""],
            rows: report.top.map { item in
                let value = by == .customers ? Double(item.impact.customers) : Double(item.impact.revenueAtStake)
                let s = item.impact.severity
                return [item.gap.id.description, String(item.impact.customers), formatMoney(item.impact.revenueAtStake, currency: currency),
                        "\(s.blocker)/\(s.high)/\(s.medium)/\(s.low)", item.gap.status.name, truncate(item.gap.title, 48), bar(value, of: maximum)]
            },
            rightAligned: [1, 2])
        for (title, rollups) in [("By team", report.byTeam), ("By status", report.byStatus), ("By category", report.byCategory)] {
            text += "\n\n" + Style.bold(title) + "\n"
            let maximum = Double(rollups.map(\.revenueAtStake).max() ?? 0)
            text += renderTable(
                header: ["", "GAPS", "CUSTOMERS", "AT STAKE", ""],
                rows: rollups.map { r in
                    [r.key.isEmpty ? "(none)" : r.key, String(r.gaps), String(r.customers), formatMoney(r.revenueAtStake, currency: currency),
                     bar(Double(r.revenueAtStake), of: maximum)]
                },
                rightAligned: [1, 2, 3])
        }
        text += "\n\n" + Style.dim("\(report.total.gaps) gaps, \(report.total.submissions) submissions, \(report.total.customers) customers, \(formatMoney(report.total.revenueAtStake, currency: currency)) at stake")
        return text
    }

    private func csv(_ report: ImpactReport, currency: String) -> String {
        var lines = ["id,title,status,team,category,customers,submissions,revenue_at_stake_minor,currency,blocker,high,medium,low,with_workaround"]
        for item in report.top {
            let g = item.gap
            let i = item.impact
            lines.append([g.id.description, g.title, g.status.name, g.team ?? "", g.category ?? "", String(i.customers), String(i.submissions),
                          String(i.revenueAtStake), currency, String(i.severity.blocker), String(i.severity.high), String(i.severity.medium),
                          String(i.severity.low), String(i.withWorkaround)].map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    private func markdown(_ report: ImpactReport, currency: String) -> String {
        var lines = ["| Gap | Title | Status | Customers | At stake | Blocker/High/Medium/Low |", "|---|---|---|---:|---:|---|"]
        for item in report.top {
            let s = item.impact.severity
            let title = item.gap.title.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| \(item.gap.id) | \(title) | \(item.gap.status.name) | \(item.impact.customers) | \(formatMoney(item.impact.revenueAtStake, currency: currency)) | \(s.blocker)/\(s.high)/\(s.medium)/\(s.low) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// Quotes a CSV field when it needs it (RFC 4180).
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

struct RollupJSON: Codable {
    var key: String
    var gaps: Int
    var submissions: Int
    var customers: Int
    var revenueAtStake: Int64
    var severity: [String: Int]
    var withWorkaround: Int

    init(_ rollup: ImpactRollup) {
        key = rollup.key
        gaps = rollup.gaps
        submissions = rollup.submissions
        customers = rollup.customers
        revenueAtStake = rollup.revenueAtStake
        severity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, rollup.severity[$0]) })
        withWorkaround = rollup.withWorkaround
    }
}

struct ReportJSON: Codable {
    var currency: String
    var top: [GapWithImpactJSON]
    var byTeam: [RollupJSON]
    var byStatus: [RollupJSON]
    var byCategory: [RollupJSON]
    var total: RollupJSON

    init(_ report: ImpactReport, currency: String) {
        self.currency = currency
        top = report.top.map { GapWithImpactJSON(gap: GapJSON($0.gap), impact: ImpactJSON($0.impact, currency: currency)) }
        byTeam = report.byTeam.map(RollupJSON.init)
        byStatus = report.byStatus.map(RollupJSON.init)
        byCategory = report.byCategory.map(RollupJSON.init)
        total = RollupJSON(report.total)
    }
}
