import Foundation
import LabCore
import LabMetrics
import LabSignals
import LabStress

/// report.json: everything a run produced, deterministic for the same scenario, data and seed
/// (no wall-clock values: timings go to timings.json). Schema: `docs/report.schema.json`,
/// versioned by `schema_version`.
public struct RunReport: Sendable, Codable {
    /// The schema version this build writes; bumped on any incompatible change.
    public static let schemaVersion = 2
    /// The schemas whose baselines this build compares against: a baseline holds statistics (by
    /// label) and the signal figures, named alike in schemas 1 and 2 (2 renamed the trades,
    /// quality, monitoring and anomaly keys to snake_case).
    public static let baselineSchemas: ClosedRange<Int> = 1...2

    /// Schema version of this report.
    public var schema_version = RunReport.schemaVersion
    /// Content hash of scenario text, data and seed (the run folder's name).
    public var run_id: String
    /// The scenario as run (echoed for the reader).
    public var scenario: ScenarioEcho
    /// Lab version, schema version and source commit.
    public var environment: Environment
    /// Data-quality findings of the dataset before the run.
    public var data_quality: DataQualitySummary
    /// One entry per (stress variant × parameter set), variant-major in scenario order.
    public var jobs: [JobReport]
    /// The baseline's parameter sets side by side (the sweep table): one row per combination.
    public var sweep: [SweepRow]
    /// The headline job's parameter set under every stress variant (the stress comparison).
    public var stress_comparison: [SweepRow]
    /// Id of the headline job: the baseline job the cards, the stress comparison, the metrics file,
    /// the dashboard and the history's headline figures show.
    public var headline_job: Int?
    /// Why it is the headline: `declared` (no sweep, or the grid holds the declared parameters) or
    /// `best_by_<statistic id>` (the best combination by the sweep's objective).
    public var headline_reason: String?
    /// What a sweep left out of its grid; nil without a sweep.
    public var sweep_skipped: SweepSkipped?
    /// Walk-forward windows, when the scenario asks for them.
    public var walk_forward: [WalkForwardRow]?
    /// Set in a partial result of `gslab run --shard I/N` (absent from a whole or merged report).
    public var shard: Shard?
    /// The headline job's monthly and yearly returns and worst drawdown periods (the tear sheet's
    /// tables); absent from portfolio and partial (shard) results without the headline.
    public var tear_sheet: TearSheetReport?
    /// Is the headline result luck? PSR/DSR, PBO, Reality Check/SPA and the trade Monte Carlo
    /// (docs/robustness.md); absent when the scenario turns the analysis off.
    public var robustness: RobustnessReport?
    /// How annualised figures were annualised: the trading calendar, bars and periods a year, the
    /// rule, and the bars outside the calendar's sessions.
    public var annualisation: AnnualisationReport?

    /// Which slice of the jobs a partial result holds: jobs whose id ≡ index (mod count).
    public struct Shard: Sendable, Codable, Equatable {
        /// This shard's index, 0-based.
        public var index: Int
        /// Number of shards.
        public var count: Int
        /// Shard `index` of `count`.
        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    /// The headline job (``headline_job``; reports without one: the first job).
    public var headline: JobReport? { jobs.first { $0.id == headline_job } ?? jobs.first }

    /// Combinations a sweep's grid had that it did not run.
    public struct SweepSkipped: Sendable, Codable, Equatable {
        /// Left out by `sweep.constraint`.
        public var excluded_by_constraint: Int
        /// Skipped because no strategy can be built from them (e.g. fast ≥ slow).
        public var invalid: Int
        /// Why the first skipped combination is invalid.
        public var first_invalid: String?
        /// Combinations that ran but cannot trade: their warm-up is as long as the data, so their
        /// rows show 0 trades (a warning; a sweep where none can trade is refused).
        public var cannot_trade: Int?
        /// The counts and the first reason.
        public init(excluded_by_constraint: Int, invalid: Int, first_invalid: String?, cannot_trade: Int? = nil) {
            self.excluded_by_constraint = excluded_by_constraint
            self.invalid = invalid
            self.first_invalid = first_invalid
            self.cannot_trade = cannot_trade
        }
    }

