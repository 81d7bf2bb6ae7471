import Foundation
import LabCore
import LabData
import Testing

@testable import LabStress

func logReturns(_ s: BarSeries, _ range: Range<Int>) -> [Double] { range.map { log(s.close[$0] / s.close[$0 - 1]) } }

@Suite struct StressTargetTests {
    @Test func flashCrashHitsItsDepthExactlyAndThinsLiquidity() throws {
        let crash = FlashCrash.may2010Intraday(placement: .index(500))
        var rng = SeededRNG(seed: 1)
        let out = try crash.apply(StressedData(series: Sample.intraday), rng: &rng)
        let a = Sample.intraday[0], b = out.series[0]
        let ratios = (500..<(500 + crash.length)).map { b.close[$0] / a.close[$0] }
        #expect(abs(ratios.min()! - 0.91) < 1e-12)
        #expect(abs(ratios[14] - 0.91) < 1e-12 && abs(ratios[17] - 0.91) < 1e-12)  // end of the fall, the trough
        let unrecovered = exp(log(0.91) * 0.3)
        #expect(abs(b.close.last! / a.close.last! - unrecovered) < 1e-12)  // 70 % of the fall regained, level kept after
        #expect(b.volume[505] == 3 * a.volume[505] && b.volume[540] == a.volume[540])
        #expect(b.spread![505] == 0.0005 * 5 && b.spread![499] == 0.0005)
        #expect(out.annotations[0].start == 500 && out.annotations[0].end == 538)
        // Placement by time lands on the first bar at or after it.
        var r2 = SeededRNG(seed: 1)
        let byTime = try FlashCrash.daily(placement: .time(Sample.daily.timestamps[100] - 1)).apply(StressedData(series: [Sample.daily]), rng: &r2)
        #expect(byTime.annotations[0].start == 100)
    }

