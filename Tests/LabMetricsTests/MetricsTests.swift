import Foundation
import LabCore
import Testing

@testable import LabMetrics

@Suite struct HandComputedStatsTests {
    let day = CivilTime.nanosPerDay

    @Test func drawdownEpisodesAndDurations() {
        // equity 100, 90, 95, 100, 80, 80 → dd 0, .1, .05, 0, .2, .2 ; episodes (0→3, 3 days, peak .1), (3→5, 2 days, peak .2)
        let dd: [Double] = [0, 0.1, 0.05, 0, 0.2, 0.2]
        let episodes = Stats.drawdownEpisodes(dd, timestamps: (0..<6).map { Int64($0) * day })
        #expect(episodes.map(\.duration) == [3 * 86_400, 2 * 86_400])
        #expect(episodes.map(\.peak) == [0.1, 0.2])
    }

    @Test func fiveBarBacktestByHand() throws {
        // Five daily bars (Mon–Fri), one trade held bars 1…3.
        let ts = (0..<5).map { (Int64($0) + CivilTime.daysFromCivil(year: 2024, month: 1, day: 1)) * day }
        let equity: [Double] = [100, 99, 110, 121, 121]
        let close: [Double] = [10, 10, 11, 12, 12]
        let trade = TradeRecord(
            entryBar: 1, exitBar: 3, entryTime: ts[1], exitTime: ts[3], size: 10, entryPrice: 10, exitPrice: 12,
            pnl: 20, returnPct: 0.2, commission: 0)
        let s = try PerformanceStats.compute(.init(equity: equity, timestamps: ts, close: close, trades: [trade]))
        #expect(s.totalReturn == 121.0 / 100 - 1)
        #expect(s.exposureTime == 3.0 / 5)
        #expect(abs(s.maxDrawdown - (-0.01)) < 1e-15)
        #expect(s.buyAndHoldReturn == 0.2)
        // Daily returns −1 %, +11.11…%, +10 %, 0: g = (1.21)^(1/4) − 1.
        #expect(abs(s.annualReturn - (pow(pow(1.21, 0.25), 252) - 1)) < 1e-9 * s.annualReturn)
        #expect(s.maxTradeDuration == 2 * 86_400 && s.winRate == 1 && s.trades == 1)
        #expect(s.periodsPerYear == 252)
    }

    @Test func periodsPerYearFollowTheDataSpacing() throws {
        func periods(spacingDays: Int64, count: Int, start: Int64 = 19_000) throws -> Double {
            let ts = (0..<count).map { (start + Int64($0) * spacingDays) * day }
            let eq = (0..<count).map { 100 + Double($0 % 5) }
            return try PerformanceStats.compute(.init(equity: eq, timestamps: ts, close: eq, trades: [])).periodsPerYear
        }
        #expect(try periods(spacingDays: 7, count: 120) == 52)
        #expect(try periods(spacingDays: 1, count: 400) == 365)  // every calendar day: weekends present
        let s = try PerformanceStats.compute(.init(equity: [1, 1], timestamps: [0, day], close: [1, 1], trades: []))
        #expect(s.sqn.isNaN && s.winRate.isNaN)
    }

    @Test func geometricMeanConventions() {
        #expect(Stats.geometricMean([0.1, -0.1]) == (1.1 * 0.9).squareRoot() - 1)
        #expect(Stats.geometricMean([0.5, -1]) == 0)  // a total loss makes it 0, as in backtesting.py
        #expect(Stats.geometricMean([.nan, 0.21]) == 1.21.squareRoot() - 1)  // NaN counts as 0
    }

    @Test func badInputIsAOneLineError() {
        #expect(throws: LabMetricsError.invalidInput(field: "timestamps/close", reason: "need 2 values like equity, got 1/2")) {
            try PerformanceStats.compute(.init(equity: [1, 2], timestamps: [0], close: [1, 2], trades: []))
        }
        #expect(throws: LabMetricsError.invalidInput(field: "equity", reason: "is empty")) {
            try PerformanceStats.compute(.init(equity: [], timestamps: [], close: [], trades: []))
        }
    }
}

