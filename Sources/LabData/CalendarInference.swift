import Foundation
import LabCore

/// Which trading calendar a series' bars come from, when the scenario does not say
/// (`dataset.calendar`), and how well a calendar fits the bars.
///
/// The rule, in order (bars sampled evenly, at most 8 192):
/// 0. Weekly and monthly bars (period labels, which may fall on a weekend) → `NYSE`; their bars a
///    year (52, 12) do not depend on the calendar.
/// 1. More than 5 % of the bars on a Saturday (the UTC date; no exchange session falls on a UTC
///    Saturday) → `CRYPTO_24x7`.
/// 2. Intraday bars starting in at least 20 of the 24 hours of the UTC day (around the clock on
///    weekdays) → `CME_GLOBEX` when the hour 16:00–17:00 America/Chicago (Globex's daily
///    maintenance break) holds under 0.5 % of them, else `FX_24x5`.
/// 3. Daily bars present on at least half of the NYSE's weekday holidays in their span (three or
///    more) → `FX_24x5` (markets that ignore the exchange's holidays).
/// 4. Otherwise exchange hours → `NYSE` (the lab's exchange calendars, NYSE and NASDAQ, share
///    hours and holidays).
public enum CalendarInference {
    /// A calendar chosen by the rule and the evidence it was chosen on, in words.
    public struct Inferred: Sendable, Equatable {
        /// The calendar.
        public var calendar: TradingCalendar
        /// What was seen, e.g. `bars in 24 of 24 hours of the UTC day, none on Saturdays`.
        public var evidence: String
    }

    /// The calendar of `series` by the rule above.
    public static func infer(_ series: BarSeries) -> Inferred {
        let n = series.count
        guard n > 0 else { return Inferred(calendar: .nyse, evidence: "no bars: NYSE by default") }
        // Weekly and monthly bars carry period labels (a month's end may be a Saturday): no evidence.
        if let f = series.frequency, f.nanoseconds >= 6 * CivilTime.nanosPerDay {
            return Inferred(calendar: .nyse, evidence: "\(f.label) bars: NYSE by default (the calendar only names the market)")
        }
        let sample = Array(stride(from: 0, to: n, by: max(1, n / 8192)))
        let intraday = series.frequency?.isIntraday ?? false
        let saturdays = sample.filter { CivilTime.isoWeekday(dayNumber: CivilTime.dayNumber(series.timestamps[$0])) == 6 }.count
        let saturdayShare = Double(saturdays) / Double(sample.count)
        if saturdayShare > 0.05 {
            return Inferred(calendar: .crypto, evidence: "\(percent(saturdayShare)) of the bars on Saturdays (UTC)")
        }
        if intraday {
            var hours = Set<Int64>()
            var maintenance = 0
            var zone = TimeZoneOffsets.Cursor()
            for i in sample {
                let t = series.timestamps[i]
                hours.insert(CivilTime.timeOfDay(t) / CivilTime.nanosPerHour)
                let local = CivilTime.shifted(t, bySeconds: zone.secondsFromUTC("America/Chicago", at: t))
                if CivilTime.timeOfDay(local) / CivilTime.nanosPerHour == 16 { maintenance += 1 }
            }
            if hours.count >= 20 {
                let share = Double(maintenance) / Double(sample.count)
                if share < 0.005 {
                    return Inferred(
                        calendar: .cmeGlobex,
                        evidence: "bars in \(hours.count) of the 24 hours of the UTC day, none 16:00–17:00 America/Chicago (Globex's break)")
                }
                return Inferred(calendar: .fx, evidence: "bars in \(hours.count) of the 24 hours of the UTC day, none on Saturdays")
            }
            let inside = fit(series, calendar: .nyse, sample: sample)
            let share = 1 - Double(inside.outside) / Double(sample.count)
            return Inferred(
                calendar: .nyse,
                evidence: "\(percent(share)) of the bars inside NYSE sessions (09:30–16:00 America/New_York)"
                    + (share < 0.9 ? "; set dataset.calendar for another market" : ""))
        }
        let (holidays, traded) = holidaysTraded(series)
        if holidays >= 3 && traded * 2 >= holidays {
            return Inferred(calendar: .fx, evidence: "daily bars on \(traded) of the \(holidays) NYSE weekday holidays in their span")
        }
        return Inferred(
            calendar: .nyse,
            evidence: holidays > 0
                ? "weekday bars, on \(traded) of the \(holidays) NYSE weekday holidays in their span" : "weekday bars, none on Saturdays")
    }

    /// `series` annualised by its inferred calendar under `rule` (the commands that take a file
    /// without a scenario: `gslab backtest`, `gslab stress suite`).
    public static func annualised(_ series: BarSeries, rule: Annualisation.Rule = .calendar) -> BarSeries {
        var s = series
        s.annualisation = Annualisation(calendar: infer(series).calendar, frequency: series.frequency, rule: rule)
        return s
    }

    /// How `series` sits in `calendar`: the bars outside its sessions (daily bars: on dates that do
    /// not trade; weekly and monthly bars, labelled by their period, are never outside) and the first of them.
    public static func fit(_ series: BarSeries, calendar: TradingCalendar) -> (outside: Int, first: Int64?) {
        fit(series, calendar: calendar, sample: 0..<series.count)
    }

    static func fit(_ series: BarSeries, calendar: TradingCalendar, sample: some Sequence<Int>) -> (outside: Int, first: Int64?) {
        // Weekly and monthly bars are labelled by their period (a week's or month's end may fall on a weekend).
        if let f = series.frequency, f.nanoseconds >= 6 * CivilTime.nanosPerDay { return (0, nil) }
        var locator = TradingCalendar.Locator(calendar)
        let intraday = series.frequency?.isIntraday ?? false
        var outside = 0
        var first: Int64?
        for i in sample where !locator.place(series.timestamps[i], intraday: intraday).inSession {
            outside += 1
            if first == nil { first = series.timestamps[i] }
        }
        return (outside, first)
    }

    /// The NYSE weekday holidays between the first and last daily bar, and on how many a bar falls.
    static func holidaysTraded(_ series: BarSeries) -> (holidays: Int, traded: Int) {
        guard let first = series.timestamps.first, let last = series.timestamps.last, last > first else { return (0, 0) }
        let closures = TradingCalendar.nyseWeekdayClosures(in: CivilTime.dayNumber(first)...CivilTime.dayNumber(last))
        // Bars are sorted: one merge walk of the closures against the bars' dates.
        var traded = 0, i = 0
        let ts = series.timestamps
        for day in closures {
            while i < ts.count && CivilTime.dayNumber(ts[i]) < day { i += 1 }
            if i < ts.count && CivilTime.dayNumber(ts[i]) == day { traded += 1 }
        }
        return (closures.count, traded)
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
}
