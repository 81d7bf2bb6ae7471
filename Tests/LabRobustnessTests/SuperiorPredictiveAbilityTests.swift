import Foundation
import LabCore
import Testing

@testable import LabRobustness

/// White's Reality Check and Hansen's SPA against arch 8.0.0 on a fixed return matrix: the
/// statistics and variances exactly (to rounding); the p-values within a Monte Carlo tolerance,
/// since the bootstrap draws cannot match across languages — 4 standard errors of the difference
/// of two independent estimates with B = 20 000 each, `4·√(2·p(1 − p)/B)`, at least 0.004.
@Suite struct SuperiorPredictiveAbilityTests {
    nonisolated(unsafe) static let reference = Fixture.json("spa.json")

    static func run(workers: Int = 2, replications: Int = 20_000, seed: UInt64 = 99) throws -> SuperiorPredictiveAbility {
        var models = Fixture.returns.models
        return try SuperiorPredictiveAbility.test(
            models: &models, benchmark: Fixture.returns.benchmark, blockLength: reference["block"] as? Int, replications: replications, seed: seed,
            workers: workers
        ).get()
    }

    static func tolerance(_ p: Double, replications: Int) -> Double { max(0.004, 4 * (2 * p * (1 - p) / Double(replications)).squareRoot()) }

    @Test func statisticsAndVariancesMatchArch() throws {
        let test = try Self.run(replications: 10)
        let variances = doubles(Self.reference["variances"]), means = doubles(Self.reference["mean_excess"])
        for k in variances.indices {
            #expect(abs(test.variances[k] - variances[k]) <= 1e-9 * variances[k])
            #expect(abs(test.meanExcess[k] - means[k]) < 1e-15)
        }
        #expect(abs(test.realityCheckStatistic - (Self.reference["reality_check_statistic"] as! NSNumber).doubleValue) < 1e-15)
        #expect(abs(test.spaStatistic - (Self.reference["spa_statistic"] as! NSNumber).doubleValue) < 1e-9)
        #expect(test.best == means.indices.max { means[$0] < means[$1] })
        #expect(test.blockLength == 12)
    }

    @Test func pValuesMatchWithinMonteCarloError() throws {
        let test = try Self.run()
        let arch = Self.reference["arch_pvalues"] as! [String: Any], spa = Self.reference["spa_pvalues"] as! [String: Any]
        func check(_ ours: SuperiorPredictiveAbility.PValues, _ theirs: [String: Any]) {
            for (name, value) in [("lower", ours.lower), ("consistent", ours.consistent), ("upper", ours.upper)] {
                let p = (theirs[name] as! NSNumber).doubleValue
                #expect(abs(value - p) <= Self.tolerance(p, replications: 20_000), "\(name): \(value) against \(p)")
            }
        }
        check(test.realityCheck, arch)
        check(test.spa, spa)
        // The bounds are ordered.
        #expect(test.spa.lower <= test.spa.consistent && test.spa.consistent <= test.spa.upper)
        #expect(test.realityCheck.lower <= test.realityCheck.consistent && test.realityCheck.consistent <= test.realityCheck.upper)
    }

    /// The O(T) recursion against the plain O(T²) definition of the kernel variance.
    @Test func varianceKernelEqualsTheDoubleSum() {
        var rng = SeededRNG(seed: 17)
        for (t, block) in [(50, 3), (333, 18), (40, 1)] {
            var x = (0..<t).map { _ in rng.nextNormal() }
            let mean = x.reduce(0, +) / Double(t)
            x = x.map { $0 - mean }
            let p = 1 / Double(block), tt = Double(t)
            var direct = x.reduce(0) { $0 + $1 * $1 } / tt
            for i in 1..<t {
                let kappa = (1 - Double(i) / tt) * pow(1 - p, Double(i)) + Double(i) / tt * pow(1 - p, Double(t - i))
                var lag = 0.0
                for s in 0..<(t - i) { lag += x[s] * x[s + i] }
                direct += 2 * kappa * lag / tt
            }
            #expect(abs(SuperiorPredictiveAbility.bootstrapVariance(demeaned: x, p: p) - direct) <= 1e-12 * direct)
        }
    }

    @Test func resultDoesNotDependOnWorkers() throws {
        let one = try Self.run(workers: 1, replications: 300), three = try Self.run(workers: 3, replications: 300)
        #expect(one == three)
        let other = try Self.run(replications: 300, seed: 2)
        #expect(one.spa != other.spa || one.realityCheck != other.realityCheck)
    }

    /// Noise strategies around the benchmark: no superior ability, large p-values; a strategy with
    /// a real edge: a small one.
    @Test func skillAndNoSkill() throws {
        var rng = SeededRNG(seed: 8)
        let benchmark = (0..<1000).map { _ in rng.nextNormal() * 0.01 }
        var noise = (0..<30).map { _ in benchmark.map { $0 + rng.nextNormal() * 0.005 - 0.0002 } }
        var skilled = noise
        skilled[7] = benchmark.map { $0 + 0.002 + rng.nextNormal() * 0.005 }
        let none = try SuperiorPredictiveAbility.test(models: &noise, benchmark: benchmark, replications: 2000, seed: 1, workers: 2).get()
        let some = try SuperiorPredictiveAbility.test(models: &skilled, benchmark: benchmark, replications: 2000, seed: 1, workers: 2).get()
        #expect(none.spa.consistent > 0.3)
        #expect(some.spa.consistent < 0.01 && some.best == 7)
        // The caller's copy was handed over and released.
        #expect(noise.isEmpty)
    }

    @Test func shortfallsAreNamed() {
        var one = [[Double]](repeating: [Double](repeating: 0.01, count: 30), count: 1)
        #expect(SuperiorPredictiveAbility.test(models: &one, benchmark: [Double](repeating: 0, count: 30), seed: 1) == .failure(.tooFewModels(1)))
        var short = [[Double]](repeating: [0.01, 0.02], count: 3)
        #expect(SuperiorPredictiveAbility.test(models: &short, benchmark: [0, 0], seed: 1) == .failure(.tooFewPeriods(2)))
    }
}
