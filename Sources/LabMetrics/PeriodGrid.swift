import Foundation
import LabCore

/// The calendar periods of a series' bars that returns are taken over (see ``PerformanceStats``):
/// the last bar of each period, the periods per year, and the data's time resolution. It depends
/// on the timestamps alone, so a sweep makes it once and shares it across its combinations.
///
/// Periods: from the median spacing of the last 100 bars in whole days — 7 → weeks (Monday to
/// Sunday), 31 → months, 365 → years, otherwise days. Under a calendar ``Annualisation`` days are
/// the calendar's trading dates (FX's roll at 17:00 New York) and the periods a year are the
/// annualisation's (``Annualisation/periodsPerYear(period:)``: NYSE 252 days, FX 260, crypto 365;
/// weeks 52, months 12, years 1). Without one, or under `backtesting_py`, backtesting.py's rule:
/// calendar days in the exchange's zone, 365 a year when more than 2/7·0.6 of the bars fall on a
/// weekend, else 252.
public struct PeriodGrid: Sendable, Equatable {
    /// Index of the last bar of each period, ascending (empty for fewer than two bars).
    public let periodEnds: [Int]
    /// Periods per year used for annualisation.
    public let periodsPerYear: Double
    /// The name of this grid's period: `day`, `week`, `month` or `year`.
    public let periodName: String
    /// The data's time resolution in seconds: the largest of day, hour, minute, second,
    /// millisecond, microsecond, nanosecond that divides the median spacing of the last 100 bars.
    public let resolution: Double
    /// Number of bars the grid was made for.
    public let bars: Int

    /// The grid of `timestamps` (ns since the epoch, UTC) under `annualisation` (nil: backtesting.py's
    /// rule, days taken in the IANA zone `timezone`).
    public init(timestamps: [Int64], timezone: String, annualisation: Annualisation?) {
        bars = timestamps.count
        resolution = Self.resolution(timestamps)
        let n = timestamps.count
        guard n >= 2 else {
            periodEnds = []
            periodName = "day"
            periodsPerYear = annualisation?.periodsPerYear(period: "day") ?? 252
            return
        }
        let recent = Array(timestamps.suffix(100))
        let spacings = zip(recent.dropFirst(), recent).map { $0 - $1 }.sorted()
        let median =
            spacings.count % 2 == 1
            ? Double(spacings[spacings.count / 2])
            : (Double(spacings[spacings.count / 2 - 1]) + Double(spacings[spacings.count / 2])) / 2
        let freqDays = Int((median / 86_400e9).rounded(.down))
        let intraday = median < 86_400e9
        let byCalendar = annualisation.flatMap { $0.rule == .backtestingPy ? nil : $0 }
        let days: [Int64]
        if let byCalendar, intraday {
            var locator = TradingCalendar.Locator(byCalendar.calendar)
            days = timestamps.map { locator.tradingDate(of: $0) }
        } else {
            days = BarSeries.localDayNumbers(timestamps, timezone: timezone, intraday: intraday)
        }
        let key: (Int) -> Int64
        var periodsPerYear: Double
        switch freqDays {
        case 7:
            periodName = "week"
            periodsPerYear = 52
            key = { i in Int64((Double(days[i] - 4) / 7).rounded(.down)) }  // weeks Monday…Sunday
        case 31:
            periodName = "month"
            periodsPerYear = 12
            key = { i in
                let (y, m, _) = CivilTime.civilFromDays(days[i]); return Int64(y * 12 + m)
            }
        case 365:
            periodName = "year"
            periodsPerYear = 1
            key = { i in Int64(CivilTime.civilFromDays(days[i]).year) }
        default:
            periodName = "day"
            let weekend = days.filter { CivilTime.isoWeekday(dayNumber: $0) >= 6 }.count
            periodsPerYear = Double(weekend) / Double(n) > 2.0 / 7.0 * 0.6 ? 365 : 252
            key = { i in days[i] }
        }
        if let byCalendar, let p = byCalendar.periodsPerYear(period: periodName) { periodsPerYear = p }
        self.periodsPerYear = periodsPerYear
        var ends: [Int] = []
        var current = key(0)
        for i in 1..<n {
            let k = key(i)
            if k != current {
                ends.append(i - 1)
                current = k
            }
        }
        ends.append(n - 1)
        periodEnds = ends
    }

    static func resolution(_ timestamps: [Int64]) -> Double {
        let recent = Array(timestamps.suffix(100))
        let spacings = zip(recent.dropFirst(), recent).map { $0 - $1 }.sorted()
        guard !spacings.isEmpty else { return 86_400 }
        let median = spacings[spacings.count / 2]
        for unit: Int64 in [86_400_000_000_000, 3_600_000_000_000, 60_000_000_000, 1_000_000_000, 1_000_000, 1_000, 1]
        where median % unit == 0 {
            return Double(unit) / 1e9
        }
        return 1e-9
    }

    /// `seconds` rounded up to a multiple of `unit` seconds.
    static func ceil(_ seconds: Double, to unit: Double) -> Double {
        (seconds / unit).rounded(.up) * unit
    }
}

extension EquitySummary {
    /// An empty summary over `grid`'s periods (what ``PerformanceStats`` reads of a curve).
    public init(grid: PeriodGrid) { self.init(periodEnds: grid.periodEnds) }
}

extension PeriodGrid {
    /// Simple returns of `values` (an equity curve or closes, one value a bar of this grid) from one
    /// period end to the next: what ``PerformanceStats`` takes its Sharpe ratio from, and what
    /// ``EquitySummary/periodReturns`` gives without the curve. Empty when `values` is not one a bar.
    public static func returns(of values: [Double], grid: PeriodGrid) -> [Double] {
        guard values.count == grid.bars, grid.periodEnds.count >= 2 else { return [] }
        let ends = grid.periodEnds
        return (1..<ends.count).map { k in values[ends[k]] / values[ends[k - 1]] - 1 }
    }

}
