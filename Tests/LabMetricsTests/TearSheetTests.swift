import Foundation
import LabCore
import Testing

@testable import LabMetrics

/// The tear sheet's tables on curves whose months, years and drawdowns are known by hand.
@Suite struct TearSheetTests {
    static func day(_ text: String) -> Int64 { CivilTime.parseISO8601(Substring(text))! }

    /// Daily bars: Jan 2021 110/100 − 1 = 10 %, Feb 121/110 − 1 = 10 %, Mar 0, Jan 2022 up to 133.1
    /// then down to 120, so 120/121 − 1; 2021 is 21 % for both, 2022 is 120/121 − 1 against
    /// the benchmark's 6.05/12.1 − 1 = −50 %. Drawdowns: 110 → 99 (10 %, Jan 29 to Feb 26, 28
    /// days, recovered) and 133.1 → 120 (not recovered, 7 days to the last bar).
    @Test func monthsYearsAndDrawdownsByHand() {
        let times = ["2021-01-04", "2021-01-29", "2021-02-01", "2021-02-26", "2021-03-01", "2022-01-03", "2022-01-10"].map(Self.day)
        let equity = [100, 110, 99, 121, 121, 133.1, 120]
        let close = [10, 11, 11, 12.1, 12.1, 6.05, 6.05]
        let t = TearSheet(equity: equity, benchmark: close, timestamps: times, timezone: "UTC", intraday: false)
        #expect(t.monthly.map(\.year) == [2021, 2021, 2021, 2022] && t.monthly.map(\.month) == [1, 2, 3, 1])
        let expectedMonths = [110.0 / 100 - 1, 121.0 / 110 - 1, 0, 120.0 / 121 - 1]
        for (m, e) in zip(t.monthly, expectedMonths) { #expect(abs(m.value - e) < 1e-15) }
        #expect(t.yearly.map(\.year) == [2021, 2022])
        #expect(abs(t.yearly[0].strategy - 0.21) < 1e-15 && abs(t.yearly[0].benchmark - 0.21) < 1e-15)
        #expect(abs(t.yearly[1].strategy - (120.0 / 121 - 1)) < 1e-15 && abs(t.yearly[1].benchmark + 0.5) < 1e-15)
        #expect(t.drawdowns.count == 2)
        #expect(t.drawdowns[0] == .init(start: 1, trough: 2, end: 3, depth: 1 - 99.0 / 110, days: 28))
        #expect(t.drawdowns[1] == .init(start: 5, trough: 6, end: nil, depth: 1 - 120 / 133.1, days: 7))
    }

    /// Intraday bars belong to the exchange's date: 23:00 UTC on 31 January and 01:00 UTC on
    /// 1 February are both 31 January in New York.
    @Test func intradayMonthsAreTheExchangesDates() {
        let times = ["2021-01-29T15:00:00Z", "2021-01-31T23:00:00Z", "2021-02-01T01:00:00Z", "2021-02-01T15:00:00Z"].map {
            CivilTime.parseISO8601(Substring($0))!
        }
        let t = TearSheet(equity: [100, 101, 102, 103], benchmark: [1, 1, 1, 1], timestamps: times, timezone: "America/New_York", intraday: true)
        #expect(t.monthly.map(\.month) == [1, 2])
        #expect(abs(t.monthly[0].value - 0.02) < 1e-15 && abs(t.monthly[1].value - (103.0 / 102 - 1)) < 1e-15)
    }

    /// Windows of half a year of periods (2 at 4 a year): [0.1, 0.3] has mean 0.2 and sd √0.02,
    /// so Sharpe 0.2/√0.02·2 and volatility √0.02·2; [0.3, −0.1] mean 0.1, sd √0.08.
    @Test func rollingFiguresByHand() {
        let r = TearSheet.rolling(returns: [0.1, 0.3, -0.1], periodsPerYear: 4)
        #expect(r.window == 2 && r.last == [1, 2])
        #expect(abs(r.sharpe[0] - 0.2 / 0.02.squareRoot() * 2) < 1e-12 && abs(r.volatility[0] - 0.02.squareRoot() * 2) < 1e-12)
        #expect(abs(r.sharpe[1] - 0.1 / 0.08.squareRoot() * 2) < 1e-12 && abs(r.volatility[1] - 0.08.squareRoot() * 2) < 1e-12)
        #expect(TearSheet.rolling(returns: [0.1], periodsPerYear: 252).last.isEmpty)
        #expect(TearSheet.rolling(returns: [Double](repeating: 0.01, count: 200), periodsPerYear: 252).window == 126)
    }

    /// Every return in one bin; VaR and CVaR are TailRisk's historical ones at 95 %.
    @Test func distributionCountsEveryReturn() throws {
        var rng = SeededRNG(seed: 2)
        let returns = (0..<1000).map { _ in rng.nextNormal() * 0.01 }
        let d = try #require(TearSheet.distribution(returns: returns, bins: 40))
        #expect(d.counts.count == 40 && d.counts.reduce(0, +) == 1000 && d.edges.first == returns.min())
        #expect(d.valueAtRisk == (try TailRisk.historicalVaR(returns, confidence: 0.95)))
        #expect(d.conditionalValueAtRisk == (try TailRisk.historicalCVaR(returns, confidence: 0.95)))
        #expect(TearSheet.distribution(returns: [0.01, 0.01]) == nil)
    }

    /// At most `worst` periods, deepest first; a curve that never falls has none.
    @Test func worstPeriodsAreCappedAndOrdered() {
        var equity: [Double] = []
        for k in 0..<10 { equity += [100 + Double(k) * 10, 100 + Double(k) * 10 - Double(k + 1)] }
        equity.append(1000)
        let times = equity.indices.map { Int64($0) * 86_400_000_000_000 }
        let t = TearSheet(equity: equity, benchmark: equity, timestamps: times, timezone: "UTC", intraday: false, worst: 5)
        #expect(t.drawdowns.count == 5)
        #expect(zip(t.drawdowns, t.drawdowns.dropFirst()).allSatisfy { $0.depth >= $1.depth })
        #expect(TearSheet(equity: [1, 2, 3], benchmark: [1, 2, 3], timestamps: [0, 1, 2], timezone: "UTC", intraday: false).drawdowns.isEmpty)
    }
}
