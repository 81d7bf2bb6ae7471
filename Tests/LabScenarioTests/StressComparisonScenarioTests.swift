import Foundation
import LabCore
import LabReport
import Testing

@testable import LabScenario

/// The stress comparison says why a variant beat the baseline and which variants changed
/// (almost) nothing; a window by date outside the data is one line.
@Suite struct StressComparisonScenarioTests {
    func run(_ text: String) throws -> RunReport { try ScenarioRunner(workers: 2).run(try parse(text)).report }

    /// The case: in the default GOOG report the flash crash beats the baseline. The
    /// strategy was short through every stressed bar, and the comparison says so.
    @Test func theDefaultReportSaysWhyTheCrashHelped() throws {
        let report = try ScenarioRunner(workers: 2).run(Scenario.load(repository + "/scenarios/default.yaml")).report
        let crash = try #require(report.stress_comparison.first { $0.variant == "flash_crash" })
        #expect(crash.improved == true)
        #expect(crash.reason == "short during 8 of the 8 stressed bars")
        let job = try #require(report.jobs.first { $0.id == crash.job })
        #expect(job.stress == StressOutcome(changed_bars: 2148, stressed_bars: 8, long_bars: 0, short_bars: 8, notes: nil))
        #expect(report.stress_comparison.first { $0.variant == "volatility_regime" }?.improved == nil)
        let page = HTMLReport.render(report)
        #expect(page.contains("beat the baseline: short during 8 of the 8 stressed bars"))
    }

    @Test func aVariantThatChangesNothingIsAWarning() throws {
        let report = try run(
            scenarioText(
                """
                stress:
                  - name: no_gaps
                    steps:
                      - {transform: gaps, probability: 0.000001}
                """))
        let row = try #require(report.stress_comparison.first { $0.variant == "no_gaps" })
        #expect(
            row.notes == [
                "no_gaps changed 0 of the 2148 bars: it stresses (almost) nothing on this data (see its annotation for what it drew)",
                "the result equals the baseline's: the stress changed nothing this strategy or its execution reads",
            ])
        #expect(row.improved == nil)
    }

    @Test func aWindowByDate() throws {
        let report = try run(
            scenarioText(
                """
                stress:
                  - name: september
                    steps:
                      - {transform: vol_scale, factor: 3, from: 2008-09-01, to: 2008-09-30}
                """))
        let job = try #require(report.jobs.first { $0.variant == "september" })
        #expect(job.annotations[0].detail.contains("× 3"))
        #expect(job.stress?.stressed_bars == 21)  // the trading days of September 2008
        let outside = message {
            _ = try run(
                scenarioText(
                    """
                    stress:
                      - name: later
                        steps:
                          - {transform: vol_scale, factor: 3, from: 2030-01-01, to: 2030-01-31}
                    """))
        }
        #expect(outside == "s.yaml: stress.later: vol_scale: window: no bars between 2030-01-01 and 2030-02-01")
    }
}
