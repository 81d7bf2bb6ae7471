import Foundation
import LabRobustness

/// report.json's `robustness` section: is the headline result luck? The probabilistic and deflated
/// Sharpe ratios of the headline job, the probability of backtest overfitting over a sweep's
/// combinations, White's Reality Check and Hansen's SPA test of the best combination against the
/// benchmark, and a Monte Carlo of the headline job's trades (docs/robustness.md). Sharpe ratios
/// here are per period of ``period`` (not annualised; × √``periods_per_year`` annualises them).
public struct RobustnessReport: Sendable, Codable, Equatable {
    /// The return period every figure is taken over (`day`, `week`, `month`, `year`).
    public var period: String
    /// Periods per year (to annualise a per-period Sharpe ratio: × √periods_per_year).
    public var periods_per_year: Double
    /// The confidence the verdicts are read at (0.95).
    public var confidence: Double
    /// PSR and DSR of the headline job; nil when it has fewer than 2 returns.
    public var sharpe: SharpeSection?
    /// PBO over the sweep's combinations; nil without (see ``notes``).
    public var pbo: OverfittingSection?
    /// White's Reality Check and Hansen's SPA of the best combination; nil without (see ``notes``).
    public var spa: SPASection?
    /// Monte Carlo of the headline job's trades; nil with fewer than 2 trades.
    public var monte_carlo: MonteCarloSection?
    /// PSR and DSR of the walk-forward's stitched out-of-sample returns, deflated for every
    /// parameter set tried in every window.
    public var walk_forward: SharpeSection?
    /// Why a part is missing (too few combinations, periods or trades).
    public var notes: [String]

    /// A report with no parts yet, over returns of `period` (`periods_per_year` a year), read at `confidence`.
    public init(period: String, periods_per_year: Double, confidence: Double) {
        self.period = period
        self.periods_per_year = periods_per_year
        self.confidence = confidence
        notes = []
    }

    /// The probabilistic and deflated Sharpe ratio of one return series.
    public struct SharpeSection: Sendable, Codable, Equatable {
        /// The job (the headline; absent for the walk-forward's stitched returns).
        public var job: Int?
        /// Returns T.
        public var periods: Int
        /// Per-period Sharpe ratio SR̂.
        public var sharpe: Double
        /// SR̂ × √periods_per_year.
        public var sharpe_annualised: Double
        /// Skewness of the returns.
        public var skewness: Double
        /// Kurtosis of the returns (3 for normal returns).
        public var kurtosis: Double
        /// PSR(0): probability the true Sharpe ratio is above 0.
        public var psr: Double
        /// Strategies tried N (sweep combinations; walk-forward: parameter sets × windows).
        public var trials: Int
        /// Variance of the trials' per-period Sharpe ratios (0 with one trial).
        public var trials_sharpe_variance: Double
        /// The expected maximum per-period Sharpe ratio of N trials with no skill.
        public var expected_max_sharpe: Double
        /// DSR: PSR against that expected maximum.
        public var dsr: Double
        /// Periods needed for PSR(0) to reach the confidence; nil when SR̂ ≤ 0.
        public var min_track_record: Double?
        /// DSR ≥ confidence.
        public var significant: Bool
    }

    /// The probability of backtest overfitting.
    public struct OverfittingSection: Sendable, Codable, Equatable {
        /// Blocks S.
        public var blocks: Int
        /// Splits C(S, S/2).
        public var splits: Int
        /// Combinations N.
        public var combinations: Int
        /// Periods T.
        public var periods: Int
        /// PBO: share of splits whose in-sample winner is at or below the median out of sample.
        public var pbo: Double
        /// Share of splits whose in-sample winner loses out of sample (Sharpe < 0).
        public var probability_of_loss: Double
        /// Slope of the winners' out-of-sample Sharpe on their in-sample Sharpe.
        public var degradation_slope: Double
        /// Its intercept.
        public var degradation_intercept: Double
        /// Mean logit λ.
        public var logit_mean: Double
        /// Median logit λ.
        public var logit_median: Double
        /// The logits' histogram: left edges, counts, bin width.
        public var histogram: Histogram
    }

    /// A histogram of fixed-width bins.
    public struct Histogram: Sendable, Codable, Equatable {
        /// Left edge of each bin.
        public var edges: [Double]
        /// Values in each bin.
        public var counts: [Int]
        /// Bin width.
        public var width: Double
    }

    /// Three p-values: lower bound, consistent, upper bound.
    public struct PValues: Sendable, Codable, Equatable {
        /// Lower bound.
        public var lower: Double
        /// Consistent.
        public var consistent: Double
        /// Upper bound.
        public var upper: Double

        init(_ p: SuperiorPredictiveAbility.PValues) {
            lower = p.lower
            consistent = p.consistent
            upper = p.upper
        }
    }

