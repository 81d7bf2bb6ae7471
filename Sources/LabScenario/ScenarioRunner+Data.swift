import Foundation
import LabCore
import LabData
import LabReport
import LabStress

/// The data a single-instrument run works on: read once, cut to the date range, the quality
/// policy applied, and the stress variants built from it.
struct PreparedData {
    /// The bars after the date range and cleaning.
    var series: BarSeries
    /// Rows in the file before the date range.
    var rows: Int
    /// The validation before cleaning.
    var quality: DataQualityReport
    /// Bars cleaning repaired (nil when none).
    var flagged: [Bool]?
    /// Changes cleaning made.
    var repaired: Int
    /// The dataset path (as written) that served the data.
    var servedBy: String
    /// Columns of the dataset that feed no bar field.
    var unusedColumns: [String] = []
    /// The bars' trading calendar and annualisation (set on ``series``).
    var calendar: CalendarChoice
}

/// One stress variant of the data: the baseline first, then the plan's.
struct Variant: Sendable {
    /// `baseline` or the variant's name.
    var name: String
    /// Its bars.
    var series: BarSeries
    /// What the transforms did.
    var annotations: [StressAnnotation]
    /// Repaired bars (the baseline only).
    var flagged: [Bool]?
    /// Bars the variant changed from the baseline's, and warnings on it (none for the baseline).
    var effect: (changedBars: Int, notes: [String])? = nil
}

extension ScenarioRunner {
    /// Reads the dataset once, cuts it to the date range and applies the data-quality policy.
    func prepare(_ scenario: Scenario) throws -> PreparedData {
        let spec = scenario.dataset
        let (loaded, servedBy) = try Self.load(scenario, symbols: spec.symbol.map { [$0] })
        guard loaded.count == 1 else {
            throw ScenarioError.run(
                "\(scenario.file): dataset.symbol: \(spec.pathAsWritten) holds \(loaded.count) symbols (\(loaded.map(\.series.symbol).joined(separator: ", "))); name one"
            )
        }
        var series = loaded[0].series
        let rows = series.count
        series = try Self.dateRange(scenario, series)
        let calendar = try Self.calendar(scenario, reference: series)
        let quality = try DataQuality.validate(series, options: ValidationOptions(calendar: calendar.annualisation.calendar))
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
        series.annualisation = calendar.annualisation
        if scenario.execution.participationCap != nil, !series.volume.contains(where: { $0 > 0 }) {
            throw ScenarioError.run(
                "\(scenario.file): execution.participation_cap: \(series.symbol) has no volume (every bar's is 0 in \(spec.pathAsWritten)): a cap on volume would fill nothing"
            )
        }
        var prepared = PreparedData(
            series: series, rows: rows, quality: quality, flagged: flagged, repaired: repaired, servedBy: servedBy, calendar: calendar)
        prepared.unusedColumns = loaded[0].unusedColumns
        return prepared
    }

    /// `series` cut to the scenario's `dataset.start`/`end`, or a one-line error naming the range
    /// and what the file holds when no bar is left.
    static func dateRange(_ scenario: Scenario, _ series: BarSeries) throws -> BarSeries {
        let spec = scenario.dataset
        guard spec.start != nil || spec.end != nil else { return series }
        let cut = series.slice(from: spec.start ?? .min, to: spec.end.map(CivilTime.dayAfter) ?? .max).materialize()
        guard cut.isEmpty else { return cut }
        let range = (spec.start.map { CivilTime.iso8601($0) } ?? "the start") + " … " + (spec.end.map { CivilTime.iso8601($0) } ?? "the end")
        let held = series.isEmpty ? "none" : "\(CivilTime.iso8601(series.timestamps[0])) … \(CivilTime.iso8601(series.timestamps[series.count - 1]))"
        throw ScenarioError.run(
            "\(scenario.file): dataset.start/end: no \(series.symbol) bars in the date range \(range) in \(spec.pathAsWritten) (it holds \(held))")
    }

