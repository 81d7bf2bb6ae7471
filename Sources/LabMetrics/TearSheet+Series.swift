import Foundation

extension TearSheet {
    /// Rolling annualised Sharpe ratio and volatility of period returns.
    public struct Rolling: Sendable, Equatable {
        /// Returns per window (half a year of periods: 126 on daily bars at 252 a year).
        public var window: Int
        /// Index into the returns of each window's last return.
        public var last: [Int]
        /// `mean / sd · √P` over each window (sample sd, ddof 1; no risk-free rate).
        public var sharpe: [Double]
        /// `sd · √P` over each window (a fraction a year).
        public var volatility: [Double]
    }

    /// The rolling figures of `returns` (simple, one a period, `periodsPerYear` a year) over
    /// windows of half a year of periods (at least 2); empty when there are fewer returns.
    public static func rolling(returns: [Double], periodsPerYear: Double) -> Rolling {
        let window = max(2, Int((periodsPerYear / 2).rounded()))
        guard returns.count >= window else { return Rolling(window: window, last: [], sharpe: [], volatility: []) }
        let root = periodsPerYear.squareRoot()
        var last: [Int] = [], sharpe: [Double] = [], volatility: [Double] = []
        for end in (window - 1)..<returns.count {
            let slice = returns[(end - window + 1)...end]
            let mean = slice.reduce(0, +) / Double(window)
            let sd = (slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(window - 1)).squareRoot()
            last.append(end)
            sharpe.append(sd > 0 ? mean / sd * root : .nan)
            volatility.append(sd * root)
        }
        return Rolling(window: window, last: last, sharpe: sharpe, volatility: volatility)
    }

    /// The distribution of period returns: a histogram and the historical VaR and CVaR at 95 %
    /// (``TailRisk``: losses as positive fractions).
    public struct Distribution: Sendable, Equatable {
        /// Left edge of each bin (fractions).
        public var edges: [Double]
        /// Returns in each bin.
        public var counts: [Int]
        /// Bin width.
        public var width: Double
        /// Historical VaR and CVaR at 95 %.
        public var valueAtRisk: Double, conditionalValueAtRisk: Double
    }

    /// `returns` in `bins` equal bins from the smallest to the largest, with VaR and CVaR at 95 %;
    /// nil for fewer than 2 finite returns or returns that do not vary.
    public static func distribution(returns: [Double], bins: Int = 40) -> Distribution? {
        let finite = returns.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), hi > lo, finite.count >= 2,
            let v = try? TailRisk.historicalVaR(finite, confidence: 0.95), let c = try? TailRisk.historicalCVaR(finite, confidence: 0.95)
        else { return nil }
        let width = (hi - lo) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for r in finite { counts[min(bins - 1, Int((r - lo) / width))] += 1 }
        return Distribution(
            edges: (0..<bins).map { lo + Double($0) * width }, counts: counts, width: width, valueAtRisk: v, conditionalValueAtRisk: c)
    }
}
