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
        series = try series.map { try Self.dateRange(scenario, $0) }
        let calendar = try Self.calendar(scenario, reference: series[0])
        for k in series.indices { series[k].annualisation = calendar.annualisation }
        let rows = series.map(\.count).max() ?? 0
        var counts: [String: Int] = [:], errorRows = 0, warnings = 0, score = 100.0
        for (k, s) in series.enumerated() {
            let q = try DataQuality.validate(s, options: ValidationOptions(calendar: calendar.annualisation.calendar))
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
            let stressed: StressedData
            do { stressed = try StressPipeline(v.steps).apply(series, seed: rng.next()) } catch let error as LabStressError {
                throw ScenarioError.run("\(scenario.file): stress.\(v.name): \(error)")
            }
            variants.append((v.name, stressed.series, stressed.annotations))
        }
        var config = PortfolioSimulator.Config(
            cash: scenario.execution.cash, commission: scenario.execution.commission, slippage: scenario.execution.slippage,
            borrowRate: scenario.execution.borrowRate, financingRate: scenario.execution.financingRate,
            maxLeverage: scenario.execution.maxLeverage, fractionalUnits: plan.fractionalUnits, participationCap: scenario.execution.participationCap)
        config.fractionalUnits = plan.fractionalUnits
        let backtest = PortfolioBacktest(simulator: try PortfolioSimulator(config: config), rule: plan.rule, schedule: plan.schedule)
        let frozen = variants
        let t0 = clock.now
        let done = Counter()
        let mine = (0..<variants.count).filter { shard == nil || $0 % shard!.count == shard!.index }
        let runs = try parallel(mine.count) { m in
            let k = mine[m]
            defer { progress?(done.increment(), mine.count) }
            let v = frozen[k]
            let run = try backtest.run(v.series)
            let result = run.execution, table = run.statistics
            let first = v.series[0]
            let keep = LTTB.indices(result.equity, threshold: scenario.report.equityPoints)
            let empty = SignalQualityMetrics(signals: [], passed: [], filterStats: [])
            // The baseline's period returns for the robustness analysis (a portfolio has fills,
            // not closed trades: no trade Monte Carlo).
            var returns: JobRun.Returns?
            if k == 0 && scenario.robustness.enabled {
                let grid = PeriodGrid(timestamps: first.timestamps, timezone: first.timezone, annualisation: first.annualisation)
                returns = .init(
                    period: PeriodGrid.returns(of: result.equity, grid: grid), benchmark: [], trades: nil, periodsPerYear: grid.periodsPerYear,
                    periodName: grid.periodName)
            }
            var report = JobReport(
                id: k, variant: v.name, parameters: [:], bars: first.count, stats: table.dictionary,
                signals: .init(quality: empty, monitoring: SignalMonitoring(outcomes: [], horizon: 1), anomalies: []),
                trades: .init(count: 0, items: []),
                equity: .init(bar: keep, time: keep.map { CivilTime.iso8601(first.timestamps[$0]) }, value: keep.map { result.equity[$0] }),
                annotations: v.annotations,
                portfolio: .init(
                    symbols: result.symbols, fills: result.fills.count,
                    rebalances: result.rebalances.map { .init(bar: $0.bar, time: CivilTime.iso8601(first.timestamps[$0.bar]), weights: $0.weights) }))
            report.undefined_stats = table.undefinedByLabel
            if k > 0 {
                let effect = Self.effect(of: v.name, baseline: frozen[0].series, stressed: v.series)
                report.stress = StressOutcome(
                    changed_bars: effect.changedBars, stressed_bars: StressEffect.stressedBars(v.annotations, bars: first.count).count, long_bars: nil,
                    short_bars: nil, notes: effect.notes.isEmpty ? nil : effect.notes)
            }
            return JobRun(report: report, returns: returns)
        }
        let jobs = runs.map(\.report)
        let jobSeconds = seconds(clock.now - t0)
        let echo = RunReport.ScenarioEcho(
            name: scenario.name, description: scenario.description, file: URL(fileURLWithPath: scenario.file).lastPathComponent, seed: scenario.seed,
            dataset: spec.pathAsWritten,
            symbol: spec.symbols.joined(separator: ","), start: spec.start.map { CivilTime.iso8601($0) }, end: spec.end.map { CivilTime.iso8601($0) },
            data_quality_policy: scenario.dataQuality.rawValue, strategy: "portfolio", parameters: [:], filters: [], calibration_horizon: nil,
            variants: variants.map(\.name), parameter_sets: 1, hash: RunHistory.hash(scenario.text))
        let summary = RunReport.DataQualitySummary(
            symbol: spec.symbols.joined(separator: ","), rows: rows, rows_used: series[0].count, error_rows: errorRows, warnings: warnings,
            score: score, counts: counts, repaired: 0, policy: scenario.dataQuality.rawValue, source: servedBy,
            data_hash: RunID.hash(series: series))
        var report = RunReport(
            run_id: RunID.make(scenario: scenario.text, dataHash: summary.data_hash, seed: scenario.seed),
            scenario: echo, environment: Version.environment,
            data_quality: summary, jobs: jobs, sweep: [], stress_comparison: [])
        // One parameter set: the headline is the baseline's job, as declared.
        report.headline_job = 0
        report.headline_reason = "declared"
        report.tabulate()
        if let returns = runs.first(where: { $0.report.id == 0 })?.returns {
            var none: [[Double]]?
            report.robustness = robustness(scenario.robustness, seed: scenario.seed, headline: 0, returns: returns, combinations: &none, walk: nil)
        }
        report.annualisation = calendar.report(
            grid: PeriodGrid(timestamps: series[0].timestamps, timezone: series[0].timezone, annualisation: calendar.annualisation))
        report.shard = shard
        return Outcome(report: report, timings: ["jobs": jobSeconds, "job_compute": jobSeconds, "total": seconds(clock.now - begin)])
    }
}
