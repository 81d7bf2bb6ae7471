import Foundation
import LabCore
import Testing

@testable import LabMetrics

func outcome(_ bar: Int, _ confidence: Double, _ signedReturn: Double, horizon: Int = 1) -> SignalOutcome {
    SignalOutcome(bar: bar, resolvedBar: bar + horizon, strategy: "s", direction: .long, confidence: confidence, forwardReturn: signedReturn)
}

@Suite struct SignalMonitoringTests {
    @Test func handComputedFigures() {
        // Hits: yes, no, no, yes → 0.5. Brier: (0.1² + 0.8² + 0.3² + 0.4²)/4 = 0.225.
        // Ranks: confidence 4, 3, 1, 2; return 4, 2, 1, 3 → Σd² = 2 → ρ = 1 − 6·2/(4·15) = 0.8.
        // ECE: (|1 − .9| + |0 − .8| + |0 − .3| + |1 − .6|)/4 = 0.4.
        let o = [outcome(0, 0.9, 0.02), outcome(1, 0.8, -0.01), outcome(2, 0.3, -0.03), outcome(3, 0.6, 0.01)]
        var settings = SignalMonitoring.Settings()
        settings.window = 2
        settings.minimumOutcomes = 4
        let m = SignalMonitoring(outcomes: o, horizon: 1, settings: settings)
        #expect(m.outcomes == 4 && m.hits == 2 && m.hitRate == 0.5)
        #expect(abs(m.brierScore - 0.225) < 1e-15 && m.baselineBrier == 0.25)
        #expect(abs(m.informationCoefficient - 0.8) < 1e-15)
        #expect(abs(m.calibrationError - 0.4) < 1e-15)
        #expect(abs(m.meanSignedReturn - (-0.0025)) < 1e-15)
        #expect(m.reliability[9].count == 1 && m.reliability[9].hitRate == 1 && m.reliability[3].hitRate == 0)
        #expect(m.reliability[0].count == 0 && m.reliability[0].hitRate.isNaN)
        #expect(m.rollingHitRate.map(\.value) == [0.5, 0, 0.5])
        #expect(m.rollingHitRate.map(\.bar) == [2, 3, 4])
        // Window 2: mean signed returns (0.02 − 0.01)/2, (−0.01 − 0.03)/2, (−0.03 + 0.01)/2; Brier (0.01 + 0.64)/2, …
        let means = m.rollingMeanReturn.map(\.value), briers = m.rollingBrier.map(\.value)
        #expect(zip(means, [0.005, -0.02, -0.01]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(zip(briers, [0.325, 0.365, 0.125]).allSatisfy { abs($0 - $1) < 1e-15 })
        // Blocks of 2 are too short for a rank correlation: NaN at each block's end.
        #expect(m.blockInformationCoefficient.map(\.bar) == [2, 4] && m.blockInformationCoefficient.allSatisfy { $0.value.isNaN })
        var wide = settings
        wide.window = 4
        #expect(SignalMonitoring(outcomes: o, horizon: 1, settings: wide).blockInformationCoefficient.map(\.value) == [m.informationCoefficient])
        #expect(m.needsRecalibration)  // ECE 0.4 > 0.1
        #expect(m.tradedOutcomes == 0 && m.meanRealisedPnL.isNaN)
    }

    @Test func spearmanTiesShareRanks() {
        #expect(SignalMonitoring.ranks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
        #expect(abs(SignalMonitoring.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-15)
        #expect(abs(SignalMonitoring.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-15)
        #expect(SignalMonitoring.spearman([1, 1, 1], [1, 2, 3]).isNaN)
    }

    @Test func wellCalibratedForecastsRaiseNoFlag() {
        // Confidence 0.7, 70 % hits, deterministic pattern.
        let o = (0..<100).map { outcome($0, 0.7, $0 % 10 < 7 ? 0.01 : -0.01) }
        let m = SignalMonitoring(outcomes: o, horizon: 1)
        #expect(abs(m.calibrationError) < 1e-12 && !m.needsRecalibration)
    }
}

@Suite struct SignalAnomalyTests {
    let detector = SignalAnomalyDetector(window: 20, rateWindow: 100, k: 4)

