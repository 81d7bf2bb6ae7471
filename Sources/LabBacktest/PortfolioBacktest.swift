import LabCore
import LabExecution
import LabMetrics

/// One backtest of several symbols sharing one cash account: a weight rule decided on a schedule,
/// ``PortfolioSimulator`` rebalancing to it (next open), and the statistics through
/// ``Backtest/statistics(equity:timestamps:benchmark:trades:costs:tradedValue:buyAndHoldStart:timezone:scope:grid:summary:)``
/// — the one statistics path single runs take — against the equal-weight index of the symbols
/// (each close over its first close, averaged, × 100) as the buy-and-hold benchmark.
public struct PortfolioBacktest: Sendable {
    /// Fills, costs and leverage of the shared account.
    public var simulator: PortfolioSimulator
    /// The target weights at each decision.
    public var rule: WeightRule
    /// The decision bars.
    public var schedule: RebalanceSchedule

    /// A backtest of `rule` on `schedule` through `simulator`.
    public init(simulator: PortfolioSimulator, rule: WeightRule, schedule: RebalanceSchedule) {
        self.simulator = simulator
        self.rule = rule
        self.schedule = schedule
    }

    /// Runs over `bars` (the symbols, on one clock).
    /// - Throws: ``LabExecutionError`` for unaligned symbols or bad weights.
    public func run(_ bars: [BarSeries]) throws -> PortfolioBacktestResult {
        let execution = try simulator.run(bars, rule: rule, schedule: schedule)
        let first = bars[0]
        let index = Self.equalWeightIndex(bars)
        let (performance, table) = try Backtest.statistics(
            equity: execution.equity, timestamps: first.timestamps, benchmark: index, trades: [], costs: execution.costs,
            tradedValue: execution.tradedValue, buyAndHoldStart: 0, timezone: first.timezone, annualisation: first.annualisation)
        return PortfolioBacktestResult(execution: execution, benchmark: index, performance: performance, statistics: table)
    }

    /// The equal-weight index of `bars` (aligned): Σ close_i / close_0 over the symbols, / count, × 100.
    static func equalWeightIndex(_ bars: [BarSeries]) -> [Double] {
        (0..<bars[0].count).map { i in bars.reduce(0) { $0 + $1.close[i] / $1.close[0] } / Double(bars.count) * 100 }
    }
}

/// What one portfolio backtest produced.
public struct PortfolioBacktestResult: Sendable {
    /// Equity, cash, units, fills, rebalances and costs.
    public var execution: PortfolioSimulator.Result
    /// The equal-weight index the statistics measure buy and hold and beta against.
    public var benchmark: [Double]
    /// The performance statistics.
    public var performance: PerformanceStats
    /// Every statistic as typed rows (the report's `stats`).
    public var statistics: StatsTable
}
