import Foundation
import LabCore
import LabExecution
import Testing

@testable import LabSignals

@Suite struct CalibrationTests {
    /// An over-confident strategy on a coin-flip market: every signal claims 0.9.
    func coinFlips(_ n: Int, seed: UInt64) throws -> (BarSeries, [Signal]) {
        var rng = SeededRNG(seed: seed)
        var p = 100.0
        let close = (0..<n).map { _ -> Double in
            p *= rng.nextUniform() < 0.5 ? 1.01 : 0.99; return p
        }
        let bars = try dailyBars(close)
        let signals = stride(from: 0, to: n, by: 3).map { signal($0, $0 % 2 == 0 ? .long : .short, 0.9, bars: bars) }
        return (bars, signals)
    }

    @Test func overConfidenceIsCalibratedTowardsTheHitRate() throws {
        let (bars, signals) = try coinFlips(3000, seed: 5)
        var calibrator = ConfidenceCalibrator(horizon: 1)
        calibrator.minimumOutcomes = 20
        let out = calibrator.calibrate(signals, close: bars.close)
        // Raw until 20 outcomes have resolved (signals every 3 bars, horizon 1: the 21st signal sees 20).
        #expect(out.prefix(20).allSatisfy { $0.confidence == 0.9 })
        #expect(out[20].confidence < 0.9)
        let late = out.suffix(200).map(\.confidence)
        #expect(late.allSatisfy { abs($0 - 0.5) < 0.06 }, "late confidences \(late.prefix(5))")
        #expect(out.allSatisfy { $0.rawConfidence == 0.9 })
    }

    @Test func binsAreShrunkThenMadeMonotone() {
        let c = ConfidenceCalibrator()
        // Bin 2 (raw ≈ 0.25) hit 9 of 10, bin 7 (raw ≈ 0.75) hit 1 of 10, prior strength 10; empty bins
        // stay at their centres with weight 10. Levels: .05 .15 .575 .35 .45 .55 .65 .425 .85 .95.
        // PAV: .575 (w 20) + .35 (10) → .5 (30); + .45 → .4875 (40); .55, .65; .425 (20) + .65 (10) → .5 (30);
        // + .55 (10) → .5125 (40) > .4875: done.
        var count = [Double](repeating: 0, count: 10), hits = count, raw = count
        count[2] = 10; hits[2] = 9; raw[2] = 2.5
        count[7] = 10; hits[7] = 1; raw[7] = 7.5
        let p2 = c.calibrated(bucket: 2, count: count, hits: hits, rawSum: raw)
        let p7 = c.calibrated(bucket: 7, count: count, hits: hits, rawSum: raw)
        #expect(same(p2, 0.4875) && same(p7, 0.5125))
        #expect(same(c.calibrated(bucket: 3, count: count, hits: hits, rawSum: raw), 0.4875))
        // Empty bins keep their centre, so bin 9 stays above the pool.
        #expect(same(c.calibrated(bucket: 9, count: count, hits: hits, rawSum: raw), 0.95))
    }

    @Test func outcomesAndRealisedPnL() throws {
        let bars = try dailyBars([100, 101, 99, 102, 98])
        let signals = [signal(0, .long, 0.6, bars: bars), signal(2, .short, 0.7, bars: bars), signal(3, .flat, 1, bars: bars)]
        var outcomes = SignalOutcomes.compute(signals, close: bars.close, horizon: 2)
        #expect(outcomes.count == 2)  // the exit has no outcome
        #expect(same(outcomes[0].forwardReturn, -0.01) && !outcomes[0].hit)
        #expect(same(outcomes[1].signedReturn, 1 - 98.0 / 99) && outcomes[1].hit && outcomes[1].resolvedBar == 4)
        let trade = TradeRecord(
            entryBar: 3, exitBar: 4, entryTime: 0, exitTime: 0, size: -5, entryPrice: 102, exitPrice: 98, pnl: 20, returnPct: 0.04, commission: 0)
        SignalOutcomes.attach([trade], traded: signals, to: &outcomes)
        #expect(outcomes[0].realisedPnL == nil && outcomes[1].realisedPnL == 20)
    }
}

@Suite struct SignalPipelineTests {
    func pipeline() throws -> SignalPipeline {
        var risk = RiskAdjuster()
        risk.volatilityCeiling = 0.3
        return try SignalPipeline(
            strategy: try MovingAverageCross(fast: 10, slow: 30),
            filters: try SignalFilterChain([
                .marketHours(calendar: .nyse, preMarketMinutes: 0, postMarketMinutes: 0),
                .volume(minimum: 0, relative: 0.5, window: 20), .risk(risk), .confidence(minimum: 0.2), .coolDown(bars: 3),
            ]))
    }

    @Test func funnelCountsAddUp() throws {
        let run = try pipeline().run(try Fixtures.goog())
        let m = run.qualityMetrics
        #expect(m.all.generated == run.signals.count && m.all.passed == run.passed.count)
        #expect(run.passed.count < run.signals.count && run.passed.count > 0)
        var remaining = run.signals.count
        for stats in run.filterStats {
            #expect(stats.evaluated == remaining)
            #expect(stats.passed + stats.rejected == stats.evaluated)
            #expect(stats.reasons.values.reduce(0, +) == stats.rejected)
            remaining = stats.passed
        }
        #expect(remaining == run.passed.count)
        #expect(run.signals.allSatisfy { $0.quality >= 0 && $0.quality <= 1 && $0.confidence >= 0 && $0.confidence <= 1 })
        #expect(Set(run.outcomes.keys) == [1, 5, 20])
        #expect(run.targets.compactMap { $0 }.count == run.passed.count)
    }

    /// The run over bars 0...t equals the full run's at and before t: signals, confidences, filter
    /// decisions, and the simulator's equity and closed trades.
    @Test(arguments: [600, 1200, 1900])
    func truncatingTheFutureChangesNothingBefore(t: Int) throws {
        let bars = try Fixtures.goog()
        let cut = bars[bars: 0..<(t + 1)].materialize()
        let p = try pipeline()
        let full = try p.run(bars), part = try p.run(cut)
        #expect(full.signals.filter { $0.bar <= t } == part.signals)
        #expect(full.passed.filter { $0.bar <= t } == part.passed)
        let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.002))
        let a = try simulator.run(bars, orders: full.passed.orders(count: bars.count))
        let b = try simulator.run(cut, orders: part.passed.orders(count: cut.count))
        #expect(Array(a.equity[0...t]) == b.equity)
        #expect(a.trades.filter { $0.exitBar <= t } == b.trades)
    }

    @Test func sameInputSameOutput() throws {
        let bars = try Fixtures.goog()
        let a = try pipeline().run(bars), b = try pipeline().run(bars)
        #expect(a.signals == b.signals && a.passed == b.passed && a.filterStats == b.filterStats)
    }
}

extension Array where Element == Signal {
    /// Market orders carrying each signal's size scale.
    func orders(count: Int) -> [EntryOrder?] {
        var out = [EntryOrder?](repeating: nil, count: count)
        for s in self { out[s.bar] = EntryOrder(s.direction, sizeScale: s.sizeScale) }
        return out
    }
}
