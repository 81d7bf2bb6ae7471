import Foundation
import LabCore
import LabReport
import LabRobustness

/// The walk-forward's series for the robustness analysis: the out-of-sample returns of every
/// window stitched in order, and the per-period Sharpe ratio of every parameter set in every
/// in-sample window (the trials).
struct WalkForwardReturns: Sendable {
    /// Out-of-sample period returns, window after window.
    var outOfSample: [Double]
    /// Per-period Sharpe ratios of every (window, parameter set) tried in sample.
    var trialSharpes: [Double]
}

extension ScenarioRunner {
    /// The `robustness` section (docs/robustness.md): PSR and DSR of the headline job (`headline`,
    /// its returns), PBO and the Reality Check / SPA over the sweep's combinations (`combinations`:
    /// each one's period returns, emptied as read; nil without a sweep), the trade Monte Carlo, and
    /// the walk-forward's deflated out-of-sample Sharpe ratio. Parts that cannot be computed are
    /// named in `notes`.
    func robustness(
        _ settings: RobustnessSettings, seed: UInt64, headline: Int, returns: JobRun.Returns, combinations: inout [[Double]]?, walk: WalkForwardReturns?
    ) -> RobustnessReport {
        var report = RobustnessReport(
            period: returns.periodName, periods_per_year: returns.periodsPerYear, confidence: settings.confidence)
        let inference = SharpeInference(returns: returns.period)
        let trials = combinations?.count ?? 1
        let trialSharpes = combinations.map { $0.map { SharpeInference(returns: $0).sharpe } } ?? []
        if inference.count >= 2 && inference.sharpe.isFinite {
            report.sharpe = .init(
                job: headline, inference: inference, trials: trials, variance: SharpeInference.variance(of: trialSharpes),
                periodsPerYear: returns.periodsPerYear, confidence: settings.confidence)
        } else {
            report.notes.append("PSR and DSR need at least 2 period returns that vary; the headline job has \(inference.count)")
        }
        if var columns = combinations {
            combinations = nil
            let periods = columns.first?.count ?? 0
            switch BacktestOverfitting.estimate(returns: columns, blocks: settings.blocks, workers: workers) {
            case let .success(estimate): report.pbo = .init(estimate)
            case let .failure(shortfall): report.notes.append(shortfall.description)
            }
            let benchmark = settings.benchmark == .zero ? [Double](repeating: 0, count: periods) : returns.benchmark
            if benchmark.count == periods {
                let jobs = Array(columns.indices)
                switch SuperiorPredictiveAbility.test(
                    models: &columns, benchmark: benchmark, blockLength: settings.blockLength, replications: settings.replications,
                    seed: Self.derivedSeed(seed, 1), workers: workers)
                {
                case let .success(test): report.spa = .init(test, benchmark: settings.benchmark, jobs: jobs)
                case let .failure(shortfall): report.notes.append(shortfall.description)
                }
            } else {
                report.notes.append("the Reality Check and SPA need the benchmark over the combinations' \(periods) periods, it has \(benchmark.count)")
            }
        } else {
            report.notes.append("PBO, the Reality Check and SPA need a sweep (at least 2 combinations); this run tried one parameter set")
        }
        if let trades = returns.trades {
            switch TradeMonteCarlo.simulate(
                returns: trades, paths: settings.monteCarloPaths, lossFraction: settings.lossFraction, seed: Self.derivedSeed(seed, 2),
                workers: workers)
            {
            case let .success(simulation): report.monte_carlo = .init(simulation)
            case let .failure(shortfall): report.notes.append(shortfall.description)
            }
        } else {
            report.notes.append("the trade Monte Carlo needs closed trades; a portfolio has fills")
        }
        if let walk {
            let oos = SharpeInference(returns: walk.outOfSample)
            if oos.count >= 2 && oos.sharpe.isFinite {
                report.walk_forward = .init(
                    job: nil, inference: oos, trials: walk.trialSharpes.count, variance: SharpeInference.variance(of: walk.trialSharpes),
                    periodsPerYear: returns.periodsPerYear, confidence: settings.confidence)
            } else {
                report.notes.append("the walk-forward's out-of-sample returns are too few or do not vary (\(oos.count) periods)")
            }
        }
        return report
    }

    /// Refuses, before the sweep runs, an analysis whose per-combination returns (8 bytes a period
    /// a combination, held from the sweep to the end of the analysis) would pass the memory cap.
    func checkRobustnessMemory(_ scenario: Scenario, combinations: Int, periods: Int) throws {
        guard memoryCapMB > 0 else { return }
        let needed = Double(combinations) * Double(periods) * 8 / 1_048_576
        if needed > Double(memoryCapMB) {
            throw ScenarioError.run(
                "\(scenario.file): robustness: the sweep's returns take about \(String(format: "%.1f", needed)) MB (\(combinations) combinations × \(periods) periods), over the cap of \(memoryCapMB) MB (--memory-limit, memory_cap_mb; or robustness: off)"
            )
        }
    }

    /// The seed of one random part of the analysis (1: the bootstrap of the Reality Check and SPA,
    /// 2: the trade Monte Carlo), from the scenario's seed.
    static func derivedSeed(_ seed: UInt64, _ part: UInt64) -> UInt64 {
        var rng = SeededRNG(seed: seed ^ (0x524F_4255_5354_0000 &+ part))  // "ROBUST"
        return rng.next()
    }
}
