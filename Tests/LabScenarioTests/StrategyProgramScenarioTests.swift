import Foundation
import LabCore
import LabData
import LabReport
import LabSignals
import Testing

@testable import LabScenario

/// Strategies written in the scenario file: parsed and checked before any data is read, every
/// mistake reported at its line and column with a caret, parameters swept like a built-in's.
@Suite struct StrategyProgramScenarioTests {
    /// A scenario on GOOG whose strategy section is `strategy` (indented by two spaces).
    func scenario(_ strategy: String, extra: String = "") -> String {
        """
        name: t
        dataset:
          path: datasets/GOOG.h5
          symbol: GOOG
        strategy:
        \(strategy.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        \(extra)
        """
    }

    @Test func aRulesStrategyParsesAndSweeps() throws {
        let s = try parse(
            scenario(
                """
                params: {fast: 10, slow: 50, rsi_max: 70}
                let:
                  trend: sma(close, slow)
                rules:
                  enter_long: cross_above(sma(close, fast), trend) and rsi(close, 14) < rsi_max
                  exit_long: close < lag(ts_min(low, 20), 1)
                confidence: clip(abs(close / trend - 1) * 20, 0, 1)
                reentry: reopen
                """, extra: "sweep:\n  grid:\n    fast: [5, 10, 60]\n    slow: [50, 100]\n  constraint: fast < slow"))
        let program = try #require(s.strategy.program)
        #expect(s.strategy.name == "rules" && program.reentry == .reopen)
        #expect(program.parameters.map(\.name) == ["fast", "slow", "rsi_max"])
        #expect(program.lets.map(\.name) == ["trend"] && program.rules.keys.count == 2)
        #expect(s.parameterSets.count == 5)  // fast 60 with slow 50 is excluded by the constraint
        let strategy = try StrategyCatalog.make(StrategySpec(program: program)) as! RuleStrategy
        #expect(strategy.warmUp == 50)
    }