    /// The stress comparison (the headline's parameter set under every variant), the sweep table's
    /// detail marks and, without a sweep, its one row, from `jobs` — as a run and a merge both
    /// compute them.
    public mutating func tabulate() {
        let sets = max(1, scenario.parameter_sets)
        let headline = (headline_job ?? 0) % sets
        if sets == 1 { sweep = scenario.strategy == "portfolio" ? [] : jobs.filter { $0.variant == "baseline" }.map(SweepRow.init(job:)) }
        let detailed = Set(jobs.filter { $0.id < sets }.map(\.id))
        for k in sweep.indices { sweep[k].detail = detailed.contains(sweep[k].job) }
        let compared = jobs.filter { $0.id % sets == headline }
        stress_comparison = compared.map(SweepRow.init(job:))
        // Variants that beat the baseline, and results that equal it, are marked (docs/stress.md).
        guard let base = stress_comparison.first(where: { $0.variant == "baseline" }) else { return }
        for (k, job) in compared.enumerated() where job.variant != "baseline" {
            var notes = job.stress?.notes ?? []
            let row = stress_comparison[k]
            if row.stats == base.stats {
                notes.append("the result equals the baseline's: the stress changed nothing this strategy or its execution reads")
            } else if row.return_pct > base.return_pct {
                stress_comparison[k].improved = true
                stress_comparison[k].reason = job.stress?.improvementReason()
            }
            stress_comparison[k].notes = notes.isEmpty ? nil : notes
        }
    }

    /// Combines the partial results of every shard into the report one machine would have written
    /// (byte-identical): the same run, every shard once, jobs in id order, tables recomputed.
    public static func merge(_ parts: [RunReport]) throws -> RunReport {
        guard let first = parts.first, let count = first.shard?.count else {
            throw BaselineError.incompatible("merge needs partial results of gslab run --shard")
        }
        for p in parts {
            guard p.run_id == first.run_id else { throw BaselineError.incompatible("shards of different runs (\(first.run_id), \(p.run_id))") }
            guard p.shard?.count == count else { throw BaselineError.incompatible("shards of different splits (\(count), \(p.shard?.count ?? 0))") }
        }
        let indices = parts.compactMap { $0.shard?.index }.sorted()
        guard indices == Array(0..<count) else {
            throw BaselineError.incompatible("need shards 0..<\(count) once each, got \(indices.map(String.init).joined(separator: ", "))")
        }
        var merged = parts.first { $0.shard?.index == 0 }!
        merged.jobs = parts.flatMap(\.jobs).sorted { $0.id < $1.id }
        // The analysis is made by the shard that ran the headline job.
        merged.robustness = parts.lazy.compactMap(\.robustness).first
        merged.annualisation = parts.lazy.compactMap(\.annualisation).first
        merged.tear_sheet = parts.lazy.compactMap(\.tear_sheet).first
        merged.shard = nil
        merged.tabulate()
        return merged
    }

    /// One walk-forward window: the parameter set chosen in sample and how it did out of sample.
    public struct WalkForwardRow: Sendable, Codable {
        /// Window number, from 0.
        public var window: Int
        /// First and last in-sample bar times, ISO 8601 UTC.
        public var in_sample: [String]
        /// First and last out-of-sample bar times, ISO 8601 UTC.
        public var out_of_sample: [String]
        /// The chosen parameter set (name → value as text).
        public var chosen: [String: String]
        /// The in-sample objective of the chosen set (Sharpe, or return in percent).
        public var in_sample_objective: Double
        /// Out-of-sample return, percent.
        public var out_of_sample_return_pct: Double
        /// Out-of-sample Sharpe ratio.
        public var out_of_sample_sharpe: Double
        /// Out-of-sample maximum drawdown, percent (negative).
        public var out_of_sample_max_drawdown_pct: Double
        /// Trades closed out of sample.
        public var out_of_sample_trades: Int

        /// A window's row.
        public init(
            window: Int, in_sample: [String], out_of_sample: [String], chosen: [String: String], in_sample_objective: Double,
            out_of_sample_return_pct: Double, out_of_sample_sharpe: Double, out_of_sample_max_drawdown_pct: Double, out_of_sample_trades: Int
        ) {
            self.window = window
            self.in_sample = in_sample
            self.out_of_sample = out_of_sample
            self.chosen = chosen
            self.in_sample_objective = in_sample_objective
            self.out_of_sample_return_pct = out_of_sample_return_pct
            self.out_of_sample_sharpe = out_of_sample_sharpe
            self.out_of_sample_max_drawdown_pct = out_of_sample_max_drawdown_pct
            self.out_of_sample_trades = out_of_sample_trades
        }
    }

