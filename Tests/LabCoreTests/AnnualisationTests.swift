import Foundation
import Testing

@testable import LabCore

@Suite struct CalendarSessionTests {
    func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilTime.daysFromCivil(year: y, month: m, day: d) }
    /// `hh:mm` local on date `d` in `zone` as a UTC instant (ns).
    func at(_ d: Int64, _ h: Int, _ m: Int, _ zone: String) -> Int64 {
        let local = d * CivilTime.nanosPerDay + Int64(h * 60 + m) * CivilTime.nanosPerMinute
        return local - Int64(TimeZoneOffsets.secondsFromUTC(zone, at: local)) * CivilTime.nanosPerSecond
    }

    @Test func nyseSessionsHalfDaysAndHolidays() {
        var nyse = TradingCalendar.Locator(.nyse)
        let ny = "America/New_York"
        let monday = day(2024, 3, 4)
        #expect(nyse.place(at(monday, 9, 29, ny), intraday: true) == .init(date: monday, inSession: false, tradingDay: true))
        #expect(nyse.place(at(monday, 9, 30, ny), intraday: true) == .init(date: monday, inSession: true, tradingDay: true))
        #expect(!nyse.place(at(monday, 16, 0, ny), intraday: true).inSession)
        #expect(nyse.place(at(monday, 16, 0, ny), intraday: true, post: 1).inSession)
        let halfDay = day(2023, 11, 24)  // the day after Thanksgiving closes at 13:00
        #expect(nyse.place(at(halfDay, 12, 59, ny), intraday: true).inSession)
        #expect(!nyse.place(at(halfDay, 13, 0, ny), intraday: true).inSession)
        let goodFriday = day(2024, 3, 29)
        #expect(nyse.place(at(goodFriday, 10, 0, ny), intraday: true) == .init(date: goodFriday, inSession: false, tradingDay: false))
        #expect(!nyse.place(goodFriday * CivilTime.nanosPerDay, intraday: false).inSession)
    }

    /// FX's date rolls at 17:00 New York: Sunday 17:00 opens Monday; Friday 17:00 closes the week.
    @Test func fxRollsAtFivePMNewYork() {
        var fx = TradingCalendar.Locator(.fx)
        let ny = "America/New_York"
        let sunday = day(2024, 3, 10), monday = sunday + 1, friday = day(2024, 3, 15)
        #expect(fx.place(at(sunday, 16, 0, ny), intraday: true) == .init(date: sunday, inSession: false, tradingDay: false))
        #expect(fx.place(at(sunday, 17, 0, ny), intraday: true) == .init(date: monday, inSession: true, tradingDay: true))
        #expect(fx.place(at(monday, 16, 59, ny), intraday: true).date == monday)
        #expect(fx.place(at(monday, 17, 0, ny), intraday: true).date == monday + 1)
        #expect(fx.place(at(friday, 16, 0, ny), intraday: true).inSession)
        #expect(!fx.place(at(friday, 17, 0, ny), intraday: true).inSession)  // Saturday's date: closed
        #expect(TradingCalendar.fx.sessionMinutes == 1440 && TradingCalendar.cmeGlobex.sessionMinutes == 1380)
    }

    @Test func aCustomCalendarWithALunchBreak() {
        let tokyo = TradingCalendar(
            name: "custom", timezone: "Asia/Tokyo", sessions: [.init(open: 540, close: 690), .init(open: 750, close: 900)], weekdays: [1, 2, 3, 4, 5],
            holidays: .dates([day(2024, 1, 2)]), daysPerYear: 245)
        var locator = TradingCalendar.Locator(tokyo)
        let d = day(2024, 1, 4)
        #expect(locator.place(at(d, 11, 29, "Asia/Tokyo"), intraday: true).inSession)
        #expect(!locator.place(at(d, 12, 0, "Asia/Tokyo"), intraday: true).inSession)
        #expect(locator.place(at(d, 12, 30, "Asia/Tokyo"), intraday: true).inSession)
        #expect(!locator.place(at(day(2024, 1, 2), 10, 0, "Asia/Tokyo"), intraday: true).tradingDay)
        #expect(tokyo.sessionMinutes == 300)
    }

    @Test func namesAndDidYouMean() {
        #expect(TradingCalendar.named("fx_24x5") == .fx && TradingCalendar.named("24/7") == .crypto && TradingCalendar.named("globex") == .cmeGlobex)
        #expect(
            TradingCalendar.unknownNameReason("NYSEE")
                == "expected NYSE, NASDAQ, FX_24x5, CRYPTO_24x7 or CME_GLOBEX, got \"NYSEE\" (did you mean NYSE?)")
        #expect(TradingCalendar.unknownNameReason("FX_24x7").hasSuffix("(did you mean FX_24x5?)"))
    }
}

@Suite struct AnnualisationTests {
    @Test func barsAYearFromTheCalendarAndTheFrequency() {
        func bars(_ c: TradingCalendar, _ f: BarFrequency?) -> Double { Annualisation(calendar: c, frequency: f).barsPerYear }
        #expect(bars(.nyse, .day) == 252 && bars(.nyse, nil) == 252)
        #expect(bars(.nyse, .minute) == 98_280)
        #expect(bars(.nyse, .hour) == 252 * 6.5)
        #expect(bars(.fx, .hour) == 6_240 && bars(.fx, .day) == 260)
        #expect(bars(.crypto, .hour) == 8_760)
        #expect(bars(.cmeGlobex, .hour) == 252 * 23)
        #expect(bars(.fx, .week) == 52 && bars(.crypto, .month) == 12)
        #expect(Annualisation(calendar: .fx, frequency: .hour).barsPerDay == 24)
    }

    @Test func periodsAYearOfTheStatistics() {
        let fx = Annualisation(calendar: .fx, frequency: .hour)
        #expect(fx.periodsPerYear(period: "day") == 260 && fx.periodsPerYear(period: "week") == 52)
        let own = Annualisation(calendar: .fx, frequency: .hour, rule: .barsPerYear, barsPerYear: 6_000)
        #expect(own.barsPerYear == 6_000 && own.periodsPerYear(period: "day") == 250)
        let weekly = Annualisation(calendar: .nyse, frequency: .week, rule: .barsPerYear, barsPerYear: 50)
        #expect(weekly.periodsPerYear(period: "week") == 50)
        let parity = Annualisation(calendar: .fx, frequency: .hour, rule: .backtestingPy)
        #expect(parity.barsPerYear == 252 * 6.5 && parity.periodsPerYear(period: "day") == nil)
    }

    @Test func aSeriesTakesItsAnnualisation() throws {
        var s = try BarSeries(
            symbol: "X", timestamps: [0, 3_600_000_000_000, 7_200_000_000_000], open: [1, 1, 1], high: [1, 1, 1], low: [1, 1, 1], close: [1, 1, 1],
            volume: [1, 1, 1])
        #expect(s.periodsPerYear == 1_638 && s.barsPerTradingDay == 6.5)
        s.annualisation = Annualisation(calendar: .crypto, frequency: s.frequency)
        #expect(s.periodsPerYear == 8_760 && s.barsPerTradingDay == 24)
        #expect(s[bars: 0..<2].materialize().annualisation == s.annualisation)
    }
}