    @Test func volatilityScalingIsExactAndLeavesTheRestAlone() throws {
        var rng = SeededRNG(seed: 2)
        let window = 300..<900
        let out = try VolatilityScaling(factor: 2.5, window: .bars(start: 300, count: 600)).apply(StressedData(series: Sample.intraday), rng: &rng)
        let a = Sample.intraday[0], b = out.series[0]
        let before = Stats.sd(logReturns(a, window)[...]), after = Stats.sd(logReturns(b, window)[...])
        #expect(abs(after / before - 2.5) < 1e-9)
        // Cumulative return kept: every bar after the window is exactly as it was (to rounding).
        for t in 900..<a.count { #expect(abs(b.close[t] / a.close[t] - 1) < 1e-12) }
        let rangeBefore = window.map { log(a.high[$0] / a.low[$0]) }.reduce(0, +)
        let rangeAfter = window.map { log(b.high[$0] / b.low[$0]) }.reduce(0, +)
        #expect(abs(rangeAfter / rangeBefore - 2.5) < 1e-9)  // intrabar ranges scale too
    }

    @Test func driftShiftAddsOrReverses() throws {
        var rng = SeededRNG(seed: 3)
        let s = Sample.daily
        let added = try DriftShift(mode: .add(annualDrift: -0.252), window: .bars(start: 100, count: 200)).apply(StressedData(series: [s]), rng: &rng)
        // −0.252/yr over 200 daily bars = −0.2 in log price.
        #expect(abs(log(added.series[0].close[299] / s.close[299]) - (-0.2)) < 1e-12)
        let reversed = try DriftShift(mode: .reverse, window: .bars(start: 100, count: 200)).apply(StressedData(series: [s]), rng: &rng)
        let original = log(s.close[299] / s.close[99]), now = log(reversed.series[0].close[299] / reversed.series[0].close[99])
        #expect(abs(now + original) < 1e-12)
    }

    @Test func correlationBreakdownHitsTheTargetAndKeepsVolatility() throws {
        var rng = SeededRNG(seed: 4)
        let window = 200..<1800
        let out = try CorrelationBreakdown(target: .uniform(0.9), window: .bars(start: 200, count: 1600)).apply(
            StressedData(series: Sample.intraday), rng: &rng)
        let x = logReturns(out.series[0], window), y = logReturns(out.series[1], window)
        let x0 = logReturns(Sample.intraday[0], window), y0 = logReturns(Sample.intraday[1], window)
        func corr(_ a: [Double], _ b: [Double]) -> Double {
            let ma = Stats.mean(a[...]), mb = Stats.mean(b[...])
            let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) } / Double(a.count - 1)
            return cov / (Stats.sd(a[...]) * Stats.sd(b[...]))
        }
        #expect(abs(corr(x0, y0)) < 0.1)  // independent streams before
        #expect(abs(corr(x, y) - 0.9) < 1e-9)
        #expect(abs(Stats.sd(x[...]) / Stats.sd(x0[...]) - 1) < 1e-9 && abs(Stats.sd(y[...]) / Stats.sd(y0[...]) - 1) < 1e-9)
        #expect(abs(Stats.mean(x[...]) - Stats.mean(x0[...])) < 1e-12)
    }

    @Test func liquidityDroughtAndGaps() throws {
        var rng = SeededRNG(seed: 5)
        let drought = try LiquidityDrought(volumeFactor: 0.2, spreadMultiplier: 4, window: .bars(start: 10, count: 100)).apply(
            StressedData(series: Sample.intraday), rng: &rng)
        let a = Sample.intraday[0], b = drought.series[0]
        let volumeAfter: Double = b.volume[10..<110].reduce(0, +), volumeBefore: Double = a.volume[10..<110].reduce(0, +)
        #expect(abs(volumeAfter / volumeBefore - 0.2) < 1e-12)
        #expect(b.close == a.close && b.spread![50] == 0.002 && b.spread![5] == 0.0005)

        let gaps = try SessionGaps(size: 0.05, probability: 1, direction: .down).apply(StressedData(series: [Sample.daily]), rng: &rng)
        let d = Sample.daily, g = gaps.series[0]
        // Every daily bar opens a session: each bar's open/previous close falls by exactly 5 % more.
        for t in [1, 2, 500] {
            #expect(abs((g.open[t] / g.close[t - 1]) / (d.open[t] / d.close[t - 1]) - 0.95) < 1e-12)
        }
        var r2 = SeededRNG(seed: 6)
        let intradayGaps = try SessionGaps(size: 0.03, probability: 1, direction: .up).apply(StressedData(series: Sample.intraday), rng: &r2)
        #expect(intradayGaps.annotations[0].detail.hasPrefix("4 gaps"))  // 5 sessions → 4 session starts after the first
    }

    @Test func regimePathIsRecordedAndFollowsTheChain() throws {
        var rng = SeededRNG(seed: 7)
        let model = RegimeSwitching.calmAndStressed
        #expect(zip(model.stationaryDistribution(), [5.0 / 6, 1.0 / 6]).allSatisfy { abs($0 - $1) < 1e-9 })
        let path = model.path(count: 200_000, rng: &rng)
        let stressedShare = Double(path.filter { $0 == 1 }.count) / 200_000
        #expect(abs(stressedShare - 1.0 / 6) < 0.02)
        let out = try model.apply(StressedData(series: [Sample.daily]), rng: &rng)
        let regimes = try #require(out.annotations[0].regimes)
        #expect(regimes.count == Sample.daily.count)
        // Stressed bars are far more volatile than calm ones.
        let r = logReturns(out.series[0], 1..<Sample.daily.count)
        let calm = r.indices.filter { regimes[$0 + 1] == 0 }.map { r[$0] }, hot = r.indices.filter { regimes[$0 + 1] == 1 }.map { r[$0] }
        if hot.count > 20 { #expect(Stats.sd(hot[...]) > 2 * Stats.sd(calm[...])) }
    }

    @Test func bootstrapPathsAreSeededBlocksOfRealBars() throws {
        let boot = StationaryBootstrap(meanBlock: 50)
        let a = try boot.paths(Sample.intraday, count: 3, length: 1000, seed: 9)
        let b = try boot.paths(Sample.intraday, count: 3, length: 1000, seed: 9)
        #expect(a.map { $0.map(\.close) } == b.map { $0.map(\.close) })
        #expect(a[0][0].close != a[1][0].close)
        // Each path bar reproduces some original bar's close-to-close return, and both symbols use the same bars.
        let source = Sample.intraday[0]
        let originalReturns = Set((1..<source.count).map { (source.close[$0] / source.close[$0 - 1] * 1e9).rounded() })
        let path = a[0][0]
        let hits = (1..<path.count).filter { originalReturns.contains((path.close[$0] / path.close[$0 - 1] * 1e9).rounded()) }.count
        #expect(hits >= 990)
        #expect(a[0][1].timestamps == a[0][0].timestamps)
        // Mean block length ≈ 50: new blocks start about 2 % of the time.
        var rng = SeededRNG(seed: 3)
        let idx = boot.indices(length: 100_000, of: source.count, rng: &rng)
        let jumps = (1..<idx.count).filter { idx[$0] != (idx[$0 - 1] + 1) % source.count }.count
        #expect(abs(Double(jumps) / 100_000 - 0.02) < 0.002)
    }

    @Test func replaySplicesTheSourceProfile() throws {
        var rng = SeededRNG(seed: 8)
        let source = Sample.daily
        let replay = HistoricalReplay(source: source, sourceWindow: .bars(start: 200, count: 30), targetStart: .index(1000))
        let out = try replay.apply(StressedData(series: Sample.intraday), rng: &rng)
        let b = out.series[0]
        for k in 0..<30 {
            #expect(abs(b.close[1000 + k] / b.close[999 + k] - source.close[200 + k] / source.close[199 + k]) < 1e-12)
            #expect(abs(b.high[1000 + k] / b.close[999 + k] - source.high[200 + k] / source.close[199 + k]) < 1e-12)
        }
    }

    @Test func replayOfANamedPeriodByDates() throws {
        // GOOG-like daily bars: replay the period 2016-06-01 ..< 2016-07-01 of the daily sample into the minute bars.
        let source = Sample.daily
        let from = CivilTime.timestamp(year: 2016, month: 6, day: 1), to = CivilTime.timestamp(year: 2016, month: 7, day: 1)
        let expected = source.slice(from: from, to: to).range
        #expect(expected.count == 22)  // NYSE sessions in June 2016
        var rng = SeededRNG(seed: 2)
        let out = try HistoricalReplay(source: source, sourceWindow: .timeRange(from: from, to: to), targetStart: .index(300))
            .apply(StressedData(series: Sample.intraday), rng: &rng)
        #expect(out.annotations[0].start == 300 && out.annotations[0].end == 322)
        #expect(out.annotations[0].detail.contains("(2016-06-01 … 2016-06-30)"))
        var r2 = SeededRNG(seed: 2)
        #expect(throws: LabStressError.invalidParameter(transform: "replay", field: "window", reason: "no bars between 1990-01-01 and 1990-02-01")) {
            try HistoricalReplay(
                source: source,
                sourceWindow: .timeRange(from: CivilTime.timestamp(year: 1990, month: 1, day: 1), to: CivilTime.timestamp(year: 1990, month: 2, day: 1)),
                targetStart: .index(0)
            )
            .apply(StressedData(series: Sample.intraday), rng: &r2)
        }
    }

    @Test func garchFitRecoversItsParameters() throws {
        let truth = GARCHParameters(omega: 2e-6, alpha: 0.08, beta: 0.9, mu: 0.0002)
        var rng = SeededRNG(seed: 2024)
        let simulated = GARCH.simulate(truth, count: 60_000, innovations: .gaussian, rng: &rng).returns
        let fit = try GARCH.fit(simulated).parameters
        #expect(abs(fit.omega / truth.omega - 1) < 0.10, "omega \(fit.omega)")
        #expect(abs(fit.alpha / truth.alpha - 1) < 0.10, "alpha \(fit.alpha)")
        #expect(abs(fit.beta / truth.beta - 1) < 0.10, "beta \(fit.beta)")
        #expect(fit.alpha + fit.beta < 1)
    }

    @Test func garchStressRaisesLongRunVolatility() throws {
        var rng = SeededRNG(seed: 10)
        let out = try GARCHRegime(volatilityMultiplier: 3).apply(StressedData(series: [Sample.daily]), rng: &rng)
        let before = Stats.sd(logReturns(Sample.daily, 1..<750)[...]), after = Stats.sd(logReturns(out.series[0], 1..<750)[...])
        #expect(after > 2 * before && after < 4.5 * before)
    }
}

