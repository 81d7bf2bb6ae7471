import Foundation
import LabCore

/// One statistic of a backtest: the single declaration its JSON key, unit, direction, display
/// format and command-line name are read from (report.json, report.html, baselines, Prometheus,
/// the dashboard, `--tolerance`, `sweep.objective`, `walk_forward.objective`).
///
/// The JSON key (``label``) is backtesting.py's name with its unit (`Return [%]`), so report
/// readers of schema 1 keep working; ``id`` is the snake_case name users type (`return_pct`).
/// Percentages are in percent, money in account currency, durations in days (see ``StatsTable``).
public enum Statistic: String, CaseIterable, Sendable, Codable, Comparable {
    /// First bar (ISO 8601).
    case start
    /// Last bar (ISO 8601).
    case end
    /// First to last bar, days.
    case duration_days
    /// Share of bars inside a closed trade, percent.
    case exposure_time_pct
    /// Equity after the last bar, account currency.
    case equity_final
    /// Highest equity, account currency.
    case equity_peak
    /// Commissions of closed trades, account currency.
    case commissions
    /// Total return, percent.
    case return_pct
    /// Buy-and-hold return from the strategy's warm-up, percent.
    case buy_and_hold_return_pct
    /// Annualised geometric mean period return, percent.
    case annual_return_pct
    /// Annualised volatility of period returns, percent.
    case annual_volatility_pct
    /// Compound annual growth, percent.
    case cagr_pct
    /// Annual return over annual volatility (rf = 0), the one Sharpe ratio of the lab.
    case sharpe_ratio
    /// Annual return over annualised downside deviation.
    case sortino_ratio
    /// Annual return over |maximum drawdown|.
    case calmar_ratio
    /// Return not explained by beta × buy and hold, percent.
    case alpha_pct
    /// Sensitivity of equity log returns to close log returns.
    case beta
    /// Deepest peak-to-trough fall, percent (negative).
    case max_drawdown_pct
    /// Mean drawdown episode depth, percent (negative).
    case avg_drawdown_pct
    /// Longest drawdown episode, days.
    case max_drawdown_duration_days
    /// Mean drawdown episode, days.
    case avg_drawdown_duration_days
    /// Closed trades.
    case trades
    /// Share of closed trades with P&L > 0, percent.
    case win_rate_pct
    /// Best trade return, percent.
    case best_trade_pct
    /// Worst trade return, percent.
    case worst_trade_pct
    /// Geometric mean trade return, percent.
    case avg_trade_pct
    /// Longest trade, days.
    case max_trade_duration_days
    /// Mean trade length, days.
    case avg_trade_duration_days
    /// Winning trade returns over |losing trade returns|.
    case profit_factor
    /// Arithmetic mean trade return, percent.
    case expectancy_pct
    /// System quality number.
    case sqn
    /// Kelly fraction.
    case kelly_criterion
    /// Traded value per year over mean equity (times a year).
    case turnover
    /// Commissions of every fill, account currency.
    case commission_all_fills
    /// Slippage paid, account currency.
    case slippage
    /// Borrow fees paid, account currency.
    case borrow
    /// Commission, slippage and borrow, account currency.
    case total_costs
    /// Costs per year over mean equity, basis points a year.
    case cost_drag_bps
    /// Historical 95 % value at risk of per-bar returns, percent (a loss as a positive number).
    case var_95_hist_pct
    /// Historical 95 % expected shortfall, percent.
    case cvar_95_hist_pct
    /// Cornish–Fisher 95 % value at risk, percent.
    case var_95_cornish_fisher_pct
    /// Cornish–Fisher 95 % expected shortfall, percent.
    case cvar_95_cornish_fisher_pct
    /// Historical 99 % value at risk, percent.
    case var_99_hist_pct
    /// Historical 99 % expected shortfall, percent.
    case cvar_99_hist_pct
    /// Cornish–Fisher 99 % value at risk, percent.
    case var_99_cornish_fisher_pct
    /// Cornish–Fisher 99 % expected shortfall, percent.
    case cvar_99_cornish_fisher_pct