    /// Opens the scenario's data as a run would — every symbol read, cut to the date range, the
    /// data-quality policy applied, the settings that need the data checked (warm-up, latency,
    /// horizon), signals from a file aligned — without running a job: `gslab scenario validate`.
    /// - Returns: one line per symbol: its bars in the range and their first and last time.
    public func validateData(_ scenario: Scenario) throws -> [String] {
        func span(_ s: BarSeries) -> String {
            "\(s.symbol): \(s.count) bars \(CivilTime.iso8601(s.timestamps[0])) … \(CivilTime.iso8601(s.timestamps[s.count - 1]))"
        }
        if scenario.portfolio?.universe != nil {
            let (loaded, _) = try Self.loadUniverse(scenario)
            let spec = scenario.dataset
            let cut = loaded.map { $0.series.slice(from: spec.start ?? .min, to: spec.end.map(CivilTime.dayAfter) ?? .max).materialize() }
                .filter { !$0.isEmpty }
            guard let first = cut.map({ $0.timestamps[0] }).min(), let last = cut.map({ $0.timestamps[$0.count - 1] }).max() else {
                throw ScenarioError.run("\(scenario.file): dataset.start/end: no symbol has a bar in the date range")
            }
            return [
                "\(cut.count) of \(loaded.count) symbols with bars in the range: \(cut.reduce(0) { $0 + $1.count }) bars \(CivilTime.iso8601(first)) … \(CivilTime.iso8601(last))"
            ]
        }
        if scenario.portfolio != nil {
            let (loaded, _) = try Self.load(scenario, symbols: scenario.dataset.symbols)
            return try loaded.map { span(try Self.dateRange(scenario, $0.series)) }
        }
        let data = try prepare(scenario)
        var scenario = scenario
        if let signals = scenario.signals {
            scenario.strategy.signalColumns = try signals.load(for: data.series, scenarioFile: scenario.file, datasetSymbol: data.series.symbol).columns
        }
        try Self.checkAgainstData(scenario, bars: data.series.count)
        return [span(data.series)]
    }

    /// Refuses settings that cannot mean anything on `bars` bars, before any job runs: a fill
    /// latency or a calibration horizon of at least `bars` bars (no fill, no outcome), and a
    /// strategy whose warm-up leaves no bar to trade on (the declared one; with a sweep, every
    /// combination — a sweep where some combinations still trade runs, those report 0 trades).
    /// - Returns: how many of the parameter sets cannot trade (their warm-up is as long as the data).
    @discardableResult
    static func checkAgainstData(_ scenario: Scenario, bars: Int) throws -> Int {
        let file = scenario.file
        switch scenario.execution.fillTiming {
        case let .nextOpen(latency), let .nextTypical(latency):
            if latency >= bars - 1 {
                throw ScenarioError.run("\(file): execution.fill.latency: \(latency) bars leaves no bar to fill on in \(bars) bars")
            }
        case .thisClose: break
        }
        if let horizon = scenario.calibration?.horizon, horizon >= bars - 1 {
            throw ScenarioError.run("\(file): calibration.horizon: \(horizon) bars leaves no signal an outcome in \(bars) bars")
        }
        let sets = scenario.sweep == nil ? Array(scenario.parameterSets.prefix(1)) : scenario.parameterSets
        let warmUps = try sets.map { try strategy(scenario, $0).warmUp }
        if let shortest = warmUps.min(), shortest + 1 >= bars {
            let what = scenario.sweep == nil ? "\(scenario.strategy.name) needs" : "every combination of the sweep needs at least"
            throw ScenarioError.run(
                "\(file): strategy.params: \(what) \(shortest + 1) bars before its first signal, the data has \(bars) bars: it cannot trade")
        }
        return warmUps.filter { $0 + 1 >= bars }.count
    }

    /// The baseline and the plan's stress variants, each transformed with its own seed stream.
    func variants(_ scenario: Scenario, _ data: PreparedData) throws -> [Variant] {
        let planned = try scenario.stress.variants(for: data.series)
        try checkMemory(scenario, bars: data.series.count, copies: planned.count + 1)
        let streams = SeededRNG(seed: scenario.seed).streams(planned.count + 1)
        var out = [Variant(name: "baseline", series: data.series, annotations: [], flagged: data.flagged)]
        for (k, v) in planned.enumerated() {
            var rng = streams[k + 1]
            let stressed: StressedData
            do { stressed = try StressPipeline(v.steps).apply([data.series], seed: rng.next()) } catch let error as LabStressError {
                throw ScenarioError.run("\(scenario.file): stress.\(v.name): \(error)")
            }
            var variant = Variant(name: v.name, series: stressed.series[0], annotations: stressed.annotations, flagged: nil)
            variant.effect = Self.effect(of: v.name, baseline: [data.series], stressed: stressed.series)
            out.append(variant)
        }
        return out
    }

