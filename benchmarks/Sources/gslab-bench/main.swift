// Release-mode benchmark harness: best wall-clock time of N runs (ContinuousClock), printed as
// one `name seconds rows` line per case so benchmarks/run can join them with the peers' numbers.
//
// Usage: gslab-bench read FILE SYMBOL RUNS      (HDF5BarStore.read of one symbol)
//        gslab-bench quality ROWS RUNS          (DataQuality.validate + clean, clean and damaged data)
//        gslab-bench sweep FILE SYMBOL          (100 SMA-crossover combinations through SweepEngine with key
//                                                statistics, 1 and 2 workers; final equities for the vectorbt cross-check)
//        gslab-bench backtest FILE SYMBOL BARS  (one SmaCross(10, 20) backtest, backtesting.py's settings)
//        gslab-bench rules FILE SYMBOL          (the strategy language: targets of sma_cross as rules next to the
//                                                built-in on one series and for 100 combinations, the sweep
//                                                through SweepEngine, and parse + check + plan of a 20-line strategy)
//        gslab-bench robustness [RUNS]          (PBO over 1 000 × 2 600, SPA B = 1 000 over 100 × 5 000, trade Monte Carlo
//                                                10 000 × 1 000; 2 workers)
//        gslab-bench stress ROWS RUNS           (each stress transform on ROWS minute bars, one core;
//                                                GARCH fit; bootstrap of 1000 paths × 10k bars)
import Foundation
import LabBacktest
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabSignals
import LabStress

/// Keeps the optimiser from discarding results.
@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

/// Best of `runs` timings (GSLAB_BENCH_RUNS overrides the count, e.g. to profile one case under perf).
func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    let runs = ProcessInfo.processInfo.environment["GSLAB_BENCH_RUNS"].flatMap { Int($0) } ?? runs
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = min(best, seconds)
    }
    return best
}

