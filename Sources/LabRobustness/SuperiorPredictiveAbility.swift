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

    /// Tests `models` (N return series of T periods each; the caller's array is emptied, so this
    /// holds the only copy and releases it when done) against `benchmark` (T returns) with
    /// `replications` stationary bootstrap draws of mean block `blockLength` (default ⌊√T⌋), seeded
    /// by `seed`, shared among `workers` threads.
    ///
    /// The work is cut so it stays in cache: the replications' index runs are drawn in batches, and
    /// for each batch the strategies are taken a few at a time, their excess returns' prefix sums
    /// laid out period-major so that one run adds a short contiguous row per end.
    public static func test(
        models: inout [[Double]], benchmark: [Double], blockLength: Int? = nil, replications: Int = 1000, seed: UInt64, workers: Int = 1
    ) -> Result<SuperiorPredictiveAbility, Shortfall> {
        let n = models.count, t = benchmark.count
        guard n >= 2 else { return .failure(.tooFewModels(n)) }
        guard t >= 20 else { return .failure(.tooFewPeriods(t)) }
        precondition(models.allSatisfy { $0.count == t }, "every strategy needs the benchmark's periods")
        precondition(replications >= 1, "replications must be ≥ 1")
        let returns = models
        models = []
        let block = blockLength ?? defaultBlockLength(periods: t)
        let parts = max(1, workers)

        // Each strategy's mean excess return and kernel variance.
        var means = [Double](repeating: 0, count: n), variances = means
        means.withUnsafeMutableBufferPointer { mu in
            variances.withUnsafeMutableBufferPointer { va in
                let mu = UnsafeSendable(mu), va = UnsafeSendable(va)
                DispatchQueue.concurrentPerform(iterations: min(parts, n)) { part in
                    for k in (n * part / min(parts, n))..<(n * (part + 1) / min(parts, n)) {
                        var d = returns[k]
                        for i in 0..<t { d[i] -= benchmark[i] }
                        let mean = d.reduce(0, +) / Double(t)
                        for i in 0..<t { d[i] -= mean }
                        mu.value[k] = mean
                        va.value[k] = bootstrapVariance(demeaned: d, p: 1 / Double(block))
                    }
                }
            }
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

        // Replication b's statistics: max over strategies of the re-centred bootstrap means, 3
        // re-centrings × (not studentised, studentised); each worker keeps maxima over the
        // strategies it saw, combined at the end (a maximum does not depend on the order).
        let streams = SeededRNG(seed: seed).streams(replications)
        let sampler = StationaryBootstrap(meanBlock: Double(block))
        let chunk = 32, chunks = (n + chunk - 1) / chunk
        let workerCount = min(parts, chunks)
        var maxima = [[Double]](repeating: [], count: workerCount)
        let batch = 256
        for first in stride(from: 0, to: replications, by: batch) {
            let reps = min(batch, replications - first)
            // The batch's index runs (start, length) without wrap, replication by replication.
            var runs = [[(Int, Int)]](repeating: [], count: reps)
            runs.withUnsafeMutableBufferPointer { out in
                let out = UnsafeSendable(out)
                DispatchQueue.concurrentPerform(iterations: min(parts, reps)) { part in
                    for r in (reps * part / min(parts, reps))..<(reps * (part + 1) / min(parts, reps)) {
                        var rng = streams[first + r]
                        let picked = sampler.indices(length: t, of: t, rng: &rng)
                        var list: [(Int, Int)] = []
                        var start = picked[0], length = 1
                        for i in 1..<t {
                            if picked[i] == start + length {
                                length += 1
                            } else {
                                list.append((start, length))
                                start = picked[i]
                                length = 1
                            }
                        }
                        list.append((start, length))
                        out.value[r] = list
                    }
                }
            }
            let batchRuns = runs
            let batchMaxima = (0..<workerCount).map { _ in UnsafeBox([Double](repeating: 0, count: reps * 6)) }
            DispatchQueue.concurrentPerform(iterations: workerCount) { part in
                var local = [Double](repeating: 0, count: reps * 6)
                for r in 0..<reps { for j in 0..<3 { local[r * 6 + j] = -.infinity } }
                var prefix = [Double](repeating: 0, count: (t + 1) * chunk)
                var acc = [Double](repeating: 0, count: chunk)
                for c in stride(from: part, to: chunks, by: workerCount) {
                    let members = (c * chunk)..<min(n, (c + 1) * chunk)
                    let width = members.count
                    // Prefix sums of the excess returns, period-major: prefix[(i + 1)·width + m].
                    for m in 0..<width { prefix[m] = 0 }
                    for (m, k) in members.enumerated() {
                        returns[k].withUnsafeBufferPointer { r in
                            var running = 0.0
                            for i in 0..<t {
                                running += r[i] - benchmark[i]
                                prefix[(i + 1) * width + m] = running
                            }
                        }
                    }
                    prefix.withUnsafeBufferPointer { pre in
                        for r in 0..<reps {
                            for m in 0..<width { acc[m] = 0 }
                            for (s, l) in batchRuns[r] {
                                let hi = (s + l) * width, lo = s * width
                                for m in 0..<width { acc[m] += pre[hi + m] - pre[lo + m] }
                            }
                            for (m, k) in members.enumerated() {
                                let mean = acc[m] / Double(t)
                                for j in 0..<3 {
                                    let centred = mean - centres[j][k]
                                    local[r * 6 + j] = max(local[r * 6 + j], centred)
                                    if omega[k] > 0 { local[r * 6 + 3 + j] = max(local[r * 6 + 3 + j], root * centred / omega[k]) }
                                }
                            }
                        }
                    }
                }
                batchMaxima[part].value = local
            }
            for part in 0..<workerCount {
                let local = batchMaxima[part].value
                maxima[part] += local
            }
        }
        var exceed = [Int](repeating: 0, count: 6)
        for b in 0..<replications {
            for j in 0..<6 {
                let value = (0..<workerCount).reduce(j < 3 ? -Double.infinity : 0) { max($0, maxima[$1][b * 6 + j]) }
                exceed[j] += value > (j < 3 ? rcStatistic : spaStatistic) ? 1 : 0
            }
        }
        func share(_ j: Int) -> Double { Double(exceed[j]) / Double(replications) }
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

/// A value one worker writes and the caller reads after the workers are done.
final class UnsafeBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
