import Foundation
import LabCore
import LabMetrics

/// report.json's `tear_sheet`: the headline job's calendar-month and calendar-year returns (the
/// benchmark's yearly returns beside them) and its five worst drawdown periods, from its full
/// equity curve (``TearSheet``: conventions there). Returns and depths are fractions; times ISO
/// 8601 UTC.
public struct TearSheetReport: Sendable, Codable, Equatable {
    /// The job the tables are of (the headline).
    public var job: Int
    /// Every calendar month.
    public var monthly: [Month]
    /// Every calendar year.
    public var yearly: [Year]
    /// The deepest drawdown periods, deepest first.
    public var drawdowns: [Drawdown]
    /// Rolling annualised Sharpe ratio and volatility of the period returns; absent with fewer
    /// returns than a window.
    public var rolling: Rolling?
    /// The period returns' histogram with VaR and CVaR at 95 %; absent with fewer than 2.
    public var distribution: Distribution?

    /// Rolling figures over windows of half a year of periods, downsampled evenly to at most the
    /// report's `equity_points` points.
    public struct Rolling: Sendable, Codable, Equatable {
        /// Returns per window, and periods a year (`day` periods at 252 or 365, …).
        public var window: Int, periods_per_year: Double
        /// Time of each point (the window's last period end), ISO 8601 UTC.
        public var time: [String]
        /// Annualised Sharpe ratio (mean / sd · √periods_per_year, no risk-free rate).
        public var sharpe: [Double]
        /// Annualised volatility (sd · √periods_per_year, a fraction).
        public var volatility: [Double]
    }

    /// The distribution of the period returns.
    public struct Distribution: Sendable, Codable, Equatable {
        /// The period (`day`, `week`, `month`, `year`).
        public var period: String
        /// Left edge of each bin, bin counts, bin width (fractions).
        public var edges: [Double], counts: [Int], width: Double
        /// Historical VaR and CVaR at 95 %, losses as positive fractions.
        public var var_95: Double, cvar_95: Double
    }

    /// One month's return.
    public struct Month: Sendable, Codable, Equatable {
        /// Calendar year and month (1 … 12).
        public var year: Int, month: Int
        /// Simple return over the month (fraction).
        public var value: Double
    }

    /// One year's returns.
    public struct Year: Sendable, Codable, Equatable {
        /// Calendar year.
        public var year: Int
        /// The strategy's and buy and hold's simple returns (fractions).
        public var strategy: Double, benchmark: Double
    }

    /// One drawdown period.
    public struct Drawdown: Sendable, Codable, Equatable {
        /// Times of the peak, the trough and the recovery (absent: not recovered).
        public var start: String, trough: String
        /// Recovery time; absent while under water at the last bar.
        public var end: String?
        /// Depth, a fraction ≥ 0.
        public var depth: Double
        /// Calendar days from the peak to the recovery (or the last bar).
        public var days: Double
    }

    /// The report form of `sheet` for job `job`, bar times from `timestamps`; the rolling figures
    /// and the distribution of `returns`, the simple returns between the period ends of `grid`
    /// (``PeriodGrid/returns(of:grid:)``), the rolling series cut to at most `points` points.
    public init(job: Int, sheet: TearSheet, timestamps: [Int64], returns: [Double], grid: PeriodGrid, points: Int) {
        self.job = job
        monthly = sheet.monthly.map { Month(year: $0.year, month: $0.month, value: $0.value) }
        yearly = sheet.yearly.map { Year(year: $0.year, strategy: $0.strategy, benchmark: $0.benchmark) }
        drawdowns = sheet.drawdowns.map {
            Drawdown(
                start: CivilTime.iso8601(timestamps[$0.start]), trough: CivilTime.iso8601(timestamps[$0.trough]),
                end: $0.end.map { CivilTime.iso8601(timestamps[$0]) }, depth: $0.depth, days: $0.days)
        }
        let r = TearSheet.rolling(returns: returns, periodsPerYear: grid.periodsPerYear)
        if !r.last.isEmpty {
            let n = r.last.count, kept = min(n, max(2, points))
            let picks = (0..<kept).map { kept == 1 ? 0 : $0 * (n - 1) / (kept - 1) }
            rolling = Rolling(
                window: r.window, periods_per_year: grid.periodsPerYear,
                time: picks.map { CivilTime.iso8601(timestamps[grid.periodEnds[r.last[$0] + 1]]) }, sharpe: picks.map { r.sharpe[$0] },
                volatility: picks.map { r.volatility[$0] })
        }
        distribution = TearSheet.distribution(returns: returns).map {
            Distribution(
                period: grid.periodName, edges: $0.edges, counts: $0.counts, width: $0.width, var_95: $0.valueAtRisk,
                cvar_95: $0.conditionalValueAtRisk)
        }
    }
}
