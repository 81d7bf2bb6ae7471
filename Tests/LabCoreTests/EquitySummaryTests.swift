import Testing

@testable import LabCore

@Suite struct EquitySummaryTests {
    /// Stretches (any start, any length, across period ends) give the bits of adding bar by bar,
    /// and bar by bar gives the hand-checkable figures.
    @Test func stretchesEqualBarByBar() {
        var rng = SeededRNG(seed: 3)
        let n = 1_003
        var e = 100.0
        let curve = (0..<n).map { _ -> Double in
            e *= 1 + 0.01 * rng.nextGaussian()
            return e
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
        for cut in [[0, n], [0, 1, 5, 6, 7, 300, n], [0, 3, 4, 43, 44, 45, 999, n], Array(stride(from: 0, to: n, by: 13)) + [n]] {
            var stretched = EquitySummary(periodEnds: ends)
            for k in 1..<cut.count { stretched.add(cut[k - 1]..<cut[k]) { curve[$0] } }
            #expect(stretched.sum.bitPattern == single.sum.bitPattern && stretched.maxDrawdown.bitPattern == single.maxDrawdown.bitPattern)
            #expect(stretched.periodValues == single.periodValues && stretched.count == n && stretched.first == single.first)
            #expect(stretched.last == single.last && stretched.peak == single.peak)
        }
    }

    /// A value that is not a number moves neither the peak nor the low, in stretches of four as
    /// bar by bar (the four-bar step takes its shortcut only when all four are numbers).
    @Test func notANumberInAStretchOfFour() {
        var curve = (0..<64).map { 100 + Double($0 % 9) - Double($0 / 9) }
        curve[21] = .nan
        curve[42] = .nan
        var single = EquitySummary(periodEnds: [63])
        for i in curve.indices { single.add(curve[i], at: i) }
        var stretched = EquitySummary(periodEnds: [63])
        stretched.add(0..<64) { curve[$0] }
        #expect(single.maxDrawdown.bitPattern == stretched.maxDrawdown.bitPattern && single.peak == stretched.peak)
        #expect(single.maxDrawdown == 1 - 93 / 108.0)  // the peak 108 at bar 8, the low 93 at bar 63
        #expect(single.sum.isNaN && stretched.sum.isNaN)
    }
}
