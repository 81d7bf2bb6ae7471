import Foundation
import Testing

/// `gslab backtest` against backtesting.py 0.6.6's own output for SmaCross(10, 20) on GOOG.
@Suite struct BacktestCommandTests {
    @Test func reproducesBacktestingPyStatsToTheNinthDigit() throws {
        let run = try Run(
            "backtest", "datasets/GOOG.h5", "--symbol", "GOOG", "--strategy", "sma_cross", "--param", "fast=10", "--param", "slow=20",
            "--preset", "backtesting_py", "--commission", "0.002", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let stats = ours["stats"] as! [String: Any]
        let referencePath = Run.repository + "/Tests/LabExecutionTests/Fixtures/backtesting_py_goog_smacross.json"
        let reference =
            (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: referencePath))) as! [String: Any])["stats"] as! [String: Any]
        var compared = 0
        for (name, value) in reference {
            switch value {
            case let number as Double:
                let mine = stats[name] as? Double
                #expect(mine.map { abs($0 - number) <= 1e-9 * max(1, abs(number)) } == true, "\(name): \(String(describing: mine)) vs \(number)")
                compared += 1
            case let duration as [String: Any]:
                let mine = stats[name + " [days]"] as? Double
                #expect(mine == (duration["seconds"] as! Double) / 86_400, "\(name)")
                compared += 1
            case let text as String where name == "Start" || name == "End":
                #expect(text.hasPrefix(stats[name] as! String), "\(name)")
                compared += 1
            default:
                break  // the strategy name, the trades and equity frames
            }
        }
        #expect(compared == 32)  // every statistic backtesting.py prints
        #expect(stats["# Trades"] as? Double == 93)
    }

    @Test func tableAndCosts() throws {
        let run = try Run("backtest", "datasets/GOOG.h5", "--strategy", "rsi_reversion", "--commission", "0.001", "--slippage-bps", "5")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("GOOG rsi_reversion() on 2148 bars\n"))
        #expect(run.stdout.contains("Slippage [$]"))
        #expect(!run.stdout.contains("Slippage [$]                   0.00"))
    }

    @Test(arguments: [
        (["--strategy", "sma_cross", "--param", "fast=30", "--param", "slow=10"], "gslab: sma_cross: slow: must be > fast (30), got 10"),
        (["--strategy", "sma_cros"], "gslab: unknown strategy \"sma_cros\" (did you mean \"sma_cross\"?)"),
        (["--strategy", "sma_cross", "--param", "fast"], "gslab: --param: expected key=value, got \"fast\""),
        (["--strategy", "sma_cross", "--preset", "zipline"], "gslab: --preset: unknown preset \"zipline\" (known: backtesting_py)"),
        (["--strategy", "sma_cross", "--commission=-0.1"], "gslab: --commission: must be in [0, 0.1) (the commission model's range), got -0.1"),
        (["--strategy", "sma_cross", "--symbol", "MSFT"], "gslab: datasets/GOOG.h5: symbol \"MSFT\" not found (present: GOOG)"),
    ])
    func badInputIsOneLine(arguments: [String], message: String) throws {
        let run = try Run(arguments: ["backtest", "datasets/GOOG.h5"] + arguments)
        #expect(run.status == 2)
        #expect(run.stderr == message + "\n")
        #expect(run.stdout.isEmpty)
    }
}
