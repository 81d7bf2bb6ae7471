import Foundation

/// Value at risk and conditional value at risk (expected shortfall) of a return series.
///
/// Conventions: returns are simple, per period; results are **losses as positive fractions**
/// (VaR 0.03 = a 3 % loss); `confidence` is in (0.5, 1), e.g. 0.95 or 0.99.
/// - Historical VaR: minus the `(1 − c)` quantile of the returns (linear interpolation between
///   order statistics at position `(n − 1)·(1 − c)`, numpy's default); historical CVaR: minus the
///   mean of the returns at or below that quantile.
/// - Cornish–Fisher VaR (Favre & Galeano 2002): `−(μ + σ·z_cf)` with
///   `z_cf = z + (z² − 1)S/6 + (z³ − 3z)(K − 3)/24 − (2z³ − 5z)S²/36`, z = Φ⁻¹(1 − c), S the sample
///   skewness and K the sample kurtosis (not excess); Cornish–Fisher CVaR: the mean of that VaR
///   over confidence levels from c to 1 (expected shortfall is the average VaR beyond c), by a
///   1 000-point midpoint rule.
public enum TailRisk {
    /// Historical VaR at `confidence`: a loss as a positive fraction.
    /// - Throws: ``LabMetricsError`` for fewer than 2 finite returns or a confidence outside (0.5, 1).
    public static func historicalVaR(_ returns: [Double], confidence: Double) throws -> Double {
        try Profile(returns, metric: "historical_var").historicalVaR(confidence: confidence)
    }

    /// Historical CVaR (expected shortfall) at `confidence`: a loss as a positive fraction.
    /// - Throws: as ``historicalVaR(_:confidence:)``.
    public static func historicalCVaR(_ returns: [Double], confidence: Double) throws -> Double {
        try Profile(returns, metric: "historical_cvar").historicalCVaR(confidence: confidence)
    }

    /// Cornish–Fisher VaR at `confidence`: a loss as a positive fraction.
    /// - Throws: as ``historicalVaR(_:confidence:)``.
    public static func cornishFisherVaR(_ returns: [Double], confidence: Double) throws -> Double {
        try Profile(returns, metric: "cornish_fisher_var").cornishFisherVaR(confidence: confidence)
    }

    /// Cornish–Fisher CVaR at `confidence`: a loss as a positive fraction.
    /// - Throws: as ``historicalVaR(_:confidence:)``.
    public static func cornishFisherCVaR(_ returns: [Double], confidence: Double) throws -> Double {
        try Profile(returns, metric: "cornish_fisher_cvar").cornishFisherCVaR(confidence: confidence)
    }

    /// The lower tail of the returns ordered once and their moments, for every measure at every
    /// confidence (a report's eight tail figures select from a million returns once, not eight
    /// times). Only the lowest returns are ordered — enough for quantiles down to `depth` — by a
    /// radix selection (one histogram pass, one pass keeping the values at or below the bucket of
    /// the needed rank): the same order statistics as a full sort, in a tenth of its time.
    public struct Profile: Sendable {
        /// The finite returns, in their order.
        let finite: [Double]
        /// The lowest finite returns ascending: every order statistic a quantile at or above
        /// `depth` interpolates between.
        let lowest: [Double]
        /// The deepest quantile `lowest` serves (0.05: confidences ≥ 0.95).
        let depth: Double
        /// Mean, standard deviation (ddof 1), skewness and kurtosis (not excess) of the finite returns.
        let m: (mean: Double, sd: Double, skew: Double, kurtosis: Double)
        let metric: String

        /// The profile of `returns`, ordering the lower tail down to quantile `depth` (deeper
        /// requests order more on the fly); `metric` names the measure in errors.
        /// - Throws: ``LabMetricsError`` for fewer than 2 finite returns.
        public init(_ returns: [Double], metric: String = "tail_risk", depth: Double = 0.05) throws {
            finite = returns.filter(\.isFinite)
            guard finite.count >= 2 else {
                throw LabMetricsError.invalidInput(field: "returns", reason: "\(metric) needs at least 2 finite returns, got \(finite.count)")
            }
            self.depth = min(max(depth, 0), 0.5)
            lowest = TailRisk.smallest(finite, count: TailRisk.orderStatistics(finite.count, self.depth))
            m = TailRisk.moments(finite)
            self.metric = metric
        }

        func check(_ confidence: Double) throws {
            guard confidence > 0.5 && confidence < 1 else {
                throw LabMetricsError.invalidParameter(metric: metric, field: "confidence", reason: "must be in (0.5, 1), got \(confidence)")
            }
        }

        /// The lowest returns ascending, enough for quantile `q`.
        func ordered(for q: Double) -> [Double] {
            let needed = TailRisk.orderStatistics(finite.count, q)
            return needed <= lowest.count ? lowest : TailRisk.smallest(finite, count: needed)
        }

