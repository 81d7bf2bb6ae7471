import Foundation
import LabCore
import LabData
import LabMetrics
import LabReport
import Testing

@testable import LabScenario

/// Bring your own signals: columns computed in pandas (scripts/make_signals_fixtures.py), aligned
/// to the bars by timestamp, traded like the lab's own strategies — and every bad file refused
/// with one line naming the file, symbol, column and row.
@Suite struct SignalsScenarioTests {
    static let fixture = repository + "/Tests/LabScenarioTests/Fixtures/signals.h5"

    func scenario(_ signals: String, execution: String = "execution: {commission: {rate: 0.001}}") -> String {
        """
        name: byo
        dataset: {path: datasets/GOOG.h5, symbol: GOOG}
        strategy:
          signals:
        \(signals.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        calibration: false
        \(execution)
        """
    }

    func baselineStats(_ text: String) throws -> [String: StatValue] {
        let report = try ScenarioRunner(workers: 1).run(try parse(text)).report
        return report.jobs[0].stats
    }

    @Test func pandasRuleColumnsTradeLikeTheSameRulesWrittenInTheLanguage() throws {
        let byo = try baselineStats(scenario("path: \(Self.fixture)\nenter_long: enter_long\nenter_short: enter_short\nreentry: reopen"))
        let rules = try baselineStats(
            """
            name: byo
            dataset: {path: datasets/GOOG.h5, symbol: GOOG}
            strategy:
              rules:
                enter_long: cross_above(sma(close, 10), sma(close, 20))
                enter_short: cross_below(sma(close, 10), sma(close, 20))
              reentry: reopen
            calibration: false
            execution: {commission: {rate: 0.001}}
            """)
        // The pandas columns have no warm-up, the rules one of 20 bars: compare the trading itself.
        for key in ["# Trades", "Return [%]", "Win Rate [%]", "Max. Drawdown [%]", "Commissions [$]", "Equity Final [$]"] {
            #expect(byo[key] == rules[key], "\(key): \(String(describing: byo[key])) vs \(String(describing: rules[key]))")
        }
        #expect((byo["# Trades"]?.number ?? 0) > 80)
        // A target column of the same positions is the rules with reentry: hold.
        let target = try baselineStats(scenario("path: \(Self.fixture)\ncolumn: target"))
        let held = try baselineStats(scenario("path: \(Self.fixture)\nenter_long: enter_long\nenter_short: enter_short"))
        #expect(target["Return [%]"] == held["Return [%]"] && target["# Trades"] == held["# Trades"])
    }

    @Test func aFractionalTargetTradesThatFractionOfEquity() throws {
        func run(_ column: String) throws -> RunReport {
            try ScenarioRunner(workers: 1).run(
                try parse(scenario("path: \(Self.fixture)\ncolumn: \(column)", execution: "execution: {fractional_units: true}"))
            ).report
        }
        let full = try run("target"), half = try run("half")
        #expect(full.jobs[0].trades.count == half.jobs[0].trades.count && full.jobs[0].trades.count > 80)
        for (a, b) in zip(full.jobs[0].trades.items.prefix(3), half.jobs[0].trades.items.prefix(3)) {
            #expect(a.entry_bar == b.entry_bar)
        }
        // The first position: all of the cash, then half of it, at the same fill.
        let a = full.jobs[0].trades.items[0], b = half.jobs[0].trades.items[0]
        #expect(abs(b.size / a.size - 0.5) < 1e-9)
    }

    @Test func theReportSaysWhatWasReadAndIgnored() throws {
        let report = try ScenarioRunner(workers: 1).run(try parse(scenario("path: \(Self.fixture)\ncolumn: target"))).report
        let echo = try #require(report.scenario.signals)
        #expect(echo.symbol == "GOOG" && echo.columns == ["target"] && echo.rows == 2148 && echo.matched == 2148 && echo.filled == 0)
        #expect(echo.ignored_columns == ["enter_long", "enter_short", "text", "flag", "big", "half", "holes"])
        #expect(report.scenario.strategy == "signals")
        // With ffill, a missing row is carried over from the row before and counted.
        let gap = try ScenarioRunner(workers: 1).run(try parse(scenario("path: \(Self.fixture)\nsymbol: GOOG_GAP\ncolumn: target\nalign: ffill"))).report
        #expect(gap.scenario.signals?.filled == 1 && gap.scenario.signals?.matched == 2147)
    }

    @Test(arguments: [
        ("column: nope", "no column nope (present: index, enter_long, enter_short, target, text, flag, big, half, holes)"),
        ("column: text", "column text is not numeric (type object (strings)); write 0/1 or numbers"),
        ("enter_long: flag", "column flag is not numeric (type bool); write 0/1 or numbers"),
        ("column: big", "column big row 62 (2004-11-16) is -2.0: outside [−1, 1]"),
        ("enter_long: holes", "column holes row 100 (2005-01-11) is NaN, which holes may not be"),
        ("enter_long: enter_long\nconfidence: target", "column target row 0 (2004-08-19) is NaN, which target may not be"),
        ("symbol: GOOG_GAP\ncolumn: target", "bar 1040 (2008-10-06) has no row; align: ffill carries the row before forward"),
    ])
    func badSignalColumnsAreRefused(signals: String, reason: String) throws {
        let s = try parse(scenario("path: \(Self.fixture)\n\(signals)"))
        let symbol = signals.contains("GOOG_GAP") ? "GOOG_GAP" : "GOOG"
        #expect(message { _ = try ScenarioRunner(workers: 1).run(s) } == "s.yaml: strategy.signals: \(Self.fixture) /\(symbol): \(reason)")
    }