    /// How much variant `name` changed the data (each symbol against its own baseline), with a
    /// warning when it changed (almost) nothing: fewer than 0.1 % of the bars.
    static func effect(of name: String, baseline: [BarSeries], stressed: [BarSeries]) -> (changedBars: Int, notes: [String]) {
        let changed = zip(baseline, stressed).reduce(0) { $0 + StressEffect.changedBars(baseline: $1.0, stressed: $1.1) }
        let bars = baseline.reduce(0) { $0 + $1.count }
        guard Double(changed) < 0.001 * Double(bars) else { return (changed, []) }
        return (changed, ["\(name) changed \(changed) of the \(bars) bars: it stresses (almost) nothing on this data (see its annotation for what it drew)"])
    }

    /// Refuses a run whose bars (dataset × variants, ``MemoryBudget/bytesPerBar`` a bar) would
    /// exceed the memory budget (``memoryCapMB``; 0 is no limit).
    func checkMemory(_ scenario: Scenario, bars: Int, copies: Int) throws {
        guard memoryCapMB > 0 else { return }
        let needed = MemoryBudget.megabytes(bars: bars, copies: copies)
        if needed > Double(memoryCapMB) {
            throw ScenarioError.run(
                "\(scenario.file): memory_cap_mb: the run holds about \(String(format: "%.1f", needed)) MB of bars (\(bars) bars × \(copies) variants), over the cap of \(memoryCapMB) MB (--memory-limit, memory_cap_mb)"
            )
        }
    }

    /// Checks, without reading any bars, that the scenario's dataset can be found: its path (or,
    /// with fallbacks, the first source present) is a regular file that holds the scenario's
    /// symbols. `gslab scenario validate` runs it after parsing.
    public static func checkDataset(_ scenario: Scenario) throws {
        let spec = scenario.dataset
        let sources = [(spec.path, spec.pathAsWritten)] + spec.fallbacks
        guard let (path, written) = sources.first(where: { FileKind(path: $0.0) != .missing }) else {
            throw ScenarioError.run("\(scenario.file): dataset.path: no such file \(spec.pathAsWritten) (resolved to \(spec.path))")
        }
        if let refusal = FileKind.readRefusal(path) { throw ScenarioError.run("\(scenario.file): dataset.path: \(written) \(refusal)") }
        let present = try HDF5BarStore.symbols(in: path).map(\.symbol)
        // A long table's symbols are values of a column, not groups: they are checked when it is read.
        let wanted = spec.symbolColumn != nil ? [] : spec.symbols.isEmpty ? spec.symbol.map { [$0] } ?? [] : spec.symbols
        for symbol in wanted where !present.contains(symbol.hasPrefix("/") ? String(symbol.dropFirst()) : symbol) {
            throw LabDataError.symbolNotFound(path: path, symbol: symbol, present: present)
        }
        if wanted.isEmpty && present.isEmpty { throw LabDataError.noBarData(path: path) }
        if scenario.portfolio?.universe != nil && spec.symbolColumn == nil { _ = try universeSymbols(scenario) }
        if let signals = scenario.signals {
            guard FileKind(path: signals.path) != .missing else {
                throw ScenarioError.run("\(scenario.file): strategy.signals.path: no such file \(signals.pathAsWritten) (resolved to \(signals.path))")
            }
            if let refusal = FileKind.readRefusal(signals.path) {
                throw ScenarioError.run("\(scenario.file): strategy.signals.path: \(signals.pathAsWritten) \(refusal)")
            }
            let held = try HDF5BarStore.symbols(in: signals.path).map(\.symbol)
            if let symbol = signals.symbol ?? spec.symbol ?? (present.count == 1 ? present[0] : nil), !held.contains(symbol) {
                throw LabDataError.symbolNotFound(path: signals.path, symbol: symbol, present: held)
            }
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
            if let refusal = FileKind.readRefusal(spec.path) {
                throw ScenarioError.run("\(scenario.file): dataset.path: \(spec.pathAsWritten) \(refusal)")
            }
            return (try HDF5BarStore.read(spec.path, symbols: symbols), spec.pathAsWritten)
        }
        let sources = [DatasetSource(path: spec.path)] + spec.fallbacks.map { DatasetSource(path: $0.path) }
        let loaded = try DatasetLoader().load(from: sources, symbols: symbols)
        let written = ([(spec.path, spec.pathAsWritten)] + spec.fallbacks).first { $0.0 == loaded.source.path }?.1 ?? loaded.source.path
        return (loaded.symbols, written)
    }

}
