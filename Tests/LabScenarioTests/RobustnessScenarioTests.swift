import Foundation
import LabCore
import LabData
import LabReport
import LabRobustness
import Testing

@testable import LabScenario

/// The robustness section as `gslab run` writes it: read from the scenario, computed from the
/// sweep engine's per-combination returns, deterministic, and refusing bad settings.
@Suite struct RobustnessScenarioTests {
    static let grid = """
        sweep:
          grid:
            fast: [5, 10, 20]
            slow: [40, 60, 100]
        """

    @Test func settingsAreRead() throws {
        #expect(try parse(scenarioText()).robustness == RobustnessSettings())
        #expect(try parse(scenarioText("robustness: off")).robustness.enabled == false)
        let s = try parse(
            scenarioText(
                """
                robustness:
                  blocks: 8
                  bootstrap: 500
                  block_length: 10
                  benchmark: zero
                  confidence: 0.9
                  monte_carlo: {paths: 2000, loss_fraction: 0.3}
                """)
        ).robustness
        var expected = RobustnessSettings()
        expected.blocks = 8
        expected.replications = 500
        expected.blockLength = 10
        expected.benchmark = .zero
        expected.confidence = 0.9
        expected.monteCarloPaths = 2000
        expected.lossFraction = 0.3
        #expect(s == expected)
    }