        /// ``TailRisk/historicalVaR(_:confidence:)``.
        public func historicalVaR(confidence: Double) throws -> Double {
            try check(confidence)
            return -quantile(ordered(for: 1 - confidence), count: finite.count, 1 - confidence)
        }

        /// ``TailRisk/historicalCVaR(_:confidence:)``.
        public func historicalCVaR(confidence: Double) throws -> Double {
            try check(confidence)
            let low = ordered(for: 1 - confidence)
            let cut = quantile(low, count: finite.count, 1 - confidence)
            // The returns at or below the cut, summed in ascending order. `low` ends at or above the
            // cut; when it ends exactly at it, the returns beyond `low` that equal it belong too.
            var total = 0.0, count = 0
            for v in low where v <= cut {
                total += v
                count += 1
            }
            if count == low.count && low.count < finite.count {
                let extra = finite.reduce(0) { $0 + ($1 <= cut ? 1 : 0) } - count
                for _ in 0..<extra { total += cut }
                count += extra
            }
            return -(total / Double(max(count, 1)))
        }

        /// ``TailRisk/cornishFisherVaR(_:confidence:)``.
        public func cornishFisherVaR(confidence: Double) throws -> Double {
            try check(confidence)
            return -(m.mean + m.sd * cornishFisherZ(inverseNormal(1 - confidence), skew: m.skew, kurtosis: m.kurtosis))
        }

        /// ``TailRisk/cornishFisherCVaR(_:confidence:)``.
        public func cornishFisherCVaR(confidence: Double) throws -> Double {
            try check(confidence)
            let steps = 1000
            var total = 0.0
            for k in 0..<steps {
                let u = confidence + (1 - confidence) * (Double(k) + 0.5) / Double(steps)
                total += -(m.mean + m.sd * cornishFisherZ(inverseNormal(1 - u), skew: m.skew, kurtosis: m.kurtosis))
            }
            return total / Double(steps)
        }
    }

    /// How many of the lowest of `n` values the quantile `q` interpolates between: positions
    /// `⌊(n − 1)·q⌋` and the next (see ``quantile(_:count:_:)``), plus one beyond for the CVaR's cut.
    static func orderStatistics(_ n: Int, _ q: Double) -> Int {
        min(n, Int((Double(n - 1) * q).rounded(.down)) + 2)
    }

    /// The `k` smallest values of `x` (finite), ascending — `x.sorted().prefix(k)`. A histogram of
    /// the top 16 bits of the order-preserving keys finds the bucket of the k-th smallest; the
    /// values in that bucket and below are kept and sorted.
    static func smallest(_ x: [Double], count k: Int) -> [Double] {
        let n = x.count
        guard n > 4096, k < n / 2 else { return Array(RadixSort.sorted(x).prefix(k)) }
        @inline(__always) func bucket(_ v: Double) -> Int {
            let b = v.bitPattern
            return Int((b >> 63 == 1 ? ~b : b | (1 << 63)) >> 48)
        }
        var counts = [Int](repeating: 0, count: 1 << 16)
        var kept: [Double] = []
        x.withUnsafeBufferPointer { x in
            counts.withUnsafeMutableBufferPointer { c in
                for v in x { c[bucket(v)] += 1 }
            }
            var below = 0, last = 0
            while below + counts[last] < k {
                below += counts[last]
                last += 1
            }
            kept.reserveCapacity(below + counts[last])
            for v in x where bucket(v) <= last { kept.append(v) }
        }
        return Array(RadixSort.sorted(kept).prefix(k))
    }

    /// The `q` quantile of `n` values whose lowest are `sorted` (ascending): linear interpolation
    /// between order statistics at position `(n − 1)·q` (numpy's default).
    static func quantile(_ sorted: [Double], count n: Int, _ q: Double) -> Double {
        let position = Double(n - 1) * q
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, n - 1)
        return sorted[lo] + (position - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    static func moments(_ x: [Double]) -> (mean: Double, sd: Double, skew: Double, kurtosis: Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for v in x {
            let d = v - mean
            m2 += d * d
            m3 += d * d * d
            m4 += d * d * d * d
        }
        m2 /= n
        m3 /= n
        m4 /= n
        let sd = (m2 * n / (n - 1)).squareRoot()
        return (mean, sd, m2 > 0 ? m3 / pow(m2, 1.5) : 0, m2 > 0 ? m4 / (m2 * m2) : 3)
    }

    static func cornishFisherZ(_ z: Double, skew s: Double, kurtosis k: Double) -> Double {
        z + (z * z - 1) * s / 6 + (z * z * z - 3 * z) * (k - 3) / 24 - (2 * z * z * z - 5 * z) * s * s / 36
    }

    /// Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.15e-9), p in (0, 1).
    static func inverseNormal(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low {
            let q = (-2 * log(1 - p)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
