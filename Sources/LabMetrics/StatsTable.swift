import Foundation
import LabCore

/// One statistic's value: a number or a text (dates).
public enum StatValue: Sendable, Equatable, Codable {
    /// A number in the unit the statistic's name states.
    case number(Double)
    /// A text (an ISO 8601 date).
    case text(String)

    /// The number, or NaN for a text.
    public var number: Double {
        if case let .number(v) = self { return v }
        return .nan
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(v): try c.encode(v)
        case let .text(t): try c.encode(t)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Double.self) { self = .number(v) } else { self = .text(try c.decode(String.self)) }
    }
}

/// The statistics of one backtest as typed rows, in backtesting.py's names and units so a reviewer
/// can hold them against its `stats` output line by line: percentages in percent (`[%]`), money in
/// account currency (`[$]`), durations in days (`[days]`, backtesting.py prints Timedeltas), dates
/// ISO 8601. Rows the lab adds to backtesting.py's keep the same style: costs split, turnover
/// (`[x/yr]`, traded value per year over mean equity), cost drag (`[bp/yr]`) and tail risk of the
/// per-bar simple returns of equity (`VaR 95% (hist.) [%]`, a loss as a positive percent).
/// Every row is a ``Statistic``; its label is the JSON key.
public struct StatsTable: Sendable, Equatable {
    /// (statistic, value) in display order (the order ``Statistic`` declares).
    public var rows: [(statistic: Statistic, value: StatValue)]
    /// Why each NaN row has no value (``UndefinedStatistic``), by statistic.
    public var undefined: [Statistic: String] = [:]

    public static func == (a: StatsTable, b: StatsTable) -> Bool {
        a.rows.map(\.statistic) == b.rows.map(\.statistic) && a.rows.map(\.value) == b.rows.map(\.value)
    }

    /// Rows from the performance statistics, the cost figures and the equity curve's bar returns.
    /// With a performance of ``PerformanceStats/Scope/key`` scope only the ``Statistic/key`` rows
    /// are kept (tail risk is not computed).
    public init(performance p: PerformanceStats, costs: CostMetrics, equity: [Double], scope: PerformanceStats.Scope = .full) {
        let day = 86_400.0
        func pct(_ x: Double) -> StatValue { .number(x * 100) }
        var rows: [(Statistic, StatValue)] = [
            (.start, .text(CivilTime.iso8601(p.start))),
            (.end, .text(CivilTime.iso8601(p.end))),
            (.duration_days, .number(p.duration / day)),
            (.exposure_time_pct, pct(p.exposureTime)),
            (.equity_final, .number(p.equityFinal)),
            (.equity_peak, .number(p.equityPeak)),
            (.commissions, .number(p.commissions)),
            (.return_pct, pct(p.totalReturn)),
            (.buy_and_hold_return_pct, pct(p.buyAndHoldReturn)),
            (.annual_return_pct, pct(p.annualReturn)),
            (.annual_volatility_pct, pct(p.annualVolatility)),
            (.cagr_pct, pct(p.cagr)),
            (.sharpe_ratio, .number(p.sharpe)),
            (.sortino_ratio, .number(p.sortino)),
            (.calmar_ratio, .number(p.calmar)),
            (.alpha_pct, pct(p.alpha)),
            (.beta, .number(p.beta)),
            (.max_drawdown_pct, pct(p.maxDrawdown)),
            (.avg_drawdown_pct, pct(p.averageDrawdown)),
            (.max_drawdown_duration_days, .number(p.maxDrawdownDuration / day)),
            (.avg_drawdown_duration_days, .number(p.averageDrawdownDuration / day)),
            (.trades, .number(Double(p.trades))),
            (.win_rate_pct, pct(p.winRate)),
            (.best_trade_pct, pct(p.bestTrade)),
            (.worst_trade_pct, pct(p.worstTrade)),
            (.avg_trade_pct, pct(p.averageTrade)),
            (.max_trade_duration_days, .number(p.maxTradeDuration / day)),
            (.avg_trade_duration_days, .number(p.averageTradeDuration / day)),
            (.profit_factor, .number(p.profitFactor)),
            (.expectancy_pct, pct(p.expectancy)),
            (.sqn, .number(p.sqn)),
            (.kelly_criterion, .number(p.kelly)),
            (.turnover, .number(costs.turnover)),
            (.commission_all_fills, .number(costs.commission)),
            (.slippage, .number(costs.slippage)),
            (.borrow, .number(costs.borrow)),
            (.total_costs, .number(costs.totalCosts)),
            (.cost_drag_bps, .number(costs.costDragBps)),
        ]
        if scope == .key {
            self.rows = rows.filter { $0.0.isKey }
            undefined = Self.reasons(self.rows, p, equity: equity)
            return
        }
        var returns: [Double] = []
        returns.reserveCapacity(max(0, equity.count - 1))
        for i in 1..<max(1, equity.count) where equity[i - 1] > 0 { returns.append(equity[i] / equity[i - 1] - 1) }
        let profile = try? TailRisk.Profile(returns)
        let measures: [(Statistic, Double, (TailRisk.Profile) -> (Double) throws -> Double)] = [
            (.var_95_hist_pct, 0.95, TailRisk.Profile.historicalVaR), (.cvar_95_hist_pct, 0.95, TailRisk.Profile.historicalCVaR),
            (.var_95_cornish_fisher_pct, 0.95, TailRisk.Profile.cornishFisherVaR),
            (.cvar_95_cornish_fisher_pct, 0.95, TailRisk.Profile.cornishFisherCVaR),
            (.var_99_hist_pct, 0.99, TailRisk.Profile.historicalVaR), (.cvar_99_hist_pct, 0.99, TailRisk.Profile.historicalCVaR),
            (.var_99_cornish_fisher_pct, 0.99, TailRisk.Profile.cornishFisherVaR),
            (.cvar_99_cornish_fisher_pct, 0.99, TailRisk.Profile.cornishFisherCVaR),
        ]
        for (statistic, level, measure) in measures {
            rows.append((statistic, profile.flatMap { try? measure($0)(level) }.map(pct) ?? .number(.nan)))
        }
        self.rows = rows
        undefined = Self.reasons(rows, p, equity: equity)
    }

    static func reasons(_ rows: [(statistic: Statistic, value: StatValue)], _ p: PerformanceStats, equity: [Double]) -> [Statistic: String] {
        var out: [Statistic: String] = [:]
        for row in rows where row.value.number.isNaN {
            if case .text = row.value { continue }
            out[row.statistic] = UndefinedStatistic.reason(row.statistic, p, equity: equity)
        }
        return out
    }

    /// ``undefined`` keyed by label (for JSON); nil when every statistic has a value.
    public var undefinedByLabel: [String: String]? {
        undefined.isEmpty ? nil : Dictionary(uniqueKeysWithValues: undefined.map { ($0.key.label, $0.value) })
    }

    /// The value of `statistic`, nil when the table does not hold it.
    public subscript(_ statistic: Statistic) -> StatValue? { rows.first { $0.statistic == statistic }?.value }

    /// The rows as a dictionary keyed by label (for JSON; keys sort deterministically).
    public var dictionary: [String: StatValue] { Dictionary(rows.map { ($0.statistic.label, $0.value) }, uniquingKeysWith: { a, _ in a }) }

    /// The rows as an aligned two-column text table.
    public func rendered() -> String {
        let width = rows.map(\.statistic.label.count).max() ?? 0
        return rows.map { row in
            row.statistic.label.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + (undefined[row.statistic].map { "n/a (\($0))" } ?? row.statistic.formatted(row.value))
        }.joined(separator: "\n") + "\n"
    }
}
