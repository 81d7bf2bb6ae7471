import Foundation
import LabCore
import LabExecution
import LabMetrics
import LabSignals

/// One backtest of one instrument — the single path every run takes (a scenario's jobs, a
/// walk-forward window, `gslab backtest`, each combination of a sweep): a signal source decides
/// after each bar's close, ``ExecutionSimulator`` fills, and the statistics (``PerformanceStats``,
/// ``CostMetrics``, ``StatsTable``) are computed over the statistics window.
///
/// Conventions: the simulation starts at the strategy's warm-up (the first bar it can decide on,
/// capped at the last bar); orders fill as the execution config says (next open by default);
/// buy and hold is measured from the close before the first decision bar, as backtesting.py does.
public struct Backtest: Sendable {
    /// Where the orders come from.
    public enum SignalSource: Sendable {
        /// Every signal of the strategy is traded as a market order (no quality score, calibration
        /// or filters), through its ``SignalStrategy/fillTargets(_:into:)`` kernel.
        case strategy(any SignalStrategy)
        /// The signal engine: quality, calibration and filters; the signals that pass are traded
        /// with their size scale. `flagged` marks bars data cleaning repaired.
        case pipeline(SignalPipeline, flagged: [Bool]?)

        /// The strategy behind the source.
        public var strategy: any SignalStrategy {
            switch self {
            case let .strategy(s): s
            case let .pipeline(p, _): p.strategy
            }
        }
    }

    /// Fills, costs and sizing.
    public var simulator: ExecutionSimulator
    /// The orders.
    public var source: SignalSource

    /// A backtest of `source` through `simulator`.
    public init(simulator: ExecutionSimulator, source: SignalSource) {
        self.simulator = simulator
        self.source = source
    }

    /// The first decision bar on `bars`: the strategy's warm-up, at most the last bar.
    public func decisionStart(_ bars: BarSeries) -> Int { min(source.strategy.warmUp, max(0, bars.count - 1)) }

    /// Runs over `bars`. `statisticsFrom`: the statistics cover the bars from there on (a
    /// walk-forward window after its warm-up history), with trades re-indexed from there; the
    /// execution result keeps the series' own bar indices. `grid`: the period grid of `bars`
    /// from `statisticsFrom` on, when the caller has it.
    public func run(
        _ bars: BarSeries, statisticsFrom: Int = 0, scope: PerformanceStats.Scope = .full, grid: PeriodGrid? = nil
    ) throws -> BacktestResult {
        let start = decisionStart(bars)
        var signals: SignalRun?
        let execution: ExecutionSimulator.Result
        switch source {
        case let .strategy(strategy) where strategy.sizesPositions:
            execution = try simulator.run(bars, orders: SignalRun.orders(strategy.signals(for: bars), count: bars.count), start: start)
        case let .strategy(strategy):
            var targets = [TargetDirection?](repeating: nil, count: bars.count)
            targets.withUnsafeMutableBufferPointer { strategy.fillTargets(bars, into: $0) }
            execution = try simulator.run(bars, targets: targets, start: start)
        case let .pipeline(pipeline, flagged):
            let run = try pipeline.run(bars, flagged: flagged)
            signals = run
            // Market orders at full size are targets (a byte a bar, not an order's 40).
            execution =
                run.needsOrders ? try simulator.run(bars, orders: run.orders, start: start) : try simulator.run(bars, targets: run.targets, start: start)
        }
        let (performance, table) = try Self.statistics(
            bars, equity: execution.equity, execution: execution, decisionStart: start, from: statisticsFrom, scope: scope, grid: grid)
        return BacktestResult(execution: execution, signals: signals, performance: performance, statistics: table, decisionStart: start)
    }

