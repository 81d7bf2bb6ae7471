import Foundation
import LabCore
import Testing

@testable import LabData

/// Bars every `step` minutes in every session of `calendar` for its trading dates in `days`, on a
/// seeded random walk of `sigma` per bar (``SyntheticBars/onCalendar``).
func sessionBars(_ calendar: TradingCalendar, days: Range<Int64>, step: Int, sigma: Double, seed: UInt64 = 3) throws -> BarSeries {
    let perYear = calendar.daysPerYear * Double(calendar.sessionMinutes) / Double(step)
    return try SyntheticBars.onCalendar(
        symbol: "X", calendar: calendar, startDay: days.lowerBound, days: days.count, minutes: step,
        parameters: .init(drift: 0, volatility: sigma * perYear.squareRoot()), seed: seed)
}

/// The sample σ of log returns of `x`, ddof 1.
func logReturnSD(_ x: [Double]) -> Double {
    let r = zip(x.dropFirst(), x).map { log($0 / $1) }
    let mean = r.reduce(0, +) / Double(r.count)
    return (r.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(r.count - 1)).squareRoot()
}

/// The last close of each trading date of `series` under `calendar`.
func dailyCloses(_ series: BarSeries, _ calendar: TradingCalendar) -> [Double] {
    var locator = TradingCalendar.Locator(calendar)
    var out: [Double] = []
    var current = Int64.min
    for i in 0..<series.count {
        let d = locator.place(series.timestamps[i], intraday: true).date
        if d != current, i > 0 { out.append(series.close[i - 1]) }
        current = d
    }
    out.append(series.close[series.count - 1])
    return out
}

@Suite struct CalendarInferenceTests {
    let jan2024 = CivilTime.daysFromCivil(year: 2024, month: 1, day: 1)

    @Test func infersEachBuiltInFromItsBars() throws {
        let span = jan2024..<(jan2024 + 120)
        #expect(CalendarInference.infer(try sessionBars(.fx, days: span, step: 60, sigma: 0.001)).calendar == .fx)
        #expect(CalendarInference.infer(try sessionBars(.crypto, days: span, step: 60, sigma: 0.001)).calendar == .crypto)
        #expect(CalendarInference.infer(try sessionBars(.cmeGlobex, days: span, step: 60, sigma: 0.001)).calendar == .cmeGlobex)
        #expect(CalendarInference.infer(try sessionBars(.nyse, days: span, step: 1, sigma: 0.0005)).calendar == .nyse)
        let daily = try SyntheticBars.daily(symbol: "X", startDay: jan2024 - 3650, bars: 2000, seed: 1)
        let inferred = CalendarInference.infer(daily)
        #expect(inferred.calendar == .nyse)
        #expect(inferred.evidence.contains("on 0 of the"))
        // Daily FX bars trade through the NYSE's holidays.
        var fxDays: [Int64] = []
        for d in (jan2024 - 1000)..<jan2024 where CivilTime.isoWeekday(dayNumber: d) <= 5 { fxDays.append(d * CivilTime.nanosPerDay) }
        let ones = [Double](repeating: 1, count: fxDays.count)
        let fxDaily = try BarSeries(symbol: "EURUSD", timestamps: fxDays, open: ones, high: ones, low: ones, close: ones, volume: ones)
        #expect(CalendarInference.infer(fxDaily).calendar == .fx)
        #expect(CalendarInference.infer(fxDaily).evidence.hasPrefix("daily bars on "))
    }

    @Test func theEvidenceSaysWhatWasSeen() throws {
        let fx = CalendarInference.infer(try sessionBars(.fx, days: jan2024..<(jan2024 + 60), step: 60, sigma: 0.001))
        #expect(fx.evidence == "bars in 24 of the 24 hours of the UTC day, none on Saturdays")
        let crypto = CalendarInference.infer(try sessionBars(.crypto, days: jan2024..<(jan2024 + 70), step: 60, sigma: 0.001))
        #expect(crypto.evidence == "14.3 % of the bars on Saturdays (UTC)")
    }

    /// The case: hourly FX annualised as NYSE hours understated volatility ~1.7×. Under
    /// the FX calendar the annualised σ of hourly returns is within 10 % of that of daily closes.
    @Test func hourlyFXAnnualisesLikeItsDailyCloses() throws {
        var hourly = try sessionBars(.fx, days: jan2024..<(jan2024 + 730), step: 60, sigma: 0.0008)
        let inferred = CalendarInference.infer(hourly).calendar
        hourly.annualisation = Annualisation(calendar: inferred, frequency: hourly.frequency)
        #expect(hourly.periodsPerYear == 6240)
        let fromHours = logReturnSD(hourly.close) * hourly.periodsPerYear.squareRoot()
        let fromDays = logReturnSD(dailyCloses(hourly, inferred)) * TradingCalendar.fx.daysPerYear.squareRoot()
        #expect(abs(fromHours / fromDays - 1) < 0.10, "hourly \(fromHours) vs daily \(fromDays)")
        // The rule before calendars (NYSE's 6.5-hour day) is off by far more.
        let legacy = logReturnSD(hourly.close) * Annualisation.legacyBarsPerYear(hourly.frequency).squareRoot()
        #expect(legacy / fromDays < 0.6)
    }

