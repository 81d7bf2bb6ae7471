import Foundation
import LabCore
import LabData
import LabMetrics
import LabScenario
import LabSignals

/// `gslab-bench signals FILE SYMBOL RUNS`: each indicator over the series (one line per indicator:
/// `indicator NAME SECONDS BARS`), then the whole signal pipeline — one strategy, quality,
/// calibration, five filter rules, outcomes at three horizons, monitoring and anomaly detection
/// (`pipeline NAME SECONDS BARS SIGNALS`).
enum SignalsBenchmark {
    static func run(path: String, symbol: String, runs: Int, pipelineOnly: Bool = false) throws {
        // Each indicator over ROWS bars (ns per bar), then the whole signal pipeline: one strategy,
        // quality, calibration, five filter rules, outcomes at three horizons and monitoring.
        let bars = try HDF5BarStore.read(path, symbol: symbol).series
        let n = bars.count
        var out = [Double](repeating: 0, count: n), out2 = out, out3 = out, out4 = out
        var session = [Int64](repeating: 0, count: pipelineOnly ? 0 : n)
        for i in session.indices { session[i] = bars.localDayNumber(at: i) }
        func time(_ name: String, _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) {
            let t = best(runs) {
                bars.close.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { body(c, $0) } }
                blackHole(out)
            }
            print("indicator \(name) \(t) \(n)")
        }
        if !pipelineOnly {
            time("sma_20") { Indicators.sma($0, window: 20, into: $1) }
            time("ema_20") { Indicators.ema($0, span: 20, into: $1) }
            time("wma_20") { Indicators.wma($0, window: 20, into: $1) }
            time("rsi_14") { Indicators.rsi($0, window: 14, into: $1) }
            time("macd_12_26_9") { c, line in
                out2.withUnsafeMutableBufferPointer { s in
                    out3.withUnsafeMutableBufferPointer { h in Indicators.macd(c, fast: 12, slow: 26, signal: 9, line: line, signal: s, histogram: h) }
                }
            }
            time("bollinger_20_2") { c, lower in
                out2.withUnsafeMutableBufferPointer { m in
                    out3.withUnsafeMutableBufferPointer { u in
                        out4.withUnsafeMutableBufferPointer { b in
                            Indicators.bollinger(c, window: 20, k: 2, lower: lower, middle: m, upper: u, percentB: b)
                        }
                    }
                }
            }
            time("atr_14") { c, o in
                bars.high.withUnsafeBufferPointer { h in
                    bars.low.withUnsafeBufferPointer { l in Indicators.atr(high: h, low: l, close: c, window: 14, into: o) }
                }
            }
            time("volatility_20") { Indicators.rollingVolatility($0, window: 20, periodsPerYear: bars.periodsPerYear, into: $1) }
            time("zscore_20") { Indicators.zScore($0, window: 20, into: $1) }
            time("donchian_20") { _, upper in
                bars.high.withUnsafeBufferPointer { h in
                    bars.low.withUnsafeBufferPointer { l in
                        out2.withUnsafeMutableBufferPointer { m in
                            out3.withUnsafeMutableBufferPointer { lo in
                                Indicators.donchian(high: h, low: l, window: 20, upper: upper, middle: m, lower: lo)
                            }
                        }
                    }
                }
            }
            time("vwap_session") { c, o in
                bars.high.withUnsafeBufferPointer { h in
                    bars.low.withUnsafeBufferPointer { l in
                        bars.volume.withUnsafeBufferPointer { v in
                            session.withUnsafeBufferPointer { s in
                                Indicators.sessionVWAP(high: h, low: l, close: c, volume: v, session: s, into: o)
                            }
                        }
                    }
                }
            }
            time("roc_10") { Indicators.rateOfChange($0, window: 10, into: $1) }
        }
        var risk = RiskAdjuster()
        risk.volatilityCeiling = 0.5
        let pipeline = try SignalPipeline(
            strategy: try MovingAverageCross(fast: 10, slow: 30),
            filters: try SignalFilterChain([
                .marketHours(calendar: .nyse, preMarketMinutes: 0, postMarketMinutes: 0), .volume(minimum: 0, relative: 0.5, window: 20),
                .risk(risk), .confidence(minimum: 0.1), .coolDown(bars: 5),
            ]))
        var signalCount = 0
        let t = try best(runs) {
            let run = try pipeline.run(bars)
            let outcomes = run.outcomes[5]!
            let monitoring = SignalMonitoring(outcomes: outcomes, horizon: 5)
            let anomalies = SignalAnomalyDetector().detect(signalBars: run.signals.map(\.bar), confidences: run.signals.map(\.confidence), outcomes: outcomes)
            signalCount = run.signals.count
            blackHole((run, monitoring, anomalies))
        }
        print("pipeline sma_cross_full \(t) \(n) \(signalCount)")
        if pipelineOnly { return }
        // Where the pipeline's time goes: the same steps with one shared indicator cache, each timed
        // once in a fresh run (so a stage pays for the columns it is first to need).
        var split: [(String, Double)] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            var times: [(String, Double)] = []
            func lap<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
                var out: T?
                let d = try clock.measure { out = try body() }
                times.append((name, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
                return out!
            }
            let cache = IndicatorCache(bars)
            var raw = lap("strategy") { pipeline.strategy.signals(in: cache) }
            let model = try SignalQualityModel(indicators: cache, lookback: pipeline.strategy.warmUp)
            lap("quality") { model.score(&raw) }
            raw = lap("calibration") { pipeline.calibrator!.calibrate(raw, close: bars.close) }
            let filtered = lap("filters") { pipeline.filters.apply(raw, indicators: cache) }
            let outcomes = lap("outcomes_x3") { [1, 5, 20].map { SignalOutcomes.compute(raw, close: bars.close, horizon: $0) } }
            let monitoring = lap("monitoring") { SignalMonitoring(outcomes: outcomes[1], horizon: 5) }
            let anomalies = lap("anomalies") {
                SignalAnomalyDetector().detect(signalBars: raw.map(\.bar), confidences: raw.map(\.confidence), outcomes: outcomes[1])
            }
            blackHole((filtered, monitoring, anomalies))
            if split.isEmpty || times.reduce(0, { $0 + $1.1 }) < split.reduce(0, { $0 + $1.1 }) { split = times }
        }
        for (name, t) in split { print("stage \(name) \(t) \(n)") }
    }
}

