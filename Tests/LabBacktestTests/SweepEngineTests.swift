import Foundation
import LabBacktest
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabSignals
import Testing

/// Bars for the tests: daily (2 000 bars) and intraday minute bars (40 sessions).
enum Bars {
    static let daily = try! SyntheticBars.daily(symbol: "D", startDay: CivilTime.daysFromCivil(year: 2010, month: 1, day: 4), bars: 2000, seed: 3)
    static let intraday = try! SyntheticBars.intraday(symbol: "M", startDay: CivilTime.daysFromCivil(year: 2020, month: 3, day: 2), days: 40, seed: 4)
}

@Suite struct SweepEngineTests {
    /// Every key statistic of a sweep combination has the bits of the full backtest of the same
    /// combination, for plain strategies and for the signal engine with filters (risk sizing),
    /// on daily and intraday bars — one definition of every statistic.
    @Test(arguments: [false, true]) func combinationsEqualTheirFullBacktest(intraday: Bool) throws {
        let bars = intraday ? Bars.intraday : Bars.daily
        let simulator = try ExecutionSimulator(
            config: .init(cash: 10_000, commission: CommissionModel(rate: 0.001), slippage: .fixedBasisPoints(2), fractionalUnits: true))
        let grid: [(Int, Int)] = [(5, 20), (10, 30), (3, 50), (20, 60)]
        let filters = try SignalFilterChain([.risk(RiskAdjuster()), .confidence(minimum: 0.1)])
        @Sendable func source(_ k: Int) throws -> Backtest.SignalSource {
            let strategy = try MovingAverageCross(fast: grid[k % 4].0, slow: grid[k % 4].1)
            return k < 4 ? .strategy(strategy) : .pipeline(try SignalPipeline(strategy: strategy, filters: filters), flagged: nil)
        }
        let outcomes = try #require(try SweepEngine.run(bars, simulator: simulator, count: 8, workers: 3, source: source))
        #expect(outcomes.map(\.combination) == Array(0..<8))
        for k in 0..<8 {
            let full = try Backtest(simulator: simulator, source: try source(k)).run(bars)
            #expect(full.execution.trades.count > 3)
            for row in outcomes[k].statistics.rows {
                let a = row.value.number, b = full.statistics[row.statistic]!.number
                #expect(a == b || (a.isNaN && b.isNaN), "combination \(k) \(row.statistic.label): \(a) vs \(b)")
            }
            #expect(outcomes[k].statistics.rows.map(\.statistic) == Statistic.key.sorted())
        }
    }

