import Foundation
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
    /// Largest estimated memory of the run's bars (48 bytes per bar, dataset × variants) in MB; 0: none.
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

    /// Runs `scenario`; `progress(done, total)` is called after each job (from worker threads).
    public func run(_ scenario: Scenario, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Outcome {
        if scenario.portfolio != nil { return try runPortfolio(scenario, progress: progress) }
        let clock = ContinuousClock()
        let begin = clock.now
        @Sendable func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        var timings: [String: Double] = [:]

        // Data: read once, cut to the date range, quality policy.
        var t0 = clock.now
        let spec = scenario.dataset
        let (loaded, servedBy) = try Self.load(scenario, symbols: spec.symbol.map { [$0] })
        guard loaded.count == 1 else {
            throw ScenarioError.run(
                "\(scenario.file): dataset.symbol: \(spec.pathAsWritten) holds \(loaded.count) symbols (\(loaded.map(\.series.symbol).joined(separator: ", "))); name one"
            )
        }
        var series = loaded[0].series
        let rows = series.count
        if spec.start != nil || spec.end != nil {
            series = series.slice(from: spec.start ?? .min, to: spec.end.map { $0 + CivilTime.nanosPerDay } ?? .max).materialize()
            guard !series.isEmpty else {
                throw ScenarioError.run("\(scenario.file): dataset.start/end: no \(series.symbol) bars in the date range in \(spec.pathAsWritten)")
            }
        }
        timings["load"] = seconds(clock.now - t0)
        t0 = clock.now
        let quality = try DataQuality.validate(series)
        var flagged: [Bool]?
        var repaired = 0
        switch scenario.dataQuality {
        case .strict:
            guard quality.isClean else {
                throw ScenarioError.run(
                    "\(scenario.file): data_quality: \(spec.pathAsWritten) \(series.symbol) has \(quality.errorRows) rows with errors and the policy is strict")
            }
        case .ignore:
            break
        case .clean:
            let cleaned = try DataQuality.clean(series, report: quality)
            repaired = cleaned.changes.count
            series = cleaned.series
            if !cleaned.changes.isEmpty {
                let touched = Set(cleaned.changes.map(\.timestamp))
                flagged = series.timestamps.map { touched.contains($0) }
            }
        }
        guard series.count > 2 else { throw ScenarioError.run("\(scenario.file): dataset: only \(series.count) bars left to run on") }
        timings["quality"] = seconds(clock.now - t0)

        // Stress variants: the baseline first, then the plan's, each with its own seed stream.
        t0 = clock.now
        let planned = try scenario.stress.variants(for: series)
        try checkMemory(scenario, bars: series.count, copies: planned.count + 1)
        let streams = SeededRNG(seed: scenario.seed).streams(planned.count + 1)
        var variants: [(name: String, series: BarSeries, annotations: [StressAnnotation], flagged: [Bool]?)] = [("baseline", series, [], flagged)]
        for (k, v) in planned.enumerated() {
            var rng = streams[k + 1]
            let stressed = try StressPipeline(v.steps).apply([series], seed: rng.next())
            variants.append((v.name, stressed.series[0], stressed.annotations, nil))
        }
        timings["stress"] = seconds(clock.now - t0)

        // Jobs.
        t0 = clock.now
        let sets = scenario.parameterSets
        let frozenVariants = variants
        let walk = scenario.walkForward.map { Self.windows($0, bars: series.count) } ?? []
        if scenario.walkForward != nil && walk.isEmpty {
            let wf = scenario.walkForward!
            throw ScenarioError.run(
                "\(scenario.file): walk_forward: \(series.count) bars are fewer than one window (in_sample \(wf.inSample) + out_of_sample \(wf.outOfSample))")
        }
        let total = variants.count * sets.count + walk.count * sets.count + walk.count
        let done = Counter()
        let tick = { @Sendable in progress?(done.increment(), total) }
        let compute = Accumulator()
        let mine = (0..<(variants.count * sets.count)).filter { shard == nil || $0 % shard!.count == shard!.index }
        let jobs = try parallel(mine.count) { k in
            let job = mine[k]
            defer { tick() }
            let v = frozenVariants[job / sets.count]
            let started = ContinuousClock.now
            let result = try runJob(
                id: job, scenario: scenario, variant: v.name, series: v.series, flagged: v.flagged, annotations: v.annotations,
                parameters: sets[job % sets.count])
            compute.add(seconds(ContinuousClock.now - started))
            return result
        }
        timings["job_compute"] = compute.total
        // Walk-forward on the baseline: every parameter set in sample, the best out of sample.
        var walkRows: [RunReport.WalkForwardRow]?
        if let wf = scenario.walkForward, (shard?.index ?? 0) == 0 {
            let baseline = series
            let inSample = try parallel(walk.count * sets.count) { task in
                defer { tick() }
                let a = walk[task / sets.count]
                let slice = baseline[bars: a..<(a + wf.inSample)].materialize()
                let job = try runJob(
                    id: task, scenario: scenario, variant: "in_sample", series: slice, flagged: nil, annotations: [],
                    parameters: sets[task % sets.count], light: true)
                return Self.objective(job, wf.objective)
            }
            let chosen = walk.indices.map { w in
                (0..<sets.count).max { a, b in
                    let x = inSample[w * sets.count + a], y = inSample[w * sets.count + b]
                    return (x.isNaN ? -Double.infinity : x) < (y.isNaN ? -Double.infinity : y)
                        || ((x.isNaN ? -Double.infinity : x) == (y.isNaN ? -Double.infinity : y) && a > b)
                }!
            }
            let outOfSample = try parallel(walk.count) { w in
                defer { tick() }
                let a = walk[w], parameters = sets[chosen[w]]
                var spec = scenario.strategy
                spec.parameters = parameters
                let warm = min(try StrategyCatalog.make(spec).warmUp, a + wf.inSample)
                let from = a + wf.inSample - warm
                let slice = baseline[bars: from..<(a + wf.inSample + wf.outOfSample)].materialize()
                return try runJob(
                    id: w, scenario: scenario, variant: "out_of_sample", series: slice, flagged: nil, annotations: [],
                    parameters: parameters, statsFrom: warm, light: true)
            }
            walkRows = walk.indices.map { w in
                let a = walk[w], oos = outOfSample[w]
                let ts = baseline.timestamps
                func number(_ key: String) -> Double { if case let .number(v)? = oos.stats[key] { return v }; return .nan }
                return RunReport.WalkForwardRow(
                    window: w, in_sample: [CivilTime.iso8601(ts[a]), CivilTime.iso8601(ts[a + wf.inSample - 1])],
                    out_of_sample: [CivilTime.iso8601(ts[a + wf.inSample]), CivilTime.iso8601(ts[a + wf.inSample + wf.outOfSample - 1])],
                    chosen: sets[chosen[w]], in_sample_objective: inSample[w * sets.count + chosen[w]],
                    out_of_sample_return_pct: number("Return [%]"), out_of_sample_sharpe: number("Sharpe Ratio"),
                    out_of_sample_max_drawdown_pct: number("Max. Drawdown [%]"), out_of_sample_trades: oos.trades.count)
            }
        }
        timings["jobs"] = seconds(clock.now - t0)

        let echo = RunReport.ScenarioEcho(
            name: scenario.name, description: scenario.description, file: scenario.file, seed: scenario.seed, dataset: spec.pathAsWritten,
            symbol: series.symbol, start: spec.start.map { CivilTime.iso8601($0) }, end: spec.end.map { CivilTime.iso8601($0) },
            data_quality_policy: scenario.dataQuality.rawValue, strategy: scenario.strategy.name, parameters: scenario.strategy.parameters,
            filters: scenario.filters.map(\.name), calibration_horizon: scenario.calibration?.horizon, variants: variants.map(\.name),
            parameter_sets: sets.count)
        var counts: [String: Int] = [:]
        for (kind, n) in quality.counts { counts[kind.rawValue] = n }
        let summary = RunReport.DataQualitySummary(
            symbol: series.symbol, rows: rows, rows_used: series.count, error_rows: quality.errorRows, warnings: quality.warnings,
            score: quality.score, counts: counts, repaired: repaired, policy: scenario.dataQuality.rawValue, source: servedBy,
            data_hash: RunID.hash(series: [series]))
        let runID = RunID.make(scenario: scenario.text, dataHash: summary.data_hash, seed: scenario.seed)
        var report = RunReport(
            run_id: runID, scenario: echo, environment: Version.environment, data_quality: summary, jobs: jobs, sweep: [], stress_comparison: [])
        report.tabulate()
        report.walk_forward = walkRows
        report.shard = shard
        timings["total"] = seconds(clock.now - begin)
        return Outcome(report: report, timings: timings)
    }

    /// A portfolio scenario: every symbol loaded once (one clock, checked), the stress variants
    /// applied to all symbols together, one job per variant through `PortfolioSimulator`.
    /// Statistics use an equal-weight index of the symbols (closes normalised to their first
    /// value, averaged) as the buy-and-hold benchmark; a portfolio has fills, not round trips,
    /// so its trade statistics are empty.
    func runPortfolio(_ scenario: Scenario, progress: (@Sendable (Int, Int) -> Void)?) throws -> Outcome {
        let clock = ContinuousClock()
        let begin = clock.now
        @Sendable func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let spec = scenario.dataset, plan = scenario.portfolio!
        let (loaded, servedBy) = try Self.load(scenario, symbols: spec.symbols)
        var series = loaded.map(\.series)
        if spec.start != nil || spec.end != nil {
            series = series.map { $0.slice(from: spec.start ?? .min, to: spec.end.map { $0 + CivilTime.nanosPerDay } ?? .max).materialize() }
            if let empty = series.first(where: \.isEmpty) {
                throw ScenarioError.run("\(scenario.file): dataset.start/end: no \(empty.symbol) bars in the date range in \(spec.pathAsWritten)")
            }
        }
        let rows = series.map(\.count).max() ?? 0
        var counts: [String: Int] = [:], errorRows = 0, warnings = 0, score = 100.0
        for (k, s) in series.enumerated() {
            let q = try DataQuality.validate(s)
            for (kind, n) in q.counts { counts[kind.rawValue, default: 0] += n }
            errorRows += q.errorRows
            warnings += q.warnings
            score = min(score, q.score)
            if !q.isClean {
                switch scenario.dataQuality {
                case .strict, .clean:
                    // Cleaning one symbol could move its clock away from the others': refused rather than misaligned.
                    throw ScenarioError.run(
                        "\(scenario.file): data_quality: \(s.symbol) has \(q.errorRows) rows with errors; a portfolio runs on aligned clean data (fix the data or use data_quality: ignore)"
                    )
                case .ignore: break
                }
            }
            _ = k
        }
        do { try PortfolioSimulator.checkAligned(series) } catch { throw ScenarioError.run("\(scenario.file): dataset.symbols: \(error)") }
        let planned = try scenario.stress.variants(for: series[0])
        try checkMemory(scenario, bars: series.reduce(0) { $0 + $1.count }, copies: planned.count + 1)
        let streams = SeededRNG(seed: scenario.seed).streams(planned.count + 1)
        var variants: [(name: String, series: [BarSeries], annotations: [StressAnnotation])] = [("baseline", series, [])]
        for (k, v) in planned.enumerated() {
            var rng = streams[k + 1]
            let stressed = try StressPipeline(v.steps).apply(series, seed: rng.next())
            variants.append((v.name, stressed.series, stressed.annotations))
        }
        var config = PortfolioSimulator.Config(
            cash: scenario.execution.cash, commission: scenario.execution.commission, slippage: scenario.execution.slippage,
            borrowRate: scenario.execution.borrowRate, financingRate: scenario.execution.financingRate,
            maxLeverage: scenario.execution.maxLeverage, fractionalUnits: plan.fractionalUnits)
        config.fractionalUnits = plan.fractionalUnits
        let simulator = try PortfolioSimulator(config: config)
        let frozen = variants
        let t0 = clock.now
        let done = Counter()
        let mine = (0..<variants.count).filter { shard == nil || $0 % shard!.count == shard!.index }
        let jobs = try parallel(mine.count) { m in
            let k = mine[m]
            defer { progress?(done.increment(), mine.count) }
            let v = frozen[k]
            let result = try simulator.run(v.series, rule: plan.rule, schedule: plan.schedule)
            let first = v.series[0]
            // Equal-weight index of the symbols as the benchmark.
            let index = (0..<first.count).map { i in v.series.reduce(0) { $0 + $1.close[i] / $1.close[0] } / Double(v.series.count) * 100 }
            let performance = try PerformanceStats.compute(
                .init(
                    equity: result.equity, timestamps: first.timestamps, close: index, trades: [], buyAndHoldStart: 0, timezone: first.timezone))
            let costs = try CostMetrics.compute(
                tradedValue: result.tradedValue, commission: result.costs.commission, slippage: result.costs.slippage, borrow: result.costs.borrow,
                equity: result.equity, seconds: max(1, Double(first.timestamps.last! - first.timestamps.first!) / 1e9))
            let table = StatsTable(performance: performance, costs: costs, equity: result.equity)
            let keep = LTTB.indices(result.equity, threshold: scenario.report.equityPoints)
            let empty = SignalQualityMetrics(signals: [], passed: [], filterStats: [])
            return JobReport(
                id: k, variant: v.name, parameters: [:], bars: first.count, stats: table.dictionary,
                signals: .init(quality: empty, monitoring: SignalMonitoring(outcomes: [], horizon: 1), anomalies: []),
                trades: .init(count: 0, items: []),
                equity: .init(bar: keep, time: keep.map { CivilTime.iso8601(first.timestamps[$0]) }, value: keep.map { result.equity[$0] }),
                annotations: v.annotations,
                portfolio: .init(
                    symbols: result.symbols, fills: result.fills.count,
                    rebalances: result.rebalances.map { .init(bar: $0.bar, time: CivilTime.iso8601(first.timestamps[$0.bar]), weights: $0.weights) }))
        }
        let jobSeconds = seconds(clock.now - t0)
        let echo = RunReport.ScenarioEcho(
            name: scenario.name, description: scenario.description, file: scenario.file, seed: scenario.seed, dataset: spec.pathAsWritten,
            symbol: spec.symbols.joined(separator: ","), start: spec.start.map { CivilTime.iso8601($0) }, end: spec.end.map { CivilTime.iso8601($0) },
            data_quality_policy: scenario.dataQuality.rawValue, strategy: "portfolio", parameters: [:], filters: [], calibration_horizon: nil,
            variants: variants.map(\.name), parameter_sets: 1)
        let summary = RunReport.DataQualitySummary(
            symbol: spec.symbols.joined(separator: ","), rows: rows, rows_used: series[0].count, error_rows: errorRows, warnings: warnings,
            score: score, counts: counts, repaired: 0, policy: scenario.dataQuality.rawValue, source: servedBy,
            data_hash: RunID.hash(series: series))
        var report = RunReport(
            run_id: RunID.make(scenario: scenario.text, dataHash: summary.data_hash, seed: scenario.seed),
            scenario: echo, environment: Version.environment,
            data_quality: summary, jobs: jobs, sweep: [], stress_comparison: [])
        report.tabulate()
        report.shard = shard
        return Outcome(report: report, timings: ["jobs": jobSeconds, "job_compute": jobSeconds, "total": seconds(clock.now - begin)])
    }

    /// Refuses a run whose bars (dataset × variants, 48 bytes a bar) would exceed the memory cap.
    func checkMemory(_ scenario: Scenario, bars: Int, copies: Int) throws {
        guard memoryCapMB > 0 else { return }
        let needed = Double(bars * 48 * copies) / 1_048_576
        if needed > Double(memoryCapMB) {
            throw ScenarioError.run(
                "\(scenario.file): memory_cap_mb: the run holds about \(String(format: "%.1f", needed)) MB of bars (\(bars) bars × \(copies) variants), over the cap of \(memoryCapMB) MB"
            )
        }
    }

    /// The dataset from its path, or the first fallback that can serve it (transient failures
    /// retried with backoff, `DatasetLoader`); returns the symbols and the path (as written) that served them.
    static func load(_ scenario: Scenario, symbols: [String]?) throws -> ([LoadedSymbol], String) {
        let spec = scenario.dataset
        if spec.fallbacks.isEmpty {
            guard FileManager.default.fileExists(atPath: spec.path) else {
                throw ScenarioError.run("\(scenario.file): dataset.path: no such file \(spec.pathAsWritten) (resolved to \(spec.path))")
            }
            return (try HDF5BarStore.read(spec.path, symbols: symbols), spec.pathAsWritten)
        }
        let sources = [DatasetSource(path: spec.path)] + spec.fallbacks.map { DatasetSource(path: $0.path) }
        let loaded = try DatasetLoader().load(from: sources, symbols: symbols)
        let written = ([(spec.path, spec.pathAsWritten)] + spec.fallbacks).first { $0.0 == loaded.source.path }?.1 ?? loaded.source.path
        return (loaded.symbols, written)
    }

    /// `count` tasks on the worker pool, results in task order; stops between tasks when
    /// cancelled; the first error in task order is rethrown. A free worker takes the next task (not
    /// every W-th one: tasks' costs vary with their parameters, and a fixed deal left one worker
    /// idle while the other ran the expensive ones).
    func parallel<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        let taken = Counter()
        DispatchQueue.concurrentPerform(iterations: min(workers, count)) { _ in
            while !cancellation.isCancelled {
                let task = taken.increment() - 1
                guard task < count else { return }
                do { slots.set(task, .success(try body(task))) } catch { slots.set(task, .failure(error)) }
            }
        }
        if cancellation.isCancelled { throw ScenarioError.run("interrupted; no report written") }
        return try slots.values.map { try $0!.get() }
    }

    /// Walk-forward window starts: every `step` bars while in-sample and out-of-sample periods fit.
    static func windows(_ wf: Scenario.WalkForward, bars: Int) -> [Int] {
        Array(stride(from: 0, through: bars - wf.inSample - wf.outOfSample, by: wf.step))
    }

    static func objective(_ job: JobReport, _ name: String) -> Double {
        let key = name == "return" ? "Return [%]" : "Sharpe Ratio"
        if case let .number(v)? = job.stats[key] { return v }
        return .nan
    }

    /// One job: signals → execution → statistics, monitoring and anomalies.
    /// `statsFrom`: the statistics cover bars from there on (walk-forward: after the warm-up
    /// history); `light`: no monitoring or anomaly work beyond what the statistics need.
    func runJob(
        id: Int, scenario: Scenario, variant: String, series: BarSeries, flagged: [Bool]?, annotations: [StressAnnotation],
        parameters: [String: String], statsFrom: Int = 0, light: Bool = false
    ) throws -> JobReport {
        var spec = scenario.strategy
        spec.parameters = parameters
        let strategy = try StrategyCatalog.make(spec)
        let pipeline = try SignalPipeline(
            strategy: strategy, filters: try SignalFilterChain(scenario.filters), calibrator: scenario.calibration, horizons: [1, 5, 20])
        let signals = try pipeline.run(series, flagged: flagged)
        var orders = [EntryOrder?](repeating: nil, count: series.count)
        for s in signals.passed { orders[s.bar] = EntryOrder(s.direction, sizeScale: s.sizeScale) }
        let warmUp = min(strategy.warmUp, series.count - 1)
        let result = try ExecutionSimulator(config: scenario.execution).run(series, orders: orders, start: warmUp)
        let from = min(max(0, statsFrom), series.count - 1)
        let equity = Array(result.equity[from...])
        let trades = result.trades.map { t -> TradeRecord in
            var t = t
            t.entryBar -= from
            t.exitBar -= from
            return t
        }
        let performance = try PerformanceStats.compute(
            .init(
                equity: equity, timestamps: Array(series.timestamps[from...]), close: Array(series.close[from...]), trades: trades,
                buyAndHoldStart: max(0, warmUp - 1 - from), timezone: series.timezone))
        let seconds = Double(series.timestamps.last! - series.timestamps[from]) / 1e9
        let costs = try CostMetrics.compute(
            tradedValue: result.tradedValue, commission: result.costs.commission, slippage: result.costs.slippage,
            borrow: result.costs.borrow, equity: equity, seconds: max(seconds, 1))
        let table = StatsTable(performance: performance, costs: costs, equity: equity)
        if light {
            return JobReport(
                id: id, variant: variant, parameters: parameters, bars: series.count - from, stats: table.dictionary,
                signals: .init(quality: signals.qualityMetrics, monitoring: SignalMonitoring(outcomes: [], horizon: 1), anomalies: []),
                trades: .init(count: trades.count, items: []), equity: .init(bar: [], time: [], value: []), annotations: [])
        }
        let horizon = scenario.calibration?.horizon ?? 5
        var outcomes = signals.outcomes[horizon] ?? SignalOutcomes.compute(signals.signals, close: series.close, horizon: horizon)
        SignalOutcomes.attach(result.trades, traded: signals.passed, to: &outcomes)
        let directional = signals.signals.filter { $0.direction != .flat }
        var monitoring = SignalMonitoring(outcomes: outcomes, horizon: horizon)
        // The rolling series have a point per outcome: downsample them like the equity curve so a
        // long run's report stays small.
        func thin(_ points: [SignalMonitoring.RollingPoint]) -> [SignalMonitoring.RollingPoint] {
            LTTB.indices(points.map(\.value), threshold: scenario.report.equityPoints).map { points[$0] }
        }
        monitoring.rollingHitRate = thin(monitoring.rollingHitRate)
        monitoring.rollingMeanReturn = thin(monitoring.rollingMeanReturn)
        monitoring.rollingBrier = thin(monitoring.rollingBrier)
        monitoring.blockInformationCoefficient = thin(monitoring.blockInformationCoefficient)
        let anomalies = SignalAnomalyDetector().detect(
            signalBars: directional.map(\.bar), confidences: directional.map(\.confidence), outcomes: outcomes)
        let keep = LTTB.indices(result.equity, threshold: scenario.report.equityPoints)
        return JobReport(
            id: id, variant: variant, parameters: parameters, bars: series.count, stats: table.dictionary,
            signals: .init(quality: signals.qualityMetrics, monitoring: monitoring, anomalies: anomalies),
            trades: .init(count: result.trades.count, items: Array(result.trades.prefix(scenario.report.tradesCap))),
            equity: .init(bar: keep, time: keep.map { CivilTime.iso8601(series.timestamps[$0]) }, value: keep.map { result.equity[$0] }),
            annotations: annotations)
    }
}

