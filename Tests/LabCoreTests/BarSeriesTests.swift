import Testing

@testable import LabCore

@Suite struct BarSeriesTests {
    static func sample() throws -> BarSeries {
        let ts: [Int64] = (0..<10).map { Int64($0) * CivilTime.nanosPerMinute }
        let c = (0..<10).map { 100 + Double($0) }
        return try BarSeries(
            symbol: "X", timestamps: ts, open: c, high: c.map { $0 + 1 }, low: c.map { $0 - 1 }, close: c,
            volume: Array(repeating: 10, count: 10))
    }

    @Test func columnsOfDifferentLengthsAreAOneLineError() {
        #expect(throws: LabCoreError.columnLengthMismatch(symbol: "X", field: "low", expected: 2, actual: 1)) {
            try BarSeries(symbol: "X", timestamps: [0, 1], open: [1, 1], high: [1, 1], low: [1], close: [1, 1], volume: [0, 0])
        }
        let message = String(describing: LabCoreError.columnLengthMismatch(symbol: "X", field: "low", expected: 2, actual: 1))
        #expect(message == "X: column low has 1 rows, expected 2 (the length of timestamp)")
        #expect(!message.contains("\n"))
    }

    @Test func infersFrequencyAndSlicesWithoutCopying() throws {
        let s = try Self.sample()
        #expect(s.frequency == .minute)
        let slice = s[bars: 2..<5]
        #expect(slice.count == 3 && Array(slice.close) == [102, 103, 104])
        #expect(slice.close.startIndex == 2)  // indices stay those of the parent
        let byTime = s.slice(from: 3 * CivilTime.nanosPerMinute, to: 6 * CivilTime.nanosPerMinute + 1)
        #expect(byTime.range == 3..<7)
        #expect(s.slice(from: 100 * CivilTime.nanosPerMinute, to: 200 * CivilTime.nanosPerMinute).count == 0)
        let copy = slice.materialize()
        #expect(copy.count == 3 && copy.timestamps.first == 2 * CivilTime.nanosPerMinute && copy.symbol == "X")
        // Slicing shares storage: the slice's buffer is the parent's.
        s.close.withUnsafeBufferPointer { parent in
            slice.close.withUnsafeBufferPointer { view in #expect(view.baseAddress == parent.baseAddress! + 2) }
        }
    }

    @Test func filterAndReorder() throws {
        let s = try Self.sample()
        let kept = s.filtered(keeping: (0..<10).map { $0 % 3 == 0 })
        #expect(kept.close == [100, 103, 106, 109])
        let reversed = s.reordered(by: Array((0..<10).reversed()))
        #expect(reversed.close.first == 109 && reversed.timestamps.last == 0)
    }

    @Test func localTradingDateOfIntradayBarsUsesTheExchangeZone() {
        // 2024-03-01T03:00Z is still 29 Feb in New York.
        let t = CivilTime.timestamp(year: 2024, month: 3, day: 1, hour: 3)
        #expect(BarSeries.localDayNumber(t, timezone: "America/New_York", intraday: true) == CivilTime.daysFromCivil(year: 2024, month: 2, day: 29))
        #expect(BarSeries.localDayNumber(t, timezone: "America/New_York", intraday: false) == CivilTime.daysFromCivil(year: 2024, month: 3, day: 1))
    }
}

