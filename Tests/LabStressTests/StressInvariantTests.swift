import Foundation
import LabCore
import LabData
import Testing

@testable import LabStress

/// Two symbols of minute bars and one of daily bars, seeded.
enum Sample {
    static let intraday: [BarSeries] = [
        try! SyntheticBars.intraday(symbol: "AAA", startDay: CivilTime.daysFromCivil(year: 2024, month: 1, day: 2), days: 5, seed: 11, stream: 0),
        try! SyntheticBars.intraday(symbol: "BBB", startDay: CivilTime.daysFromCivil(year: 2024, month: 1, day: 2), days: 5, seed: 11, stream: 1),
    ]
    static let daily: BarSeries = try! SyntheticBars.daily(symbol: "DAY", startDay: CivilTime.daysFromCivil(year: 2015, month: 1, day: 2), bars: 750, seed: 12)
}

/// Checks the rules every transform must keep.
func expectInvariants(_ original: [BarSeries], _ stressed: StressedData, untouchedBefore start: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(stressed.series.count == original.count, sourceLocation: sourceLocation)
    for (a, b) in zip(original, stressed.series) {
        #expect(a.timestamps == b.timestamps, "timestamps changed", sourceLocation: sourceLocation)
        var bad = 0
        for i in 0..<b.count {
            let ok =
                b.low[i] > 0 && b.low[i] <= min(b.open[i], b.close[i]) && max(b.open[i], b.close[i]) <= b.high[i]
                && b.high[i].isFinite && b.volume[i] >= 0 && (b.spread.map { $0[i] >= 0 } ?? true)
            if !ok { bad += 1 }
        }
        #expect(bad == 0, "\(bad) bars break OHLC/volume rules in \(b.symbol)", sourceLocation: sourceLocation)
        #expect(
            Array(a.close[..<start]) == Array(b.close[..<start]) && Array(a.open[..<start]) == Array(b.open[..<start])
                && Array(a.volume[..<start]) == Array(b.volume[..<start]), "bars before the window changed", sourceLocation: sourceLocation)
    }
}

@Suite struct StressInvariantTests {
    /// Every transform × several seeds and parameters: OHLC consistent, timestamps unchanged, bars before
    /// the window untouched, same seed → identical output.
    @Test(arguments: UInt64(1)...6)
    func everyTransformKeepsTheRules(seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        let n = Sample.intraday[0].count
        let start = 100 + rng.nextInt(below: n / 2)
        let count = 50 + rng.nextInt(below: 300)
        let window = BarWindow.bars(start: start, count: count)
        let factor = 0.25 + 3 * rng.nextUniform()
        let transforms: [any StressTransform] = [
            FlashCrash(
                depth: 0.02 + 0.5 * rng.nextUniform(), dropBars: 1 + rng.nextInt(below: 20), troughBars: rng.nextInt(below: 5),
                recoveryBars: rng.nextInt(below: 30), recovery: rng.nextUniform(), placement: .index(start)),
            VolatilityScaling(factor: factor, window: window),
            DriftShift(mode: .add(annualDrift: -2 + 4 * rng.nextUniform()), window: window),
            DriftShift(mode: .reverse, window: window),
            GARCHRegime(
                parameters: GARCHParameters(omega: 1e-8, alpha: 0.1, beta: 0.85), innovations: .studentT(degreesOfFreedom: 4), volatilityMultiplier: factor,
                window: window),
            GARCHRegime(volatilityMultiplier: factor, window: window),
            RegimeSwitching(regimes: RegimeSwitching.calmAndStressed.regimes, transition: [[0.9, 0.1], [0.2, 0.8]], window: window),
            LiquidityDrought(volumeFactor: 0.01 + 0.99 * rng.nextUniform(), spreadMultiplier: 1 + 9 * rng.nextUniform(), window: window),
            SessionGaps(size: 0.01 + 0.2 * rng.nextUniform(), probability: 1, direction: .random, window: window),
            CorrelationBreakdown(target: .uniform(-0.5 + 1.4 * rng.nextUniform()), window: window),
            HistoricalReplay(source: Sample.intraday[1], sourceWindow: .bars(start: 10, count: count), targetStart: .index(start), volatilityScale: factor),
        ]
        for transform in transforms {
            var r1 = SeededRNG(seed: seed &+ 99), r2 = SeededRNG(seed: seed &+ 99)
            let a = try transform.apply(StressedData(series: Sample.intraday), rng: &r1)
            let b = try transform.apply(StressedData(series: Sample.intraday), rng: &r2)
            #expect(a.series == b.series, "\(transform.name) not deterministic")
            expectInvariants(Sample.intraday, a, untouchedBefore: start)
            #expect(a.series != Sample.intraday || transform.name == "gaps", "\(transform.name) changed nothing")
        }
        var r = SeededRNG(seed: seed)
        let boot = try StationaryBootstrap(meanBlock: 1 + 100 * rng.nextUniform()).apply(StressedData(series: Sample.intraday), rng: &r)
        expectInvariants(Sample.intraday, boot, untouchedBefore: 0)
    }

    @Test func pipelineComposesInOrderWithAStreamPerStep() throws {
        let steps: [any StressTransform] = [FlashCrash.may2010Intraday(), VolatilityScaling(factor: 2, window: .random(count: 100))]
        let a = try StressPipeline(steps).apply(Sample.intraday, seed: 5)
        let b = try StressPipeline(steps).apply(Sample.intraday, seed: 5)
        #expect(a.series == b.series && a.annotations == b.annotations)
        #expect(a.annotations.map(\.transform) == ["flash_crash", "vol_scale"])
        // Adding a step never changes the draws of the steps before it.
        let first = try StressPipeline([steps[0]]).apply(Sample.intraday, seed: 5)
        #expect(first.annotations[0] == a.annotations[0])
        expectInvariants(Sample.intraday, a, untouchedBefore: min(a.annotations[0].start, a.annotations[1].start))
    }
}
