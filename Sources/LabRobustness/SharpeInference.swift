import Foundation

/// Inference on a Sharpe ratio measured on a finite, non-normal sample, and its deflation for the
/// number of strategies tried (Bailey and López de Prado, "The Sharpe Ratio Efficient Frontier",
/// 2012; "The Deflated Sharpe Ratio", 2014).
///
/// Conventions, held by every figure here and in the report's `robustness` section:
/// - Returns are the simple returns of the statistics' calendar periods (``PeriodReturns``: the
///   equity's last value of each day, week, month or year, as the Sharpe ratio statistic uses).
/// - Sharpe ratios are **per period, not annualised**: `SR = mean(r) / std(r)` with the sample
///   standard deviation (ddof 1) and no risk-free rate. Multiply by √(periods per year) to compare
///   with an annualised figure; PSR and DSR are the same either way.
/// - Skewness γ₃ and kurtosis γ₄ are the sample moments `m₃/m₂^{3/2}` and `m₄/m₂²` (biased, not
///   excess: a normal sample has γ₄ ≈ 3).
public struct SharpeInference: Sendable, Equatable {
    /// Number of returns T.
    public let count: Int
    /// The per-period Sharpe ratio SR̂.
    public let sharpe: Double
    /// Skewness γ₃ of the returns.
    public let skewness: Double
    /// Kurtosis γ₄ of the returns (3 for a normal distribution).
    public let kurtosis: Double

    /// The estimate from `returns` (at least 2 of them, not all equal, else `sharpe` is NaN).
    public init(returns: [Double]) {
        let n = Double(returns.count)
        count = returns.count
        guard returns.count >= 2 else {
            sharpe = .nan
            skewness = .nan
            kurtosis = .nan
            return
        }
        let mean = returns.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for r in returns {
            let d = r - mean, d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
        }
        let std = (m2 / (n - 1)).squareRoot()
        sharpe = std > 0 ? mean / std : .nan
        m2 /= n
        m3 /= n
        m4 /= n
        skewness = m2 > 0 ? m3 / pow(m2, 1.5) : .nan
        kurtosis = m2 > 0 ? m4 / (m2 * m2) : .nan
    }

    /// An estimate from its figures (hand-worked cases, a published example).
    public init(count: Int, sharpe: Double, skewness: Double, kurtosis: Double) {
        self.count = count
        self.sharpe = sharpe
        self.skewness = skewness
        self.kurtosis = kurtosis
    }

    /// `1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²`: the variance of SR̂ times (T − 1) for non-normal returns.
    var varianceFactor: Double { 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe }

    /// The probabilistic Sharpe ratio PSR(SR*) = Φ((SR̂ − SR*)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²)):
    /// the probability that the true per-period Sharpe ratio exceeds `benchmark` (per period).
    public func probabilistic(above benchmark: Double = 0) -> Double {
        let factor = varianceFactor
        guard count >= 2, sharpe.isFinite, factor > 0 else { return .nan }
        return NormalDistribution.cdf((sharpe - benchmark) * Double(count - 1).squareRoot() / factor.squareRoot())
    }

    /// The expected maximum of `trials` per-period Sharpe ratios drawn with true value 0 and
    /// variance `variance`: `√V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)))`, γ the
    /// Euler–Mascheroni constant. One trial: 0 (the expected value of one draw).
    public static func expectedMaximum(trials: Int, variance: Double) -> Double {
        guard trials >= 2 else { return 0 }
        let n = Double(trials), gamma = 0.577_215_664_901_532_9
        return variance.squareRoot()
            * ((1 - gamma) * NormalDistribution.quantile(1 - 1 / n) + gamma * NormalDistribution.quantile(1 - 1 / (n * M_E)))
    }

    /// The deflated Sharpe ratio: PSR against the expected maximum Sharpe ratio of `trials`
    /// independent tries whose Sharpe ratios vary with `variance` (per period²). With one trial it
    /// is PSR(0).
    public func deflated(trials: Int, variance: Double) -> Double {
        probabilistic(above: Self.expectedMaximum(trials: trials, variance: variance))
    }

    /// The minimum track record length: how many returns it takes for PSR(`benchmark`) to reach
    /// `confidence`, `1 + (1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²)·(Φ⁻¹(confidence) / (SR̂ − SR*))²`, in
    /// periods; nil when SR̂ ≤ SR* (no length suffices).
    public func minimumTrackRecord(above benchmark: Double = 0, confidence: Double = 0.95) -> Double? {
        let factor = varianceFactor
        guard sharpe.isFinite, sharpe > benchmark, factor > 0 else { return nil }
        let z = NormalDistribution.quantile(confidence) / (sharpe - benchmark)
        return 1 + factor * z * z
    }

    /// The sample variance (ddof 1) of finite Sharpe ratios `ratios` (NaN for fewer than 2).
    public static func variance(of ratios: [Double]) -> Double {
        let finite = ratios.filter(\.isFinite)
        guard finite.count >= 2 else { return .nan }
        let mean = finite.reduce(0, +) / Double(finite.count)
        return finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)
    }
}
