import Foundation
import LabCore
import LabData
import LabMetrics
import LabReport
import Testing

@testable import LabScenario

/// Sweeps as users write them: constraints, invalid pairs skipped, objectives, the headline.
@Suite struct SweepScenarioTests {
    /// fast ≥ slow pairs are skipped and counted, never aborting the valid ones; the best by the
    /// objective is the headline when the grid lacks the declared parameters; only the headline
    /// and the best `sweep_detail` are reported in full.
    @Test func invalidPairsSkippedAndBestIsHeadline() throws {
        let s = try parse(
            scenarioText(
                """
                sweep:
                  objective: return_pct
                  grid:
                    fast: [5, 20, 40]
                    slow: [20, 30]
                report:
                  sweep_detail: 1
                """))
        #expect(s.parameterSets.count == 3)  // (20, 20), (40, 20) and (40, 30) cannot be built
        #expect(s.sweep?.invalid == 3 && s.sweep?.excluded == 0 && s.sweep?.firstInvalid == "sma_cross: slow: must be > fast (20), got 20")
        let r = try ScenarioRunner(workers: 2).run(s).report
        #expect(r.sweep.count == 3 && r.sweep_skipped == .init(excluded_by_constraint: 0, invalid: 3, first_invalid: s.sweep?.firstInvalid))
        let returns = r.sweep.map { $0.stats["Return [%]"]! }
        let best = returns.indices.max { returns[$0] < returns[$1] }!
        #expect(r.headline_reason == "best_by_return_pct" && r.headline_job == best)
        #expect(r.jobs.map(\.id) == [best] && r.sweep.filter { $0.detail == true }.map(\.job) == [best])
        #expect(r.headline?.stats["Return [%]"]?.number == returns[best])
    }

    /// `sweep.constraint` leaves combinations out before anything runs; lower-is-better objectives
    /// pick the lowest.
    @Test func constraintAndLowerIsBetterObjective() throws {
        let s = try parse(
            scenarioText(
                """
                sweep:
                  constraint: slow >= 2 * fast and not (fast == 10)
                  objective: annual_volatility_pct
                  grid:
                    fast: [5, 10, 15]
                    slow: [20, 30]
                """))
        #expect(s.parameterSets == [["fast": "5", "slow": "20"], ["fast": "5", "slow": "30"], ["fast": "15", "slow": "30"]])
        #expect(s.sweep?.excluded == 3 && s.sweep?.invalid == 0)
        let r = try ScenarioRunner(workers: 1).run(s).report
        let vols = r.sweep.map { $0.stats["Volatility (Ann.) [%]"]! }
        #expect(r.headline_job == vols.indices.min { vols[$0] < vols[$1] }! && r.headline_reason == "best_by_annual_volatility_pct")
    }

    /// Each a one-line error naming the file, line and key.
    @Test func badSweepInput() throws {
        func error(_ extra: String) -> String { message { _ = try parse(scenarioText(extra)) } }
        #expect(
            error("sweep:\n  objective: Sharpe Ration\n  grid:\n    fast: [5]")
                == "s.yaml:9:14: sweep.objective: unknown statistic \"Sharpe Ration\" (did you mean \"sharpe_ratio\"?)")
        #expect(
            error("sweep:\n  objective: trades\n  grid:\n    fast: [5]")
                == "s.yaml:9:14: sweep.objective: trades has no better direction to optimise (pick e.g. sharpe_ratio, return_pct, max_drawdown_pct)")
        #expect(
            error("sweep:\n  constraint: fats < slow\n  grid:\n    fast: [5]")
                == "s.yaml:9:15: sweep.constraint: unknown parameter \"fats\" (did you mean \"fast\"?); parameters: fast, slow")
        #expect(
            error("sweep:\n  constraint: fast + slow\n  grid:\n    fast: [5]")
                == "s.yaml:9:15: sweep.constraint: \"fast + slow\" is not a boolean expression (e.g. fast < slow)")
        #expect(
            error("sweep:\n  constraint: fast > 100\n  grid:\n    fast: [5, 6]")
                == "s.yaml:9:15: sweep.constraint: no combination of the grid satisfies fast > 100")
        #expect(error("sweep:\n  constraint: fast < slow and\n  grid:\n    fast: [5]") == "s.yaml:9:15: sweep.constraint: the expression ends too early")
        #expect(error("report:\n  sweep_detail: -1") == "s.yaml:9:17: report.sweep_detail: expected a whole number ≥ 0, got \"-1\"")
        #expect(
            error("walk_forward:\n  in_sample: 100\n  out_of_sample: 50\n  objective: sharp")
                == "s.yaml:11:14: walk_forward.objective: unknown statistic \"sharp\" (did you mean \"sharpe\"?)")
    }

    /// The constraint's arithmetic and logic by hand.
    @Test func constraintByHand() throws {
        let c = try ParameterConstraint("-fast + 3 * slow / 2 > 10 or allow_short == 1", parameters: ["fast", "slow", "allow_short"])
        #expect(!c.accepts(["fast": "5", "slow": "10", "allow_short": "false"]))  // −5 + 15 = 10, not > 10, and not short
        #expect(c.accepts(["fast": "4", "slow": "10", "allow_short": "false"]))
        #expect(c.accepts(["fast": "50", "slow": "10", "allow_short": "true"]))
        #expect(throws: (any Error).self) { try ParameterConstraint("fast < slow < 3", parameters: ["fast", "slow"]) }
        #expect(throws: (any Error).self) { try ParameterConstraint("fast && slow", parameters: ["fast", "slow"]) }
    }
}