    /// A whole (unsharded) report; the sweep and stress tables as given, no walk-forward.
    public init(
        run_id: String, scenario: ScenarioEcho, environment: Environment, data_quality: DataQualitySummary, jobs: [JobReport],
        sweep: [SweepRow], stress_comparison: [SweepRow]
    ) {
        self.run_id = run_id
        self.scenario = scenario
        self.environment = environment
        self.data_quality = data_quality
        self.jobs = jobs
        self.sweep = sweep
        self.stress_comparison = stress_comparison
    }

    /// The scenario as run: what a reviewer needs to reproduce the report.
    public struct ScenarioEcho: Sendable, Codable {
        /// Scenario name.
        public var name: String
        /// Scenario description.
        public var description: String
        /// The scenario file's name, without its folder: the report is the same whatever path
        /// spelling, working folder or symbolic link named the file.
        public var file: String
        /// Seed of the run.
        public var seed: UInt64
        /// Dataset path as written in the scenario.
        public var dataset: String
        /// Symbol run (comma-separated for a portfolio).
        public var symbol: String
        /// First date of the range, ISO 8601, when the scenario sets one.
        public var start: String?
        /// Last date of the range, ISO 8601, when the scenario sets one.
        public var end: String?
        /// What was done with data-quality findings (`clean`, `strict`, `ignore`).
        public var data_quality_policy: String
        /// Strategy name (`portfolio` for a portfolio scenario).
        public var strategy: String
        /// The strategy's own parameters as text.
        public var parameters: [String: String]
        /// Filter rules, in chain order.
        public var filters: [String]
        /// Horizon of the confidence calibration in bars; nil when off.
        public var calibration_horizon: Int?
        /// Variant names: `baseline`, then the stress variants in order.
        public var variants: [String]
        /// Parameter sets per variant (1 without a sweep).
        public var parameter_sets: Int
        /// Signals brought from a file (`strategy.signals`): where they came from and how they were
        /// aligned; nil otherwise.
        public var signals: SignalsEcho?
        /// Rules of a strategy written in the language (the headline's parameters) that are never
        /// true on the baseline bars after the warm-up: they can never act (a warning); nil when none.
        public var silent_rules: [String]?
        /// A strategy written in the strategy language: its expressions by key (`rules.enter_long`,
        /// `let.trend`, `confidence`) and its `reentry`; nil for a built-in strategy.
        public var program: [String: String]?
        /// FNV-1a of the scenario file's text, 16 hex digits: a baseline taken from another
        /// version of the scenario (or another scenario of the same name) is told apart by it.
        public var hash: String?

        /// An echo of every field.
        public init(
            name: String, description: String, file: String, seed: UInt64, dataset: String, symbol: String, start: String?, end: String?,
            data_quality_policy: String, strategy: String, parameters: [String: String], filters: [String], calibration_horizon: Int?, variants: [String],
            parameter_sets: Int, hash: String? = nil, program: [String: String]? = nil, signals: SignalsEcho? = nil
        ) {
            self.signals = signals
            self.hash = hash
            self.program = program
            self.name = name
            self.description = description
            self.file = file
            self.seed = seed
            self.dataset = dataset
            self.symbol = symbol
            self.start = start
            self.end = end
            self.data_quality_policy = data_quality_policy
            self.strategy = strategy
            self.parameters = parameters
            self.filters = filters
            self.calibration_horizon = calibration_horizon
            self.variants = variants
            self.parameter_sets = parameter_sets
        }
    }

    /// Signals brought from a file, as the run read them. A signal at bar t is decided at its close
    /// and traded at the scenario's fill timing (next open by default); stress variants keep the
    /// signals fixed bar for bar and stress the execution only.
    public struct SignalsEcho: Sendable, Codable, Equatable {
        /// The file as the scenario names it.
        public var file: String
        /// The symbol (group) read.
        public var symbol: String
        /// The columns used (target or rules, then confidence).
        public var columns: [String]
        /// `exact` or `ffill`.
        public var align: String
        /// Rows in the file.
        public var rows: Int
        /// Bars with a row at their timestamp.
        public var matched: Int
        /// Bars that took the row before them (`ffill`).
        public var filled: Int
        /// Rows no bar used (`ffill`).
        public var skipped_rows: Int
        /// Columns of the file the scenario does not use.
        public var ignored_columns: [String]
        /// The timing convention, stated.
        public var timing = "decided at the close of bar t, traded at the scenario's fill timing; stress variants keep the signals fixed bar for bar"

