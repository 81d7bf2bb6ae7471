/// How a series' figures are annualised: bars a year for per-bar figures (the stress models'
/// volatilities and drifts, borrow and financing accrual, the risk filter, volatility-target
/// sizing, impact models) and periods a year for the performance statistics' daily returns.
///
/// Rules (``Rule``):
/// - `calendar` (the lab's default): from the trading calendar and the bar frequency. Intraday:
///   bars a trading day = the calendar's session minutes over the bar length (NYSE hourly 6.5, FX
///   hourly 24), bars a year = that × the calendar's days a year (FX hourly: 24 × 260 = 6 240).
///   Daily to sub-weekly bars: the calendar's days a year × one day over the bar length. Weekly
///   bars 52, monthly 12. The statistics' daily returns count the calendar's days a year.
/// - `bars_per_year` (`execution.bars_per_year`): bars a year as given; the statistics' periods a
///   year follow (bars a year over bars a trading day for daily returns, bars a year for weekly or
///   monthly bars).
/// - `backtesting_py` (`execution.preset: backtesting_py`): backtesting.py 0.6.6's own rule, for
///   parity — statistics over calendar days with 252 periods a year (365 when more than 2/7 · 0.6
///   of the bars fall on a weekend), per-bar figures over 252 sessions of 6.5 hours.
public struct Annualisation: Sendable, Hashable {
    /// Where the numbers come from.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// The trading calendar and the bar frequency.
        case calendar
        /// `execution.bars_per_year`.
        case barsPerYear = "bars_per_year"
        /// backtesting.py's own rule.
        case backtestingPy = "backtesting_py"
    }

    /// The trading calendar of the bars.
    public var calendar: TradingCalendar
    /// How the numbers were set.
    public var rule: Rule
    /// Bars a year.
    public var barsPerYear: Double
    /// Bars a trading day (1 for daily bars; a fraction for longer bars).
    public var barsPerDay: Double

    /// The annualisation of bars `frequency` apart (nil: daily) on `calendar` under `rule`;
    /// `barsPerYear` is the `bars_per_year` rule's figure (ignored by the other rules).
    public init(calendar: TradingCalendar, frequency: BarFrequency?, rule: Rule = .calendar, barsPerYear override: Double? = nil) {
        self.calendar = calendar
        self.rule = rule
        let f = frequency?.nanoseconds ?? CivilTime.nanosPerDay
        switch rule {
        case .backtestingPy:
            let intraday = frequency?.isIntraday ?? false
            barsPerDay = intraday ? 23_400e9 / Double(f) : Double(CivilTime.nanosPerDay) / Double(f)
            barsPerYear = Self.legacyBarsPerYear(frequency)
        case .calendar, .barsPerYear:
            let day = Double(CivilTime.nanosPerDay)
            let calendarBars: Double
            if frequency == .week {
                calendarBars = 52
                barsPerDay = 52 / calendar.daysPerYear
            } else if frequency == .month {
                calendarBars = 12
                barsPerDay = 12 / calendar.daysPerYear
            } else {
                barsPerDay = frequency?.isIntraday ?? false ? Double(calendar.sessionMinutes) * 60e9 / Double(f) : day / Double(f)
                calendarBars = calendar.daysPerYear * barsPerDay
            }
            barsPerYear = rule == .barsPerYear ? override ?? calendarBars : calendarBars
        }
    }

    /// backtesting.py's per-bar rule (the lab's before calendars): 252 trading days for daily bars,
    /// 52 weekly, 12 monthly, intraday bars 252 sessions of 6.5 hours; no frequency counts as daily.
    public static func legacyBarsPerYear(_ frequency: BarFrequency?) -> Double {
        guard let f = frequency else { return 252 }
        switch f {
        case .week: return 52
        case .month: return 12
        default: return f.isIntraday ? 252 * 23_400e9 / Double(f.nanoseconds) : 252 * Double(CivilTime.nanosPerDay) / Double(f.nanoseconds)
        }
    }

    /// Periods a year of the statistics' returns over periods of `period` (`day`, `week`, `month`,
    /// `year`); nil under `backtesting_py` (the statistics then keep backtesting.py's rule).
    public func periodsPerYear(period: String) -> Double? {
        switch (rule, period) {
        case (.backtestingPy, _): return nil
        case (_, "week"): return rule == .barsPerYear && barsPerDay < 1 ? barsPerYear : 52
        case (_, "month"): return rule == .barsPerYear && barsPerDay < 1 ? barsPerYear : 12
        case (_, "year"): return 1
        case (.calendar, _): return calendar.daysPerYear
        case (.barsPerYear, _): return barsPerYear / max(barsPerDay, 1)
        }
    }
}