    /// The statistics of a run over `bars` whose equity after every bar is `equity` (the
    /// simulator's curve, or a sweep worker's buffer), from bar `from` on; buy and hold from the
    /// close before `decisionStart`. A single run's and a sweep combination's statistics, through
    /// ``statistics(equity:timestamps:benchmark:trades:costs:tradedValue:buyAndHoldStart:timezone:scope:grid:summary:)``.
    public static func statistics(
        _ bars: BarSeries, equity: [Double], execution: ExecutionSimulator.Result, decisionStart: Int, from: Int = 0,
        scope: PerformanceStats.Scope = .full, grid: PeriodGrid? = nil
    ) throws -> (PerformanceStats, StatsTable) {
        let from = min(max(0, from), bars.count - 1)
        let window = from == 0 ? equity : Array(equity[from...])
        let trades =
            from == 0
            ? execution.trades
            : execution.trades.map { t -> TradeRecord in
                var t = t
                t.entryBar -= from
                t.exitBar -= from
                return t
            }
        return try statistics(
            equity: window, timestamps: from == 0 ? bars.timestamps : Array(bars.timestamps[from...]),
            benchmark: from == 0 ? bars.close : Array(bars.close[from...]), trades: trades, costs: execution.costs,
            tradedValue: execution.tradedValue, buyAndHoldStart: max(0, decisionStart - 1 - from), timezone: bars.timezone,
            annualisation: bars.annualisation, scope: scope,
            grid: grid)
    }

    /// The one place statistics are computed from an equity curve (one instrument or a
    /// portfolio): ``PerformanceStats`` of `equity` (account currency after each bar, at
    /// `timestamps`) against `benchmark` (the closes buy and hold holds from bar
    /// `buyAndHoldStart`; beta and alpha are measured on it), `trades` (closed, bar indices into
    /// `equity`), ``CostMetrics`` from `costs` and `tradedValue` over the curve's span, and the
    /// typed ``StatsTable``. `annualisation`: the bars' (``BarSeries/annualisation``; nil: backtesting.py's
    /// rule). `grid`: the period grid of `timestamps`, when the caller has it.
    /// `summary`: the curve's ``EquitySummary`` instead of the curve (a sweep combination; `equity`
    /// empty, key scope).
    public static func statistics(
        equity: [Double], timestamps: [Int64], benchmark: [Double], trades: [TradeRecord], costs: CostBreakdown, tradedValue: Double,
        buyAndHoldStart: Int, timezone: String, annualisation: Annualisation?, scope: PerformanceStats.Scope = .full, grid: PeriodGrid? = nil,
        summary: EquitySummary? = nil
    ) throws -> (PerformanceStats, StatsTable) {
        let performance = try PerformanceStats.compute(
            .init(
                equity: equity, timestamps: timestamps, close: benchmark, trades: trades, buyAndHoldStart: buyAndHoldStart, timezone: timezone,
                annualisation: annualisation,
                grid: grid, scope: scope, summary: summary))
        let seconds = Double(timestamps.last! - timestamps.first!) / 1e9
        let costs = try CostMetrics.compute(
            tradedValue: tradedValue, commission: costs.commission, slippage: costs.slippage, borrow: costs.borrow,
            meanEquity: performance.meanEquity, seconds: max(seconds, 1))
        return (performance, StatsTable(performance: performance, costs: costs, equity: equity, scope: scope))
    }
}

/// What one backtest produced.
public struct BacktestResult: Sendable {
    /// Fills, trades, costs and the equity after every bar (series bar indices).
    public var execution: ExecutionSimulator.Result
    /// The signal engine's run, for a ``Backtest/SignalSource/pipeline(_:flagged:)`` source.
    public var signals: SignalRun?
    /// The performance statistics over the statistics window.
    public var performance: PerformanceStats
    /// Every statistic as typed rows (the report's `stats`).
    public var statistics: StatsTable
    /// The first decision bar.
    public var decisionStart: Int
}

extension SignalRun {
    /// Market orders for the passed signals at their bars, with their size scales and resizes (nil elsewhere).
    public var orders: [EntryOrder?] { Self.orders(passed, count: barCount) }

    /// Whether a passed signal sets a size (a scale below 1, or a resize), so the simulator needs
    /// orders rather than target directions.
    public var needsOrders: Bool { passed.contains { $0.sizeScale != 1 || $0.resizes } }

    /// Market orders from `signals` by bar (`count` long): each signal's direction, size scale and resize.
    public static func orders(_ signals: [Signal], count: Int) -> [EntryOrder?] {
        var out = [EntryOrder?](repeating: nil, count: count)
        for s in signals where s.bar < count { out[s.bar] = EntryOrder(s.direction, sizeScale: s.sizeScale, resizes: s.resizes) }
        return out
    }
}
