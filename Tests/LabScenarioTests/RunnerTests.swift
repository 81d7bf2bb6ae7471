import Foundation
import LabCore
import LabData
import LabReport
import Testing

@testable import LabScenario

@Suite struct RunnerTests {
    func scratch() -> String { LabScenarioTests.scratch("gslab-runner") }

    /// A sweep under two stress variants: the same bytes with 1 and 3 workers.
    @Test func reportIsByteIdenticalWhateverTheWorkers() throws {
        let s = try parse(
            scenarioText(
                """
                stress:
                  - name: crash
                    steps:
                      - transform: flash_crash
                  - name: boot
                    steps:
                      - transform: bootstrap
                sweep:
                  grid:
                    fast: [5, 10]
                    slow: [20, 40]
                """))
        let one = try ScenarioRunner(workers: 1).run(s), three = try ScenarioRunner(workers: 3).run(s)
        let a = try LabJSON.encode(one.report), b = try LabJSON.encode(three.report)
        #expect(a == b)
        // Every combination in the sweep table; in full the four (sweep_detail 5 ≥ 4) and the
        // headline — the declared fast=10, slow=20, combination 2 — under each stress variant.
        let r = one.report
        #expect(r.headline_job == 2 && r.headline_reason == "declared" && r.headline?.parameters == ["fast": "10", "slow": "20"])
        #expect(r.jobs.map(\.id) == [0, 1, 2, 3, 6, 10])
        #expect(r.jobs.map(\.variant) == ["baseline", "baseline", "baseline", "baseline", "crash", "boot"])
        #expect(r.sweep.count == 4 && r.sweep.allSatisfy { $0.detail == true } && r.stress_comparison.map(\.job) == [2, 6, 10])
        #expect(r.stress_comparison.map(\.variant) == ["baseline", "crash", "boot"])
        // A sweep row's statistics are its full job's.
        for row in r.sweep {
            let job = try #require(r.jobs.first { $0.id == row.job })
            for (label, value) in try #require(row.stats) {
                let full = job.stats[label]!.number
                #expect(value == full || (value.isNaN && full.isNaN), "\(row.job) \(label)")
            }
            #expect(row.parameter_values == job.parameters.mapValues { Double($0)! })
        }
        // The crash variant says where it struck.
        #expect(r.jobs[4].annotations.first?.transform == "flash_crash")
        // A different seed moves the stressed jobs but not the baseline.
        var other = s
        other.seed = 7
        let moved = try ScenarioRunner(workers: 2).run(other).report
        #expect(moved.jobs[0].stats == one.report.jobs[0].stats)
        #expect(moved.jobs[5].stats != one.report.jobs[5].stats)
        #expect(moved.run_id != one.report.run_id)
    }

    /// The run id follows the scenario text, the bars (through their hash), the seed: one changed
    /// close, one changed character or another seed gives another id; the same inputs the same one.
    @Test func runIDFollowsEveryInput() throws {
        let bars = try BarSeries(
            symbol: "R", timestamps: [0, 86_400_000_000_000], open: [1, 2], high: [1, 2], low: [1, 2], close: [1, 2], volume: [5, 5])
        var moved = bars
        moved.close[1] = 2.000_000_000_1
        let hash = RunID.hash(series: [bars])
        #expect(hash.count == 16 && hash == RunID.hash(series: [bars]) && hash != RunID.hash(series: [moved]))
        let id = RunID.make(scenario: "name: a", dataHash: hash, seed: 1)
        #expect(id == RunID.make(scenario: "name: a", dataHash: hash, seed: 1))
        #expect(id != RunID.make(scenario: "name: a", dataHash: RunID.hash(series: [moved]), seed: 1))
        #expect(id != RunID.make(scenario: "name: b", dataHash: hash, seed: 1))
        #expect(id != RunID.make(scenario: "name: a", dataHash: hash, seed: 2))
    }

    @Test func writesTheReportAtomicallyUnderScenarioAndRunID() throws {
        let s = try parse(scenarioText())
        let outcome = try ScenarioRunner(workers: 2).run(s)
        let out = scratch()
        let path = try ReportWriter.write(outcome, to: out)
        #expect(path == "\(out)/t/\(outcome.report.run_id)/report.json")
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(out)/t/\(outcome.report.run_id)").sorted()
        #expect(files == ["report.html", "report.json", "timings.json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        #expect(decoded["schema_version"] as? Int == RunReport.schemaVersion)
        // The baseline job is the plain backtest of the strategy: its trades equal gslab backtest's core run.
        #expect(outcome.report.jobs[0].trades.count > 10)
        #expect(outcome.report.jobs[0].equity.value.count == 400)
    }

    /// A missing primary file falls back to the next source; the report names the one that served.
    @Test func fallbackSourceServesTheData() throws {
        let s = try parse(scenarioText().replacingOccurrences(of: "path: datasets/GOOG.h5", with: "path: datasets/NOPE.h5\n  fallbacks: [datasets/GOOG.h5]"))
        let r = try ScenarioRunner(workers: 1).run(s).report
        #expect(r.data_quality.source == "datasets/GOOG.h5" && r.data_quality.data_hash.count == 16)
        let plain = try ScenarioRunner(workers: 1).run(try parse(scenarioText())).report
        #expect(plain.data_quality.data_hash == r.data_quality.data_hash)
        let none = try parse(
            scenarioText().replacingOccurrences(of: "path: datasets/GOOG.h5", with: "path: datasets/NOPE.h5\n  fallbacks: [datasets/ALSO_NOPE.h5]"))
        #expect(message { _ = try ScenarioRunner().run(none) }.contains("NOPE.h5"))
    }

    @Test func badDataIsAOneLineError() throws {
        let missing = try parse(scenarioText().replacingOccurrences(of: "datasets/GOOG.h5", with: "datasets/NOPE.h5"))
        #expect(
            message { _ = try ScenarioRunner().run(missing) }
                == "s.yaml: dataset.path: no such file datasets/NOPE.h5 (resolved to \(repository)/datasets/NOPE.h5)")
        let symbol = try parse(scenarioText().replacingOccurrences(of: "symbol: GOOG", with: "symbol: MSFT"))
        #expect(message { _ = try ScenarioRunner().run(symbol) } == "\(repository)/datasets/GOOG.h5: symbol \"MSFT\" not found (present: GOOG)")
        let empty = try parse(scenarioText().replacingOccurrences(of: "symbol: GOOG", with: "symbol: GOOG\n  start: 2020-01-01"))
        #expect(
            message { _ = try ScenarioRunner().run(empty) }
                == "s.yaml: dataset.start/end: no GOOG bars in the date range 2020-01-01 … the end in datasets/GOOG.h5 (it holds 2004-08-19 … 2013-03-01)")
        let outcome = try ScenarioRunner(workers: 1).run(try parse(scenarioText()))
        #expect(
            message { _ = try ReportWriter.write(outcome, to: "/proc/forbidden") }
                == "/proc/forbidden/t: cannot write (cannot create the report folder: No such file or directory)")
    }

    /// Strings from the scenario reach the page only escaped; the page is self-contained.
    @Test func htmlEscapesScenarioStringsAndFetchesNothing() throws {
        let hostile = "<script>alert(1)</script> & \"quotes\""
        let s = try parse(
            scenarioText(
                """
                description: '\(hostile)'
                stress:
                  - name: "<img src=x onerror=alert(2)>"
                    steps:
                      - transform: vol_scale
                sweep:
                  grid:
                    fast: [5, 10]
                    slow: [30, 40]
                """))
        let outcome = try ScenarioRunner(workers: 2).run(s)
        let html = HTMLReport.render(outcome.report)
        #expect(!html.lowercased().contains("<script") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
        #expect(
            !html.contains("http://")
                || html.components(separatedBy: "http://").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        #expect(!html.contains("https://") && !html.contains("<link") && !html.contains("<iframe") && !html.contains(" src=\""))
        // Charts drawn: equity and drawdown with one line per variant (and buy and hold on the
        // equity), the rolling Sharpe and volatility, the reliability plot, the sweep heatmap.
        #expect(html.components(separatedBy: "<polyline").count - 1 == 2 * 2 + 1 + 2)
        #expect(html.contains("<circle") && html.contains("Sweep (baseline)") && html.contains("hsl("))
        #expect(html.contains("<h2>Statistics</h2>") && html.contains("Return [%]"))
    }

    /// Walk-forward: windows tile the data, the chosen set is the in-sample best, and the
    /// out-of-sample statistics equal a run of that set on those bars with the warm-up before them.
    @Test func walkForwardChoosesInSampleAndTradesOutOfSample() throws {
        let s = try parse(
            scenarioText(
                """
                sweep:
                  grid:
                    fast: [5, 10]
                    slow: [30, 60]
                walk_forward:
                  in_sample: 400
                  out_of_sample: 200
                """))
        let r = try ScenarioRunner(workers: 2).run(s).report
        let walk = try #require(r.walk_forward)
        #expect(walk.count == (2148 - 600) / 200 + 1)
        #expect(walk[0].in_sample[0] == "2004-08-19" && walk[0].out_of_sample[0] > walk[0].in_sample[1])
        #expect(zip(walk, walk.dropFirst()).allSatisfy { $0.out_of_sample[1] < $1.out_of_sample[1] })
        // The first window's choice is the best in-sample Sharpe among the four sets.
        let runner = ScenarioRunner(workers: 1)
        let bars = try HDF5BarStore.read(repository + "/datasets/GOOG.h5", symbol: "GOOG").series
        let sharpes = try s.parameterSets.map { set in
            try runner.runJob(
                id: 0, scenario: s, variant: "x", series: bars[bars: 0..<400].materialize(), flagged: nil,
                annotations: [], parameters: set, light: true
            ).report.stats["Sharpe Ratio"]!.number
        }
        let best = sharpes.indices.max { sharpes[$0] < sharpes[$1] }!
        #expect(walk[0].chosen == s.parameterSets[best] && walk[0].in_sample_objective == sharpes[best])
        #expect(walk.allSatisfy { $0.out_of_sample_return_pct.isFinite })
        // Too little data for one window is a one-line error.
        let long = try parse(scenarioText("sweep:\n  grid:\n    fast: [5]\nwalk_forward:\n  in_sample: 3000\n  out_of_sample: 100"))
        #expect(
            message { _ = try ScenarioRunner().run(long) } == "s.yaml: walk_forward: 2148 bars are fewer than one window (in_sample 3000 + out_of_sample 100)")
    }

    /// A portfolio scenario: one job per variant, the same bytes on 1 and 2 workers, weights after
    /// each daily rebalance that sum to 1 (risk parity, fractional units, no costs).
    @Test func portfolioScenario() throws {
        let text = """
            name: p
            dataset:
              path: datasets/intraday_2sym.h5
              symbols: [AAA, BBB]
            portfolio:
              rule: risk_parity
              window: 390
              rebalance: daily
            stress:
              - name: corr
                steps:
                  - transform: correlation_breakdown
            """
        let s = try parse(text)
        let one = try ScenarioRunner(workers: 1).run(s), two = try ScenarioRunner(workers: 2).run(s)
        #expect(try LabJSON.encode(one.report) == LabJSON.encode(two.report))
        #expect(one.report.jobs.map(\.variant) == ["baseline", "corr"])
        let p = try #require(one.report.jobs[0].portfolio)
        #expect(p.symbols == ["AAA", "BBB"] && p.rebalances.count > 50)
        #expect(p.rebalances.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-9 })
        #expect(HTMLReport.render(one.report).contains("<h2>Portfolio</h2>"))
    }

    @Test func portfolioInputErrors() {
        #expect(
            message { _ = try parse("name: p\ndataset:\n  path: datasets/intraday_2sym.h5\n  symbols: [AAA, BBB]\nstrategy:\n  name: macd\n") }
                == "s.yaml:4:12: dataset.symbols: several symbols need a portfolio: section (a strategy trades one symbol)")
        #expect(
            message {
                _ = try parse(
                    "name: p\ndataset:\n  path: datasets/intraday_2sym.h5\n  symbols: [AAA, BBB]\nportfolio:\n  rule: fixed\n  weights: {AAA: 0.5, ZZZ: 0.5}\n")
            }
                == "s.yaml:7:28: portfolio.weights.ZZZ: orders for unknown symbol \"ZZZ\" (portfolio: AAA, BBB)")
        #expect(
            message { _ = try parse("name: p\ndataset:\n  path: datasets/intraday_2sym.h5\n  symbols: [AAA]\nportfolio:\n  rule: equal\n") }
                == "s.yaml:6:3: portfolio: a weight rule needs dataset.symbols as a list of two or more (a weights: expression takes all or a pattern)")
    }

    /// docs/report.schema.json names every key report.json writes (top level, scenario, environment,
    /// data quality, jobs), and nothing else: a drift check between the schema and the encoder.
    @Test func reportSchemaMatchesTheEncoder() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repository + "/docs/report.schema.json"))) as! [String: Any]
        let properties = schema["properties"] as! [String: Any]
        let s = try parse(scenarioText("walk_forward:\n  in_sample: 400\n  out_of_sample: 400\nsweep:\n  grid:\n    fast: [5, 10]"))
        let report = try JSONSerialization.jsonObject(with: LabJSON.encode(try ScenarioRunner(workers: 2).run(s).report)) as! [String: Any]
        #expect(Set(report.keys) == Set(properties.keys).subtracting(["shard"]))
        func keys(_ name: String) -> Set<String> { Set(((properties[name] as! [String: Any])["properties"] as! [String: Any]).keys) }
        #expect(Set((report["scenario"] as! [String: Any]).keys).isSubset(of: keys("scenario")))
        // Optional keys (`ignored_columns`) appear only when they have something to say.
        #expect(Set((report["data_quality"] as! [String: Any]).keys) == keys("data_quality").subtracting(["ignored_columns"]))
        let job = ((properties["jobs"] as! [String: Any])["items"] as! [String: Any])["properties"] as! [String: Any]
        let firstJob = (report["jobs"] as! [[String: Any]])[0]
        // `portfolio` (portfolio jobs), `intrabar` (jobs with a stop and a take-profit), `undefined_stats`
        // (a NaN statistic) and `stress` (a stress variant's job) only where they apply.
        #expect(
            Set(firstJob.keys).isSubset(of: Set(job.keys))
                && Set(job.keys).subtracting(firstJob.keys) == ["portfolio", "intrabar", "undefined_stats", "stress"])
    }

    /// A 1M-bar run stays light: report.html under 3 MB (curves downsampled, trades capped).
    @Test func millionBarReportStaysLight() throws {
        let dir = scratch()
        let bars = try SyntheticBars.intraday(symbol: "BIG", startDay: CivilTime.daysFromCivil(year: 2020, month: 1, day: 2), days: 2600, seed: 4)
        #expect(bars.count > 1_000_000)
        try HDF5BarStore.write([bars], to: dir + "/big.h5")
        let s = try Scenario.parse(
            """
            name: big
            dataset:
              path: big.h5
            strategy:
              name: sma_cross
              params: {fast: 20, slow: 60}
            calibration: false
            """, file: "big.yaml", folder: dir)
        let outcome = try ScenarioRunner(workers: 2).run(s)
        let path = try ReportWriter.write(outcome, to: dir + "/out")
        let html = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("report.html").path
        let htmlSize = try #require(try FileManager.default.attributesOfItem(atPath: html)[.size] as? Int)
        let jsonSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(htmlSize < 3_000_000 && jsonSize < 3_000_000, "html \(htmlSize) bytes, json \(jsonSize) bytes")
    }
}