    @Test func hitRateCollapseAndDrawdown() {
        // 100 alternating hits and misses, then 30 misses in a row.
        let o = (0..<130).map { outcome($0 * 2, 0.5, $0 < 100 ? ($0 % 2 == 0 ? 0.01 : -0.01) : -0.01) }
        let found = detector.detect(signalBars: o.map(\.bar), confidences: o.map(\.confidence), outcomes: o)
        let collapse = found.filter { $0.kind == .hitRateCollapse }
        #expect(collapse.count == 1)
        // Misses run from outcome 99 (odd). At outcome 118 the last 20 all missed; p0 = 50/99 over the 99
        // before, threshold 50/99 − 4·√(p0(1 − p0)(1/20 + 1/99)) ≈ 0.015 > 0: flagged, resolved at bar 237.
        // (At outcome 117 the window still holds one hit: 0.05 is above the threshold.)
        // The expanding baseline then absorbs the misses (p0 falls), so the stretch ends before the last outcome.
        #expect(collapse[0].firstBar == 237 && collapse[0].lastBar >= 237 && collapse[0].lastBar < 259)
        #expect(collapse[0].value == 0 && collapse[0].threshold > 0 && collapse[0].threshold < 0.05)
        let drawdown = found.filter { $0.kind == .pnlDrawdown }
        #expect(drawdown.count == 1 && drawdown[0].value > drawdown[0].threshold)
        #expect(!found.contains { $0.kind == .confidenceDrift || $0.kind == .signalRateBurst })
    }

    @Test func confidenceDrift() {
        let confidences = (0..<100).map { $0 < 70 ? 0.5 + ($0 % 2 == 0 ? 0.05 : -0.05) : 0.9 }
        let found = detector.detect(signalBars: Array(0..<100).map { $0 * 10 }, confidences: confidences, outcomes: [])
        #expect(found.map(\.kind) == [.confidenceDrift])
        // σ of the alternating history ≈ 0.05, threshold 4·0.05/√20 ≈ 0.045: three 0.9s shift the mean by ≈ 0.06.
        #expect(found[0].firstBar == 720 && found[0].value > 0)
    }

    @Test func signalRateBurst() {
        // A signal every 10 bars for 1000 bars, then one a bar for 15 bars.
        let bars = Array(stride(from: 0, to: 1000, by: 10)) + Array(1001...1015)
        let found = detector.detect(signalBars: bars, confidences: bars.map { _ in 0.5 }, outcomes: [])
        #expect(found.map(\.kind) == [.signalRateBurst])
        #expect(found[0].firstBar > 1001 && found[0].lastBar == 1015 && found[0].value > found[0].threshold)
    }

    @Test func quietStreamHasNoAnomalies() {
        var rng = SeededRNG(seed: 8)
        let o = (0..<400).map { outcome($0 * 5, 0.55 + 0.01 * rng.nextNormal(), rng.nextUniform() < 0.55 ? 0.01 : -0.01) }
        let found = detector.detect(signalBars: o.map(\.bar), confidences: o.map(\.confidence), outcomes: o)
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite struct RadixSortTests {
    @Test func ordersLikeASortIncludingNegativesAndTies() {
        var rng = SeededRNG(seed: 12)
        var x = (0..<3000).map { _ in (rng.nextUniform() - 0.5) * 1e3 }
        x += [0, -0.0, 1e-300, -1e-300, .infinity, -.infinity, 5, 5, 5]
        let order = RadixSort.order(x)
        let expected = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && ($0 < $1)) }
        // Equal values may differ only in the ±0 pair.
        #expect(order.map { x[$0] } == expected.map { x[$0] })
        #expect(Set(order) == Set(x.indices))
        // Below the radix threshold the comparison sort gives the same order.
        for n in [1, 2, 50, 64, 65, 1000] {
            let part = Array(x.prefix(n)) + [5, 5]
            let expectedPart = part.indices.sorted { part[$0] < part[$1] || (part[$0] == part[$1] && $0 < $1) }
            #expect(RadixSort.order(part) == expectedPart)
        }
    }
}
