import Foundation
import LabCore

/// One statistic's value: a number or a text (dates).
public enum StatValue: Sendable, Equatable, Codable {
    /// A number in the unit the statistic's name states.
    case number(Double)
    /// A text (an ISO 8601 date).
    case text(String)

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

/// The statistics of one backtest as named rows, in backtesting.py's names and units so a reviewer
/// can hold them against its `stats` output line by line: percentages in percent (`[%]`), money in
/// account currency (`[$]`), durations in days (`[days]`, backtesting.py prints Timedeltas), dates
/// ISO 8601. Rows the lab adds to backtesting.py's keep the same style: costs split, turnover
/// (`[x/yr]`, traded value per year over mean equity), cost drag (`[bp/yr]`) and tail risk of the
/// per-bar simple returns of equity (`VaR 95% (hist.) [%]`, a loss as a positive percent).
public struct StatsTable: Sendable, Equatable {
    /// (name with unit, value) in display order.
    public var rows: [(name: String, value: StatValue)]

    public static func == (a: StatsTable, b: StatsTable) -> Bool {
        a.rows.map(\.name) == b.rows.map(\.name) && a.rows.map(\.value) == b.rows.map(\.value)
    }

    /// Rows from the performance statistics, the cost figures and the equity curve's bar returns.
    public init(performance p: PerformanceStats, costs: CostMetrics, equity: [Double]) {
        let day = 86_400.0
        func pct(_ x: Double) -> StatValue { .number(x * 100) }
        var rows: [(String, StatValue)] = [
            ("Start", .text(CivilTime.iso8601(p.start))),
            ("End", .text(CivilTime.iso8601(p.end))),
            ("Duration [days]", .number(p.duration / day)),
            ("Exposure Time [%]", pct(p.exposureTime)),
            ("Equity Final [$]", .number(p.equityFinal)),
            ("Equity Peak [$]", .number(p.equityPeak)),
            ("Commissions [$]", .number(p.commissions)),
            ("Return [%]", pct(p.totalReturn)),
            ("Buy & Hold Return [%]", pct(p.buyAndHoldReturn)),
            ("Return (Ann.) [%]", pct(p.annualReturn)),
            ("Volatility (Ann.) [%]", pct(p.annualVolatility)),
            ("CAGR [%]", pct(p.cagr)),
            ("Sharpe Ratio", .number(p.sharpe)),
            ("Sortino Ratio", .number(p.sortino)),
            ("Calmar Ratio", .number(p.calmar)),
            ("Alpha [%]", pct(p.alpha)),
            ("Beta", .number(p.beta)),
            ("Max. Drawdown [%]", pct(p.maxDrawdown)),
            ("Avg. Drawdown [%]", pct(p.averageDrawdown)),
            ("Max. Drawdown Duration [days]", .number(p.maxDrawdownDuration / day)),
            ("Avg. Drawdown Duration [days]", .number(p.averageDrawdownDuration / day)),
            ("# Trades", .number(Double(p.trades))),
            ("Win Rate [%]", pct(p.winRate)),
            ("Best Trade [%]", pct(p.bestTrade)),
            ("Worst Trade [%]", pct(p.worstTrade)),
            ("Avg. Trade [%]", pct(p.averageTrade)),
            ("Max. Trade Duration [days]", .number(p.maxTradeDuration / day)),
            ("Avg. Trade Duration [days]", .number(p.averageTradeDuration / day)),
            ("Profit Factor", .number(p.profitFactor)),
            ("Expectancy [%]", pct(p.expectancy)),
            ("SQN", .number(p.sqn)),
            ("Kelly Criterion", .number(p.kelly)),
            ("Turnover [x/yr]", .number(costs.turnover)),
            ("Commission (all fills) [$]", .number(costs.commission)),
            ("Slippage [$]", .number(costs.slippage)),
            ("Borrow [$]", .number(costs.borrow)),
            ("Total Costs [$]", .number(costs.totalCosts)),
            ("Cost Drag [bp/yr]", .number(costs.costDragBps)),
        ]
        var returns: [Double] = []
        returns.reserveCapacity(max(0, equity.count - 1))
        for i in 1..<max(1, equity.count) where equity[i - 1] > 0 { returns.append(equity[i] / equity[i - 1] - 1) }
        for level in [0.95, 0.99] {
            let tag = level == 0.95 ? "95%" : "99%"
            let measures: [(String, ([Double], Double) throws -> Double)] = [
                ("VaR \(tag) (hist.) [%]", TailRisk.historicalVaR), ("CVaR \(tag) (hist.) [%]", TailRisk.historicalCVaR),
                ("VaR \(tag) (Cornish-Fisher) [%]", TailRisk.cornishFisherVaR), ("CVaR \(tag) (Cornish-Fisher) [%]", TailRisk.cornishFisherCVaR),
            ]
            for (name, measure) in measures { rows.append((name, (try? measure(returns, level)).map(pct) ?? .number(.nan))) }
        }
        self.rows = rows
    }

    /// The rows as a dictionary (for JSON; keys sort deterministically).
    public var dictionary: [String: StatValue] { Dictionary(rows.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }) }

    /// The rows as an aligned two-column text table.
    public func rendered() -> String {
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { row in
            let value: String
            switch row.value {
            case let .text(t): value = t
            case let .number(v):
                if !v.isFinite {
                    value = "\(v)"
                } else if row.name.hasSuffix("[$]") {
                    value = String(format: "%.2f", v)
                } else if v == v.rounded() && abs(v) < 1e15 && (row.name.hasPrefix("#") || row.name.hasSuffix("[days]")) {
                    value = String(Int(v))
                } else {
                    value = String(format: "%.6g", v)
                }
            }
            return row.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value
        }.joined(separator: "\n") + "\n"
    }
}