    /// The unit a statistic's value is in.
    public enum Unit: String, Sendable {
        /// An ISO 8601 time (text).
        case date
        /// Days.
        case days
        /// Percent (5 = 5 %).
        case percent
        /// Account currency.
        case currency
        /// A dimensionless ratio.
        case ratio
        /// A count.
        case count
        /// Times a year.
        case perYear
        /// Basis points a year.
        case basisPointsPerYear
    }

    /// Which way a statistic is better.
    public enum Direction: String, Sendable {
        /// Higher is better (a drawdown, being negative, too).
        case higherIsBetter
        /// Lower is better.
        case lowerIsBetter
        /// Neither: a move is a change, not a regression.
        case neither
    }

    /// The snake_case name users type (`sharpe_ratio`).
    public var id: String { rawValue }

    /// The JSON key and display name, backtesting.py's where it has one (`Sharpe Ratio`).
    public var label: String {
        switch self {
        case .start: "Start"
        case .end: "End"
        case .duration_days: "Duration [days]"
        case .exposure_time_pct: "Exposure Time [%]"
        case .equity_final: "Equity Final [$]"
        case .equity_peak: "Equity Peak [$]"
        case .commissions: "Commissions [$]"
        case .return_pct: "Return [%]"
        case .buy_and_hold_return_pct: "Buy & Hold Return [%]"
        case .annual_return_pct: "Return (Ann.) [%]"
        case .annual_volatility_pct: "Volatility (Ann.) [%]"
        case .cagr_pct: "CAGR [%]"
        case .sharpe_ratio: "Sharpe Ratio"
        case .sortino_ratio: "Sortino Ratio"
        case .calmar_ratio: "Calmar Ratio"
        case .alpha_pct: "Alpha [%]"
        case .beta: "Beta"
        case .max_drawdown_pct: "Max. Drawdown [%]"
        case .avg_drawdown_pct: "Avg. Drawdown [%]"
        case .max_drawdown_duration_days: "Max. Drawdown Duration [days]"
        case .avg_drawdown_duration_days: "Avg. Drawdown Duration [days]"
        case .trades: "# Trades"
        case .win_rate_pct: "Win Rate [%]"
        case .best_trade_pct: "Best Trade [%]"
        case .worst_trade_pct: "Worst Trade [%]"
        case .avg_trade_pct: "Avg. Trade [%]"
        case .max_trade_duration_days: "Max. Trade Duration [days]"
        case .avg_trade_duration_days: "Avg. Trade Duration [days]"
        case .profit_factor: "Profit Factor"
        case .expectancy_pct: "Expectancy [%]"
        case .sqn: "SQN"
        case .kelly_criterion: "Kelly Criterion"
        case .turnover: "Turnover [x/yr]"
        case .commission_all_fills: "Commission (all fills) [$]"
        case .slippage: "Slippage [$]"
        case .borrow: "Borrow [$]"
        case .total_costs: "Total Costs [$]"
        case .cost_drag_bps: "Cost Drag [bp/yr]"
        case .var_95_hist_pct: "VaR 95% (hist.) [%]"
        case .cvar_95_hist_pct: "CVaR 95% (hist.) [%]"
        case .var_95_cornish_fisher_pct: "VaR 95% (Cornish-Fisher) [%]"
        case .cvar_95_cornish_fisher_pct: "CVaR 95% (Cornish-Fisher) [%]"
        case .var_99_hist_pct: "VaR 99% (hist.) [%]"
        case .cvar_99_hist_pct: "CVaR 99% (hist.) [%]"
        case .var_99_cornish_fisher_pct: "VaR 99% (Cornish-Fisher) [%]"
        case .cvar_99_cornish_fisher_pct: "CVaR 99% (Cornish-Fisher) [%]"
        }
    }

    /// The unit of the value.
    public var unit: Unit {
        switch self {
        case .start, .end: .date
        case .duration_days, .max_drawdown_duration_days, .avg_drawdown_duration_days, .max_trade_duration_days, .avg_trade_duration_days: .days
        case .equity_final, .equity_peak, .commissions, .commission_all_fills, .slippage, .borrow, .total_costs: .currency
        case .sharpe_ratio, .sortino_ratio, .calmar_ratio, .beta, .profit_factor, .sqn, .kelly_criterion: .ratio
        case .trades: .count
        case .turnover: .perYear
        case .cost_drag_bps: .basisPointsPerYear
        default: .percent
        }
    }

