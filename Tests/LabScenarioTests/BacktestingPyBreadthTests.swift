import Foundation
import LabCore
import LabData
import LabReport
import Testing

@testable import LabScenario

/// backtesting.py 0.6.6 beyond one configuration (issue 15): seven runs on GOOG daily made by
/// backtesting.py itself (scripts/make_parity_fixtures.py → Fixtures/parity), each reproduced
/// through the runner `gslab run` uses, with `execution.preset: backtesting_py` and the matching
/// execution keys: every statistic backtesting.py reports and every trade (bars, size, prices,
/// P&L, return, commission) to 1e-9 relative.
@Suite struct BacktestingPyBreadthTests {
    static let smaCross = """
        strategy:
          params: {fast: 10, slow: 20}
          rules:
            enter_long: cross_above(sma(close, fast), sma(close, slow))
            enter_short: cross_below(sma(close, fast), sma(close, slow))
          reentry: reopen
        """

    /// (fixture, strategy section, execution keys under the preset).
    static let cases: [(String, String, String)] = [
        ("sl_tp", smaCross, "commission: {rate: 0.002}\n  exits: {stop_loss: 0.02, take_profit: 0.04, reference: signal_close}"),
        ("trade_on_close", smaCross, "commission: {rate: 0.002}\n  fill: {timing: this_close}"),
        ("spread", smaCross, "commission: {rate: 0.001}\n  slippage: {model: entry_spread, rate: 0.0005}"),
        ("margin", smaCross, "commission: {rate: 0.002}\n  max_leverage: 2"),
        (
            "half_long",
            smaCross.replacingOccurrences(of: "enter_short", with: "exit_long"),
            "commission: {rate: 0.002}\n  sizing: {mode: fraction, fraction: 0.5}"
        ),
        ("finalize", smaCross, "commission: {rate: 0.002}\n  finalize_trades: true"),
        ("nocomm_10_30", smaCross.replacingOccurrences(of: "slow: 20", with: "slow: 30"), "finalize_trades: true"),
    ]

    static func fixture(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: repository + "/Tests/LabScenarioTests/Fixtures/parity/\(name).json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test(arguments: cases.map(\.0))
    func everyStatisticAndTradeAsBacktestingPy(name: String) throws {
        let (_, strategy, execution) = Self.cases.first { $0.0 == name }!
        let text = """
            name: parity_\(name)
            dataset: {path: datasets/GOOG.h5, symbol: GOOG}
            \(strategy)
            calibration: false
            robustness: off
            execution:
              preset: backtesting_py
              \(execution)
            """
        let report = try ScenarioRunner(workers: 1).run(try parse(text)).report
        let json = try JSONSerialization.jsonObject(with: try LabJSON.encode(report)) as! [String: Any]
        let job = (json["jobs"] as! [[String: Any]])[0]
        let stats = job["stats"] as! [String: Any]
        let reference = try Self.fixture(name)
        var compared = 0
        for (label, value) in reference["stats"] as! [String: Any] {
            let mine = stats[label] ?? stats[label + " [days]"]
            switch value {
            case let number as Double:
                #expect((mine as? Double).map { near($0, number) } == true, "\(name) \(label): \(String(describing: mine)) vs \(number)")
            case is NSNull:
                // backtesting.py's NaN: the lab writes "nan" and says why (jobs[].undefined_stats).
                #expect(mine as? String == "nan", "\(name) \(label): \(String(describing: mine)) vs NaN")
                #expect((job["undefined_stats"] as? [String: String])?[label] != nil, "\(name) \(label) is NaN without a reason")
            case let text as String:
                #expect(mine as? String == text, "\(name) \(label)")
            default:
                Issue.record("\(name) \(label): unexpected \(value)")
            }
            compared += 1
        }
        #expect(compared >= 28, "\(name): \(compared) statistics compared")
        let trades = (job["trades"] as! [String: Any])["items"] as! [[String: Any]]
        let theirs = reference["trades"] as! [[String: Any]]
        #expect(trades.count == theirs.count, "\(name): \(trades.count) trades vs \(theirs.count)")
        var mismatches: [String] = []
        for (k, (a, b)) in zip(trades, theirs).enumerated() {
            let x = { (key: String) -> Double in (a[key] as! NSNumber).doubleValue }
            let y = { (key: String) -> Double in (b[key] as! NSNumber).doubleValue }
            let bars = x("entry_bar") == y("EntryBar") && x("exit_bar") == y("ExitBar") && x("size") == y("Size")
            let prices = near(x("entry_price"), y("EntryPrice")) && near(x("exit_price"), y("ExitPrice"))
            let money = near(x("pnl"), y("PnL")) && near(x("return_pct"), y("ReturnPct")) && near(x("commission"), y("Commission"))
            if !(bars && prices && money) { mismatches.append("trade \(k): \(a) vs \(b)") }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(2))")
        #expect(near(stats["Equity Final [$]"] as! Double, reference["final_equity"] as! Double))
    }

    @Test func theNewKeysRefuseBadValuesInOneLine() {
        #expect(
            message { _ = try parse(scenarioText("execution:\n  exits: {stop_loss: 0.02, reference: signal_clos}")) }
                == "s.yaml:9:39: execution.exits.reference: expected entry or signal_close, got \"signal_clos\" (did you mean signal_close?)")
        #expect(
            message { _ = try parse(scenarioText("execution:\n  finalize_trades: sometimes")) }
                .hasSuffix("execution.finalize_trades: expected true or false, got \"sometimes\""))
        #expect(
            message { _ = try parse(scenarioText("execution:\n  slippage: {model: entry_spread, rate: 0.7}")) }
                .hasSuffix("expected a number in [0, 0.5], got \"0.7\""))
    }
}