    /// Minute equity bars (NYSE sessions, an overnight gap at each open) likewise.
    @Test func minuteEquityAnnualisesLikeItsDailyCloses() throws {
        var minutes = try SyntheticBars.intraday(symbol: "X", startDay: jan2024, days: 250, seed: 5)
        let inferred = CalendarInference.infer(minutes)
        #expect(inferred.calendar == .nyse)
        #expect(inferred.evidence.hasPrefix("100.0 % of the bars inside NYSE sessions"))
        minutes.annualisation = Annualisation(calendar: inferred.calendar, frequency: minutes.frequency)
        #expect(minutes.periodsPerYear == 98_280)
        let fromMinutes = logReturnSD(minutes.close) * minutes.periodsPerYear.squareRoot()
        let fromDays = logReturnSD(dailyCloses(minutes, .nyse)) * 252.0.squareRoot()
        #expect(abs(fromMinutes / fromDays - 1) < 0.10, "minutes \(fromMinutes) vs daily \(fromDays)")
    }

    @Test func countsBarsOutsideTheSessions() throws {
        let fx = try sessionBars(.fx, days: jan2024..<(jan2024 + 30), step: 60, sigma: 0.001)
        let fit = CalendarInference.fit(fx, calendar: .nyse)
        // 24 hourly bars a weekday, of which 09:30–16:00 New York holds the 10:00 … 15:00 starts.
        #expect(fit.outside >= fx.count * 3 / 4)
        #expect(CalendarInference.fit(fx, calendar: .fx).outside == 0)
        let daily = try SyntheticBars.daily(symbol: "X", startDay: jan2024, bars: 200, seed: 1)
        #expect(CalendarInference.fit(daily, calendar: .nyse).outside == 0)
        #expect(CalendarInference.fit(daily, calendar: .fx).outside == 0)
    }

    /// The fuzzer's find: timestamps at the ends of Int64 (a hostile file) overflowed when shifted
    /// to a zone's local time. Inference, the fit and validation must not trap.
    @Test func timestampsAtTheEndsOfInt64DoNotTrap() throws {
        for times in [
            [Int64.min, Int64.min + 60_000_000_000, Int64.min + 120_000_000_000], [Int64.max - 120_000_000_000, Int64.max - 60_000_000_000, Int64.max],
        ] {
            let ones = [Double](repeating: 1, count: times.count)
            let s = try BarSeries(
                symbol: "X", timestamps: times, open: ones, high: ones, low: ones, close: ones, volume: ones, timezone: "America/New_York")
            _ = CalendarInference.infer(s)
            for calendar in TradingCalendar.builtIns { _ = CalendarInference.fit(s, calendar: calendar) }
            _ = try DataQuality.validate(s)
            _ = try DataQuality.validate(s, options: ValidationOptions(calendar: .fx))
        }
    }

    /// The generator the tests above use: bars exactly in the calendar's sessions.
    @Test func syntheticBarsOnACalendar() throws {
        let fx = try SyntheticBars.onCalendar(symbol: "F", calendar: .fx, startDay: jan2024, days: 14, minutes: 60, seed: 1, withVolume: false)
        // 2024-01-01 … 01-14: ten FX trading dates of 24 hourly bars, the first opening 2023-12-31 22:00 UTC.
        #expect(fx.count == 240 && fx.timestamps[0] == (jan2024 - 1) * CivilTime.nanosPerDay + 22 * CivilTime.nanosPerHour)
        #expect(fx.volume.allSatisfy { $0 == 0 } && CalendarInference.fit(fx, calendar: .fx).outside == 0)
        // What gslab backtest and gslab stress suite do to a file without a scenario.
        #expect(CalendarInference.annualised(fx).periodsPerYear == 6240 && CalendarInference.annualised(fx, rule: .backtestingPy).periodsPerYear == 1638)
        let nyse = try SyntheticBars.onCalendar(symbol: "N", calendar: .nyse, startDay: jan2024, days: 7, minutes: 30, seed: 1)
        // 2024-01-02 … 01-05 trade (New Year's Day closed): 13 half-hour bars each.
        #expect(nyse.count == 52 && nyse.volume.allSatisfy { $0 > 0 } && nyse.frequency == .thirtyMinutes)
        #expect(throws: LabDataError.self) { try SyntheticBars.onCalendar(symbol: "X", calendar: .fx, startDay: 0, days: 1, minutes: 0, seed: 1) }
    }
}