    /// Which way is better (what a baseline calls a regression).
    public var direction: Direction {
        switch self {
        case .start, .end, .duration_days, .exposure_time_pct, .trades, .beta, .buy_and_hold_return_pct, .turnover, .max_trade_duration_days,
            .avg_trade_duration_days:
            .neither
        case .annual_volatility_pct, .commissions, .commission_all_fills, .slippage, .borrow, .total_costs, .cost_drag_bps,
            .max_drawdown_duration_days, .avg_drawdown_duration_days, .var_95_hist_pct, .cvar_95_hist_pct, .var_95_cornish_fisher_pct,
            .cvar_95_cornish_fisher_pct, .var_99_hist_pct, .cvar_99_hist_pct, .var_99_cornish_fisher_pct, .cvar_99_cornish_fisher_pct:
            .lowerIsBetter
        default: .higherIsBetter
        }
    }

    /// The statistics a sweep computes for every combination (``PerformanceStats/Scope/key``): those
    /// that need one pass over the equity curve at most, and the trade and cost figures. The others
    /// (alpha, beta, drawdown episodes, tail risk) need the full computation.
    public static let key: [Statistic] = [
        .return_pct, .equity_final, .annual_return_pct, .annual_volatility_pct, .cagr_pct, .sharpe_ratio, .sortino_ratio, .calmar_ratio,
        .max_drawdown_pct, .exposure_time_pct, .trades, .win_rate_pct, .profit_factor, .expectancy_pct, .sqn, .total_costs, .cost_drag_bps,
    ]

    /// Whether a sweep's per-combination pass computes it (``key``).
    public var isKey: Bool { Self.key.contains(self) }

    /// Order of declaration (the display order).
    public static func < (a: Statistic, b: Statistic) -> Bool { order[a]! < order[b]! }
    private static let order = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// Short names kept from earlier scenario files: `sharpe`, `return`.
    static let aliases: [String: Statistic] = ["sharpe": .sharpe_ratio, "return": .return_pct]

    /// Every name a user may type for a statistic: the ids and the short aliases (for did-you-mean).
    public static var names: [String] { allCases.map(\.id) + aliases.keys.sorted() }

    /// The statistic a user named by its id (`sharpe_ratio`), its label (`Sharpe Ratio`) or an alias
    /// (`sharpe`, `return`), case-insensitively; nil for anything else.
    public init?(named name: String) {
        let n = name.trimmingCharacters(in: .whitespaces)
        if let s = Statistic(rawValue: n.lowercased()) ?? Self.aliases[n.lowercased()]
            ?? Self.allCases.first(where: {
                $0.label.lowercased() == n.lowercased()
            })
        {
            self = s
        } else {
            return nil
        }
    }

    /// The statistic named `name`, or an error naming `field`, with a did-you-mean among the ids.
    /// - Throws: ``LabMetricsError/unknownStatistic(field:name:suggestion:)``.
    public static func parse(_ name: String, field: String) throws -> Statistic {
        if let s = Statistic(named: name) { return s }
        let suggestion = NameSuggestion.closest(to: name.replacingOccurrences(of: " ", with: "_"), in: names)
        throw LabMetricsError.unknownStatistic(field: field, name: name, suggestion: suggestion)
    }

    /// The value formatted for a text table: money with two decimals, whole counts and days as
    /// integers, other numbers with six significant digits, texts as they are.
    public func formatted(_ value: StatValue) -> String {
        switch value {
        case let .text(t): return t
        case let .number(v):
            if !v.isFinite { return "\(v)" }
            if unit == .currency { return String(format: "%.2f", v) }
            if v == v.rounded() && abs(v) < 1e15 && (unit == .count || unit == .days) { return String(Int(v)) }
            return String(format: "%.6g", v)
        }
    }
}
