import Foundation
import LabCore
import Testing

@testable import LabMetrics

/// The statistics on minute bars against pandas and backtesting.py 0.6.6 (issue 15): the daily
/// resampling the ratios are taken over, the tear sheet's monthly returns, and backtesting.py's own
/// statistics of the same curve (scripts/make_intraday_fixtures.py builds the same bars and curve
/// and writes what pandas and `compute_stats` make of them).
@Suite struct IntradayResamplingTests {
    /// NYSE regular-session minute bars (14:30–21:00 UTC before daylight saving) on the exchange's
    /// trading days of 2024-01-02 … 2024-03-08, and the fixture script's equity and closes.
    static let bars: (times: [Int64], equity: [Double], close: [Double]) = {
        var times: [Int64] = []
        let first = CivilTime.daysFromCivil(year: 2024, month: 1, day: 2), last = CivilTime.daysFromCivil(year: 2024, month: 3, day: 8)
        for d in first...last where TradingCalendar.nyse.isTradingDay(d) {
            let open = d * CivilTime.nanosPerDay + (14 * 60 + 30) * CivilTime.nanosPerMinute
            times += (0..<390).map { open + Int64($0) * CivilTime.nanosPerMinute }
        }
        let equity = times.indices.map { k -> Double in
            let i = Double(k)
            return 10_000 * exp(0.01 * sin(i / 97) + 0.004 * sin(i / 13.3) + 1e-6 * i)
        }
        let close = times.indices.map { 100 * exp(0.02 * sin(Double($0) / 211) + 2e-6 * Double($0)) }
        return (times, equity, close)
    }()

    static var reference: [String: Any] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/intraday_minute_pandas.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func near(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func dailyResamplingAsPandas() throws {
        let b = Self.bars
        #expect(b.times.count == Self.reference["bars"] as! Int)
        let expected = (Self.reference["daily_returns"] as! [[String: Any]]).map { ($0["value"] as! NSNumber).doubleValue }
        // backtesting.py's rule (no calendar) and the NYSE calendar's trading dates give the same days here.
        for annualisation in [nil, Annualisation(calendar: .nyse, frequency: .minute)] {
            let grid = PeriodGrid(timestamps: b.times, timezone: "UTC", annualisation: annualisation)
            let returns = PeriodGrid.returns(of: b.equity, grid: grid)
            #expect(returns.count == expected.count && grid.periodsPerYear == 252 && grid.periodName == "day")
            #expect(zip(returns, expected).allSatisfy { near($0, $1, 1e-12) })
        }
    }

    @Test func monthlyReturnsAsPandas() {
        let b = Self.bars
        let sheet = TearSheet(equity: b.equity, benchmark: b.close, timestamps: b.times, timezone: "UTC", intraday: true)
        let expected = Self.reference["monthly_returns"] as! [[String: Any]]
        #expect(sheet.monthly.count == expected.count)
        for (ours, theirs) in zip(sheet.monthly, expected) {
            #expect(String(format: "%04d-%02d", ours.year, ours.month) == theirs["month"] as! String)
            #expect(near(ours.value, (theirs["value"] as! NSNumber).doubleValue, 1e-12))
        }
    }

    @Test func statisticsAsBacktestingPy() throws {
        let b = Self.bars
        let s = try PerformanceStats.compute(.init(equity: b.equity, timestamps: b.times, close: b.close, trades: []))
        let expected = Self.reference["stats"] as! [String: Any]
        func value(_ key: String) -> Double { (expected[key] as! NSNumber).doubleValue }
        let day = 86_400.0
        let mine: [(String, Double)] = [
            ("Return [%]", s.totalReturn * 100), ("Return (Ann.) [%]", s.annualReturn * 100), ("Volatility (Ann.) [%]", s.annualVolatility * 100),
            ("CAGR [%]", s.cagr * 100), ("Sharpe Ratio", s.sharpe), ("Sortino Ratio", s.sortino), ("Calmar Ratio", s.calmar),
            ("Max. Drawdown [%]", s.maxDrawdown * 100), ("Avg. Drawdown [%]", s.averageDrawdown * 100),
            ("Max. Drawdown Duration", s.maxDrawdownDuration / day), ("Avg. Drawdown Duration", s.averageDrawdownDuration / day),
            ("Buy & Hold Return [%]", s.buyAndHoldReturn * 100),
        ]
        for (key, ours) in mine { #expect(near(ours, value(key)), "\(key): \(ours) vs \(value(key))") }
    }
}
