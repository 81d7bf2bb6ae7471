import Foundation

/// Why a statistic has no value (NaN) on a run: every NaN the lab prints or writes comes with one
/// of these reasons (report.json `jobs[].undefined_stats`, the `gslab backtest` table).
public enum UndefinedStatistic {
    /// The reason `statistic` is NaN, read off the run's figures: `p` (the performance), `equity`
    /// (after each bar; empty for a sweep combination).
    public static func reason(_ statistic: Statistic, _ p: PerformanceStats, equity: [Double]) -> String {
        let bankrupt = p.equityFinal <= 0 || equity.contains { $0 <= 0 }
        switch statistic {
        case .annual_volatility_pct, .sharpe_ratio:
            if p.annualVolatility == 0 { return "the equity did not change from one period to the next (volatility 0)" }
            return "fewer than 2 period returns"
        case .sortino_ratio:
            if p.annualReturn == 0 && !p.sortino.isInfinite { return "no period lost money and the annual return is 0 (0 / 0)" }
            return "fewer than 2 period returns"
        case .calmar_ratio:
            return "no drawdown (0 / 0)"
        case .alpha_pct, .beta:
            if bankrupt { return "the equity reached zero: its log returns are undefined" }
            return "the benchmark's closes do not vary (or fewer than 2 bars)"
        case .avg_drawdown_pct, .max_drawdown_duration_days, .avg_drawdown_duration_days:
            return "no drawdown"
        case .win_rate_pct, .best_trade_pct, .worst_trade_pct, .avg_trade_pct, .max_trade_duration_days, .avg_trade_duration_days,
            .expectancy_pct:
            return "no closed trade"
        case .profit_factor:
            return p.trades == 0 ? "no closed trade" : "no losing trade (gross loss 0)"
        case .sqn:
            return p.trades < 2 ? "needs at least 2 closed trades" : "every trade had the same P&L (standard deviation 0)"
        case .kelly_criterion:
            return p.trades == 0 ? "no closed trade" : "needs both a winning and a losing trade"
        case .var_95_hist_pct, .cvar_95_hist_pct, .var_95_cornish_fisher_pct, .cvar_95_cornish_fisher_pct, .var_99_hist_pct, .cvar_99_hist_pct,
            .var_99_cornish_fisher_pct, .cvar_99_cornish_fisher_pct:
            return "fewer than 2 bar returns before the equity reached zero, or no spread in them"
        case .turnover, .cost_drag_bps:
            return "the mean equity is 0"
        default:
            return bankrupt ? "the equity reached zero" : "undefined on this run"
        }
    }
}
