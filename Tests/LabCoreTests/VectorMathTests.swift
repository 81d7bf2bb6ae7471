import CVectorMath
import Foundation
import Testing

@testable import LabCore

@Suite struct VectorMathTests {
    func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    @Test func logAndExpAgreeWithLibmWithinFourUlp() {
        var rng = SeededRNG(seed: 1)
        // Log offsets of bars (tiny), prices, and the full range.
        var inputs: [Double] = (0..<20_000).map { _ in 1 + 0.02 * (rng.nextUniform() - 0.5) }
        inputs += (0..<20_000).map { _ in exp(60 * (rng.nextUniform() - 0.5)) }
        inputs += [1, 2, 0.5, 1.4142135623730951, 1.4142135623730954, 1e-300, 1e299, Double.leastNormalMagnitude]
        var logs = inputs
        VectorMath.log(&logs)
        var worst = 0.0
        for (x, y) in zip(inputs, logs) where Foundation.log(x) != 0 { worst = max(worst, ulps(y, Foundation.log(x))) }
        #expect(worst <= 4, "log worst \(worst) ulp")
        #expect(logs[40_000] == 0)  // log 1 is exactly 0

        var xs: [Double] = (0..<20_000).map { _ in 0.1 * (rng.nextUniform() - 0.5) }
        xs += (0..<20_000).map { _ in 1400 * (rng.nextUniform() - 0.5) }
        var exps = xs
        VectorMath.exp(&exps)
        worst = 0
        for (x, y) in zip(xs, exps) { worst = max(worst, ulps(y, Foundation.exp(x))) }
        #expect(worst <= 4, "exp worst \(worst) ulp")
    }

    @Test func specialValuesFallBackToLibm() {
        var x: [Double] = [0, -1, .nan, .infinity, 5, 6, 7]
        VectorMath.log(&x)
        #expect(x[0] == -.infinity && x[1].isNaN && x[2].isNaN && x[3] == .infinity)
        #expect(ulps(x[4], Foundation.log(5.0)) <= 4)  // an ordinary lane in the same block keeps the kernel value
        var y: [Double] = [-800, 800, .nan, 0, 1]
        VectorMath.exp(&y)
        #expect(y[0] == 0 && y[1] == .infinity && y[2].isNaN && y[3] == 1)
    }

    /// The AVX2 and baseline builds of the kernels give identical bits (no fused multiply-add).
    @Test func avx2AndBaselineBuildsAgreeBitForBit() {
        var rng = SeededRNG(seed: 9)
        let inputs = (0..<10_000).map { _ in exp(20 * (rng.nextUniform() - 0.5)) }
        let small = (0..<10_000).map { _ in 2 * (rng.nextUniform() - 0.5) }
        var fastLog = inputs, fastExp = small
        VectorMath.log(&fastLog)
        VectorMath.exp(&fastExp)
        gslab_vmath_force_baseline(1)
        defer { gslab_vmath_force_baseline(0) }
        var baseLog = inputs, baseExp = small
        VectorMath.log(&baseLog)
        VectorMath.exp(&baseExp)
        #expect(fastLog.map(\.bitPattern) == baseLog.map(\.bitPattern))
        #expect(fastExp.map(\.bitPattern) == baseExp.map(\.bitPattern))
    }

    /// The crossing kernel finds exactly the bars of the scalar rule (ties and NaN never cross), in
    /// both builds, for blocks around multiples of 64 and of the vector width.
    @Test func crossingsFollowTheScalarRuleInBothBuilds() {
        var rng = SeededRNG(seed: 12)
        for count in [0, 1, 2, 3, 4, 5, 63, 64, 65, 127, 128, 129, 500] {
            // Few distinct values, so ties are common; NaN now and then.
            let values = { (0...count).map { _ in rng.nextUniform() < 0.05 ? Double.nan : Double(Int(rng.nextUniform() * 4)) } }
            let fast = values(), slow = values()
            var expected: [(Int32, UInt8)] = []
            for j in 0..<count {
                if fast[j] < slow[j] && fast[j + 1] > slow[j + 1] { expected.append((Int32(j), 1)) }
                if slow[j] < fast[j] && slow[j + 1] > fast[j + 1] { expected.append((Int32(j), 0)) }
            }
            for baseline: Int32 in [0, 1] {
                gslab_vmath_force_baseline(baseline)
                var at = [Int32](repeating: -1, count: max(count, 1)), up = [UInt8](repeating: 9, count: max(count, 1))
                let found = gslab_crossings(fast, slow, count, &at, &up)
                gslab_vmath_force_baseline(0)
                #expect(found == expected.count, "count \(count) baseline \(baseline)")
                #expect(Array(at.prefix(found)) == expected.map(\.0) && Array(up.prefix(found)) == expected.map(\.1), "count \(count)")
            }
            #expect(count < 64 || !expected.isEmpty)
        }
    }
}
