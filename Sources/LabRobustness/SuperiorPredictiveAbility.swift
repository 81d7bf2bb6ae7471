import Foundation
import LabCore
import LabStress

/// Data-snooping tests of the best of many strategies against a benchmark: White's Reality Check
/// (White, "A Reality Check for Data Snooping", 2000) and Hansen's test for superior predictive
/// ability (Hansen, "A Test for Superior Predictive Ability", 2005), both on the stationary
/// bootstrap (Politis and Romano 1994; ``StationaryBootstrap/indices(length:of:rng:)``, the one the
/// stress library resamples bars with).
///
/// Conventions:
/// - d_{k,t} = r_{k,t} − b_t: strategy k's period return over the benchmark's (``PeriodReturns``:
///   simple returns of the statistics' calendar periods; the benchmark is buy and hold or zero).
///   The null hypothesis is that no strategy has a positive mean excess return.
/// - Reality Check: the statistic is max_k d̄_k (mean excess return per period of the best); its
///   bootstrap value is max_k (d̄*_k − g(d̄_k)). With g(d̄) = d̄ this is White's test (the `upper`
///   p-value); `lower` re-centres with max(d̄, 0) and `consistent` with d̄ only where
///   d̄_k ≥ −√(ω̂²_k/T · 2·ln ln T), else 0 — arch's `SPA`/`RealityCheck` p-values, which do not
///   studentise.
/// - SPA: Hansen's studentised statistic max(max_k √T·d̄_k/ω̂_k, 0) against the bootstrap's
///   max(max_k √T·(d̄*_k − g(d̄_k))/ω̂_k, 0), with the same three re-centrings (`consistent` is
///   Hansen's SPA_c). Strategies with ω̂_k = 0 (no excess return at any period) are left out of it.
/// - ω̂²_k is the stationary bootstrap's variance of √T·d̄_k (Politis and Romano's kernel
///   γ̂₀ + 2·Σ_i κ_i·γ̂_i, κ_i = (1 − i/T)(1 − p)^i + (i/T)(1 − p)^{T−i}, p = 1 / block length),
///   computed in O(T) per strategy by recursion (the same figure as arch's O(T²) sum).
/// - A p-value is the share of bootstrap replications whose statistic is strictly greater than
///   the sample's. Replication b draws from stream b of the seed, so the result does not depend on
///   the number of workers.
public struct SuperiorPredictiveAbility: Sendable, Equatable {
    /// The lower, consistent and upper p-values of one test.
    public struct PValues: Sendable, Equatable {
        /// Re-centred with max(d̄, 0): a lower bound.
        public var lower: Double
        /// Re-centred only where d̄ is not far below 0 (Hansen's consistent choice).
        public var consistent: Double
        /// Re-centred with d̄ everywhere (White's choice): an upper bound.
        public var upper: Double
    }

    /// Number of periods T.
    public let periods: Int
    /// Number of strategies N.
    public let models: Int
    /// Mean block length of the bootstrap, in periods.
    public let blockLength: Int
    /// Bootstrap replications B.
    public let replications: Int
    /// The strategy with the largest mean excess return (ties: the lowest index).
    public let best: Int
    /// Mean excess return per period of each strategy, d̄_k.
    public let meanExcess: [Double]
    /// ω̂²_k of each strategy.
    public let variances: [Double]
    /// Reality Check statistic max_k d̄_k.
    public let realityCheckStatistic: Double
    /// Reality Check p-values (not studentised; `upper` is White's).
    public let realityCheck: PValues
    /// SPA statistic max(max_k √T·d̄_k/ω̂_k, 0).
    public let spaStatistic: Double
    /// SPA p-values (studentised; `consistent` is Hansen's SPA_c).
    public let spa: PValues

    /// Why a test cannot be made (a note in the report, not an error).
    public enum Shortfall: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than 2 strategies.
        case tooFewModels(Int)
        /// Fewer than 20 periods.
        case tooFewPeriods(Int)