    /// The outcomes do not depend on the number of workers.
    @Test func independentOfWorkers() throws {
        let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commission: CommissionModel(rate: 0.001)))
        @Sendable func source(_ k: Int) throws -> Backtest.SignalSource { .strategy(try MovingAverageCross(fast: 2 + k, slow: 40 - k)) }
        let one = try #require(try SweepEngine.run(Bars.daily, simulator: simulator, count: 9, workers: 1, source: source))
        let three = try #require(try SweepEngine.run(Bars.daily, simulator: simulator, count: 9, workers: 3, source: source))
        #expect(one.map(\.statistics) == three.map(\.statistics))
    }

    /// A strategy's kernel gives the targets its signals give (the default goes through the
    /// signals; the crossover has its own kernel).
    @Test func kernelTargetsEqualSignalTargets() throws {
        let strategies: [any SignalStrategy] = [
            try MovingAverageCross(fast: 7, slow: 31), try MovingAverageCross(fast: 5, slow: 12, average: .ema),
            try RSIReversion(window: 14, oversold: 30, overbought: 70, exitLevel: 50, allowShort: true),
        ]
        for s in strategies {
            var kernel = [TargetDirection?](repeating: .long, count: Bars.daily.count)
            kernel.withUnsafeMutableBufferPointer { s.fillTargets(Bars.daily, into: $0) }
            #expect(kernel == s.targets(for: Bars.daily), "\(s.name)")
        }
    }

    /// Crossovers computed together (each window once, block by block) give each strategy's own
    /// kernel targets: shared windows, both down directions, a series longer than a block, and the
    /// fallbacks (exponential averages, missing closes).
    @Test func batchedTargetsEqualEachKernel() throws {
        var gapped = Bars.intraday
        gapped.close[5000] = .nan
        for bars in [Bars.daily, Bars.intraday, gapped] {
            for average in [MovingAverageCross.Average.sma, .ema] {
                let batch = try [(2, 5), (5, 60), (10, 60), (5, 240), (60, 61)].enumerated().map { k, p in
                    try MovingAverageCross(fast: p.0, slow: p.1, average: average, allowShort: k % 2 == 0)
                }
                let events = MovingAverageCross.batchTargets(batch, bars: bars)
                // Computed by ranges — cut inside warm-ups, at and around window multiples, in a
                // block — the events are the whole batch's.
                let n = bars.count
                for cuts in [[0, 1, 4, 5, 6, n], [0, 59, 60, 61, 239, 240, 241, 1999, n], [0, n / 3, n]] {
                    let parts = zip(cuts, cuts.dropFirst()).map { MovingAverageCross.batchTargets(batch, bars: bars, range: $0..<$1) }
                    if average == .ema || bars.close.contains(where: { !$0.isFinite }) {
                        #expect(parts.allSatisfy { $0 == nil })
                        continue
                    }
                    for (j, e) in events.enumerated() {
                        var joined = TargetEvents()
                        for part in parts { joined.append(part![j]) }
                        #expect(joined == e, "\(bars.symbol) \(batch[j].fast)/\(batch[j].slow) cut at \(cuts)")
                    }
                }
                for (s, e) in zip(batch, events) {
                    var own = [TargetDirection?](repeating: nil, count: bars.count), fromEvents = own
                    own.withUnsafeMutableBufferPointer { s.fillTargets(bars, into: $0) }
                    fromEvents.withUnsafeMutableBufferPointer { e.write(into: $0) }
                    #expect(own == fromEvents, "\(bars.symbol) \(average) \(s.fast)/\(s.slow)")
                    #expect(!e.bars.isEmpty)
                }
            }
        }
    }

    /// Cancelled before the first task: nil, nothing run.
    @Test func cancelled() throws {
        let simulator = try ExecutionSimulator(config: .init())
        let out = try SweepEngine.run(Bars.daily, simulator: simulator, count: 4, workers: 2, isCancelled: { true }) { _ in
            .strategy(try MovingAverageCross(fast: 2, slow: 5))
        }
        #expect(out == nil)
    }
}

@Suite struct PerformanceScopeTests {
    /// The key scope computes the same bits as the full one for everything it computes; the
    /// grid made once gives what each call makes for itself.
    @Test func keyScopeMatchesFull() throws {
        for bars in [Bars.daily, Bars.intraday] {
            let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commission: CommissionModel(rate: 0.002)))
            let strategy = try MovingAverageCross(fast: 10, slow: 20)
            let r = try simulator.run(bars, targets: strategy.targets(for: bars), start: 20)
            let grid = PeriodGrid(timestamps: bars.timestamps, timezone: bars.timezone, annualisation: bars.annualisation)
            func stats(_ scope: PerformanceStats.Scope, _ g: PeriodGrid?) throws -> PerformanceStats {
                try PerformanceStats.compute(
                    .init(
                        equity: r.equity, timestamps: bars.timestamps, close: bars.close, trades: r.trades, buyAndHoldStart: 19,
                        timezone: bars.timezone, grid: g, scope: scope))
            }
            let full = try stats(.full, nil), key = try stats(.key, grid), fullGrid = try stats(.full, grid)
            #expect(full == fullGrid)
            var masked = full
            for path in [\PerformanceStats.averageDrawdown, \.maxDrawdownDuration, \.averageDrawdownDuration, \.alpha, \.beta] {
                masked[keyPath: path] = .nan
            }
            #expect(String(describing: masked) == String(describing: key))
            // Bar by bar: the maximum drawdown and exposure.
            var peak = -Double.infinity, worst = 0.0
            for e in r.equity {
                peak = max(peak, e)
                worst = max(worst, 1 - e / peak)
            }
            #expect(key.maxDrawdown == -worst)
            var held = [Bool](repeating: false, count: bars.count)
            for t in r.trades { for i in t.entryBar...t.exitBar { held[i] = true } }
            #expect(key.exposureTime == Double(held.filter { $0 }.count) / Double(bars.count))
        }
    }
}
