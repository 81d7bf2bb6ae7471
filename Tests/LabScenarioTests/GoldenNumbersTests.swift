import Foundation
import LabCore
import LabData
import LabReport
import Testing

@testable import LabScenario

/// Golden numbers: the key figures of the default, sweep and walk-forward scenarios' reports,
/// committed under `Tests/LabScenarioTests/Golden/` and compared here, so a wiring mistake in the
/// runner that keeps report.json's shape but changes its numbers fails a test.
///
/// What is pinned: every job's baseline metrics (return, final equity, Sharpe, Sortino, Calmar,
/// maximum drawdown, volatility, win rate, profit factor, expectancy, SQN, trades, cost drag, the
/// signal figures), the robustness figures, each walk-forward window's out-of-sample return,
/// Sharpe, maximum drawdown and trades, the sweep table's Sharpe ratio and return of every
/// combination, and the tear sheet's yearly returns, worst drawdowns, VaR and CVaR. Tolerance: |value − golden| ≤ 1e-9 · max(1, |golden|) — the runs are
/// deterministic (seeded, the same bits for any number of workers), so only a change of the code
/// moves them. An intended change is recorded with `scripts/update-golden` (it runs this test with
/// `GSLAB_UPDATE_GOLDEN=1`, which writes the files instead of comparing), and the diff of the
/// JSON files is reviewed with the change.
@Suite struct GoldenNumbersTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let tolerance = 1e-9

    /// The pinned figures of `report`: entry → figure → value (finite values only).
    static func figures(_ report: RunReport) -> [String: [String: Double]] {
        var out = Baseline(report: report).metrics
        for row in report.walk_forward ?? [] {
            out["walk_forward window \(row.window)"] = [
                "out_of_sample_return_pct": row.out_of_sample_return_pct, "out_of_sample_sharpe": row.out_of_sample_sharpe,
                "out_of_sample_max_drawdown_pct": row.out_of_sample_max_drawdown_pct, "out_of_sample_trades": Double(row.out_of_sample_trades),
            ]
        }
        if report.sweep.count > 1 {
            for row in report.sweep {
                let key = "sweep " + row.parameters.keys.sorted().map { "\($0)=\(row.parameters[$0]!)" }.joined(separator: ",")
                var entry: [String: Double] = [:]
                for label in ["Sharpe Ratio", "Return [%]"] { entry[label] = row.stats[label] }
                out[key] = entry
            }
        }
        if let sheet = report.tear_sheet {
            for year in sheet.yearly { out["tear_sheet year \(year.year)"] = ["strategy": year.strategy, "benchmark": year.benchmark] }
            for (k, d) in sheet.drawdowns.enumerated() { out["tear_sheet drawdown \(k + 1)"] = ["depth": d.depth, "days": d.days] }
            if let d = sheet.distribution { out["tear_sheet distribution"] = ["var_95": d.var_95, "cvar_95": d.cvar_95] }
        }
        return out.mapValues { $0.filter { $0.value.isFinite } }
    }

    @Test(arguments: ["default", "sweep", "walk-forward"])
    func reportNumbersMatchTheGoldenFile(scenario name: String) throws {
        let report = try ScenarioRunner(workers: 2).run(Scenario.load(repository + "/scenarios/\(name).yaml")).report
        let now = Self.figures(report)
        let path = Self.folder + "/\(name).json"
        if ProcessInfo.processInfo.environment["GSLAB_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            try AtomicFile.write(try LabJSON.encode(now), to: path)
            return
        }
        let data = try #require(FileManager.default.contents(atPath: path), "no golden file \(path): run scripts/update-golden")
        let golden = try JSONDecoder().decode([String: [String: Double]].self, from: data)
        #expect(Set(now.keys) == Set(golden.keys), "entries differ: \(Set(now.keys).symmetricDifference(golden.keys).sorted())")
        var moved: [String] = []
        for (entry, figures) in golden.sorted(by: { $0.key < $1.key }) {
            for (figure, value) in figures.sorted(by: { $0.key < $1.key }) {
                guard let current = now[entry]?[figure] else {
                    moved.append("\(entry) \(figure): gone (golden \(value))")
                    continue
                }
                if abs(current - value) > Self.tolerance * max(1, abs(value)) { moved.append("\(entry) \(figure): \(current), golden \(value)") }
            }
            for figure in Set(now[entry]?.keys.map { $0 } ?? []).subtracting(figures.keys).sorted() { moved.append("\(entry) \(figure): new") }
        }
        #expect(moved.isEmpty, "\(moved.count) figures moved (an intended change: scripts/update-golden):\n\(moved.prefix(20).joined(separator: "\n"))")
    }
}