        /// One line for the report.
        public var description: String {
            switch self {
            case let .tooFewModels(n): "the Reality Check and SPA need at least 2 combinations, the run has \(n)"
            case let .tooFewPeriods(t): "the Reality Check and SPA need at least 20 periods, the run has \(t)"
            }
        }
    }

    /// The default mean block length for T periods: ⌊√T⌋ (arch's default).
    public static func defaultBlockLength(periods: Int) -> Int { max(1, Int(Double(periods).squareRoot())) }

    /// Tests `models` (N return series of T periods each; each one is emptied as it is read, to
    /// hold one copy at a time) against `benchmark` (T returns) with `replications` stationary
    /// bootstrap draws of mean block `blockLength` (default ⌊√T⌋), seeded by `seed`, shared among
    /// `workers` threads.
    public static func test(
        models: inout [[Double]], benchmark: [Double], blockLength: Int? = nil, replications: Int = 1000, seed: UInt64, workers: Int = 1
    ) -> Result<SuperiorPredictiveAbility, Shortfall> {
        let n = models.count, t = benchmark.count
        guard n >= 2 else { return .failure(.tooFewModels(n)) }
        guard t >= 20 else { return .failure(.tooFewPeriods(t)) }
        precondition(models.allSatisfy { $0.count == t }, "every strategy needs the benchmark's periods")
        precondition(replications >= 1, "replications must be ≥ 1")
        let block = blockLength ?? defaultBlockLength(periods: t)
        // Prefix sums of d for each strategy (strategy-major), its mean and variance.
        let stride = t + 1
        var prefix = [Double](repeating: 0, count: n * stride)
        var means = [Double](repeating: 0, count: n), variances = means
        for k in 0..<n {
            var d = models[k]
            models[k] = []
            for i in 0..<t { d[i] -= benchmark[i] }
            var running = 0.0
            let base = k * stride
            for i in 0..<t {
                running += d[i]
                prefix[base + i + 1] = running
            }
            let mean = d.reduce(0, +) / Double(t)
            means[k] = mean
            for i in 0..<t { d[i] -= mean }
            variances[k] = bootstrapVariance(demeaned: d, p: 1 / Double(block))
        }
        var best = 0
        for k in 1..<n where means[k] > means[best] { best = k }
        let root = Double(t).squareRoot()
        let threshold = (2 * log(log(Double(t)))).squareRoot()
        let omega = variances.map { $0 > 0 ? $0.squareRoot() : 0 }
        // Re-centrings g(d̄): lower, consistent, upper.
        let lower = means.map { max($0, 0) }
        let consistent = means.indices.map { k in means[k] >= -omega[k] / root * threshold ? means[k] : 0 }
        let centres = [lower, consistent, means]
        let rcStatistic = means[best]
        let spaStatistic = (0..<n).reduce(0.0) { omega[$1] > 0 ? max($0, root * means[$1] / omega[$1]) : $0 }

        // Each replication: its index runs (start, length) without wrap, then every strategy's
        // bootstrap mean from the prefix sums; 6 exceedance flags (3 re-centrings × 2 tests).
        var exceed = [UInt8](repeating: 0, count: replications * 6)
        let streams = SeededRNG(seed: seed).streams(replications)
        let sampler = StationaryBootstrap(meanBlock: Double(block))
        let parts = max(1, min(workers, replications))
        prefix.withUnsafeBufferPointer { pre in
            exceed.withUnsafeMutableBufferPointer { ex in
                let pre = UnsafeSendable(pre), ex = UnsafeSendable(ex)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    var maxRC = [Double](repeating: 0, count: 3), maxSPA = maxRC
                    for b in (replications * part / parts)..<(replications * (part + 1) / parts) {
                        var rng = streams[b]
                        let picked = sampler.indices(length: t, of: t, rng: &rng)
                        var runs: [(Int, Int)] = []
                        var start = picked[0], length = 1
                        for i in 1..<t {
                            if picked[i] == start + length { length += 1 } else {
                                runs.append((start, length))
                                start = picked[i]
                                length = 1
                            }
                        }
                        runs.append((start, length))
                        for j in 0..<3 {
                            maxRC[j] = -.infinity
                            maxSPA[j] = 0
                        }
                        for k in 0..<n {
                            let base = k * stride
                            var sum = 0.0
                            for (s, l) in runs { sum += pre.value[base + s + l] - pre.value[base + s] }
                            let mean = sum / Double(t)
                            for j in 0..<3 {
                                let centred = mean - centres[j][k]
                                maxRC[j] = max(maxRC[j], centred)
                                if omega[k] > 0 { maxSPA[j] = max(maxSPA[j], root * centred / omega[k]) }
                            }
                        }
                        for j in 0..<3 {
                            ex.value[b * 6 + j] = maxRC[j] > rcStatistic ? 1 : 0
                            ex.value[b * 6 + 3 + j] = maxSPA[j] > spaStatistic ? 1 : 0
                        }
                    }
                }
            }
        }
        func share(_ j: Int) -> Double {
            Double((0..<replications).reduce(0) { $0 + Int(exceed[$1 * 6 + j]) }) / Double(replications)
        }
        return .success(
            SuperiorPredictiveAbility(
                periods: t, models: n, blockLength: block, replications: replications, best: best, meanExcess: means, variances: variances,
                realityCheckStatistic: rcStatistic, realityCheck: PValues(lower: share(0), consistent: share(1), upper: share(2)),
                spaStatistic: spaStatistic, spa: PValues(lower: share(3), consistent: share(4), upper: share(5))))
    }

    /// The stationary bootstrap's variance of √T·x̄ for demeaned `x` and block probability `p`:
    /// `(Σx² + 2·Σ_{i≥1} κ_i·Σ_t x_t·x_{t+i}) / T`. The lag sums weighted by (1 − i/T)(1 − p)^i come
    /// from forward recursions (E_s = Σ_{t<s} a^{s−t}x_t, F_s = Σ_{t<s} (s−t)·a^{s−t}x_t, a = 1 − p),
    /// those weighted by (i/T)(1 − p)^{T−i} from backward ones (R_t = Σ_{u>t} a^{T−u}x_u and
    /// Σ_{u>t} u·a^{T−u}x_u): O(T), every weight ≤ 1.
    static func bootstrapVariance(demeaned x: [Double], p: Double) -> Double {
        let t = x.count, tt = Double(t), a = 1 - p
        var squares = 0.0
        for v in x { squares += v * v }
        // Σ_{i≥1} (1 − i/T) a^i γ_i = Σ_s x_s (E_s − F_s / T).
        var e = 0.0, f = 0.0, near = 0.0
        for s in 0..<t {
            near += x[s] * (e - f / tt)
            f = a * (f + e + x[s])
            e = a * (e + x[s])
        }
        // Σ_{i≥1} (i/T) a^{T−i} γ_i = (1/T) Σ_t x_t a^t (Σ_{u>t} u·a^{T−u}x_u − t·Σ_{u>t} a^{T−u}x_u).
        var r = 0.0, ru = 0.0, far = 0.0
        var powers = [Double](repeating: 1, count: t + 1)  // a^k
        for k in 1...t { powers[k] = powers[k - 1] * a }
        for tIndex in stride(from: t - 1, through: 0, by: -1) {
            far += x[tIndex] * powers[tIndex] * (ru - Double(tIndex) * r)
            r += powers[t - tIndex] * x[tIndex]
            ru += Double(tIndex) * powers[t - tIndex] * x[tIndex]
        }
        return (squares + 2 * (near + far / tt)) / tt
    }
}
