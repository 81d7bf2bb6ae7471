import Foundation
import LabBacktest
import LabCore
import LabExecution
import LabMetrics
import LabReport
import LabRobustness
import LabSignals
import LabStress

extension ScenarioRunner {
    /// The strategy of `scenario` with `parameters`.
    static func strategy(_ scenario: Scenario, _ parameters: [String: String]) throws -> any SignalStrategy {
        var spec = scenario.strategy
        spec.parameters = Scenario.strategyParameters(parameters)
        return try StrategyCatalog.make(spec)
    }

    /// The signal engine of `scenario` for `strategy`: quality, calibration, filters, outcomes at 1, 5 and 20 bars.
    static func pipeline(_ scenario: Scenario, _ strategy: any SignalStrategy) throws -> SignalPipeline {
        try SignalPipeline(strategy: strategy, filters: try SignalFilterChain(scenario.filters), calibrator: scenario.calibration, horizons: [1, 5, 20])
    }

    /// What a sweep combination trades: without filters every signal is traded, so the strategy's
    /// kernel alone gives the same orders as the whole engine (quality and calibration change
    /// confidences, which only filters read); with filters, the engine.
    static func tradedSource(_ scenario: Scenario, _ parameters: [String: String], flagged: [Bool]?) throws -> Backtest.SignalSource {
        let strategy = try strategy(scenario, parameters)
        return scenario.filters.isEmpty ? .strategy(strategy) : .pipeline(try pipeline(scenario, strategy), flagged: flagged)
    }

    /// One job in full: signals → execution → statistics, monitoring and anomalies (``Backtest``).
    /// `statsFrom`: the statistics cover bars from there on (walk-forward: after the warm-up
    /// history); `light`: no monitoring, anomalies, trades or curve beyond what the statistics need;
    /// `grid`: the period grid of `series` from `statsFrom` on, when the caller has it (variants
    /// on the baseline's clock share one); `keepReturns`: also keep the job's period and trade returns
    /// (for the robustness analysis); `effect`: a stress variant's changed bars and warnings (its
    /// report's `stress`, with where the strategy stood during the stressed bars).
    func runJob(
        id: Int, scenario: Scenario, variant: String, series: BarSeries, flagged: [Bool]?, annotations: [StressAnnotation],
        parameters: [String: String], statsFrom: Int = 0, light: Bool = false, grid: PeriodGrid? = nil, keepReturns: Bool = false,
        tearSheet: Bool = false, effect: (changedBars: Int, notes: [String])? = nil
    ) throws -> JobRun {
        let strategy = try Self.strategy(scenario, parameters)
        let backtest = Backtest(
            simulator: try ExecutionSimulator(config: scenario.execution(for: parameters)),
            source: .pipeline(try Self.pipeline(scenario, strategy), flagged: flagged))
        let run = try backtest.run(series, statisticsFrom: statsFrom, grid: grid)
        let signals = run.signals!, result = run.execution
        var returns: JobRun.Returns?
        if keepReturns {
            let from = min(max(0, statsFrom), series.count - 1)
            let equity = from == 0 ? result.equity : Array(result.equity[from...])
            let periods =
                grid
                ?? PeriodGrid(
                    timestamps: from == 0 ? series.timestamps : Array(series.timestamps[from...]), timezone: series.timezone,
                    annualisation: series.annualisation)
            let trades = result.trades.filter { $0.entryBar >= from }.map { t -> TradeRecord in
                var t = t
                t.entryBar -= from
                return t
            }
            returns = .init(
                period: PeriodGrid.returns(of: equity, grid: periods),
                benchmark: PeriodGrid.returns(of: from == 0 ? series.close : Array(series.close[from...]), grid: periods),
                trades: TradeMonteCarlo.returnOnEquity(trades: trades, equity: equity, startingCash: equity.first ?? scenario.execution.cash),
                periodsPerYear: periods.periodsPerYear, periodName: periods.periodName)
        }
        if light {
            var report = JobReport(
                id: id, variant: variant, parameters: parameters, bars: series.count - min(max(0, statsFrom), series.count - 1),
                stats: run.statistics.dictionary,
                signals: .init(quality: signals.qualityMetrics, monitoring: SignalMonitoring(outcomes: [], horizon: 1), anomalies: []),
                trades: .init(count: result.trades.count, items: []), equity: .init(bar: [], time: [], value: []), annotations: [])
            report.undefined_stats = run.statistics.undefinedByLabel
            return JobRun(report: report, returns: returns)
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
        var report = JobReport(
            id: id, variant: variant, parameters: parameters, bars: series.count, stats: run.statistics.dictionary,
            signals: .init(quality: signals.qualityMetrics, monitoring: monitoring, anomalies: anomalies),
            trades: .init(count: result.trades.count, items: Array(result.trades.prefix(scenario.report.tradesCap))),
            equity: .init(
                bar: keep, time: keep.map { CivilTime.iso8601(series.timestamps[$0]) }, value: keep.map { result.equity[$0] },
                buy_and_hold: keep.map { i in
                    let from = max(0, run.decisionStart - 1), cash = result.equity.first ?? scenario.execution.cash
                    return i < from ? cash : cash * series.close[i] / series.close[from]
                }),
            annotations: annotations)
        report.undefined_stats = run.statistics.undefinedByLabel
        if let effect {
            let stressed = StressEffect.stressedBars(annotations, bars: series.count)
            var side = [Int8](repeating: 0, count: series.count)
            for trade in result.trades {
                for t in max(0, trade.entryBar)..<min(series.count, max(trade.entryBar, trade.exitBar)) { side[t] = trade.size > 0 ? 1 : -1 }
            }
            report.stress = StressOutcome(
                changed_bars: effect.changedBars, stressed_bars: stressed.count, long_bars: stressed.filter { side[$0] > 0 }.count,
                short_bars: stressed.filter { side[$0] < 0 }.count, notes: effect.notes.isEmpty ? nil : effect.notes)
        }
        let exits = scenario.execution(for: parameters).exits
        if exits.canBeAmbiguous { report.intrabar = .init(policy: exits.intrabar.rawValue, ambiguous_bars: result.ambiguousBars) }
        var sheet: TearSheetReport?
        if tearSheet {
            let periods = grid ?? PeriodGrid(timestamps: series.timestamps, timezone: series.timezone, annualisation: series.annualisation)
            sheet = TearSheetReport(
                job: id,
                sheet: TearSheet(
                    equity: result.equity, benchmark: series.close, timestamps: series.timestamps, timezone: series.timezone,
                    intraday: series.frequency?.isIntraday ?? false),
                timestamps: series.timestamps, returns: returns?.period ?? PeriodGrid.returns(of: result.equity, grid: periods), grid: periods,
                points: scenario.report.equityPoints)
        }
        return JobRun(report: report, returns: returns, tearSheet: sheet)
    }
}

/// A job's report and, when asked for, the series the robustness analysis reads.
struct JobRun: Sendable {
    /// What report.json shows of the job.
    var report: JobReport
    /// Its period and trade returns.
    var returns: Returns?
    /// Its tear sheet's tables, when asked for.
    var tearSheet: TearSheetReport?

    /// A job's return series.
    struct Returns: Sendable {
        /// Simple returns of the equity between the statistics' period ends.
        var period: [Double]
        /// The instrument's close over the same periods (buy and hold).
        var benchmark: [Double]
        /// Each trade's P&L over the equity before its entry bar (nil for a portfolio: fills, not
        /// closed trades).
        var trades: [Double]?
        /// Periods a year, and the period's name.
        var periodsPerYear: Double
        var periodName: String
    }
}