    /// Every mistake of the issue's list: one message naming the file, line, column and key, then
    /// the expression and a caret.
    @Test(arguments: [
        ("enter_long: sma(close, 20 > close", "s.yaml:7:20: strategy.rules.enter_long: unbalanced parentheses: this '(' is never closed", 3),
        ("enter_long: close >", "s.yaml:7:24: strategy.rules.enter_long: the expression ends where a value is expected (a trailing operator?)", 7),
        ("enter_long: rsii(close, 14) < 70", "s.yaml:7:17: strategy.rules.enter_long: unknown function 'rsii' (did you mean 'rsi'?)", 0),
        ("enter_long: clsoe > 1", "s.yaml:7:17: strategy.rules.enter_long: unknown name 'clsoe' (did you mean 'close'?)", 0),
        ("enter_long: sma(close) > 1", "s.yaml:7:17: strategy.rules.enter_long: sma takes 2 arguments, sma(x, window), got 1", 0),
        ("enter_long: close + 1", "s.yaml:7:17: strategy.rules.enter_long: a rule must be true/false (a comparison, a cross …), got a number", 0),
        (
            "enter_long: close > 1 and volume",
            "s.yaml:7:27: strategy.rules.enter_long: 'and' needs true/false on both sides; its right side is a number (compare it first, e.g. x > 0)", 10
        ),
        ("enter_long: sma(close, 0) > 1", "s.yaml:7:28: strategy.rules.enter_long: sma's window must be a whole number of bars ≥ 1, got 0", 11),
        ("enter_long: sma(close, -2) > 1", "s.yaml:7:28: strategy.rules.enter_long: sma's window must be a whole number of bars ≥ 1, got -2", 11),
        ("enter_long: sma(close, 2.5) > 1", "s.yaml:7:28: strategy.rules.enter_long: sma's window must be a whole number of bars ≥ 1, got 2.5", 11),
        (
            "enter_long: close > lag(close, -1)",
            "s.yaml:7:36: strategy.rules.enter_long: lag's k must be ≥ 0 bars (a negative lag would read a later bar), got -1", 19
        ),
        ("enter_long: close > sma(close, n)", "s.yaml:7:36: strategy.rules.enter_long: unknown name 'n'; a parameter must be declared under params", 19),
        ("enter_long: \"close >> 1\"", "s.yaml:7:25: strategy.rules.enter_long: expected a value, got '>'", 7),
    ])
    func mistakesPointIntoTheExpression(rule: String, message expected: String, caret: Int) throws {
        let text = scenario("rules:\n  \(rule)")
        var caught: ScenarioError?
        do { _ = try parse(text) } catch let e as ScenarioError { caught = e }
        let error = try #require(caught)
        #expect(error.description == expected)
        // The caret is under the offending character of the expression shown above it.
        let lines = (error.excerpt ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1] == "  " + String(repeating: " ", count: caret) + "^", "\(error.excerpt ?? "")")
    }

    @Test func sectionMistakesNameTheKey() {
        #expect(
            message { _ = try parse(scenario("rules:\n  enter_lnog: close > 1")) }
                == "s.yaml:7:17: strategy.rules.enter_lnog: unknown key (did you mean \"enter_long\"?)")
        #expect(
            message { _ = try parse(scenario("rules:\n  exit_long: close > 1")) } == "s.yaml:6:3: strategy.rules: needs enter_long or enter_short (or both)")
        #expect(
            message { _ = try parse(scenario("params: {fast: ten}\nrules:\n  enter_long: close > fast")) }
                == "s.yaml:6:18: strategy.params.fast: expected a number, got \"ten\"")
        #expect(
            message { _ = try parse(scenario("params: {sma: 3}\nrules:\n  enter_long: close > 1")) } == "s.yaml:6:17: strategy.params.sma: 'sma' is a function")
        #expect(
            message { _ = try parse(scenario("rules:\n  enter_long: close > 1\nreentry: again")) }
                == "s.yaml:8:12: strategy.reentry: expected hold or reopen, got \"again\"")
        #expect(message { _ = try parse(scenario("rules:\n  enter_long: close > 1", extra: "sweep:\n  grid:\n    fats: [1, 2]")) }.contains("fats"))
    }

    @Test func aTargetStrategyResizesItsPosition() throws {
        let s = try parse(
            scenario(
                """
                params: {window: 20}
                target: clip(zscore(close, window) / -2, -1, 1)
                """, extra: "calibration: false\nexecution: {fractional_units: true, commission: {rate: 0.001}}"))
        #expect(s.strategy.program?.target?.text == "clip(zscore(close, window) / -2, -1, 1)")
        let report = try ScenarioRunner(workers: 1).run(s).report
        let job = report.jobs[0]
        #expect(report.scenario.program?["target"] == "clip(zscore(close, window) / -2, -1, 1)")
        // A continuous target resizes on most bars: far more signals than round trips.
        #expect(job.trades.count > 10)
        #expect(job.signals.quality.all.generated > 10 * job.trades.count)
        #expect(
            message { _ = try parse(scenario("target: close\nrules:\n  enter_long: close > 1")) }
                == "s.yaml:8:5: strategy.rules: a strategy takes target: or rules:, not both")
        #expect(
            message { _ = try parse(scenario("target: 1\nreentry: hold")) }
                == "s.yaml:7:12: strategy.reentry: reentry applies to rules; a target sets the position itself")
    }

    @Test func aRuleThatNeverFiresIsAWarningInTheReport() throws {
        let s = try parse(
            scenario(
                "rules:\n  enter_long: close > 1e9\n  exit_long: close < 0\n  enter_short: cross_below(sma(close, 5), sma(close, 20))",
                extra: "calibration: false"))
        let report = try ScenarioRunner(workers: 1).run(s).report
        #expect(report.scenario.silent_rules == ["rules.enter_long", "rules.exit_long"])
        #expect(
            HTMLReport.render(report).contains("Warning: rules.enter_long, rules.exit_long are never true on these bars after the warm-up: they can never act.")
        )
        let quiet = try ScenarioRunner(workers: 1).run(try parse(scenario("rules:\n  enter_long: close > 100", extra: "calibration: false"))).report
        #expect(quiet.scenario.silent_rules == nil)
    }

    @Test func aSweepCombinationOutOfRangeIsSkippedAndNamed() throws {
        let s = try parse(scenario("params: {w: 5}\nrules:\n  enter_long: close > sma(close, w)", extra: "sweep:\n  grid:\n    w: [0, 5, 10]"))
        #expect(s.parameterSets.map { $0["w"] } == ["5", "10"])
        #expect(s.sweep?.firstInvalid == "strategy: rules.enter_long: sma's window (parameter w) must be a whole number of bars ≥ 1, got 0")
    }
}

/// backtesting.py's SmaCross(10, 20) written as rules, run through `gslab run`'s runner with
/// `execution.preset: backtesting_py`: backtesting.py 0.6.6's 32 statistics on GOOG to 1e-9.
@Suite struct RulesParityTests {
    @Test func smaCrossAsRulesReproducesBacktestingPy() throws {
        let s = try parse(
            """
            name: parity
            dataset: {path: datasets/GOOG.h5, symbol: GOOG}
            \(BacktestingPyBreadthTests.smaCross)
            calibration: false
            execution:
              preset: backtesting_py
              commission: {rate: 0.002}
            """)
        let report = try ScenarioRunner(workers: 1).run(s).report
        let json = try JSONSerialization.jsonObject(with: try LabJSON.encode(report)) as! [String: Any]
        let stats = ((json["jobs"] as! [[String: Any]])[0])["stats"] as! [String: Any]
        let fixture = URL(fileURLWithPath: repository + "/Tests/LabExecutionTests/Fixtures/backtesting_py_goog_smacross.json")
        let reference = (try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as! [String: Any])["stats"] as! [String: Any]
        var compared = 0
        for (name, value) in reference {
            switch value {
            case let number as Double:
                let mine = stats[name] as? Double
                #expect(mine.map { abs($0 - number) <= 1e-9 * max(1, abs(number)) } == true, "\(name): \(String(describing: mine)) vs \(number)")
                compared += 1
            case let duration as [String: Any]:
                #expect(stats[name + " [days]"] as? Double == (duration["seconds"] as! Double) / 86_400, "\(name)")
                compared += 1
            case let text as String where name == "Start" || name == "End":
                #expect((stats[name] as? String).map { text.hasPrefix($0) } == true, "\(name)")
                compared += 1
            default:
                break
            }
        }
        #expect(compared == 32)
        #expect(stats["# Trades"] as? Double == 93)
    }
}
