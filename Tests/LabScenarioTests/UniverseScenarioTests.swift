import Foundation
import LabCore
import LabData
import LabReport
import LabScenario
import Testing

/// Universe scenarios through the runner: the bundled momentum scenario on a smaller universe,
/// determinism, and every bad input of the universe keys (one line naming file and key, or a
/// warning in the report).
@Suite struct UniverseScenarioTests {
    /// A folder with `u.h5`: a synthetic universe of `symbols` × `days`.
    static func universeFolder(symbols: Int = 40, days: Int = 700, seed: UInt64 = 3) throws -> String {
        let dir = scratch("gslab-universe")
        let series = try SyntheticUniverse.make(symbols: symbols, days: days, startDay: CivilTime.daysFromCivil(year: 2016, month: 1, day: 4), seed: seed)
        try HDF5BarStore.write(series, to: dir + "/u.h5")
        return dir
    }

    /// scenarios/momentum-universe.yaml with its dataset moved to `folder`/u.h5.
    static func momentumScenario(in folder: String, replacing: [(String, String)] = []) throws -> Scenario {
        var text = try String(contentsOfFile: repository + "/scenarios/momentum-universe.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "../datasets/universe-500.h5", with: "u.h5")
        for (a, b) in replacing {
            #expect(text.contains(a), "the scenario has \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        return try Scenario.parse(text, file: "m.yaml", folder: folder)
    }

    static func run(_ s: Scenario) throws -> RunReport { try ScenarioRunner(workers: 2).run(s).report }

    /// The bundled scenario runs on 40 symbols: it trades, holds at most max_weight per symbol,
    /// warns that k = 50 holds every symbol, and gives byte-identical JSON twice.
    @Test func momentumScenarioRunsOnASmallUniverse() throws {
        let dir = try Self.universeFolder()
        let s = try Self.momentumScenario(in: dir)
        let report = try Self.run(s)
        let job = try #require(report.jobs.first)
        let u = try #require(job.portfolio?.universe)
        #expect(u.symbols == 40 && u.decisions > 10 && u.traded > 5)
        #expect(u.warnings.contains { $0.contains("cs_top's k (50) is not below the universe's 40 symbols") })
        #expect(u.heatmap.weights.allSatisfy { $0.allSatisfy { $0 <= 0.05 + 1e-9 } })
        #expect(u.rebalances.allSatisfy { $0.held <= 40 })
        #expect(job.portfolio!.fills > 0)
        let again = try Self.run(try Self.momentumScenario(in: dir))
        #expect(try LabJSON.encode(report) == LabJSON.encode(again))
        // k below the universe: at most k held after each rebalance, and no warning about it.
        let ten = try Self.run(try Self.momentumScenario(in: dir, replacing: [("{k: 50}", "{k: 10}"), ("max_weight: 0.05", "max_weight: 0.2")]))
        let v = try #require(ten.jobs[0].portfolio?.universe)
        // (A sell the participation cap cuts, or a symbol without a bar at the fill, can leave an extra name.)
        #expect(v.average_holdings <= 10.5 && v.rebalances.contains { $0.held == 10 })
        #expect(!v.warnings.contains { $0.contains("cs_top's k") })
    }

    /// Bad inputs: one line naming the file and the key.
    @Test func badInputsAreOneLine() throws {
        let dir = try Self.universeFolder(symbols: 12, days: 300)
        func failure(_ replacing: [(String, String)]) -> String {
            message { _ = try Self.run(try Self.momentumScenario(in: dir, replacing: replacing)) }
        }
        #expect(failure([("symbols: all", "symbols: \"ZZ*\"")]).hasPrefix("m.yaml: dataset.symbols: the pattern \"ZZ*\" matches none of the 12 symbols"))
        #expect(failure([("symbols: all", "symbols: [S01, S99]")]).contains("symbol \"S99\" not found"))
        #expect(failure([("symbols: all", "symbols: all\n  max_symbols: 10")]).contains("12 symbols chosen from u.h5, more than max_symbols (10)"))
        #expect(failure([("weights: cs_top(momentum, k)", "weights: 1 / (close - close)")]).hasPrefix("m.yaml: portfolio.weights: inf for S"))
        #expect(failure([("weights: cs_top(momentum, k)", "weights: momentum")]).contains("is negative under long_only"))
        // 0 / 0 after the warm-up is NaN: an error naming the symbol and bar, with the remedy.
        let nan = failure([("weights: cs_top(momentum, k)", "weights: (close - close) / (close - close)")])
        #expect(nan.hasPrefix("m.yaml: portfolio.weights: NaN for S") && nan.hasSuffix("fill_nan(x, 0) holds none of such symbols)"))
        let fixedK = message { _ = try Self.momentumScenario(in: dir, replacing: [("weights: cs_top(momentum, k)", "weights: cs_top(momentum, close)")]) }
        #expect(fixedK.contains("portfolio.weights: cs_top's k must be fixed for the run"))
        let typo = message { _ = try Self.momentumScenario(in: dir, replacing: [("weights: cs_top(momentum, k)", "weights: cs_rnk(momentum)")]) }
        #expect(typo.contains("unknown function 'cs_rnk' (did you mean 'cs_rank'?)"))
        let strategy = message {
            _ = try parse("name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  rules:\n    enter_long: cs_rank(close) > 0.5\n")
        }
        #expect(strategy.contains("cs_rank works across the symbols of a universe"))
        // Execution keys a portfolio has no use for are refused at their line, not ignored.
        let exits = message {
            _ = try Self.momentumScenario(in: dir, replacing: [("participation_cap: 0.05", "participation_cap: 0.05\n  exits: {stop_loss: 0.1}")])
        }
        #expect(exits.hasSuffix("execution.exits: a portfolio has no protective exits: remove execution.exits"), "\(exits)")
        let sizing = message {
            _ = try Self.momentumScenario(in: dir, replacing: [("participation_cap: 0.05", "participation_cap: 0.05\n  fractional_units: false")])
        }
        #expect(sizing.contains("execution.fractional_units: a portfolio's units are set by portfolio.fractional_units"), "\(sizing)")
        let finalize = message {
            _ = try Self.momentumScenario(in: dir, replacing: [("participation_cap: 0.05", "participation_cap: 0.05\n  finalize_trades: true")])
        }
        #expect(finalize.hasSuffix("a portfolio keeps no trades to finalize (its fills are reported): remove execution.finalize_trades"), "\(finalize)")
        let cap = message { _ = try Self.momentumScenario(in: dir, replacing: [("max_weight: 0.05", "max_weight: 2")]) }
        #expect(cap.contains("max_weight 2.0 is above gross_leverage 0.98"))
        let bootstrap = failure([("report:", "stress:\n  - name: resampled\n    steps:\n      - transform: bootstrap\nreport:")])
        #expect(bootstrap.hasPrefix("m.yaml: stress.resampled: ") && bootstrap.contains("different spans or gaps"), "\(bootstrap)")
    }

    /// group_ operators need sectors; the synthetic universe carries them as attributes, and a CSV
    /// file gives them too (a bad CSV is named).
    @Test func groupOperatorsReadSectors() throws {
        let dir = try Self.universeFolder(symbols: 20, days: 400)
        let grouped = [("weights: cs_top(momentum, k)", "weights: group_rank(momentum) > 0.7"), ("{k: 50}", "{k: 5}")]
        let report = try Self.run(try Self.momentumScenario(in: dir, replacing: grouped))
        let u = try #require(report.jobs[0].portfolio?.universe)
        #expect(u.contributions.allSatisfy { $0.sector != nil })
        try "symbol,sector\nS00,A\nS01,A\n".write(toFile: dir + "/sectors.csv", atomically: true, encoding: .utf8)
        let csv = try Self.run(try Self.momentumScenario(in: dir, replacing: grouped + [("symbols: all", "symbols: all\n  sectors: sectors.csv")]))
        #expect(csv.jobs[0].portfolio?.universe?.contributions.contains { $0.sector == nil } == true)
        try "name,sector\nS00,A\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = message { _ = try Self.run(try Self.momentumScenario(in: dir, replacing: grouped + [("symbols: all", "symbols: all\n  sectors: bad.csv")])) }
        #expect(bad.contains("bad.csv: header: needs a symbol and a sector (or group) column"))
    }

    /// A universe whose symbols have different column sets is refused.
    /// The symbols are checked as they are read, against a calendar guessed from the first symbol
    /// read; when the universe's own (inferred from its longest symbol) differs, they are checked
    /// again: the findings are those of a run that names the calendar.
    @Test func symbolsCheckedAgainstAWrongGuessAreCheckedAgain() throws {
        let dir = scratch("gslab-universe")
        var series = try SyntheticUniverse.make(symbols: 12, days: 400, startDay: CivilTime.daysFromCivil(year: 2016, month: 1, day: 4), seed: 2)
        // The first three symbols (the first any worker reads) trade every day of the week, for 90 days.
        for k in 0..<3 {
            let start = series[k].timestamps[0]
            series[k] = series[k][bars: 0..<90].materialize()
            series[k].timestamps = (0..<90).map { start + Int64($0) * CivilTime.nanosPerDay }
        }
        try HDF5BarStore.write(series, to: dir + "/u.h5")
        let inferred = try Self.run(try Self.momentumScenario(in: dir))
        let named = try Self.run(try Self.momentumScenario(in: dir, replacing: [("  symbols: all", "  symbols: all\n  calendar: NYSE")]))
        #expect(inferred.annualisation?.calendar == "NYSE" && inferred.annualisation?.calendar_source == "inferred")
        #expect(inferred.data_quality.counts == named.data_quality.counts && inferred.data_quality.warnings == named.data_quality.warnings)
        #expect((inferred.data_quality.counts["gap"] ?? 0) > 0, "the weekday gaps of the daily symbols under NYSE")
        #expect(inferred.data_quality.data_hash == named.data_quality.data_hash)
    }

    @Test func differentColumnSetsAreRefused() throws {
        let dir = scratch("gslab-universe")
        var series = try SyntheticUniverse.make(symbols: 3, days: 300, startDay: CivilTime.daysFromCivil(year: 2016, month: 1, day: 4), seed: 1)
        series[1].spread = [Double](repeating: 0.001, count: series[1].count)
        try HDF5BarStore.write(series, to: dir + "/u.h5")
        let m = message { _ = try Self.run(try Self.momentumScenario(in: dir)) }
        #expect(m.hasPrefix("m.yaml: dataset.symbols: S1 has columns"), "\(m)")
    }

    /// A universe stored as one long pandas table (`symbol_column`) runs like one stored a group per
    /// symbol: the same report numbers from the key-per-symbol file of the same bars.
    @Test func longTableRunsLikeKeysPerSymbol() throws {
        let fixtures = repository + "/Tests/LabDataTests/Fixtures"
        func scenario(_ dataset: String) throws -> Scenario {
            try Scenario.parse(
                """
                name: long
                dataset:
                  \(dataset)
                portfolio:
                  weights: cs_top(ts_mean(returns, 10), 2)
                  rebalance: weekly
                  long_only: true
                execution:
                  cash: 100000
                  commission: {rate: 0.001}
                """, file: "l.yaml", folder: fixtures)
        }
        let long = try Self.run(try scenario("path: universe_long.h5\n  symbol_column: symbol\n  symbols: all"))
        let keys = try Self.run(try scenario("path: universe_keys.h5\n  symbols: all"))
        #expect(long.jobs[0].stats["Equity Final [$]"] == keys.jobs[0].stats["Equity Final [$]"])
        #expect(long.jobs[0].portfolio?.universe?.rebalances.count == keys.jobs[0].portfolio?.universe?.rebalances.count)
        #expect((long.jobs[0].portfolio?.fills ?? 0) > 4)
        let missing = message { _ = try Self.run(try scenario("path: universe_long.h5\n  symbol_column: ticker\n  symbols: all")) }
        #expect(missing.hasPrefix("l.yaml: dataset.symbol_column: ") && missing.contains("column ticker is missing"), "\(missing)")
        let glob = message { _ = try Self.run(try scenario("path: universe_long.h5\n  symbol_column: symbol\n  symbols: \"X*\"")) }
        #expect(glob == "l.yaml: dataset.symbols: the pattern \"X*\" matches none of the 4 symbols of universe_long.h5 (AAA, BB, CCCC, D)")
    }

    /// Stress variants of a universe run next to the baseline, each a job with its annotations, and
    /// the stress comparison lists them.
    @Test func stressVariantsRunOnTheCalendar() throws {
        let dir = try Self.universeFolder(symbols: 30, days: 600)
        let variants = """
            stress:
              - name: crash
                steps:
                  - transform: flash_crash
                    at: 2017-06-01
                    depth: 0.25
              - name: correlated
                steps:
                  - transform: correlation_breakdown
                    correlation: 0.9
            report:
            """
        let report = try Self.run(try Self.momentumScenario(in: dir, replacing: [("report:", variants), ("{k: 50}", "{k: 8}")]))
        #expect(report.jobs.map(\.variant) == ["baseline", "crash", "correlated"])
        #expect(report.stress_comparison.map(\.variant) == ["baseline", "crash", "correlated"])
        #expect(report.jobs[1].annotations.first?.detail.contains("depth 25.0%") == true)
        #expect(report.jobs[2].annotations.first?.detail.contains("of 30 symbols") == true)
        #expect(report.jobs[1].stats["Equity Final [$]"] != report.jobs[0].stats["Equity Final [$]"])
        let again = try Self.run(try Self.momentumScenario(in: dir, replacing: [("report:", variants), ("{k: 50}", "{k: 8}")]))
        #expect(try LabJSON.encode(report) == LabJSON.encode(again))
    }
}