        /// What a run read.
        public init(
            file: String, symbol: String, columns: [String], align: String, rows: Int, matched: Int, filled: Int, skipped_rows: Int, ignored_columns: [String]
        ) {
            self.file = file
            self.symbol = symbol
            self.columns = columns
            self.align = align
            self.rows = rows
            self.matched = matched
            self.filled = filled
            self.skipped_rows = skipped_rows
            self.ignored_columns = ignored_columns
        }
    }

    /// Where the report came from.
    public struct Environment: Sendable, Codable {
        /// Version of the lab that wrote it.
        public var gslab_version: String
        /// Schema version (as `schema_version`).
        public var schema_version: Int
        /// The source commit when known (`GSLAB_GIT_COMMIT`, which `scripts/run` sets from git).
        public var git_commit: String?

        /// An environment; no commit unless known.
        public init(gslab_version: String, schema_version: Int, git_commit: String? = nil) {
            self.gslab_version = gslab_version
            self.schema_version = schema_version
            self.git_commit = git_commit
        }
    }

    /// Data-quality figures of the dataset.
    public struct DataQualitySummary: Sendable, Codable {
        /// Symbol validated.
        public var symbol: String
        /// Rows in the file, before the date range.
        public var rows: Int
        /// Rows the jobs ran on, after cleaning.
        public var rows_used: Int
        /// Rows with at least one error finding.
        public var error_rows: Int
        /// Warning findings.
        public var warnings: Int
        /// Quality score in [0, 100] (see `DataQualityReport.score`).
        public var score: Double
        /// Findings by kind.
        public var counts: [String: Int]
        /// Changes cleaning made (0 unless the policy cleans).
        public var repaired: Int
        /// The data-quality policy applied.
        public var policy: String
        /// The dataset path (as written in the scenario) that served the data: the path or a fallback.
        public var source: String
        /// Hash of the bars run on (after the date range and cleaning; FNV-1a on 64-bit words), 16 hex digits.
        public var data_hash: String
        /// Columns of the dataset the run does not read (no bar field, no signal); nil when none.
        public var ignored_columns: [String]?

        /// A summary; every count as found.
        public init(
            symbol: String, rows: Int, rows_used: Int, error_rows: Int, warnings: Int, score: Double, counts: [String: Int], repaired: Int, policy: String,
            source: String, data_hash: String
        ) {
            self.source = source
            self.data_hash = data_hash
            self.symbol = symbol
            self.rows = rows
            self.rows_used = rows_used
            self.error_rows = error_rows
            self.warnings = warnings
            self.score = score
            self.counts = counts
            self.repaired = repaired
            self.policy = policy
        }
    }

    /// One row of the sweep table or stress comparison: the job, its parameters (as written and,
    /// the numeric ones, as numbers) and its key statistics by label. (Schema 1 also wrote
    /// `return_pct`, `sharpe`, `max_drawdown_pct`, `trades` and `win_rate_pct` beside `stats`;
    /// they are read from `stats` now.)
    public struct SweepRow: Sendable, Codable {
        /// The row of `job`: its key statistics from its full statistics.
        public init(job j: JobReport) {
            let key = Statistic.key.map { s -> (statistic: Statistic, value: StatValue) in (s, j.stats[s.label] ?? .number(.nan)) }
            self.init(job: j.id, variant: j.variant, parameters: j.parameters, statistics: key)
        }

        /// A row from a combination's statistics (``Statistic/key`` rows at least).
        public init(job: Int, variant: String, parameters: [String: String], statistics: [(statistic: Statistic, value: StatValue)]) {
            var stats: [String: Double] = [:]
            for row in statistics where row.statistic.isKey { stats[row.statistic.label] = row.value.number }
            self.job = job
            self.variant = variant
            self.parameters = parameters
            parameter_values = parameters.compactMapValues { Double($0.trimmingCharacters(in: .whitespaces)) }
            self.stats = stats
        }

