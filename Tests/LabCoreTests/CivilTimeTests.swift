import Testing

@testable import LabCore

@Suite struct CivilTimeTests {
    @Test func knownDatesRoundTrip() {
        #expect(CivilTime.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.daysFromCivil(year: 2004, month: 8, day: 19) == 12_649)
        #expect(CivilTime.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
        for days: Int64 in [-800_000, -1, 0, 59, 10_957, 12_649, 2_932_896] {
            let (y, m, d) = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.isoWeekday(dayNumber: 0) == 4)  // Thursday
        #expect(CivilTime.isoWeekday(dayNumber: CivilTime.daysFromCivil(year: 2004, month: 8, day: 19)) == 4)
        #expect(CivilTime.dayNumber(-1) == -1)
    }

    @Test func iso8601FormattingAndParsing() {
        let t = CivilTime.timestamp(year: 2013, month: 3, day: 1)
        #expect(CivilTime.iso8601(t) == "2013-03-01")
        #expect(CivilTime.iso8601(t, dateOnlyAtMidnight: false) == "2013-03-01T00:00:00Z")
        #expect(CivilTime.iso8601(t + 13 * CivilTime.nanosPerHour + 30 * CivilTime.nanosPerMinute + 1_500_000) == "2013-03-01T13:30:00.0015Z")
        #expect(CivilTime.parseISO8601("2013-03-01") == t)
        #expect(CivilTime.parseISO8601("2013-03-01T09:30:00-05:00") == t + (14 * 60 + 30) * CivilTime.nanosPerMinute)
        #expect(CivilTime.parseISO8601("2013-03-01 09:30:00.25Z") == t + (9 * 60 + 30) * CivilTime.nanosPerMinute + 250_000_000)
        #expect(CivilTime.parseISO8601("2013-02-29") == nil)
        #expect(CivilTime.parseISO8601("2013-13-01") == nil)
        #expect(CivilTime.parseISO8601("2013-03-01x") == nil)
        #expect(CivilTime.parseISO8601("01/03/2013") == nil)
    }
}

@Suite struct BarFrequencyTests {
    @Test func infersDailyThroughWeekendsAndHolidays() {
        // Mon..Fri, then next Mon..Wed: spacings 1,1,1,1,3,1,1 days → median 1 day.
        let days: [Int64] = [0, 1, 2, 3, 4, 7, 8, 9].map { ($0 + 4) * CivilTime.nanosPerDay }
        #expect(BarFrequency.infer(timestamps: days) == .day)
    }

    @Test func infersMinuteBarsAcrossAnOvernightGap() {
        var ts: [Int64] = (0..<390).map { Int64($0) * CivilTime.nanosPerMinute }
        ts += (0..<390).map { CivilTime.nanosPerDay + Int64($0) * CivilTime.nanosPerMinute }
        #expect(BarFrequency.infer(timestamps: ts)?.label == "1min")
    }

    @Test func snapsAndLabels() {
        #expect(BarFrequency.snapped(23 * CivilTime.nanosPerHour) == .day)  // DST day
        #expect(BarFrequency.snapped(31 * CivilTime.nanosPerDay) == .month)
        #expect(BarFrequency.snapped(2 * CivilTime.nanosPerHour).label == "2h")
        #expect(BarFrequency.snapped(90 * CivilTime.nanosPerSecond).label == "90s")
        #expect(BarFrequency(label: "5min") == .fiveMinutes)
        #expect(BarFrequency(label: "3d")?.nanoseconds == 3 * CivilTime.nanosPerDay)
        #expect(BarFrequency(label: "fortnight") == nil)
        #expect(BarFrequency.infer(timestamps: [Int64]([5])) == nil)
        #expect(BarFrequency.day.isIntraday == false && BarFrequency.hour.isIntraday)
    }
}
