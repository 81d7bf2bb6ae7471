import Foundation
import Testing

@testable import LabCore

@Suite struct TrailingWindowTests {
    /// Closes 100, 110, 99, 108.9, 108.9: log returns ln 1.1, ln 0.9, ln 1.1, 0.
    private func bars() throws -> BarSeries {
        let close = [100, 110, 99, 108.9, 108.9]
        return try BarSeries(
            symbol: "X", timestamps: (0..<5).map { Int64($0) * 86_400_000_000_000 }, open: close, high: close, low: close, close: close,
            volume: [10, 20, 30, 40, .nan])
    }

    @Test func volatilityIsTheSampleDeviationOfTheLogReturnsBeforeTheBar() throws {
        let b = try bars()
        // Before bar 3: returns ln 1.1, ln 0.9 (bars 1, 2).
        let r1 = log(1.1), r2 = log(0.9)
        let m = (r1 + r2) / 2
        let expected = (((r1 - m) * (r1 - m) + (r2 - m) * (r2 - m)) / 1).squareRoot()
        #expect(abs(TrailingWindow.logReturnVolatility(b, window: 2, before: 3) - expected) < 1e-15)
        // Before bar 5 over 3 returns: ln 0.9, ln 1.1, 0.
        let r = [log(0.9), log(1.1), 0.0], m3 = r.reduce(0, +) / 3
        let sd3 = (r.map { ($0 - m3) * ($0 - m3) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(TrailingWindow.logReturnVolatility(b, window: 3, before: 5) - sd3) < 1e-15)
        // Not enough history: the window would reach bar 0's (missing) return.
        #expect(TrailingWindow.logReturnVolatility(b, window: 2, before: 2).isNaN)
        #expect(TrailingWindow.logReturnVolatility(b, window: 2, before: 6).isNaN)
    }

    @Test func meanVolumeIsOverTheBarsBeforeAndRefusesMissingValues() throws {
        let b = try bars()
        #expect(TrailingWindow.meanVolume(b, window: 2, before: 2) == 15)
        #expect(TrailingWindow.meanVolume(b, window: 4, before: 4) == 25)
        #expect(TrailingWindow.meanVolume(b, window: 2, before: 1).isNaN)
        #expect(TrailingWindow.meanVolume(b, window: 2, before: 5).isNaN)  // bar 4's volume is NaN
    }

    @Test func sumsAndDeviationsMatchTheNaiveTwoPass() {
        var rng = SeededRNG(seed: 7)
        let x = (0..<103).map { _ in Double.random(in: -1...1, using: &rng) }
        x.withUnsafeBufferPointer { p in
            for (a, b) in [(0, 102), (5, 9), (17, 18), (40, 99)] {
                let slice = Array(x[a...b])
                let mean = slice.reduce(0, +) / Double(slice.count)
                let sd = (slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(slice.count - 1)).squareRoot()
                #expect(abs(TrailingWindow.mean(p, from: a, through: b) - mean) < 1e-14)
                #expect(abs(TrailingWindow.sampleDeviation(p, from: a, through: b) - sd) < 1e-14)
            }
            #expect(TrailingWindow.sampleDeviation(p, from: 3, through: 3).isNaN)
            #expect(TrailingWindow.mean(p, from: -1, through: 3).isNaN)
        }
    }
}