/// The lab's version, reported in every run.
public enum Version {
    /// Semantic version of the lab.
    public static let current = "0.2.0"

    /// The report's environment: this version and, when the caller knows it, the source commit
    /// (`GSLAB_GIT_COMMIT`; `scripts/run` sets it from git). No wall-clock or host values: the
    /// report stays byte-identical for the same code, scenario, data and seed.
    static var environment: RunReport.Environment {
        let commit = ProcessInfo.processInfo.environment["GSLAB_GIT_COMMIT"].flatMap { $0.isEmpty ? nil : $0 }
        return RunReport.Environment(gslab_version: current, schema_version: RunReport.schemaVersion, git_commit: commit)
    }
}

/// A run's id: FNV-1a (64-bit) over the scenario text, the bars' hash and the seed, as 16 hex
/// digits — the same inputs give the same id (and report folder).
enum RunID {
    /// FNV-1a over the bars of every series (timestamps and OHLCV), 16 hex digits.
    static func hash(series: [BarSeries]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func eat<T>(_ values: [T]) { values.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } } }
        for s in series {
            eat(Array(s.symbol.utf8))
            eat(s.timestamps)
            eat(s.open); eat(s.high); eat(s.low); eat(s.close); eat(s.volume)
        }
        return String(h, radix: 16).leftPadded(to: 16)
    }

    /// The id of a run of `scenario` (its text) over bars whose ``hash(series:)`` is `dataHash`,
    /// with `seed`, by this version of gslab. (Hashing the bars' hash, not the bars again: a second
    /// pass over a million bars was a tenth of a second after the jobs, on one core.)
    static func make(scenario: String, dataHash: String, seed: UInt64) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func eat<T>(_ values: [T]) { values.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } } }
        eat(Array(scenario.utf8))
        eat(Array(dataHash.utf8))
        eat([seed])
        eat(Array(Version.current.utf8))
        return String(h, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// Per-task results; each worker writes only its own slots.
private final class Slots<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ value: Result<T, any Error>) { lock.lock(); slots[k] = value; lock.unlock() }
    var values: [Result<T, any Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
}

/// A sum written from several threads.
private final class Accumulator: @unchecked Sendable {
    private var sum = 0.0
    private let lock = NSLock()
    func add(_ x: Double) { lock.lock(); sum += x; lock.unlock() }
    var total: Double { lock.lock(); defer { lock.unlock() }; return sum }
}

/// A count raised from several threads; `increment` returns the new value.
private final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