@Suite struct TailRiskTests {
    @Test func historicalByHand() throws {
        let r: [Double] = [-0.05, -0.02, 0.01, 0.03, -0.04, 0.02, 0.00, -0.01, 0.04, 0.05]
        // sorted: −.05 −.04 −.02 −.01 0 .01 .02 .03 .04 .05; 5 % quantile at position 0.45 → −.05 + .45·.01 = −.0455
        #expect(abs(try TailRisk.historicalVaR(r, confidence: 0.95) - 0.0455) < 1e-15)
        #expect(abs(try TailRisk.historicalCVaR(r, confidence: 0.95) - 0.05) < 1e-15)
        #expect(throws: LabMetricsError.invalidParameter(metric: "historical_var", field: "confidence", reason: "must be in (0.5, 1), got 1.5")) {
            try TailRisk.historicalVaR(r, confidence: 1.5)
        }
    }

    /// The selection of the lower tail gives the bits of a full sort: quantiles interpolate between
    /// the same order statistics and the CVaR sums the same values in the same order — also with
    /// ties at the cut (flat stretches: most returns exactly 0) and deeper than the profile's depth.
    @Test func selectedTailEqualsTheFullSort() throws {
        var rng = SeededRNG(seed: 9)
        for zeros in [0.0, 0.6, 0.97] {
            let r = (0..<100_003).map { _ in Double.random(in: 0..<1, using: &rng) < zeros ? 0 : 0.01 * rng.nextGaussian() }
            let sorted = r.sorted()
            let profile = try TailRisk.Profile(r)
            for c in [0.95, 0.99, 0.7] {
                let position = Double(r.count - 1) * (1 - c)
                let lo = Int(position.rounded(.down)), hi = min(lo + 1, r.count - 1)
                let cut = sorted[lo] + (position - Double(lo)) * (sorted[hi] - sorted[lo])
                let tail = sorted.prefix { $0 <= cut }
                #expect(try profile.historicalVaR(confidence: c) == -cut)
                #expect(try profile.historicalCVaR(confidence: c) == -(tail.reduce(0, +) / Double(tail.count)))
            }
        }
    }

    @Test func cornishFisherReducesToTheNormalForGaussianData() throws {
        var rng = SeededRNG(seed: 4)
        let r = (0..<200_000).map { _ in 0.0005 + 0.01 * rng.nextGaussian() }
        let z99 = TailRisk.inverseNormal(0.01)
        #expect(abs(z99 - (-2.3263478740408408)) < 1e-8)
        let normalVaR = -(0.0005 + 0.01 * z99)
        #expect(abs(try TailRisk.cornishFisherVaR(r, confidence: 0.99) - normalVaR) < 0.0005)
        // Normal expected shortfall: σ·φ(z)/(1 − c) − μ.
        let phi = exp(-z99 * z99 / 2) / (2 * Double.pi).squareRoot()
        let normalES = 0.01 * phi / 0.01 - 0.0005
        #expect(abs(try TailRisk.cornishFisherCVaR(r, confidence: 0.99) - normalES) < 0.0005)
        #expect(abs(try TailRisk.historicalCVaR(r, confidence: 0.99) - normalES) < 0.0008)
        // Fat left tail: Cornish–Fisher VaR exceeds the normal one.
        let skewed = r.enumerated().map { $0.offset % 50 == 0 ? $0.element - 0.05 : $0.element }
        #expect(try TailRisk.cornishFisherVaR(skewed, confidence: 0.99) > normalVaR)
    }
}

@Suite struct CostMetricsTests {
    @Test func turnoverAndDragByHand() throws {
        // Two years, mean equity 100 000, 400 000 traded, 300 commission + 100 slippage + 0 borrow.
        let m = try CostMetrics.compute(
            tradedValue: 400_000, commission: 300, slippage: 100, borrow: 0, equity: [90_000, 110_000], seconds: 2 * 365.25 * 86_400)
        #expect(abs(m.turnover - 2) < 1e-12)
        #expect(abs(m.costDragBps - 20) < 1e-9)  // 400 / 100 000 / 2 years = 0.2 % = 20 bp per year
        #expect(m.totalCosts == 400)
        #expect(throws: LabMetricsError.invalidInput(field: "slippage", reason: "must be ≥ 0, got -1.0")) {
            try CostMetrics.compute(tradedValue: 1, commission: 0, slippage: -1, borrow: 0, equity: [1], seconds: 1)
        }
    }
}

@Suite struct RadixSortValuesTests {
    /// The radix sort of values gives `sorted()`'s array, bit for bit, on large and small inputs
    /// with negatives, zeros and ties.
    @Test func equalsTheComparisonSort() {
        var rng = SeededRNG(seed: 8)
        for n in [0, 1, 100, 5000, 100_000] {
            var x = (0..<n).map { _ in rng.nextGaussian() * 0.01 }
            for i in stride(from: 0, to: n, by: 7) { x[i] = 0 }
            for i in stride(from: 3, to: n, by: 11) { x[i] = x[i / 2] }
            #expect(RadixSort.sorted(x).map(\.bitPattern) == x.sorted().map(\.bitPattern), "n = \(n)")
        }
    }
}
