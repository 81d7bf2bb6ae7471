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
}