    /// Each a one-line error naming the file, line and key (exit 2 through the CLI).
    @Test func badSettingsAreRefused() {
        func error(_ line: String) -> String { message { _ = try parse(scenarioText("robustness:\n  \(line)")) } }
        #expect(error("blocks: 15") == "s.yaml:9:11: robustness.blocks: expected an even number of blocks in 4...20, got 15")
        #expect(error("blocks: 22") == "s.yaml:9:11: robustness.blocks: expected an even number of blocks in 4...20, got 22")
        #expect(error("blocks: 2").hasPrefix("s.yaml:9:11: robustness.blocks: expected an even number of blocks in 4...20"))
        #expect(
            error("benchmark: buy_and_hol")
                == "s.yaml:9:14: robustness.benchmark: unknown benchmark \"buy_and_hol\" (did you mean \"buy_and_hold\"?); expected buy_and_hold or zero")
        #expect(error("bootstrap: 0").hasPrefix("s.yaml:9:14: robustness.bootstrap: expected replications ≥ 1"))
        #expect(error("bootstrap: 200000") == "s.yaml:9:14: robustness.bootstrap: expected replications in 1...100000, got 200000")
        #expect(error("confidence: 0.3").hasPrefix("s.yaml:9:15: robustness.confidence: expected a probability in [0.5, 0.9999]"))
        #expect(
            error("zzz: 1")
                == "s.yaml:9:8: robustness.zzz: unknown key (known: blocks, bootstrap, block_length, benchmark, confidence, monte_carlo)")
        #expect(error("monte_carlo: {paths: 0}").hasPrefix("s.yaml:9:24: robustness.monte_carlo.paths: expected paths ≥ 1"))
        #expect(error("monte_carlo: {loss_fraction: 1.5}").hasPrefix("s.yaml:9:32: robustness.monte_carlo.loss_fraction: expected a fraction in (0, 1]"))
    }

    /// A sweep's section: N trials, the variance of the combinations' Sharpe ratios computed here
    /// from each combination's own full run, the DSR from the report's own figures, PBO and SPA
    /// over every combination; the same for any number of workers.
    @Test func sweepSectionFromTheCombinations() throws {
        let s = try parse(scenarioText(Self.grid + "\nrobustness: {blocks: 8, bootstrap: 300, monte_carlo: {paths: 500}}"))
        let report = try ScenarioRunner(workers: 2).run(s).report
        let r = try #require(report.robustness)
        let sharpe = try #require(r.sharpe), pbo = try #require(r.pbo), spa = try #require(r.spa)
        #expect(r.period == "day" && r.periods_per_year == 252 && r.notes.isEmpty)
        #expect(sharpe.trials == 9 && pbo.combinations == 9 && spa.combinations == 9 && pbo.splits == 70)
        #expect(sharpe.job == report.headline_job)
        // Every combination run in full, its period returns and per-period Sharpe ratio.
        let runner = ScenarioRunner(workers: 1)
        let bars = try HDF5BarStore.read(repository + "/datasets/GOOG.h5", symbol: "GOOG").series
        let ratios = try s.parameterSets.enumerated().map { k, set in
            let returns = try runner.runJob(
                id: k, scenario: s, variant: "baseline", series: bars, flagged: nil, annotations: [], parameters: set, keepReturns: true
            ).returns!
            #expect(returns.period.count == sharpe.periods)
            return SharpeInference(returns: returns.period)
        }
        #expect(abs(sharpe.trials_sharpe_variance - SharpeInference.variance(of: ratios.map(\.sharpe))) <= 1e-15)
        let headline = ratios[report.headline_job!]
        #expect(sharpe.sharpe == headline.sharpe && sharpe.skewness == headline.skewness && sharpe.psr == headline.probabilistic())
        #expect(sharpe.dsr == headline.deflated(trials: 9, variance: sharpe.trials_sharpe_variance))
        #expect(sharpe.significant == (sharpe.dsr >= 0.95))
        // PBO over the same returns, by the module directly.
        let columns = try s.parameterSets.enumerated().map { k, set in
            try runner.runJob(
                id: k, scenario: s, variant: "baseline", series: bars, flagged: nil, annotations: [], parameters: set, keepReturns: true
            ).returns!.period
        }
        #expect(try BacktestOverfitting.estimate(returns: columns, blocks: 8).get().probability == pbo.pbo)
        // Deterministic whatever the workers.
        let again = try ScenarioRunner(workers: 1).run(s).report.robustness
        #expect(again == r)
        // Another benchmark, another test.
        let zero = try ScenarioRunner(workers: 2).run(
            parse(scenarioText(Self.grid + "\nrobustness: {blocks: 8, bootstrap: 300, benchmark: zero, monte_carlo: {paths: 500}}"))
        ).report.robustness
        #expect(zero?.spa?.benchmark == "zero" && zero?.spa?.best_mean_excess != spa.best_mean_excess)
        // The history records the figures beside the jobs' metrics.
        let dir = scratch()
        let history = try RunHistory(path: dir + "/h.sqlite")
        _ = try history.record(report, scenarioText: s.text, reportPath: dir + "/r.json", seconds: nil)
        let trend = try history.trend(scenario: s.name, job: Baseline.robustnessKey, metric: "dsr")
        #expect(trend.map(\.value) == [sharpe.dsr])
        #expect(try history.trend(scenario: s.name, job: Baseline.robustnessKey, metric: "pbo").map(\.value) == [pbo.pbo])
    }

    /// One parameter set: PSR, DSR = PSR(0) with one trial, the trade Monte Carlo, and notes for
    /// what needs a sweep; `robustness: off` writes no section.
    @Test func singleJobAndOff() throws {
        let r = try #require(try ScenarioRunner(workers: 2).run(parse(scenarioText())).report.robustness)
        #expect(r.pbo == nil && r.spa == nil && r.sharpe?.trials == 1 && r.sharpe?.dsr == r.sharpe?.psr)
        #expect(r.notes == ["PBO, the Reality Check and SPA need a sweep (at least 2 combinations); this run tried one parameter set"])
        #expect((r.monte_carlo?.paths ?? 0) == 10_000 && (r.monte_carlo?.trades ?? 0) > 10)
        #expect(try ScenarioRunner(workers: 2).run(parse(scenarioText("robustness: off"))).report.robustness == nil)
    }

    /// Too few periods for the blocks: a note, and the rest of the section still there.
    @Test func tooFewPeriodsIsANote() throws {
        let s = try parse(
            """
            name: t
            dataset:
              path: datasets/GOOG.h5
              symbol: GOOG
              end: 2004-09-30
            strategy:
              name: sma_cross
              params: {fast: 3, slow: 8}
            sweep:
              grid:
                fast: [3, 5]
                slow: [8, 10]
            robustness: {blocks: 20, bootstrap: 100, monte_carlo: {paths: 100}}
            """)
        let r = try #require(try ScenarioRunner(workers: 2).run(s).report.robustness)
        #expect(r.pbo == nil && r.notes.contains { $0.hasPrefix("PBO with 20 blocks needs at least 40 periods (2 a block), the run has") })
        #expect(r.sharpe != nil && r.spa != nil)
    }

    /// The sweep's returns are counted against the memory cap before the sweep runs.
    @Test func returnsBeyondTheMemoryCapAreRefused() throws {
        let s = try parse(scenarioText("sweep:\n  grid:\n    fast: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n    slow: [20, 22, 24, 26, 28, 30, 32, 34, 36, 38]"))
        var runner = ScenarioRunner(workers: 2)
        runner.memoryCapMB = 1
        #expect(
            message { _ = try runner.run(s) }
                == "s.yaml: robustness: the sweep's returns take about 1.6 MB (100 combinations × 2147 periods), over the cap of 1 MB (--memory-limit, memory_cap_mb; or robustness: off)"
        )
        var off = try parse(scenarioText("sweep:\n  grid:\n    fast: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n    slow: [20, 22, 24, 26, 28, 30, 32, 34, 36, 38]"))
        off.robustness.enabled = false
        #expect(try runner.run(off).report.robustness == nil)
    }

    /// A portfolio: PSR and DSR of its equity's returns; fills, not closed trades, so no Monte Carlo.
    @Test func portfolioSection() throws {
        let report = try ScenarioRunner(workers: 2).run(Scenario.load(repository + "/scenarios/multi-asset.yaml")).report
        let r = try #require(report.robustness)
        #expect(r.sharpe?.trials == 1 && r.sharpe?.job == 0 && r.monte_carlo == nil)
        #expect(r.notes.contains("the trade Monte Carlo needs closed trades; a portfolio has fills"))
    }

    /// A walk-forward: PSR and DSR of the stitched out-of-sample returns, N = sets × windows.
    @Test func walkForwardSection() throws {
        let s = try Scenario.load(repository + "/scenarios/walk-forward.yaml")
        let report = try ScenarioRunner(workers: 2).run(s).report
        let w = try #require(report.robustness?.walk_forward)
        #expect(w.trials == s.parameterSets.count * report.walk_forward!.count)
        #expect(w.job == nil && w.periods > 100 && w.dsr <= w.psr)
    }
}
