import Foundation
import LabCore
import Testing

@testable import LabSignals

/// The four-lane crossover against the one pass it stands in for, bit for bit.
@Suite struct CrossoverLanesTests {
    /// A random walk of `n` closes near 100 (not integers: sums round at every step).
    func walk(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SeededRNG(seed: seed)
        var p = 100.0
        return (0..<n).map { _ in
            p *= exp(0.01 * rng.nextNormal())
            return p
        }
    }

    /// The one-pass targets: two `SlidingMean`s and `crossing` bar by bar.
    func onePass(_ x: [Double], fast: Int, slow: Int) -> [TargetDirection?] {
        let table: [TargetDirection?] = [nil, .long, .short, nil]
        var f = SlidingMean(window: fast), s = SlidingMean(window: slow)
        var pf = Double.nan, ps = Double.nan
        return x.withUnsafeBufferPointer { c in
            c.indices.map { i in
                let a = f.next(c, i), b = s.next(c, i)
                defer { (pf, ps) = (a, b) }
                return table[crossing(pf, ps, a, b)]
            }
        }
    }

    @Test func laneSumsFollowTheOnePassBitForBit() {
        let x = walk(5_000, seed: 3)
        for (window, lastBar, stride) in [(1, 0, 7), (7, 6, 700), (7, 50, 700), (20, 123, 1_000), (30, 29, 1_200)] {
            var reference = SlidingMean(window: window)
            let means = x.withUnsafeBufferPointer { c in c.indices.map { reference.next(c, $0) } }
            x.withUnsafeBufferPointer { c in
                var lanes = LaneSums(c, window: window, lastBar: lastBar, stride: stride)
                let history = LaneHistory(c, window: window, lastBar: lastBar, stride: stride)
                defer { history.release() }
                for k in 0..<4 { #expect(lanes.means[k].bitPattern == means[lastBar + k * stride].bitPattern) }
                var differing = 0
                for bar in (lastBar + 1)..<(lastBar + stride) {
                    let m = lanes.advance(history, bar: bar, newest: history.push(c, bar: bar, stride: stride))
                    differing += (0..<4).filter { m[$0].bitPattern != means[bar + $0 * stride].bitPattern }.count
                }
                #expect(differing == 0, "window \(window), stride \(stride): means differing from the one pass")
                // The one pass continued from the last lane's state (what the bars after the lanes run).
                var tail = SlidingMean(window: window, continuing: lanes.sums[3], sinceExact: lanes.since)
                let after = (lastBar + 4 * stride)..<c.count
                #expect(after.count > 100 && after.allSatisfy { tail.next(c, $0).bitPattern == means[$0].bitPattern })
            }
        }
    }

    @Test func lanesGiveTheOnePassTargets() {
        // Lengths with and without a tail after the last stretch; grids with fast ≥ slow and window 1.
        for (n, seed) in [(7_001, 1 as UInt64), (10_007, 2), (65_537, 3)] {
            let x = walk(n, seed: seed)
            for (fast, slow) in [(10, 20), (5, 200), (45, 40), (1, 3), (20, 20), (7, 13)] {
                var lanes = [TargetDirection?](repeating: .flat, count: n)
                let table: [TargetDirection?] = [nil, .long, .short, nil]
                let used = x.withUnsafeBufferPointer { c in
                    table.withUnsafeBufferPointer { t in
                        lanes.withUnsafeMutableBufferPointer { CrossoverLanes.fill(c, fast: fast, slow: slow, table: t, into: $0) }
                    }
                }
                #expect(used, "n \(n), \(fast)/\(slow): the lanes should run")
                let expected = onePass(x, fast: fast, slow: slow)
                let firstDifference = lanes.indices.first { lanes[$0] != expected[$0] }
                #expect(firstDifference == nil, "n \(n), \(fast)/\(slow): first different bar")
                #expect(fast == slow || expected.compactMap { $0 }.count > 10)
            }
        }
    }

    @Test func missingValuesOrShortSeriesTakeTheOnePass() {
        var x = walk(4_000, seed: 5)
        x[2_500] = .nan
        var targets = [TargetDirection?](repeating: .flat, count: x.count)
        let table: [TargetDirection?] = [nil, .long, .short, nil]
        for series in [x, Array(x[0..<100])] {
            targets = [TargetDirection?](repeating: .flat, count: series.count)
            let used = series.withUnsafeBufferPointer { c in
                table.withUnsafeBufferPointer { t in targets.withUnsafeMutableBufferPointer { CrossoverLanes.fill(c, fast: 10, slow: 20, table: t, into: $0) } }
            }
            #expect(!used && targets.allSatisfy { $0 == .flat }, "nothing written when the lanes do not apply")
            // The public kernel then runs the one pass.
            series.withUnsafeBufferPointer { c in
                targets.withUnsafeMutableBufferPointer { MovingAverageCross.crossTargets(c, fast: 10, slow: 20, down: .short, into: $0) }
            }
            #expect(zip(targets, onePass(series, fast: 10, slow: 20)).allSatisfy { $0 == $1 })
        }
        #expect(CrossoverLanes.allFinite(UnsafeBufferPointer(start: nil, count: 0)))
        for bad in [Double.nan, .infinity, -.infinity] {
            var y = walk(9, seed: 1)
            y[8] = bad
            #expect(!y.withUnsafeBufferPointer { CrossoverLanes.allFinite($0) })
            y[8] = 1
            y[1] = bad
            #expect(!y.withUnsafeBufferPointer { CrossoverLanes.allFinite($0) })
        }
    }
}
