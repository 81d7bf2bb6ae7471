import Foundation

/// Transformations of a numeric column used to compare series on one scale.
///
/// All functions return a new array of the same length; positions that cannot be computed
/// (warm-up, non-finite inputs, zero spread) are NaN.
public enum Normalization {
    /// `(x − mean) / std` over the whole column, with the sample standard deviation (n − 1).
    /// Uses every value, so it looks ahead: for descriptive work, not for signals.
    public static func zScore(_ x: [Double]) -> [Double] {
        let finite = x.filter(\.isFinite)
        guard finite.count >= 2 else { return Array(repeating: .nan, count: x.count) }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)
        let sd = variance.squareRoot()
        guard sd > 0 else { return Array(repeating: .nan, count: x.count) }
        return x.map { ($0 - mean) / sd }
    }

    /// `(x − min) / (max − min)` into [0, 1] over the whole column (looks ahead, like ``zScore(_:)``).
    public static func minMax(_ x: [Double]) -> [Double] {
        let finite = x.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), hi > lo else { return Array(repeating: .nan, count: x.count) }
        return x.map { ($0 - lo) / (hi - lo) }
    }

    /// Rolling z-score without look-ahead: value `i` uses only `x[i − window + 1 … i]`
    /// (sample standard deviation, n − 1). The first `window − 1` values are NaN (warm-up).
    /// Sums are re-computed from scratch every `window` steps (and after a non-finite input) so
    /// rounding error cannot accumulate; a window containing a NaN gives NaN.
    public static func rollingZScore(_ x: [Double], window: Int) throws -> [Double] {
        guard window >= 2 else {
            throw LabDataError.invalidParameter(owner: "rolling_zscore", field: "window", reason: "must be ≥ 2, got \(window)")
        }
        var out = [Double](repeating: .nan, count: x.count)
        guard x.count >= window else { return out }
        var sum = 0.0, sumSq = 0.0
        let shift = x.first { $0.isFinite } ?? 0  // centre the data to limit cancellation
        func resum(_ end: Int) {
            sum = 0
            sumSq = 0
            for j in (end - window + 1)...end {
                let d = x[j] - shift
                sum += d
                sumSq += d * d
            }
        }
        let w = Double(window)
        for i in (window - 1)..<x.count {
            if i == window - 1 || (i - window + 1) % window == 0 || !sum.isFinite || !sumSq.isFinite {
                resum(i)
            } else {
                let added = x[i] - shift, removed = x[i - window] - shift
                sum += added - removed
                sumSq += added * added - removed * removed
            }
            let mean = sum / w
            let variance = max(0, (sumSq - sum * mean) / (w - 1))
            let sd = variance.squareRoot()
            out[i] = sd > 0 ? (x[i] - shift - mean) / sd : .nan
        }
        return out
    }

    /// Log returns `log(x[i] / x[i − 1])`; the first value is NaN.
    public static func logReturns(_ x: [Double]) -> [Double] {
        guard !x.isEmpty else { return [] }
        var out = [Double](repeating: .nan, count: x.count)
        for i in 1..<x.count { out[i] = log(x[i] / x[i - 1]) }
        return out
    }
}