        /// Id of the job the combination is (variant index × parameter sets + combination); the
        /// report holds that job in full when `detail` is true.
        public var job: Int
        /// Stress variant of that job.
        public var variant: String
        /// Parameter set, as text.
        public var parameters: [String: String]
        /// The parameters that are numbers, as numbers.
        public var parameter_values: [String: Double]
        /// The key statistics (``Statistic/key``) by label, in their units.
        public var stats: [String: Double]
        /// Whether `jobs` holds this combination in full.
        public var detail: Bool?
        /// In the stress comparison: true when the variant's return beat the baseline's.
        public var improved: Bool?
        /// Why it did, where the run shows it (``StressOutcome/improvementReason()``).
        public var reason: String?
        /// Warnings on the variant: a transform that changed (almost) nothing, a result equal to
        /// the baseline's.
        public var notes: [String]?

        /// The key statistic `s` (NaN when the row does not hold it).
        public subscript(_ s: Statistic) -> Double { stats[s.label] ?? .nan }
        /// Return, percent.
        public var return_pct: Double { self[.return_pct] }
        /// Sharpe ratio.
        public var sharpe: Double { self[.sharpe_ratio] }
        /// Maximum drawdown, percent (negative).
        public var max_drawdown_pct: Double { self[.max_drawdown_pct] }
        /// Share of winning trades, percent.
        public var win_rate_pct: Double { self[.win_rate_pct] }
        /// Closed trades.
        public var trades: Int { Int(self[.trades].isFinite ? self[.trades] : 0) }
    }
}

/// The results of one job.
public struct JobReport: Sendable, Codable {
    /// Job id: variant index × parameter sets + parameter set index.
    public var id: Int
    /// Stress variant name.
    public var variant: String
    /// Parameter set, name → value as text.
    public var parameters: [String: String]
    /// Bars the job ran on.
    public var bars: Int
    /// Every statistic in backtesting.py's names and units (see `StatsTable`).
    public var stats: [String: StatValue]
    /// Signal quality, monitoring and anomalies.
    public var signals: SignalsSection
    /// The closed trades (count and the first `trades_cap`).
    public var trades: TradesSection
    /// The equity curve downsampled by largest-triangle-three-buckets (times ISO 8601).
    public var equity: CurveSection
    /// What the stress transforms did (bar ranges, regimes).
    public var annotations: [AnnotationReport]
    /// For a portfolio scenario: its symbols, fills and the weights after each rebalance.
    public var portfolio: PortfolioSection?
    /// With a stop and a take-profit: the intrabar policy and how many bars it decided.
    public var intrabar: IntrabarSection?
    /// Why each statistic written as NaN has no value, by label (absent when every one has a value).
    public var undefined_stats: [String: String]?
    /// A stress variant's job: what the variant changed and where the strategy stood.
    public var stress: StressOutcome?

    /// How bars that reached both a stop and the take-profit were read (docs/execution.md).
    public struct IntrabarSection: Sendable, Codable, Equatable {
        /// `pessimistic`, `optimistic` or `open_nearest`.
        public var policy: String
        /// Bars whose range reached both levels, neither gapped through at the open.
        public var ambiguous_bars: Int

        /// A section.
        public init(policy: String, ambiguous_bars: Int) {
            self.policy = policy
            self.ambiguous_bars = ambiguous_bars
        }
    }

    /// A portfolio job's symbols and rebalances.
    public struct PortfolioSection: Sendable, Codable {
        /// Symbols, in the order of each weights array.
        public var symbols: [String]
        /// Number of fills.
        public var fills: Int
        /// Bar of each executed rebalance and the weights held right after it (fractions of equity, `symbols` order).
        public var rebalances: [Rebalance]

        /// One executed rebalance.
        public struct Rebalance: Sendable, Codable {
            /// Bar of the rebalance (filled at its open).
            public var bar: Int
            /// Time of that bar, ISO 8601 UTC.
            public var time: String
            /// Weights held right after it, fractions of equity.
            public var weights: [Double]
            /// A rebalance row.
            public init(bar: Int, time: String, weights: [Double]) {
                self.bar = bar
                self.time = time
                self.weights = weights
            }
        }

        /// A universe portfolio's turnover, holdings, contributions and weights (its `symbols` and
        /// `rebalances` are then empty: a universe's weights are in the heatmap and per rebalance here).
        public var universe: UniverseSection?

