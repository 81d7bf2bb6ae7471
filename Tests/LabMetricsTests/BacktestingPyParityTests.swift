import Foundation
import LabCore
import Testing

@testable import LabMetrics

/// backtesting.py 0.6.6's stats for its SmaCross example on GOOG, recomputed from the run's own equity
/// curve and trades: every statistic to 1e-9 relative.
@Suite struct BacktestingPyParityTests {
    struct Reference: @unchecked Sendable {
        let stats: [String: Any]
        let trades: [TradeRecord]
        let equity: [Double]
        let timestamps: [Int64]
        let close: [Double]
    }

    static func fixture(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func time(_ text: String) -> Int64 { CivilTime.parseISO8601(Substring(text.prefix(10)))! }

    static let reference: Reference = {
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: fixture("backtesting_py_goog_smacross.json"))) as! [String: Any]
        let trades = (json["trades"] as! [[String: Any]]).map { t in
            TradeRecord(
                entryBar: t["EntryBar"] as! Int, exitBar: t["ExitBar"] as! Int,
                entryTime: time(t["EntryTime"] as! String), exitTime: time(t["ExitTime"] as! String),
                size: (t["Size"] as! NSNumber).doubleValue, entryPrice: (t["EntryPrice"] as! NSNumber).doubleValue,
                exitPrice: (t["ExitPrice"] as! NSNumber).doubleValue, pnl: (t["PnL"] as! NSNumber).doubleValue,
                returnPct: (t["ReturnPct"] as! NSNumber).doubleValue, commission: (t["Commission"] as! NSNumber).doubleValue)
        }
        let equityLines = try! String(contentsOf: fixture("backtesting_py_goog_smacross_equity.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let equity = equityLines.map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[1])! }
        let timestamps = equityLines.map { time(String($0.split(separator: ",")[0])) }
        let bars = try! String(contentsOf: fixture("GOOG_daily.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let close = bars.map { Double($0.split(separator: ",")[4])! }
        return Reference(stats: json["stats"] as! [String: Any], trades: trades, equity: equity, timestamps: timestamps, close: close)
    }()

    func number(_ key: String) -> Double {
        let value = Self.reference.stats[key]!
        if let n = value as? NSNumber { return n.doubleValue }
        return ((value as! [String: Any])["seconds"] as! NSNumber).doubleValue
    }

    @Test func everyStatisticMatchesTheLibrary() throws {
        let r = Self.reference
        #expect(r.equity.count == 2148 && r.close.count == 2148 && r.trades.count == 93)
        let s = try PerformanceStats.compute(
            .init(
                equity: r.equity, timestamps: r.timestamps, close: r.close, trades: r.trades, buyAndHoldStart: 19))
        let checks: [(String, Double, Double)] = [
            ("Duration", s.duration, number("Duration")),
            ("Exposure Time [%]", s.exposureTime * 100, number("Exposure Time [%]")),
            ("Equity Final [$]", s.equityFinal, number("Equity Final [$]")),
            ("Equity Peak [$]", s.equityPeak, number("Equity Peak [$]")),
            ("Commissions [$]", s.commissions, number("Commissions [$]")),
            ("Return [%]", s.totalReturn * 100, number("Return [%]")),
            ("Buy & Hold Return [%]", s.buyAndHoldReturn * 100, number("Buy & Hold Return [%]")),
            ("Return (Ann.) [%]", s.annualReturn * 100, number("Return (Ann.) [%]")),
            ("Volatility (Ann.) [%]", s.annualVolatility * 100, number("Volatility (Ann.) [%]")),
            ("CAGR [%]", s.cagr * 100, number("CAGR [%]")),
            ("Sharpe Ratio", s.sharpe, number("Sharpe Ratio")),
            ("Sortino Ratio", s.sortino, number("Sortino Ratio")),
            ("Calmar Ratio", s.calmar, number("Calmar Ratio")),
            ("Alpha [%]", s.alpha * 100, number("Alpha [%]")),
            ("Beta", s.beta, number("Beta")),
            ("Max. Drawdown [%]", s.maxDrawdown * 100, number("Max. Drawdown [%]")),
            ("Avg. Drawdown [%]", s.averageDrawdown * 100, number("Avg. Drawdown [%]")),
            ("Max. Drawdown Duration", s.maxDrawdownDuration, number("Max. Drawdown Duration")),
            ("Avg. Drawdown Duration", s.averageDrawdownDuration, number("Avg. Drawdown Duration")),
            ("# Trades", Double(s.trades), number("# Trades")),
            ("Win Rate [%]", s.winRate * 100, number("Win Rate [%]")),
            ("Best Trade [%]", s.bestTrade * 100, number("Best Trade [%]")),
            ("Worst Trade [%]", s.worstTrade * 100, number("Worst Trade [%]")),
            ("Avg. Trade [%]", s.averageTrade * 100, number("Avg. Trade [%]")),
            ("Max. Trade Duration", s.maxTradeDuration, number("Max. Trade Duration")),
            ("Avg. Trade Duration", s.averageTradeDuration, number("Avg. Trade Duration")),
            ("Profit Factor", s.profitFactor, number("Profit Factor")),
            ("Expectancy [%]", s.expectancy * 100, number("Expectancy [%]")),
            ("SQN", s.sqn, number("SQN")),
            ("Kelly Criterion", s.kelly, number("Kelly Criterion")),
        ]
        var mismatches: [String] = []
        for (name, ours, theirs) in checks where !(abs(ours - theirs) <= 1e-9 * max(abs(theirs), 1e-300) || ours == theirs) {
            mismatches.append("\(name): ours \(ours), backtesting.py \(theirs)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "; "))")
        #expect(CivilTime.iso8601(s.start) == "2004-08-19" && CivilTime.iso8601(s.end) == "2013-03-01")
        #expect(s.periodsPerYear == 252)
    }
}