    /// White's Reality Check and Hansen's SPA test.
    public struct SPASection: Sendable, Codable, Equatable {
        /// `buy_and_hold` or `zero`.
        public var benchmark: String
        /// Combinations N.
        public var combinations: Int
        /// Periods T.
        public var periods: Int
        /// Mean block length of the stationary bootstrap, periods.
        public var block_length: Int
        /// Bootstrap replications B.
        public var replications: Int
        /// The job with the largest mean excess return.
        public var best_job: Int
        /// Its mean excess return per period.
        public var best_mean_excess: Double
        /// Reality Check statistic (max mean excess return per period).
        public var reality_check_statistic: Double
        /// White's Reality Check p-value (the upper one).
        public var reality_check_p_value: Double
        /// Its three p-values (not studentised).
        public var reality_check_p_values: PValues
        /// SPA statistic (studentised).
        public var spa_statistic: Double
        /// Hansen's consistent SPA p-value.
        public var spa_p_value: Double
        /// Its three p-values.
        public var spa_p_values: PValues
    }

    /// The distribution of a quantity over Monte Carlo paths.
    public struct Quantiles: Sendable, Codable, Equatable {
        /// 5th, 25th, 50th, 75th and 95th percentiles.
        public var p5: Double, p25: Double, p50: Double, p75: Double, p95: Double

        init(_ ascending: [Double]) {
            p5 = TradeMonteCarlo.quantile(ascending, 0.05)
            p25 = TradeMonteCarlo.quantile(ascending, 0.25)
            p50 = TradeMonteCarlo.quantile(ascending, 0.5)
            p75 = TradeMonteCarlo.quantile(ascending, 0.75)
            p95 = TradeMonteCarlo.quantile(ascending, 0.95)
        }
    }

    /// The trade Monte Carlo.
    public struct MonteCarloSection: Sendable, Codable, Equatable {
        /// Paths drawn.
        public var paths: Int
        /// Trades per path.
        public var trades: Int
        /// Final equity over starting equity.
        public var final_equity: Quantiles
        /// Maximum drawdown over the trade-by-trade path (fraction ≥ 0).
        public var max_drawdown: Quantiles
        /// The loss fraction the next figure is for.
        public var loss_fraction: Double
        /// Share of paths losing at least `loss_fraction` of the equity.
        public var probability_of_loss: Double
        /// Share of paths ending below the starting equity.
        public var probability_below_start: Double
    }
}

extension RobustnessReport.SharpeSection {
    /// The section of `inference` deflated for `trials` whose Sharpe ratios vary by `variance`.
    public init(job: Int?, inference: SharpeInference, trials: Int, variance: Double, periodsPerYear: Double, confidence: Double) {
        let v = trials >= 2 && variance.isFinite ? variance : 0
        let dsr = inference.deflated(trials: trials, variance: v)
        self.init(
            job: job, periods: inference.count, sharpe: inference.sharpe, sharpe_annualised: inference.sharpe * periodsPerYear.squareRoot(),
            skewness: inference.skewness, kurtosis: inference.kurtosis, psr: inference.probabilistic(), trials: trials, trials_sharpe_variance: v,
            expected_max_sharpe: SharpeInference.expectedMaximum(trials: trials, variance: v), dsr: dsr,
            min_track_record: inference.minimumTrackRecord(confidence: confidence), significant: dsr >= confidence)
    }
}

extension RobustnessReport.OverfittingSection {
    /// The section of `estimate`.
    public init(_ estimate: BacktestOverfitting) {
        let sorted = estimate.logits.sorted()
        let h = estimate.histogram()
        let (slope, intercept) = estimate.degradation
        self.init(
            blocks: estimate.blocks, splits: estimate.splits, combinations: estimate.combinations, periods: estimate.periods, pbo: estimate.probability,
            probability_of_loss: estimate.probabilityOfLoss, degradation_slope: slope, degradation_intercept: intercept,
            logit_mean: sorted.reduce(0, +) / Double(sorted.count), logit_median: TradeMonteCarlo.quantile(sorted, 0.5),
            histogram: .init(edges: h.edges, counts: h.counts, width: h.width))
    }
}

extension RobustnessReport.SPASection {
    /// The section of `test`; `jobs[k]` is the job id of strategy k.
    public init(_ test: SuperiorPredictiveAbility, benchmark: RobustnessSettings.Benchmark, jobs: [Int]) {
        self.init(
            benchmark: benchmark.rawValue, combinations: test.models, periods: test.periods, block_length: test.blockLength,
            replications: test.replications, best_job: jobs[test.best], best_mean_excess: test.meanExcess[test.best],
            reality_check_statistic: test.realityCheckStatistic, reality_check_p_value: test.realityCheck.upper,
            reality_check_p_values: .init(test.realityCheck), spa_statistic: test.spaStatistic, spa_p_value: test.spa.consistent,
            spa_p_values: .init(test.spa))
    }
}

extension RobustnessReport.MonteCarloSection {
    /// The section of `simulation`.
    public init(_ simulation: TradeMonteCarlo) {
        self.init(
            paths: simulation.paths, trades: simulation.trades, final_equity: .init(simulation.finalEquity),
            max_drawdown: .init(simulation.maxDrawdown), loss_fraction: simulation.lossFraction,
            probability_of_loss: simulation.probabilityOfLoss, probability_below_start: simulation.probabilityBelowStart)
    }
}