        /// A portfolio section.
        public init(symbols: [String], fills: Int, rebalances: [Rebalance], universe: UniverseSection? = nil) {
            self.symbols = symbols
            self.fills = fills
            self.rebalances = rebalances
            self.universe = universe
        }
    }

    /// What the signal engine produced and how it forecast.
    public struct SignalsSection: Sendable, Codable {
        /// Counts, pass rates per filter rule, mean confidence and quality.
        public var quality: QualityReport
        /// Monitoring at the calibration horizon (5 bars without calibration), rolling series thinned.
        public var monitoring: MonitoringReport
        /// Anomalies found, in bar order.
        public var anomalies: [AnomalyReport]

        /// A signals section from the engine's figures.
        public init(quality: SignalQualityMetrics, monitoring: SignalMonitoring, anomalies: [Anomaly]) {
            self.quality = QualityReport(quality)
            self.monitoring = MonitoringReport(monitoring)
            self.anomalies = anomalies.map(AnomalyReport.init)
        }
    }

    /// The closed trades.
    public struct TradesSection: Sendable, Codable {
        /// Closed trades in the job (also those left out of `items`).
        public var count: Int
        /// The first `trades_cap` closed trades.
        public var items: [TradeRow]

        /// A trades section.
        public init(count: Int, items: [TradeRecord]) {
            self.count = count
            self.items = items.map(TradeRow.init)
        }
    }

    /// A downsampled curve as three parallel arrays.
    public struct CurveSection: Sendable, Codable {
        /// Bar index of each kept point.
        public var bar: [Int]
        /// Its time, ISO 8601 UTC.
        public var time: [String]
        /// Its value (equity, account currency).
        public var value: [Double]
        /// Buying the instrument with the starting cash at the close before the strategy's first
        /// decision and holding it, at the same bars (account currency; the cash before that bar);
        /// absent for a portfolio and a light job.
        public var buy_and_hold: [Double]?

        /// A curve of kept points.
        public init(bar: [Int], time: [String], value: [Double], buy_and_hold: [Double]? = nil) {
            self.bar = bar
            self.time = time
            self.value = value
            self.buy_and_hold = buy_and_hold
        }
    }

    /// A job's results.
    public init(
        id: Int, variant: String, parameters: [String: String], bars: Int, stats: [String: StatValue], signals: SignalsSection, trades: TradesSection,
        equity: CurveSection, annotations: [StressAnnotation], portfolio: PortfolioSection? = nil
    ) {
        self.portfolio = portfolio
        self.id = id
        self.variant = variant
        self.parameters = parameters
        self.bars = bars
        self.stats = stats
        self.signals = signals
        self.trades = trades
        self.equity = equity
        self.annotations = annotations.map(AnnotationReport.init)
    }
}

/// Largest-triangle-three-buckets downsampling (Steinarsson 2013): keeps the first and last point
/// and, from each of `threshold − 2` equal buckets, the point forming the largest triangle with the
/// previous kept point and the next bucket's average — the shape of a curve in few points.
public enum LTTB {
    /// Indices of the kept points of `y` (x = index), ascending.
    public static func indices(_ y: [Double], threshold: Int) -> [Int] {
        let n = y.count
        guard threshold >= 3, n > threshold else { return Array(0..<n) }
        var kept = [0]
        let size = Double(n - 2) / Double(threshold - 2)
        var a = 0
        for b in 0..<(threshold - 2) {
            let start = Int(Double(b) * size) + 1, end = min(Int(Double(b + 1) * size) + 1, n - 1)
            let nextStart = end, nextEnd = min(Int(Double(b + 2) * size) + 1, n)
            var avgX = 0.0, avgY = 0.0
            let count = max(1, nextEnd - nextStart)
            for j in nextStart..<max(nextStart + 1, nextEnd) where j < n {
                avgX += Double(j)
                avgY += y[j].isFinite ? y[j] : 0
            }
            avgX /= Double(count)
            avgY /= Double(count)
            var best = start, bestArea = -1.0
            for j in start..<max(start + 1, end) {
                let area = abs((Double(a) - avgX) * (y[j] - y[a]) - (Double(a) - Double(j)) * (avgY - y[a]))
                if area > bestArea { bestArea = area; best = j }
            }
            kept.append(best)
            a = best
        }
        kept.append(n - 1)
        return kept
    }
}
