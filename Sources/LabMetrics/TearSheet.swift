import Foundation
import LabCore

/// The tables a reviewer reads first in a tear sheet, from one equity curve: calendar-month and
/// calendar-year returns (with the benchmark's yearly returns beside them) and the worst drawdown
/// periods.
///
/// Conventions:
/// - Calendar periods are taken on the bars' trading dates (the exchange's time zone for intraday
///   bars, the date stamped for daily bars).
/// - A period's return is simple and compounded: the equity at its last bar over the equity at
///   the previous period's last bar, minus 1; the first period runs from the first bar's equity.
///   This is QuantStats' `monthly_returns` / yearly compounding of daily returns.
/// - A drawdown period starts at the bar of the peak it falls from, reaches its trough at the
///   lowest equity, and ends at the first bar back at or above the peak (nil while still under
///   water at the last bar). Depth is `1 − trough / peak` (a fraction ≥ 0); length in calendar days
///   from the peak to the recovery (or the last bar).
public struct TearSheet: Sendable, Equatable {
    /// One calendar month's return.
    public struct MonthlyReturn: Sendable, Equatable {
        /// Calendar year and month (1 … 12).
        public var year: Int, month: Int
        /// Simple return over the month (fraction).
        public var value: Double
    }

    /// One calendar year's returns.
    public struct YearlyReturn: Sendable, Equatable {
        /// Calendar year.
        public var year: Int
        /// The strategy's simple return over the year (fraction).
        public var strategy: Double
        /// The benchmark's over the same bars (fraction).
        public var benchmark: Double
    }

    /// One drawdown period.
    public struct DrawdownPeriod: Sendable, Equatable {
        /// Bar of the peak it falls from, of the trough, and of the recovery (nil: not recovered).
        public var start: Int, trough: Int, end: Int?
        /// `1 − trough / peak`, a fraction ≥ 0.
        public var depth: Double
        /// Calendar days from the peak to the recovery (or the last bar).
        public var days: Double
    }

    /// Every calendar month, in order.
    public let monthly: [MonthlyReturn]
    /// Every calendar year, in order.
    public let yearly: [YearlyReturn]
    /// The deepest drawdown periods, deepest first (ties: the earlier first).
    public let drawdowns: [DrawdownPeriod]

    /// The tables of `equity` (account currency after each bar) against `benchmark` (the
    /// instrument's closes, buy and hold), at `timestamps` (ns since the epoch, UTC) whose trading
    /// dates are taken in `timezone` (intraday bars) or as stamped (daily bars); the `worst`
    /// deepest drawdown periods.
    public init(equity: [Double], benchmark: [Double], timestamps: [Int64], timezone: String, intraday: Bool, worst: Int = 5) {
        precondition(equity.count == timestamps.count && benchmark.count == timestamps.count, "one value a bar")
        let days = BarSeries.localDayNumbers(timestamps, timezone: timezone, intraday: intraday)
        let dates = days.map { CivilTime.civilFromDays($0) }
        func periods(_ key: (Int) -> Int) -> [(key: Int, last: Int)] {
            var out: [(Int, Int)] = []
            for i in dates.indices {
                let k = key(i)
                if let last = out.last, last.0 == k { out[out.count - 1].1 = i } else { out.append((k, i)) }
            }
            return out
        }
        func returns(_ values: [Double], _ ends: [(key: Int, last: Int)]) -> [Double] {
            ends.indices.map { p in values[ends[p].last] / values[p == 0 ? 0 : ends[p - 1].last] - 1 }
        }
        let months = periods { dates[$0].year * 12 + (dates[$0].month - 1) }
        monthly = zip(months, returns(equity, months)).map { MonthlyReturn(year: $0.key / 12, month: $0.key % 12 + 1, value: $1) }
        let years = periods { dates[$0].year }
        yearly = zip(years, zip(returns(equity, years), returns(benchmark, years))).map {
            YearlyReturn(year: $0.key, strategy: $1.0, benchmark: $1.1)
        }
        var found: [DrawdownPeriod] = []
        var peak = 0
        var trough = 0
        var under = false
        for i in equity.indices {
            if equity[i] >= equity[peak] {
                if under {
                    found.append(
                        DrawdownPeriod(
                            start: peak, trough: trough, end: i, depth: 1 - equity[trough] / equity[peak],
                            days: Double(timestamps[i] - timestamps[peak]) / 86_400e9))
                    under = false
                }
                peak = i
            } else {
                if !under || equity[i] < equity[trough] { trough = i }
                under = true
            }
        }
        if under, let last = equity.indices.last {
            found.append(
                DrawdownPeriod(
                    start: peak, trough: trough, end: nil, depth: 1 - equity[trough] / equity[peak],
                    days: Double(timestamps[last] - timestamps[peak]) / 86_400e9))
        }
        drawdowns = Array(
            found.enumerated().sorted { $0.element.depth != $1.element.depth ? $0.element.depth > $1.element.depth : $0.offset < $1.offset }
                .prefix(worst).map(\.element))
    }
}