/// `gslab-bench runner FILE SYMBOL`: a 16-job SMA sweep scenario over the file through the
/// scenario runner, on 1 and 2 workers (`runner SECONDS_1 SECONDS_2 JOBS BARS OVERHEAD_FRACTION`,
/// the overhead being the job phase's wall time on one worker beyond the sweep table and the full
/// jobs' own compute).
enum RunnerBenchmark {
    static func run(path: String, symbol: String) throws {
        let text = """
            name: runner-bench
            dataset:
              path: \(URL(fileURLWithPath: path).standardized.path)
              symbol: \(symbol)
            strategy:
              name: sma_cross
              params: {fast: 5, slow: 50}
            sweep:
              grid:
                fast: [5, 10, 20, 40]
                slow: [50, 100, 200, 400]
            execution:
              commission: {rate: 0.001}
            """
        let scenario = try Scenario.parse(text, file: "runner-bench.yaml", folder: "/")
        var one = ScenarioRunner.Outcome?.none, two = ScenarioRunner.Outcome?.none
        let t1 = try best(2) { one = try ScenarioRunner(workers: 1).run(scenario) }
        let t2 = try best(2) { two = try ScenarioRunner(workers: 2).run(scenario) }
        let o = one!.timings
        let overhead = (o["jobs"]! - (o["sweep"] ?? 0) - o["job_compute"]!) / o["job_compute"]!
        blackHole(two)
        print("runner \(t1) \(t2) \(one!.report.jobs.count) \(one!.report.jobs[0].bars) \(overhead)")
        if CommandLine.arguments.count > 4 { print(one!.timings, two!.timings) }
    }
}