    @Test func declarationMistakesAreCaughtWhenRead() {
        #expect(
            message { _ = try parse(scenario("align: exact")) }
                == "s.yaml:5:5: strategy.signals: needs column: (a target column) or rule columns (enter_long: …)")
        #expect(
            message { _ = try parse(scenario("column: t\nenter_long: e")) }
                == "s.yaml:5:5: strategy.signals: takes column: (a target) or rule columns, not both")
        #expect(message { _ = try parse(scenario("exit_long: e")) } == "s.yaml:5:5: strategy.signals: rule columns need enter_long or enter_short")
        #expect(
            message { _ = try parse(scenario("column: t\nalign: nearest")) } == "s.yaml:6:12: strategy.signals.align: expected exact or ffill, got \"nearest\"")
        #expect(message { _ = try parse(scenario("column: t\ncolum: u")) }.contains("strategy.signals.colum: unknown key (did you mean \"column\"?)"))
        #expect(
            message { _ = try parse(scenario("column: t") + "\nsweep:\n  grid:\n    fast: [1, 2]") }.contains(
                "a signals strategy has no parameters to sweep (fast)"))
    }

    /// A dataset column no bar field reads is named in the report, never dropped silently.
    @Test func unusedDatasetColumnsAreNamed() throws {
        let s = try parse(
            """
            name: extra
            dataset: {path: Tests/LabDataTests/Fixtures/pandas_aliases.h5, symbol: GOOG}
            strategy: {name: sma_cross, params: {fast: 3, slow: 8}}
            calibration: false
            """)
        let report = try ScenarioRunner(workers: 1).run(s).report
        #expect(report.data_quality.ignored_columns == ["note"])
        #expect(try ScenarioRunner(workers: 1).run(try parse(scenarioText())).report.data_quality.ignored_columns == nil)
    }

    @Test func aSignalsFileForAnotherSymbolIsRefused() throws {
        let s = try parse(
            """
            name: byo
            dataset: {path: datasets/intraday_2sym.h5, symbol: AAA}
            strategy:
              signals: {path: datasets/GOOG_signals.h5, column: target}
            """)
        #expect(message { try ScenarioRunner.checkDataset(s) } == "\(repository)/datasets/GOOG_signals.h5: symbol \"AAA\" not found (present: GOOG)")
        #expect(message { _ = try ScenarioRunner(workers: 1).run(s) } == "\(repository)/datasets/GOOG_signals.h5: symbol \"AAA\" not found (present: GOOG)")
    }
}

/// Sweeps over execution settings (`sweep.grid` keys `execution.…`): each combination trades through
/// its own settings, for any strategy and for signals from a file.
@Suite struct ExecutionSweepTests {
    @Test func aSweepOverCommissionAndSlippage() throws {
        let s = try parse(
            scenarioText(
                """
                execution: {commission: {rate: 0.001}, slippage: {model: fixed_bps, bps: 5}}
                calibration: false
                sweep:
                  grid:
                    execution.commission.rate: [0, 0.001, 0.005]
                    execution.slippage.bps: [0, 10]
                """))
        #expect(s.parameterSets.count == 6 && s.executionBySet?.count == 6)
        let report = try ScenarioRunner(workers: 2).run(s).report
        func value(_ row: RunReport.SweepRow, _ key: String) -> Double { row.stats[key] ?? .nan }
        let rows = report.sweep
        #expect(rows.count == 6)
        // Same signals, more cost: commissions grow with the rate, the final equity falls.
        let byRate = Dictionary(grouping: rows.filter { $0.parameters["execution.slippage.bps"] == "0" }, by: { $0.parameters["execution.commission.rate"]! })
        let equity = ["0", "0.001", "0.005"].map { value(byRate[$0]![0], "Equity Final [$]") }
        #expect(equity[0] > equity[1] && equity[1] > equity[2])
        #expect(Set(rows.map { value($0, "# Trades") }).count == 1)
        #expect(report.headline_reason == "best_by_sharpe_ratio")
    }

    @Test func signalsFromAFileSweepTheirExecution() throws {
        let s = try parse(
            """
            name: byo
            dataset: {path: datasets/GOOG.h5, symbol: GOOG}
            strategy:
              signals: {path: datasets/GOOG_signals.h5, column: target}
            calibration: false
            sweep:
              grid:
                execution.fill.timing: [next_open, this_close]
            """)
        let report = try ScenarioRunner(workers: 1).run(s).report
        #expect(report.sweep.count == 2 && report.sweep[0].stats != report.sweep[1].stats)
        #expect(
            message { _ = try parse(scenarioText("sweep:\n  grid:\n    execution.commission.rate: [-1, 2]")) }
                == "s.yaml:9:3: sweep: no combination builds a valid strategy: s.yaml:9:3: execution.commission.rate: expected a number in [0, 0.1], got \"-1\""
        )
        #expect(
            message {
                _ = try parse(
                    "name: b\ndataset: {path: datasets/GOOG.h5, symbol: GOOG}\nstrategy:\n  signals: {path: datasets/GOOG_signals.h5, column: target}\nsweep:\n  grid:\n    fast: [1, 2]"
                )
            }
                == "s.yaml:6:3: sweep: a signals strategy has no parameters to sweep (fast); sweep execution.… settings instead")
    }
}