@Suite struct TradingCalendarTests {
    func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilTime.daysFromCivil(year: y, month: m, day: d) }

    @Test(arguments: [
        (2004, 6, 11), (2007, 1, 2), (2012, 10, 29), (2012, 10, 30), (2013, 3, 29), (2010, 11, 25), (2011, 12, 26),
        (2022, 6, 20), (2021, 7, 5), (2016, 1, 18), (2020, 2, 17), (2023, 5, 29), (2024, 9, 2), (2001, 9, 11), (2025, 1, 9),
    ])
    func nyseHolidaysAreClosed(date: (Int, Int, Int)) {
        #expect(!TradingCalendar.nyse.isTradingDay(day(date.0, date.1, date.2)))
    }

    @Test func tradingDaysAndHalfDays() {
        let nyse = TradingCalendar.nyse
        #expect(nyse.isTradingDay(day(2021, 12, 31)))  // New Year's Day on a Saturday is not observed on Friday
        #expect(!nyse.isTradingDay(day(2022, 1, 1)))  // Saturday
        #expect(nyse.isTradingDay(day(2021, 6, 18)))  // Juneteenth only from 2022
        #expect(nyse.isHalfDay(day(2023, 7, 3)) && nyse.isHalfDay(day(2010, 11, 26)) && nyse.isHalfDay(day(2019, 12, 24)))
        #expect(!nyse.isHalfDay(day(2023, 7, 5)))
        // Good Friday 2013-03-29 and the weekend: 28 Mar (Thu) → 1 Apr (Mon) has no session in between.
        #expect(nyse.tradingDays(strictlyBetween: day(2013, 3, 28), and: day(2013, 4, 1)) == 0)
        #expect(nyse.tradingDays(strictlyBetween: day(2013, 3, 25), and: day(2013, 4, 1)) == 3)  // Tue, Wed, Thu
        #expect(TradingCalendar.continuous.isTradingDay(day(2022, 1, 1)))
        #expect(TradingCalendar.named("nasdaq") == .nasdaq && TradingCalendar.named("crypto") == .continuous)
        #expect(TradingCalendar.named("LSE") == nil)
        #expect(NYSEHolidays.easterSunday(year: 2024) == day(2024, 3, 31))
    }
}

@Suite struct SeededRNGTests {
    @Test func matchesTheReferenceXoshiro256StarStar() {
        // Reference values from the published algorithm (SplitMix64-seeded with 42), computed
        // independently in Python with 64-bit masking.
        var g = SeededRNG(seed: 42)
        #expect([g.next(), g.next(), g.next()] == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
    }

    @Test func streamsAreReproducibleAndDistinct() {
        let base = SeededRNG(seed: 7)
        var a = base.stream(3), b = base.stream(3), c = base.stream(4)
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }, xc = (0..<5).map { _ in c.next() }
        #expect(xa == xb && xa != xc)
        var zero = base.stream(0), plain = base
        #expect(zero.next() == plain.next())
        #expect(base.streams(5) == (0..<5).map { base.stream($0) })
    }

    @Test func variatesHaveTheRightRangeAndMoments() {
        var g = SeededRNG(seed: 1)
        var sum = 0.0, sumSq = 0.0
        let n = 200_000
        for _ in 0..<n {
            let u = g.nextUniform()
            #expect(u >= 0 && u < 1)
            let z = g.nextNormal()
            sum += z
            sumSq += z * z
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(sumSq / Double(n) - 1) < 0.02)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }
}

@Suite struct ZigguratTests {
    @Test func gaussianMomentsAndTails() {
        var g = SeededRNG(seed: 77)
        let n = 1_000_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, beyond3 = 0, beyond4 = 0
        for _ in 0..<n {
            let z = g.nextGaussian()
            s1 += z
            s2 += z * z
            s4 += z * z * z * z
            if abs(z) > 3 { beyond3 += 1 }
            if abs(z) > 4 { beyond4 += 1 }
        }
        #expect(abs(s1 / Double(n)) < 0.005)
        #expect(abs(s2 / Double(n) - 1) < 0.005)
        #expect(abs(s4 / Double(n) - 3) < 0.05)  // normal kurtosis
        #expect(abs(Double(beyond3) / Double(n) - 0.0026998) < 0.0003)  // P(|Z| > 3)
        #expect(beyond4 > 20 && beyond4 < 110)  // expected ≈ 63
        var a = SeededRNG(seed: 5), b = SeededRNG(seed: 5), c = SeededRNG(seed: 5)
        #expect((0..<100).map { _ in a.nextGaussian() } == (0..<100).map { _ in b.nextGaussian() })
        var filled = [Double](repeating: 0, count: 100)
        c.fillGaussian(&filled)
        var d = SeededRNG(seed: 5)
        #expect(filled == (0..<100).map { _ in d.nextGaussian() })
    }
}
