import CVectorMath
import Testing

@testable import LabCore

@Suite struct EquitySummaryTests {
    /// Held stretches (any start, any length, across period ends, flat or long or short) give the
    /// bits of adding bar by bar, in both builds of the kernel, and bar by bar gives the
    /// hand-checkable figures.
    @Test(arguments: [0, 1] as [Int32]) func heldStretchesEqualBarByBar(baseline: Int32) {
        gslab_vmath_force_baseline(baseline)
        defer { gslab_vmath_force_baseline(0) }
        var rng = SeededRNG(seed: 3)
        let n = 1_003
        var c = 100.0
        let close = (0..<n).map { _ -> Double in
            c *= 1 + 0.01 * rng.nextGaussian()
            return c
        }
        // Positions by stretch of 97 bars: flat, long, short.
        let position = { (i: Int) -> (cash: Double, units: Double, entry: Double) in
            [(10_000.0, 0.0, 0.0), (9_000.0, 80.0, 99.5), (19_000.0, -90.0, 101.25)][(i / 97) % 3]
        }
        let curve = (0..<n).map { i in
            let p = position(i)
            return p.units == 0 ? p.cash : p.cash + p.units * (close[i] - p.entry)
        }
        let ends = stride(from: 6, to: n, by: 37).map { $0 } + [n - 1]
        var single = EquitySummary(periodEnds: ends)
        for i in 0..<n { single.add(curve[i], at: i) }
        #expect(single.count == n && single.first == curve[0] && single.last == curve[n - 1] && single.peak == curve.max()!)
        #expect(single.periodValues == ends.map { curve[$0] })
        var running = -Double.infinity
        let dd = curve.map { v -> Double in
            running = max(running, v)
            return 1 - v / running
        }
        #expect(single.maxDrawdown == dd.max()!)
        #expect(abs(single.sum - curve.reduce(0, +)) <= 1e-12 * single.sum)
        close.withUnsafeBufferPointer { close in
            for cut in [[0, n], [0, 1, 5, 6, 7, 300, n], [0, 3, 4, 43, 44, 45, 999, n], Array(stride(from: 0, to: n, by: 13)) + [n]] {
                var stretched = EquitySummary(periodEnds: ends)
                for k in 1..<cut.count {
                    // Within a cut, one call per position stretch.
                    var i = cut[k - 1]
                    while i < cut[k] {
                        let stop = min(cut[k], (i / 97 + 1) * 97), p = position(i)
                        #expect(stretched.addHolding(i..<stop, cash: p.cash, units: p.units, entry: p.entry, close: close) == stop)
                        i = stop
                    }
                }
                #expect(stretched.sum.bitPattern == single.sum.bitPattern && stretched.maxDrawdown.bitPattern == single.maxDrawdown.bitPattern)
                #expect(stretched.periodValues == single.periodValues && stretched.count == n && stretched.first == single.first)
                #expect(stretched.last == single.last && stretched.peak == single.peak)
            }
        }
    }

    /// A held stretch stops at the first bar that is not valid — a close that is not a price
    /// (NaN, infinite, 0) or an equity not above 0 — having added exactly the bars before it.
    @Test(arguments: [0, 1] as [Int32]) func heldStretchStopsAtTheFirstInvalidBar(baseline: Int32) {
        gslab_vmath_force_baseline(baseline)
        defer { gslab_vmath_force_baseline(0) }
        for (bad, value) in [(21, Double.nan), (22, .infinity), (40, 0), (7, -3), (3, 1)] {
            var close = (0..<64).map { 100 + Double($0 % 9) - Double($0 / 9) }
            close[bad] = value
            // Long 100 units from 95 with 9 900 cash: equity ≤ 0 once the close is at or below −4.
            let (cash, units, entry) = value == 1 ? (9_900.0, 100.0, 100.0) : (9_900.0, 100.0, 95.0)
            var single = EquitySummary(periodEnds: [30, 63])
            for i in 0..<bad { single.add(cash + units * (close[i] - entry), at: i) }
            var held = EquitySummary(periodEnds: [30, 63])
            let stopped = close.withUnsafeBufferPointer { held.addHolding(0..<64, cash: cash, units: units, entry: entry, close: $0) }
            #expect(stopped == bad, "bad close \(value) at \(bad)")
            #expect(held.count == bad && held.sum.bitPattern == single.sum.bitPattern && held.periodValues == single.periodValues)
            #expect(held.maxDrawdown.bitPattern == single.maxDrawdown.bitPattern && held.last == single.last)
        }
    }
}
