import Foundation
import LabBacktest
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabReport
import LabSignals
import LabStress

extension ScenarioRunner {
    /// The symbols a universe scenario reads: `dataset.symbols` (all, a pattern or a list)
    /// resolved against the file's symbols, at most `dataset.max_symbols`.
    static func universeSymbols(_ scenario: Scenario) throws -> [String] { try universeEntries(scenario).entries.map(\.symbol) }

    /// The chosen symbols' entries in the first file present (path as written), as
    /// ``universeSymbols(_:)`` chooses them.
    static func universeEntries(_ scenario: Scenario) throws -> (entries: [SymbolEntry], path: String, written: String) {
        let spec = scenario.dataset
        let sources = [(spec.path, spec.pathAsWritten)] + spec.fallbacks
        guard let (path, written) = sources.first(where: { FileKind(path: $0.0) != .missing }) else {
            throw ScenarioError.run("\(scenario.file): dataset.path: no such file \(spec.pathAsWritten) (resolved to \(spec.path))")
        }
        if let refusal = FileKind.readRefusal(path) { throw ScenarioError.run("\(scenario.file): dataset.path: \(written) \(refusal)") }
        let present = try HDF5BarStore.symbols(in: path).filter { $0.layout != nil }
        let byName = Dictionary(present.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        do {
            let chosen = try (spec.selection ?? .all).resolve(in: present.map(\.symbol), file: written, maxSymbols: spec.maxSymbols)
            return (chosen.map { byName[$0]! }, path, written)
        } catch let LabDataError.invalidParameter(_, _, reason) {
            throw ScenarioError.run("\(scenario.file): dataset.symbols: \(reason)")
        } catch let error as LabDataError {
            throw ScenarioError.run("\(scenario.file): dataset.symbols: \(error)")
        }
    }

    /// The chosen symbols read: from a group per symbol (or a pandas key per symbol), or split
    /// out of one long table (`dataset.symbol_column`); with the path (as written) that served them.
    static func loadUniverse(_ scenario: Scenario) throws -> ([LoadedSymbol], String) {
        let (read, path) = try loadUniverse(scenario, workers: 1) { _ in () }
        return (read.map(\.symbol), path)
    }

    /// ``loadUniverse(_:)`` on `workers` threads where the file allows
    /// (``HDF5BarStore/read(_:entries:columnOverrides:workers:then:)``), each symbol given to
    /// `process` right after it is read; results in the symbols' order.
    static func loadUniverse<T: Sendable>(
        _ scenario: Scenario, workers: Int, then process: @escaping @Sendable (LoadedSymbol) -> T
    ) throws -> ([(symbol: LoadedSymbol, processed: T)], String) {
        let spec = scenario.dataset
        func processed(_ symbols: [LoadedSymbol]) throws -> [(symbol: LoadedSymbol, processed: T)] {
            Array(zip(symbols, try WorkerPool.map(symbols.count, workers: workers) { k in process(symbols[k]) }!))
        }
        guard let column = spec.symbolColumn else {
            let (entries, path, written) = try universeEntries(scenario)
            // The groups were classified when they were listed: read them as they are (a fallback
            // chain goes through the loader, which may serve another file).
            if spec.fallbacks.isEmpty {
                return (try HDF5BarStore.read(path, entries: entries, workers: workers, then: process), written)
            }
            let (loaded, servedBy) = try load(scenario, symbols: entries.map(\.symbol))
            return (try processed(loaded), servedBy)
        }
        guard FileKind(path: spec.path) != .missing else {
            throw ScenarioError.run("\(scenario.file): dataset.path: no such file \(spec.pathAsWritten) (resolved to \(spec.path))")
        }
        if let refusal = FileKind.readRefusal(spec.path) { throw ScenarioError.run("\(scenario.file): dataset.path: \(spec.pathAsWritten) \(refusal)") }
        let all: [LoadedSymbol]
        do { all = try LongTable.read(spec.path, key: spec.table, symbolColumn: column) } catch let error as LabDataError {
            throw ScenarioError.run("\(scenario.file): dataset.symbol_column: \(error)")
        }
        let chosen: [String]
        do {
            chosen = try (spec.selection ?? .all).resolve(in: all.map(\.series.symbol), file: spec.pathAsWritten, maxSymbols: spec.maxSymbols)
        } catch let LabDataError.invalidParameter(_, _, reason) {
            throw ScenarioError.run("\(scenario.file): dataset.symbols: \(reason)")
        } catch let error as LabDataError {
            throw ScenarioError.run("\(scenario.file): dataset.symbols: \(error)")
        }
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.series.symbol, $0) })
        return (try processed(chosen.map { byName[$0]! }), spec.pathAsWritten)
    }

    /// A universe portfolio: the chosen symbols read, cut to the date range and checked under the
    /// data-quality policy symbol by symbol (a symbol with no bar in the range is left out, named
    /// in the warnings), put on their shared calendar, stressed per variant (``UniverseStress``), and
    /// each variant run through ``UniverseBacktest``.
    func runUniverse(_ scenario: Scenario, progress: (@Sendable (Int, Int) -> Void)?) throws -> Outcome {
        let clock = ContinuousClock()
        let begin = clock.now
        @Sendable func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let spec = scenario.dataset, portfolio = scenario.portfolio!, plan = portfolio.universe!
        // Each symbol cut to the date range, checked under the policy and hashed by the worker
        // that read it (its columns still in that core's cache). The gaps are checked against
        // the universe's calendar: named, or inferred from its longest symbol in the range — known
        // only once every symbol is read, so the first symbol read gives a guess, and a symbol
        // checked against a guess that proves wrong is checked again.
        typealias Checked = (series: BarSeries, report: DataQualityReport?, repaired: Int, hash: UInt64)
        let range = (spec.start ?? .min, spec.end.map(CivilTime.dayAfter) ?? .max)
        @Sendable func check(_ symbol: BarSeries, calendar: TradingCalendar?) throws -> Checked {
            var s = symbol
            if spec.start != nil || spec.end != nil { s = s.slice(from: range.0, to: range.1).materialize() }
            guard !s.isEmpty else { return (s, nil, 0, 0) }
            let q = try DataQuality.validate(s, options: ValidationOptions(calendar: calendar))
            guard !q.isClean, scenario.dataQuality == .clean else { return (s, q, 0, RunID.hash(of: s)) }
            let cleaned = try DataQuality.clean(s, report: q)
            return (cleaned.series, q, cleaned.changes.count, RunID.hash(of: cleaned.series))
        }
        let guess = CalendarGuess(named: spec.calendar)
        let (read, servedBy) = try Self.loadUniverse(scenario, workers: workers) { symbol in
            let calendar = guess.calendar { CalendarInference.infer(symbol.series).calendar }
            return (calendar: calendar, checked: Result { try check(symbol.series, calendar: calendar) })
        }
        let loaded = read.map(\.symbol)
        // One column set for every symbol: a universe whose symbols differ is refused.
        if let first = loaded.first, let odd = loaded.first(where: { Set($0.columns) != Set(first.columns) }) {
            throw ScenarioError.run(
                "\(scenario.file): dataset.symbols: \(odd.series.symbol) has columns \(odd.columns.joined(separator: ", ")) but \(first.series.symbol) has \(first.columns.joined(separator: ", ")) in \(servedBy)"
            )
        }
        // The universe's calendar (thrown, if it must be, where it was before the checks moved).
        let longest = loaded.map { $0.series.slice(from: range.0, to: range.1) }.max { $0.count < $1.count }
        let choice = longest.flatMap { slice in slice.count == 0 ? nil : Result { try Self.calendar(scenario, reference: slice.materialize()) } }
        let gapCalendar = (try? choice?.get())?.annualisation.calendar ?? spec.calendar
        let again = read.indices.filter { read[$0].processed.calendar != gapCalendar }
        let rechecked = try WorkerPool.map(again.count, workers: workers) { i in Result { try check(loaded[again[i]].series, calendar: gapCalendar) } }!
        var results = read.map(\.processed.checked)
        for (i, k) in again.enumerated() { results[k] = rechecked[i] }
        let checked = try results.map { try $0.get() }
        let loadSeconds = seconds(clock.now - begin)
        var warnings: [String] = []
        var series: [BarSeries] = []
        var counts: [String: Int] = [:], errorRows = 0, findings = 0, repaired = 0, score = 100.0
        let rows = loaded.reduce(0) { $0 + $1.series.count }
        var dropped: [String] = []
        var hashes: [UInt64] = []
        for (s, report, fixes, hash) in checked {
            guard let q = report else {
                dropped.append(s.symbol)
                continue
            }
            for (kind, n) in q.counts { counts[kind.rawValue, default: 0] += n }
            errorRows += q.errorRows
            findings += q.warnings
            score = min(score, q.score)
            repaired += fixes
            if !q.isClean && scenario.dataQuality == .strict {
                throw ScenarioError.run(
                    "\(scenario.file): data_quality: strict: \(s.symbol) has \(q.errorRows) rows with errors in \(servedBy) (use clean to repair them)")
            }
            if !s.isEmpty {
                series.append(s)
                hashes.append(hash)
            } else {
                dropped.append(s.symbol)
            }
        }
        if !dropped.isEmpty {
            warnings.append("\(dropped.count) symbols have no bar in the date range and are left out (first: \(dropped[0]))")
        }
        guard !series.isEmpty else { throw ScenarioError.run("\(scenario.file): dataset.start/end: no symbol has a bar in the date range") }
        let calendar = try choice!.get()
        for k in series.indices { series[k].annualisation = calendar.annualisation }
        var groups = SymbolGroups.fromMetadata(series)
        if let sectors = spec.sectors {
            guard FileKind(path: sectors.path) != .missing else {
                throw ScenarioError.run("\(scenario.file): dataset.sectors: no such file \(sectors.written) (resolved to \(sectors.path))")
            }
            groups = try SymbolGroups.read(csv: sectors.path)
        }
        let universe = try Universe(series, groups: groups, workers: workers)
        if Self.usesGroups(plan.program.checked), universe.groups.allSatisfy({ $0 == nil }) {
            throw ScenarioError.run(
                "\(scenario.file): portfolio.weights: the group_ operators need sectors (dataset.sectors, or a sector attribute per symbol in \(servedBy))")
        }
        for (function, k) in plan.program.selectionCounts where k >= universe.count {
            warnings.append("\(function)'s k (\(k)) is not below the universe's \(universe.count) symbols: it holds every symbol with a value")
        }
        // Stress variants on the shared calendar (docs/portfolios.md): variant k from stream k + 1.
        let context = universe.symbols.max { $0.count < $1.count }!
        let planned = try scenario.stress.variants(for: context)
        try checkMemory(scenario, bars: universe.barCount + (planned.isEmpty ? 0 : universe.count * universe.length), copies: planned.count + 1)
        let streams = SeededRNG(seed: scenario.seed).streams(planned.count + 1)
        var variants: [(name: String, universe: Universe, annotations: [StressAnnotation])] = [("baseline", universe, [])]
        for (k, v) in planned.enumerated() {
            var rng = streams[k + 1]
            let stressed: Universe, notes: [StressAnnotation]
            do { (stressed, notes) = try UniverseStress.apply(v.steps, to: universe, seed: rng.next()) } catch let error as LabStressError {
                throw ScenarioError.run("\(scenario.file): stress.\(v.name): \(error)")
            }
            variants.append((v.name, stressed, notes))
        }
        let x = scenario.execution
        let simulator = try UniverseSimulator(
            config: .init(
                cash: x.cash, commission: x.commission, slippage: x.slippage, borrowRate: x.borrowRate, financingRate: x.financingRate,
                maxLeverage: max(x.maxLeverage, plan.constraints.grossLeverage), fractionalUnits: portfolio.fractionalUnits,
                participationCap: x.participationCap))
        let backtest = UniverseBacktest(simulator: simulator, program: plan.program, schedule: portfolio.schedule, constraints: plan.constraints)
        let t0 = clock.now
        var jobs: [JobReport] = []
        var returns: JobRun.Returns?
        for (k, variant) in variants.enumerated() where shard == nil || k % shard!.count == shard!.index {
            let run = try universeJob(
                k, variant.name, variant.universe, annotations: variant.annotations, backtest: backtest, scenario: scenario, warnings: warnings,
                baseline: universe)
            jobs.append(run.report)
            if k == 0 { returns = run.returns }
            progress?(jobs.count, variants.count)
        }
        let jobSeconds = seconds(clock.now - t0)
        let selection: String
        switch spec.selection ?? .all {
        case .all: selection = "all"
        case let .glob(p): selection = p
        case let .list(l): selection = l.joined(separator: ",")
        }
        let echo = RunReport.ScenarioEcho(
            name: scenario.name, description: scenario.description, file: URL(fileURLWithPath: scenario.file).lastPathComponent, seed: scenario.seed,
            dataset: spec.pathAsWritten, symbol: selection, start: spec.start.map { CivilTime.iso8601($0) }, end: spec.end.map { CivilTime.iso8601($0) },
            data_quality_policy: scenario.dataQuality.rawValue, strategy: "portfolio", parameters: plan.program.echo, filters: [],
            calibration_horizon: nil, variants: variants.map(\.name), parameter_sets: 1, hash: RunHistory.hash(scenario.text))
        let summary = RunReport.DataQualitySummary(
            symbol: "\(universe.count) symbols", rows: rows, rows_used: universe.barCount, error_rows: errorRows, warnings: findings, score: score,
            counts: counts, repaired: repaired, policy: scenario.dataQuality.rawValue, source: servedBy, data_hash: RunID.combine(hashes))
        var report = RunReport(
            run_id: RunID.make(scenario: scenario.text, dataHash: summary.data_hash, seed: scenario.seed), scenario: echo,
            environment: Version.environment, data_quality: summary, jobs: jobs, sweep: [], stress_comparison: [])
        report.headline_job = 0
        report.headline_reason = "declared"
        report.tabulate()
        if let returns {
            var none: [[Double]]?
            report.robustness = robustness(scenario.robustness, seed: scenario.seed, headline: 0, returns: returns, combinations: &none, walk: nil)
        }
        report.annualisation = calendar.report(
            grid: PeriodGrid(timestamps: universe.calendar, timezone: universe.clock.timezone, annualisation: calendar.annualisation))
        report.shard = shard
        return Outcome(
            report: report,
            timings: [
                "load": loadSeconds, "jobs": jobSeconds, "job_compute": jobSeconds,
                "total": seconds(clock.now - begin),
            ])
    }

    /// One variant's job: the backtest over `universe`, its warnings (`shared` first: the data's),
    /// its report section (with what the variant changed against `baseline`, the unstressed
    /// universe) and, for the robustness analysis, its period returns.
    func universeJob(
        _ k: Int, _ variant: String, _ universe: Universe, annotations: [StressAnnotation], backtest: UniverseBacktest, scenario: Scenario,
        warnings shared: [String], baseline: Universe? = nil
    ) throws -> JobRun {
        let result: UniverseBacktestResult
        do { result = try backtest.run(universe) } catch let error as UniverseBacktestError {
            throw ScenarioError.run("\(scenario.file): portfolio.\(error)\(k > 0 ? " (stress variant \(variant))" : "")")
        } catch let error as ExpressionError {
            throw ScenarioError.run("\(scenario.file): portfolio.weights: \(error.reason)")
        }
        let execution = result.execution
        var warnings = shared
        if result.missingScores > 0, let (time, symbol) = result.firstMissing {
            warnings.append(
                "\(result.missingScores) weights were in their symbol's warm-up (too little history of its own) and were not held (first: \(symbol) at \(CivilTime.iso8601(time)))"
            )
        }
        if result.emptyDecisions > 0 {
            warnings.append("\(result.emptyDecisions) decisions had no symbol with a score (no tradable symbol): the portfolio went to cash")
        }
        if execution.skippedOrders > 0 {
            warnings.append("\(execution.skippedOrders) orders were not placed: the symbol had no bar at the fill (it kept its units)")
        }
        if execution.cappedFills > 0 { warnings.append("\(execution.cappedFills) fills were cut by the participation cap") }
        if execution.delistingCloses > 0 {
            warnings.append("\(execution.delistingCloses) positions were closed at their symbol's last bar (delisting)")
        }
        let times = universe.calendar
        let keep = LTTB.indices(execution.equity, threshold: scenario.report.equityPoints)
        let section = UniverseSection.make(
            names: universe.names, groups: universe.groups, times: times, rebalances: execution.rebalances, contribution: execution.contribution,
            costs: execution.symbolCosts, holdings: execution.holdings, decisions: result.decisions, warnings: warnings)
        let empty = SignalQualityMetrics(signals: [], passed: [], filterStats: [])
        var report = JobReport(
            id: k, variant: variant, parameters: backtest.program.values.mapValues { "\($0)" }, bars: universe.length,
            stats: result.statistics.dictionary,
            signals: .init(quality: empty, monitoring: SignalMonitoring(outcomes: [], horizon: 1), anomalies: []),
            trades: .init(count: 0, items: []),
            equity: .init(bar: keep, time: keep.map { CivilTime.iso8601(times[$0]) }, value: keep.map { execution.equity[$0] }),
            annotations: annotations,
            portfolio: .init(symbols: [], fills: execution.fillCount, rebalances: [], universe: section))
        report.undefined_stats = result.statistics.undefinedByLabel
        if let baseline, k > 0 {
            let effect = Self.effect(of: variant, baseline: baseline.symbols, stressed: universe.symbols)
            report.stress = StressOutcome(
                changed_bars: effect.changedBars, stressed_bars: StressEffect.stressedBars(annotations, bars: universe.length).count, long_bars: nil,
                short_bars: nil, notes: effect.notes.isEmpty ? nil : effect.notes)
        }
        var returns: JobRun.Returns?
        if k == 0 && scenario.robustness.enabled {
            let grid = PeriodGrid(timestamps: times, timezone: universe.clock.timezone, annualisation: universe.clock.annualisation)
            returns = .init(
                period: PeriodGrid.returns(of: execution.equity, grid: grid), benchmark: [], trades: nil, periodsPerYear: grid.periodsPerYear,
                periodName: grid.periodName)
        }
        return JobRun(report: report, returns: returns)
    }

    /// Whether a `group_*` operator appears in `e`.
    static func usesGroups(_ e: TypedExpression) -> Bool {
        e.nodes.contains { if case .crossSection(_, true, _, _) = $0 { true } else { false } }
    }
}

/// The calendar a universe's symbols are checked against before the universe's own is known: the
/// named one, else the one the first symbol to ask infers (the same for every symbol after it).
final class CalendarGuess: @unchecked Sendable {
    private let lock = NSLock()
    private var guessed: TradingCalendar?

    /// A guess that is `named` when the scenario names a calendar.
    init(named: TradingCalendar?) { guessed = named }

    /// The guess, made by `infer` on the first call.
    func calendar(_ infer: () -> TradingCalendar) -> TradingCalendar {
        lock.lock()
        defer { lock.unlock() }
        if let guessed { return guessed }
        let made = infer()
        guessed = made
        return made
    }
}