@Suite struct StressParameterTests {
    func expectError(
        _ message: String, _ transform: any StressTransform, on series: [BarSeries] = Sample.intraday, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var rng = SeededRNG(seed: 1)
        do {
            _ = try transform.apply(StressedData(series: series), rng: &rng)
            Issue.record("expected: \(message)", sourceLocation: sourceLocation)
        } catch let error as LabStressError {
            #expect(error.description == message, sourceLocation: sourceLocation)
            #expect(error.category == .invalidInput, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badParametersNameTheTransformAndTheField() {
        expectError("flash_crash: depth: must be in (0, 1), got 1.0", FlashCrash(depth: 1, dropBars: 5, troughBars: 1, recoveryBars: 5, recovery: 0.5))
        expectError("vol_scale: factor: must be > 0, got -2.0", VolatilityScaling(factor: -2))
        expectError("vol_scale: window: bars 1900..<2100 outside the series (1950 bars)", VolatilityScaling(factor: 2, window: .bars(start: 1900, count: 200)))
        expectError(
            "correlation_breakdown: target: not positive definite",
            CorrelationBreakdown(target: .matrix([[1, 1], [1, 1]])))
        expectError("correlation_breakdown: target[0][1]: matrix must be symmetric", CorrelationBreakdown(target: .matrix([[1, 0.5], [0.2, 1]])))
        expectError("correlation_breakdown: needs at least 2 symbols, got 1", CorrelationBreakdown(target: .uniform(0.9)), on: [Sample.daily])
        expectError(
            "regime_switch: initialRegime: unknown regime id 2 (0…1)",
            RegimeSwitching(regimes: RegimeSwitching.calmAndStressed.regimes, transition: [[0.9, 0.1], [0.1, 0.9]], initialRegime: 2))
        expectError(
            "regime_switch: transition[1]: must sum to 1, got 0.5",
            RegimeSwitching(regimes: RegimeSwitching.calmAndStressed.regimes, transition: [[0.9, 0.1], [0.4, 0.1]]))
        expectError(
            "garch: alpha+beta: must be < 1 (covariance stationary), got 1.05",
            GARCHRegime(parameters: GARCHParameters(omega: 1e-6, alpha: 0.1, beta: 0.95)))
        expectError("garch: degreesOfFreedom: must be > 2, got 2.0", GARCHRegime(innovations: .studentT(degreesOfFreedom: 2)))
        expectError("liquidity_drought: volumeFactor: must be in (0, 1], got 1.5", LiquidityDrought(volumeFactor: 1.5, spreadMultiplier: 2, window: .all))
        expectError("gaps: size: must be in (0, 1), got 0.0", SessionGaps(size: 0, probability: 0.1))
        expectError("bootstrap: meanBlock: must be ≥ 1, got 0.5", StationaryBootstrap(meanBlock: 0.5))
    }
}

@Suite struct StressSuiteTests {
    @Test func standardSuiteRunsEveryScenarioDeterministically() throws {
        let scenarios = StressSuite.standard(for: Sample.intraday, bootstrapPaths: 2)
        #expect(
            scenarios.map(\.name) == [
                "baseline", "flash_crash", "vol_x2", "vol_x3", "garch_stressed", "regime_switch", "liquidity_drought", "gaps",
                "correlation_breakdown", "bootstrap_1", "bootstrap_2",
            ])
        let a = try StressSuite.run(scenarios, on: Sample.intraday, seed: 42)
        let b = try StressSuite.run(scenarios, on: Sample.intraday, seed: 42)
        #expect(a.map(\.data.series) == b.map(\.data.series))
        #expect(a[0].data.series == Sample.intraday)
        for result in a { expectInvariants(Sample.intraday, result.data, untouchedBefore: 0) }
        // A scenario's result does not depend on the others: running a subset gives the same bars.
        let alone = try StressSuite.run(Array(scenarios.prefix(2)), on: Sample.intraday, seed: 42)
        #expect(alone[1].data.series == a[1].data.series)
        #expect(!StressSuite.standard(for: [Sample.daily]).map(\.name).contains("correlation_breakdown"))
    }
}