// The same allocator settings as `gslab` itself (see AllocatorTuning).
AllocatorTuning.keepLargeAllocationsInHeap()
let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: gslab-bench read FILE SYMBOL RUNS | quality ROWS RUNS\n".utf8))
    exit(2)
}
do {
    switch args[1] {
    case "read":
        let (path, symbol, runs) = (args[2], args[3], Int(args[4]) ?? 5)
        // Initialise the HDF5 library before timing, as `import h5py` does for the peer.
        _ = try? HDF5BarStore.symbols(in: "/dev/null")
        var rows = 0
        let t = try best(runs) {
            let s = try HDF5BarStore.read(path, symbol: symbol).series
            rows = s.count
            blackHole(s)
        }
        print("read \(t) \(rows)")
    case "quality":
        let (rows, runs) = (Int(args[2]) ?? 10_000_000, Int(args[3]) ?? 5)
        let days = rows / 200 + 1  // ≥ 210 bars per session (half days), so enough bars; then cut to `rows`
        var series = try SyntheticBars.intraday(symbol: "Q", startDay: 0, days: days, seed: 1)
        series = series[bars: 0..<rows].materialize()
        let clean = best(runs) {
            let report = try! DataQuality.validate(series)
            blackHole(try! DataQuality.clean(series, report: report))
        }
        print("quality_clean \(clean) \(rows)")
        // Damage 0.1 % of the bars (NaN close, inverted high, negative volume, duplicate time) and clean them all.
        var rng = SeededRNG(seed: 2)
        for _ in 0..<(rows / 1000) {
            let i = 1 + rng.nextInt(below: rows - 1)
            switch rng.nextInt(below: 4) {
            case 0: series.close[i] = .nan
            case 1: series.high[i] = series.low[i] * 0.99
            case 2: series.volume[i] = -1
            default: series.timestamps[i] = series.timestamps[i - 1]
            }
        }
        var changes = 0
        let dirty = best(runs) {
            let report = try! DataQuality.validate(series)
            let result = try! DataQuality.clean(series, report: report)
            changes = result.changes.count
            blackHole(result)
        }
        print("quality_damaged \(dirty) \(rows) \(changes)")
    case "stress":
        let (rows, runs) = (Int(args[2]) ?? 1_000_000, Int(args[3]) ?? 5)
        let day = CivilTime.daysFromCivil(year: 2000, month: 1, day: 3)
        func make(_ stream: Int) throws -> BarSeries {
            try SyntheticBars.intraday(symbol: "S\(stream)", startDay: day, days: rows / 200 + 1, seed: 5, stream: stream)[bars: 0..<rows].materialize()
        }
        let one = [try make(0)]
        let two = [one[0], try make(1)]
        let cases: [(String, [BarSeries], any StressTransform)] = [
            (
                "flash_crash", one,
                FlashCrash(depth: 0.09, dropBars: rows / 3, troughBars: rows / 3, recoveryBars: rows / 3 - 1, recovery: 0.7, placement: .index(0))
            ),
            ("vol_scale", one, VolatilityScaling(factor: 2)),
            ("drift_shift", one, DriftShift(mode: .add(annualDrift: -0.5))),
            ("regime_switch", one, RegimeSwitching.calmAndStressed),
            ("garch (given parameters)", one, GARCHRegime(parameters: GARCHParameters(omega: 1e-9, alpha: 0.08, beta: 0.9), innovations: .gaussian)),
            ("liquidity_drought", one, LiquidityDrought(volumeFactor: 0.2, spreadMultiplier: 5, window: .all)),
            ("gaps", one, SessionGaps(size: 0.05, probability: 0.05)),
            ("correlation_breakdown (2 symbols)", two, CorrelationBreakdown(target: .uniform(0.9))),
            ("bootstrap (1 path)", one, StationaryBootstrap(meanBlock: 390)),
            ("replay", one, HistoricalReplay(source: one[0], sourceWindow: .all, targetStart: .index(0))),
        ]
        let only = args.count > 4 ? args[4] : nil
        for (name, input, transform) in cases where only == nil || name.hasPrefix(only!) {
            let t = try best(runs) {
                var rng = SeededRNG(seed: 1)
                blackHole(try transform.apply(StressedData(series: input), rng: &rng))
            }
            print("stress \(name.replacingOccurrences(of: " ", with: "_")) \(t) \(rows * input.count)")
        }
        if only != nil { break }
        let returns = (1..<rows).map { log(one[0].close[$0] / one[0].close[$0 - 1]) }
        let fit = try best(max(1, runs / 2)) { blackHole(try GARCH.fit(returns)) }
        print("stress garch_fit \(fit) \(rows)")
        let boot = try best(runs) { blackHole(try StationaryBootstrap(meanBlock: 50).paths(one, count: 1000, length: 10_000, seed: 3)) }
        print("stress bootstrap_1000x10k \(boot) 10000000")
    case "sweep":
        // What `gslab run` does for a sweep scenario's table: SweepEngine, each combination a
        // long/flat SMA crossover (every pair valid: fast 5…50 × slow 60…240, as
        // benchmarks/scenarios/sweep-1m.yaml and the vectorbt peer), key statistics per combination.
        let bars = try HDF5BarStore.read(args[2], symbol: args[3]).series
        let fasts = Array(stride(from: 5, through: 50, by: 5)), slows = Array(stride(from: 60, through: 240, by: 20))
        let combos = fasts.flatMap { f in slows.map { (f, $0) } }
        let config = ExecutionSimulator.Config(cash: 10_000, commission: CommissionModel(rate: 0.001), fractionalUnits: true)
        let simulator = try ExecutionSimulator(config: config)
        var finals = [Double](repeating: 0, count: combos.count)
        var trades = 0
        func sweep(workers: Int) -> Double {
            best(3) {
                let outcomes = try! SweepEngine.run(bars, simulator: simulator, count: combos.count, workers: workers) { k in
                    .strategy(try MovingAverageCross(fast: combos[k].0, slow: combos[k].1, allowShort: false))
                }!
                finals = outcomes.map { $0.statistics[.equity_final]!.number }
                trades = outcomes.reduce(0) { $0 + Int($1.statistics[.trades]!.number) }
            }
        }
        let one = sweep(workers: 1)
        let two = sweep(workers: 2)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("sweep \(one) \(two) \(bars.count) \(combos.count) \(Double(usage.ru_maxrss) / 1024)")
        print("final " + finals.map { "\($0)" }.joined(separator: " "))
        print("trades \(trades)")
    case "rules":
        let bars = try HDF5BarStore.read(args[2], symbol: args[3]).series
        let fasts = Array(stride(from: 5, through: 50, by: 5)), slows = Array(stride(from: 60, through: 240, by: 20))
        let combos = fasts.flatMap { f in slows.map { (f, $0) } }
        let program = try StrategyProgram(
            parameters: [.init(name: "fast", value: 10), .init(name: "slow", value: 60)],
            rules: [
                .enter_long: .init(key: "rules.enter_long", text: "cross_above(sma(close, fast), sma(close, slow))"),
                .exit_long: .init(key: "rules.exit_long", text: "cross_below(sma(close, fast), sma(close, slow))"),
            ], reentry: .reopen)
        let builtIns = try combos.map { try MovingAverageCross(fast: $0.0, slow: $0.1, allowShort: false) }
        let rules = try combos.map { try RuleStrategy(program, values: ["fast": Double($0.0), "slow": Double($0.1)]) }
        var targets = [TargetDirection?](repeating: nil, count: bars.count)
        let oneBuiltIn = best(5) { targets.withUnsafeMutableBufferPointer { builtIns[0].fillTargets(bars, into: $0) } }
        let oneRules = best(5) { targets.withUnsafeMutableBufferPointer { rules[0].fillTargets(bars, into: $0) } }
        if args.count > 4 && args[4] == "one" {  // profiling: the one-series case alone, GSLAB_BENCH_RUNS times
            print("rules_one \(oneRules) \(oneBuiltIn) \(bars.count)")
            break
        }
        let batchBuiltIn = best(3) { blackHole(MovingAverageCross.batchTargets(builtIns, bars: bars)) }
        let batchRules = best(3) { blackHole(RuleStrategy.batchTargets(rules, bars: bars)) }
        let config = ExecutionSimulator.Config(cash: 10_000, commission: CommissionModel(rate: 0.001), fractionalUnits: true)
        let simulator = try ExecutionSimulator(config: config)
        func sweep(_ make: @escaping @Sendable (Int) throws -> any SignalStrategy) -> Double {
            best(3) { blackHole(try! SweepEngine.run(bars, simulator: simulator, count: combos.count, workers: 2) { k in .strategy(try make(k)) }!) }
        }
        let sweepBuiltIn = sweep { builtIns[$0] }
        let sweepRules = sweep { rules[$0] }
        // A 20-line strategy: 6 lets, 4 rules, a confidence, 9 parameters.
        let lets: [(String, String)] = [
            ("trend", "sma(close, slow)"), ("fastline", "ema(close, fast)"), ("momentum", "rsi(close, rsi_window)"),
            ("band", "bollinger(close, band_window, band_k)"), ("noise", "ts_std(log_returns, 20) * close"),
            ("channel_low", "lag(donchian(exit_window).lower, 1)"),
        ]
        let text: [RuleKind: String] = [
            .enter_long: "cross_above(fastline, trend) and momentum < rsi_max and close > band.mid",
            .exit_long: "close < channel_low or bars_since(cross_below(fastline, trend)) == 0",
            .enter_short: "cross_below(fastline, trend) and momentum > rsi_min and close < band.mid",
            .exit_short: "close > lag(donchian(exit_window).upper, 1) or ts_argmax(close, 20) == 0",
        ]
        let parameters: [(String, Double)] = [
            ("fast", 10), ("slow", 50), ("rsi_window", 14), ("rsi_max", 70), ("rsi_min", 30), ("band_window", 20), ("band_k", 2),
            ("exit_window", 20), ("scale", 20),
        ]
        let compile = best(20) {
            let p = try! StrategyProgram(
                parameters: parameters.map { .init(name: $0.0, value: $0.1) }, lets: lets.map { ($0.0, .init(key: "let.\($0.0)", text: $0.1)) },
                rules: text.mapValues { .init(key: "rules", text: $0) },
                confidence: .init(key: "confidence", text: "clip(abs(close / trend - 1) * scale, 0, 1) * (1 - exp(-abs(delta(fastline - trend)) / noise))"))
            blackHole(try! RuleStrategy(p, values: Dictionary(uniqueKeysWithValues: parameters)))
        }
        print("rules_one \(oneRules) \(oneBuiltIn) \(bars.count)")
        print("rules_batch \(batchRules) \(batchBuiltIn) \(combos.count)")
        print("rules_sweep \(sweepRules) \(sweepBuiltIn) \(combos.count)")
        print("rules_compile \(compile)")
    case "backtest":
        let all = try HDF5BarStore.read(args[2], symbol: args[3]).series
        let bars = all[bars: 0..<min(all.count, Int(args[4]) ?? 100_000)].materialize()
        let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.002))
        var result: ExecutionSimulator.Result?
        // Timed like backtesting.py's `run`: indicators, signals, simulation, full equity curve, fills
        // and trades. Best of 25 (each run is under a millisecond; the peer takes the best of 3).
        let t = try best(25) {
            // The crossover alone, as backtesting.py's SmaCross computes it (no confidence or filters).
            let strategy = try MovingAverageCross(fast: 10, slow: 20)
            var targets = [TargetDirection?](repeating: nil, count: bars.count)
            bars.close.withUnsafeBufferPointer { c in targets.withUnsafeMutableBufferPointer { strategy.fillTargets(c, into: $0) } }
            result = try simulator.run(bars, targets: targets, start: 20)
        }
        print("backtest \(t) \(bars.count) \(result!.equity.last!) \(result!.trades.count)")
        if args.count > 5 && args[5] == "split" {
            let strategy = try MovingAverageCross(fast: 10, slow: 20)
            var targets = [TargetDirection?](repeating: nil, count: bars.count)
            let tTargets = best(5) { bars.close.withUnsafeBufferPointer { c in targets.withUnsafeMutableBufferPointer { strategy.fillTargets(c, into: $0) } } }
            let tSim = try best(5) { blackHole(try simulator.run(bars, targets: targets, start: 20)) }
            let tBare = try best(5) { blackHole(try simulator.run(bars, targets: targets, start: 20, recordEquity: false)) }
            // The bar loop alone: no order at all, and one long position held from the start.
            var none = [TargetDirection?](repeating: nil, count: bars.count)
            let tFlat = try best(5) { blackHole(try simulator.run(bars, targets: none, start: 20)) }
            none[20] = .long
            let tHeld = try best(5) { blackHole(try simulator.run(bars, targets: none, start: 20)) }
            print("split targets \(tTargets) simulate \(tSim) simulate_without_equity \(tBare) no_orders \(tFlat) one_held \(tHeld)")
        }
    case "runner":
        try RunnerBenchmark.run(path: args[2], symbol: args[3])
    case "robustness":
        RobustnessBenchmark.run(runs: args.count > 2 ? Int(args[2]) ?? 3 : 3)
    case "signals":
        try SignalsBenchmark.run(path: args[2], symbol: args[3], runs: Int(args[4]) ?? 5, pipelineOnly: args.count > 5 && args[5] == "pipeline")
    case "vmath":
        var rng = SeededRNG(seed: 1)
        let x = (0..<4_000_000).map { _ in 1 + 0.01 * rng.nextUniform() }
        var y = x
        let copy = best(5) { y.withUnsafeMutableBufferPointer { b in x.withUnsafeBufferPointer { _ = b.initialize(fromContentsOf: $0) } } }
        let tl = best(5) {
            y.withUnsafeMutableBufferPointer { b in x.withUnsafeBufferPointer { _ = b.initialize(fromContentsOf: $0) } }; VectorMath.log(&y)
        }
        let te = best(5) {
            y.withUnsafeMutableBufferPointer { b in x.withUnsafeBufferPointer { _ = b.initialize(fromContentsOf: $0) } }; VectorMath.exp(&y)
        }
        print("vmath per value: log \((tl - copy) / 4e6 * 1e9) ns, exp \((te - copy) / 4e6 * 1e9) ns")
        var g = SeededRNG(seed: 3)
        let tg = best(5) {
            var acc = 0.0; for _ in 0..<4_000_000 { acc += g.nextGaussian() }; blackHole(acc)
        }
        var zs = [Double](repeating: 0, count: 4_000_000)
        let tf = best(5) {
            g.fillGaussian(&zs); blackHole(zs)
        }
        print("rng fillGaussian \(tf / 4e6 * 1e9) ns per draw")
        let tu = best(5) {
            var acc = 0.0; for _ in 0..<4_000_000 { acc += g.nextUniform() }; blackHole(acc)
        }
        let tb = best(5) {
            var acc = 0.0; for _ in 0..<4_000_000 { acc += g.nextNormal() }; blackHole(acc)
        }
        print("rng per draw: ziggurat \(tg / 4e6 * 1e9) ns, uniform \(tu / 4e6 * 1e9) ns, box-muller \(tb / 4e6 * 1e9) ns")
    default:
        FileHandle.standardError.write(Data("unknown benchmark \(args[1])\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("gslab-bench: \(error)\n".utf8))
    exit(2)
}
