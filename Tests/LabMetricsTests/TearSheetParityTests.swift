import Foundation
import LabCore
import LabRobustness
import Testing

@testable import LabMetrics

/// The tear sheet against QuantStats 0.0.86 on backtesting.py's SmaCross(10, 20) equity on GOOG
/// (fixture: scripts/make_quantstats_fixtures.py). What they share agrees to 1e-12:
/// - monthly and yearly compounded returns (QuantStats' `monthly_returns`, `EOY`);
/// - the five deepest drawdowns: the same trough and depth; QuantStats names the first and last
///   days under water where the lab names the peak before and the recovery after (one bar each
///   side), so its `days` is the lab's peak-to-recovery span less those two bars' gaps, plus 1;
/// - rolling Sharpe ratio and volatility over 126 days (`rolling_sharpe`, `rolling_volatility`:
///   mean / sd and sd, ddof 1, × √252);
/// - the Sharpe ratio (QuantStats' `sharpe`: the robustness section's `sharpe_annualised`);
/// - best and worst month (`best`/`worst` with `aggregate="ME"`: year and month; "M" would pool each calendar month across years); the maximum drawdown.
///
/// Where the conventions differ (stated, not compared): CAGR (QuantStats divides the days from the
/// first return by 365; the statistics use the first bar and 365.25, as backtesting.py), annual
/// volatility, Sortino and Calmar (the statistics follow backtesting.py's compounded formulas),
/// win rate (QuantStats: the share of positive days; the statistics: of winning trades), and
/// value at risk (QuantStats: a normal approximation; the lab: historical and Cornish–Fisher).
/// The trade list's costs are each trade's commission; slippage is in its fill prices.
@Suite struct TearSheetParityTests {
    struct Reference: @unchecked Sendable {
        let json: [String: Any]
        let sheet: TearSheet
        let dates: [String]
        let returns: [Double]
    }

    static let reference: Reference = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent("quantstats_goog_smacross.json"))) as! [String: Any]
        let lines = try! String(contentsOf: url.appendingPathComponent("backtesting_py_goog_smacross_equity.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let dates = lines.map { String($0.prefix(10)) }
        let equity = lines.map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[1])! }
        let times = dates.map { CivilTime.parseISO8601(Substring($0))! }
        let sheet = TearSheet(equity: equity, benchmark: equity, timestamps: times, timezone: "UTC", intraday: false)
        let returns = (1..<equity.count).map { equity[$0] / equity[$0 - 1] - 1 }
        return Reference(json: json, sheet: sheet, dates: dates, returns: returns)
    }()

    static func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

    @Test func monthlyAndYearlyReturns() {
        let r = Self.reference
        let months = r.json["monthly"] as! [[String: Any]]
        #expect(months.count == r.sheet.monthly.count)
        for (ours, theirs) in zip(r.sheet.monthly, months) {
            #expect(ours.year == theirs["year"] as! Int && ours.month == theirs["month"] as! Int)
            #expect(abs(ours.value - Self.number(theirs["value"])) < 1e-12, "\(ours.year)-\(ours.month)")
        }
        let years = r.json["yearly"] as! [[String: Any]]
        #expect(years.count == r.sheet.yearly.count)
        for (ours, theirs) in zip(r.sheet.yearly, years) {
            #expect(ours.year == theirs["year"] as! Int && abs(ours.strategy - Self.number(theirs["value"])) < 1e-12)
        }
        let stats = r.json["stats"] as! [String: Any]
        #expect(abs(r.sheet.monthly.map(\.value).max()! - Self.number(stats["best_month"])) < 1e-12)
        #expect(abs(r.sheet.monthly.map(\.value).min()! - Self.number(stats["worst_month"])) < 1e-12)
    }

    @Test func worstDrawdowns() {
        let r = Self.reference
        let theirs = r.json["drawdowns"] as! [[String: Any]]
        #expect(theirs.count == 5 && r.sheet.drawdowns.count == 5)
        for (ours, q) in zip(r.sheet.drawdowns, theirs) {
            #expect(abs(ours.depth + Self.number(q["max_drawdown_pct"]) / 100) < 1e-12)
            #expect(r.dates[ours.trough] == q["valley"] as! String)
            // QuantStats' start is the first day under water (the bar after the peak), its end the
            // last day under water (the bar before the recovery).
            #expect(r.dates[ours.start + 1] == q["start"] as! String)
            #expect(ours.end.map { r.dates[$0 - 1] } == q["end"] as? String)
        }
        let maxDrawdown = Self.number((r.json["stats"] as! [String: Any])["max_drawdown"])
        #expect(abs(r.sheet.drawdowns[0].depth + maxDrawdown) < 1e-12)
    }

    /// QuantStats' Sharpe ratio is the robustness section's `sharpe_annualised`: the per-period
    /// Sharpe ratio of the daily returns (mean / sd, ddof 1) × √252.
    @Test func sharpeRatioIsTheRobustnessSections() {
        let r = Self.reference
        let ours = SharpeInference(returns: r.returns).sharpe * 252.0.squareRoot()
        let theirs = Self.number((r.json["stats"] as! [String: Any])["sharpe"])
        #expect(abs(ours - theirs) < 1e-12)
    }

    @Test func rollingSharpeAndVolatility() {
        let r = Self.reference
        let rolling = TearSheet.rolling(returns: r.returns, periodsPerYear: 252)
        for (key, ours) in [("rolling_sharpe", rolling.sharpe), ("rolling_volatility", rolling.volatility)] {
            let theirs = r.json[key] as! [String: Any]
            let values = (theirs["values"] as! [Any]).map(Self.number)
            #expect(values.count == ours.count, "\(key)")
            // The first window ends at the 126th return, dated at its bar.
            #expect(r.dates[rolling.last[0] + 1] == theirs["first"] as! String)
            #expect(zip(ours, values).allSatisfy { abs($0 - $1) < 1e-10 * max(1, abs($1)) }, "\(key)")
        }
    }
}
