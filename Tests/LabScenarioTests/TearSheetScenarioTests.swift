import Foundation
import LabReport
import Testing

@testable import LabScenario

/// The headline job's tear-sheet tables agree with its statistics: the months and the years
/// compound to its return, the deepest drawdown is its maximum drawdown.
@Suite struct TearSheetScenarioTests {
    @Test(arguments: ["default", "sweep"])
    func tablesAgreeWithTheStatistics(scenario name: String) throws {
        let report = try ScenarioRunner(workers: 2).run(Scenario.load(repository + "/scenarios/\(name).yaml")).report
        let sheet = try #require(report.tear_sheet)
        let headline = try #require(report.headline)
        #expect(sheet.job == headline.id)
        let total = try #require(headline.stats["Return [%]"]?.number) / 100
        let months = sheet.monthly.reduce(1.0) { $0 * (1 + $1.value) } - 1
        let years = sheet.yearly.reduce(1.0) { $0 * (1 + $1.strategy) } - 1
        #expect(abs(months - total) < 1e-9 * max(1, abs(total)) && abs(years - total) < 1e-9 * max(1, abs(total)))
        // Months in order, each once; years cover them.
        let keys = sheet.monthly.map { $0.year * 12 + $0.month }
        #expect(keys == keys.sorted() && Set(keys).count == keys.count && Set(sheet.monthly.map(\.year)) == Set(sheet.yearly.map(\.year)))
        let maxDrawdown = try #require(headline.stats["Max. Drawdown [%]"]?.number) / -100
        #expect(abs((sheet.drawdowns.first?.depth ?? 0) - maxDrawdown) < 1e-12)
        #expect(sheet.drawdowns.count <= 5 && zip(sheet.drawdowns, sheet.drawdowns.dropFirst()).allSatisfy { $0.depth >= $1.depth })
        // The distribution holds every daily return; its VaR is the one the robustness section's
        // returns give; the rolling series is cut to the report's points.
        let distribution = try #require(sheet.distribution), rolling = try #require(sheet.rolling)
        let periods = try #require(report.robustness?.sharpe?.periods)
        #expect(distribution.period == "day" && distribution.counts.reduce(0, +) == periods)
        #expect(rolling.window == 126 && rolling.periods_per_year == 252 && rolling.time.count <= 400 && rolling.time.count == rolling.sharpe.count)
        #expect(rolling.time == rolling.time.sorted())
    }
}
