import Foundation
import LabBacktest
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabReport
import LabSignals
import LabStress

/// Runs a scenario: loads its dataset once, applies data-quality policy, builds the stress
/// variants, and runs every (variant × parameter set) job — signal engine, execution, metrics —
/// on a worker pool. A free worker takes the next job in job order, and jobs are reported in job
/// order, so the report does not depend on the number of workers.
public struct ScenarioRunner: Sendable {
    /// Worker threads, ≥ 1.
    public var workers: Int
    /// Run only the jobs whose id ≡ index (mod count), for `gslab merge` to combine (walk-forward
    /// windows run in shard 0).
    public var shard: RunReport.Shard?
    /// Largest estimated memory of the run's bars (``MemoryBudget/bytesPerBar`` a bar, dataset ×
    /// variants) in MB; 0: none. `gslab run` sets ``MemoryBudget/defaultMB`` unless told otherwise.
    public var memoryCapMB = 0
    /// Set (from a signal handler) to stop between jobs; the run then fails with "interrupted".
    public let cancellation: Cancellation

    /// A runner on `workers` threads (the core count by default).
    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, cancellation: Cancellation = Cancellation()) {
        self.workers = max(1, workers)
        self.cancellation = cancellation
    }

    /// A flag workers check between jobs.
    public final class Cancellation: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        /// A flag not yet set.
        public init() {}
        /// Sets the flag (safe from any thread).
        public func cancel() { lock.lock(); flag = true; lock.unlock() }
        /// Whether the flag is set.
        public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    }

    /// What a run produced: the deterministic report and the wall-clock timings.
    public struct Outcome: Sendable {
        /// The deterministic report.
        public var report: RunReport
        /// Seconds: load, quality, stress, jobs (wall clock of the job phase), job_compute (the jobs'
        /// own time summed over workers), total.
        public var timings: [String: Double]

        /// An outcome of `report` with `timings`.
        public init(report: RunReport, timings: [String: Double]) {
            self.report = report
            self.timings = timings
        }
    }

    /// Runs `scenario`; `progress(done, total)` is called after each job or sweep combination (from worker threads).
    public func run(_ scenario: Scenario, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Outcome {
        if scenario.portfolio?.universe != nil { return try runUniverse(scenario, progress: progress) }
        if scenario.portfolio != nil { return try runPortfolio(scenario, progress: progress) }
        let clock = ContinuousClock()
        let begin = clock.now
        @Sendable func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        var timings: [String: Double] = [:]

        var t0 = clock.now
        let data = try prepare(scenario)
        let series = data.series
        // Signals from a file are aligned to the bars as read (after the date range and cleaning).
        let signals = try scenario.signals.map { try $0.load(for: series, scenarioFile: scenario.file, datasetSymbol: series.symbol) }
        let scenario = {
            var s = scenario
            s.strategy.signalColumns = signals?.columns
            return s
        }()
        timings["load_and_quality"] = seconds(clock.now - t0)
        let cannotTrade = try Self.checkAgainstData(scenario, bars: series.count)
        t0 = clock.now
        let variants = try self.variants(scenario, data)
        timings["stress"] = seconds(clock.now - t0)

        // Jobs: with a sweep, every combination through the sweep engine on the baseline, then in
        // full the headline (under every variant) and the best combinations; without, every
        // variant in full.
        t0 = clock.now
        let sets = scenario.parameterSets
        let walk = scenario.walkForward.map { Self.windows($0, bars: series.count) } ?? []
        if let wf = scenario.walkForward, walk.isEmpty {
            throw ScenarioError.run(
                "\(scenario.file): walk_forward: \(series.count) bars are fewer than one window (in_sample \(wf.inSample) + out_of_sample \(wf.outOfSample))")
        }
        // The period grid once for every variant on the baseline's clock (a stress transform that
        // moves bars in time gets its own).
        let grid = PeriodGrid(timestamps: series.timestamps, timezone: series.timezone, annualisation: series.annualisation)
        if scenario.sweep != nil && scenario.robustness.enabled {
            try checkRobustnessMemory(scenario, combinations: sets.count, periods: max(0, grid.periodEnds.count - 1))
        }
        let total = (scenario.sweep != nil ? sets.count : 0) + variants.count + scenario.report.sweepDetail + walk.count * (sets.count + 1)
        let done = Counter()
        let tick: @Sendable () -> Void = { _ = progress?(done.increment(), total) }
        var table: SweepTable?
        if scenario.sweep != nil {
            let started = clock.now
            table = try sweepTable(scenario, series: series, flagged: data.flagged, tick: tick)
            timings["sweep"] = seconds(clock.now - started)
        }
        let headline = table?.headline ?? 0
        let ids = (table?.detail ?? [0]) + (1..<variants.count).map { $0 * sets.count + headline }
        let mine = ids.filter { shard == nil || $0 % shard!.count == shard!.index }
        let compute = Accumulator()
        let onClock = variants.map { $0.series.timezone == series.timezone && $0.series.timestamps == series.timestamps }
        let robust = scenario.robustness.enabled
        let runs = try parallel(mine.count) { m in
            defer { tick() }
            let id = mine[m], v = variants[id / sets.count]
            let started = ContinuousClock.now
            let job = try runJob(
                id: id, scenario: scenario, variant: v.name, series: v.series, flagged: v.flagged, annotations: v.annotations,
                parameters: sets[id % sets.count], grid: onClock[id / sets.count] ? grid : nil, keepReturns: robust && id == headline,
                tearSheet: id == headline, effect: v.effect)
            compute.add(seconds(ContinuousClock.now - started))
            return job
        }
        let jobs = runs.map(\.report)
        timings["job_compute"] = compute.total
        let walked =
            try (shard?.index ?? 0) == 0 ? scenario.walkForward.map { try walkForward(scenario, $0, series: series, windows: walk, tick: tick) } : nil
        let walkRows = walked?.rows
        timings["jobs"] = seconds(clock.now - t0)
        // Is the headline luck? In the run (or shard) that ran the headline job.
        var robustness: RobustnessReport?
        if robust, let returns = runs.first(where: { $0.report.id == headline })?.returns {
            t0 = clock.now
            var combinations = table?.returns
            table?.returns = nil
            robustness = self.robustness(
                scenario.robustness, seed: scenario.seed, headline: headline, returns: returns, combinations: &combinations, walk: walked?.returns)
            timings["robustness"] = seconds(clock.now - t0)
        }

        let spec = scenario.dataset
        var echo = RunReport.ScenarioEcho(
            name: scenario.name, description: scenario.description, file: URL(fileURLWithPath: scenario.file).lastPathComponent, seed: scenario.seed,
            dataset: spec.pathAsWritten,
            symbol: series.symbol, start: spec.start.map { CivilTime.iso8601($0) }, end: spec.end.map { CivilTime.iso8601($0) },
            data_quality_policy: scenario.dataQuality.rawValue, strategy: scenario.strategy.name, parameters: scenario.strategy.parameters,
            filters: scenario.filters.map(\.name), calibration_horizon: scenario.calibration?.horizon, variants: variants.map(\.name),
            parameter_sets: sets.count, hash: RunHistory.hash(scenario.text), program: scenario.strategy.program?.echo, signals: signals?.echo)
        if let rules = try Self.strategy(scenario, sets[headline]) as? RuleStrategy {
            let silent = rules.silentRules(series).map(\.rawValue)
            echo.silent_rules = silent.isEmpty ? nil : silent.map { "rules.\($0)" }
        }
        var counts: [String: Int] = [:]
        for (kind, n) in data.quality.counts { counts[kind.rawValue] = n }
        var summary = RunReport.DataQualitySummary(
            symbol: series.symbol, rows: data.rows, rows_used: series.count, error_rows: data.quality.errorRows, warnings: data.quality.warnings,
            score: data.quality.score, counts: counts, repaired: data.repaired, policy: scenario.dataQuality.rawValue, source: data.servedBy,
            data_hash: RunID.hash(series: [series]))
        // Columns no bar field reads, less the signals read from the dataset's own file, are named.
        let readAsSignals = scenario.signals.map { $0.path == scenario.dataset.path ? Set($0.usedColumns) : [] } ?? []
        let ignored = data.unusedColumns.filter { !readAsSignals.contains($0) }
        summary.ignored_columns = ignored.isEmpty ? nil : ignored
        let runID = RunID.make(scenario: scenario.text, dataHash: summary.data_hash, seed: scenario.seed)
        var report = RunReport(
            run_id: runID, scenario: echo, environment: Version.environment, data_quality: summary, jobs: jobs, sweep: table?.rows ?? [],
            stress_comparison: [])
        report.headline_job = headline
        report.headline_reason = table?.reason ?? "declared"
        report.sweep_skipped = scenario.sweep.map {
            RunReport.SweepSkipped(
                excluded_by_constraint: $0.excluded, invalid: $0.invalid, first_invalid: $0.firstInvalid, cannot_trade: cannotTrade > 0 ? cannotTrade : nil)
        }
        report.tabulate()
        report.walk_forward = walkRows
        report.robustness = robustness
        report.tear_sheet = runs.first { $0.report.id == headline }?.tearSheet
        report.annualisation = data.calendar.report(grid: grid)
        report.shard = shard
        timings["total"] = seconds(clock.now - begin)
        return Outcome(report: report, timings: timings)
    }

    /// `count` tasks on the worker pool, results in task order (``WorkerPool``); stops between
    /// tasks when cancelled; the first error in task order is rethrown.
    func parallel<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        guard let out = try WorkerPool.map(count, workers: workers, isCancelled: { [cancellation] in cancellation.isCancelled }, body) else {
            throw ScenarioError.run("interrupted; no report written")
        }
        return out
    }
}

/// A sum written from several threads.
final class Accumulator: @unchecked Sendable {
    private var sum = 0.0
    private let lock = NSLock()
    func add(_ x: Double) { lock.lock(); sum += x; lock.unlock() }
    var total: Double { lock.lock(); defer { lock.unlock() }; return sum }
}

/// A count raised from several threads; `increment` returns the new value.
final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
