import Foundation
import LabCore
import Testing

@testable import LabMetrics

/// A run whose equity reaches zero: backtesting.py 0.6.6 keeps a volatility over the periods before
/// (pandas skips the 0 / 0 returns after), an annual return of 0 (its geometric mean is 0 once a
/// return is −100 %), and so a Sharpe and a Sortino of 0. The lab gives the same, and every NaN it
/// still writes has a reason.
@Suite struct BankruptRunTests {
    @Test func volatilitySharpeAndSortinoAsBacktestingPy() throws {
        // Month ends (median spacing 31 days: monthly periods), equity 100 → 110 → 0 …: returns 0.1, −1, NaN, NaN, NaN.
        let ts = [(2020, 7, 31), (2020, 8, 31), (2020, 9, 30), (2020, 10, 31), (2020, 11, 30), (2020, 12, 31)].map {
            CivilTime.daysFromCivil(year: $0.0, month: $0.1, day: $0.2) * CivilTime.nanosPerDay
        }
        let equity = [100.0, 110, 0, 0, 0, 0]
        let close = [10.0, 11, 12, 13, 14, 15]
        let s = try PerformanceStats.compute(.init(equity: equity, timestamps: ts, close: close, trades: []))
        #expect(s.periodsPerYear == 12)
        #expect(s.annualReturn == 0)
        // Sample variance of {0.1, −1}: 2 · 0.55² = 0.605; volatility √((0.605 + 1)^12 − 1).
        #expect(abs(s.annualVolatility - (pow(1.605, 12) - 1).squareRoot()) < 1e-12)
        #expect(s.sharpe == 0 && s.sortino == 0)
        let table = StatsTable(
            performance: s, costs: try CostMetrics.compute(tradedValue: 0, commission: 0, slippage: 0, borrow: 0, meanEquity: 42, seconds: 1e7),
            equity: equity)
        for row in table.rows where row.value.number.isNaN {
            if case .text = row.value { continue }
            #expect(table.undefined[row.statistic] != nil, "\(row.statistic.label) is NaN without a reason")
        }
        #expect(table.undefined[.beta] == "the equity reached zero: its log returns are undefined")
        #expect(table.undefined[.sqn] == "needs at least 2 closed trades")
        #expect(table.rendered().contains("\nSQN                            n/a (needs at least 2 closed trades)\n"))
        #expect(table.undefinedByLabel?["Win Rate [%]"] == "no closed trade")
    }
}
