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

    /// The report form of `sheet` for job `job`, bar times from `timestamps`.
    public init(job: Int, sheet: TearSheet, timestamps: [Int64]) {
        self.job = job
        monthly = sheet.monthly.map { Month(year: $0.year, month: $0.month, value: $0.value) }
        yearly = sheet.yearly.map { Year(year: $0.year, strategy: $0.strategy, benchmark: $0.benchmark) }
        drawdowns = sheet.drawdowns.map {
            Drawdown(
                start: CivilTime.iso8601(timestamps[$0.start]), trough: CivilTime.iso8601(timestamps[$0.trough]),
                end: $0.end.map { CivilTime.iso8601(timestamps[$0]) }, depth: $0.depth, days: $0.days)
        }
    }
}
