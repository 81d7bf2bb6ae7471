import Foundation

/// Trailing-window statistics — volatility of log returns and mean volume over the bars before (or
/// ending at) a bar — in one place for position sizing, slippage models and the signal engine's
/// values at a bar. Exact two-pass sums over the window itself (no running sums that drift), with
/// four interleaved accumulators; the cost follows the number of bars asked about, not the series.
///
/// Convention: volatility is the sample standard deviation (ddof 1) of close-to-close log returns
/// `rⱼ = ln(closeⱼ / closeⱼ₋₁)`, **per bar** (callers scale it: `√periodsPerYear` to annualise,
/// `√barsPerTradingDay` for a daily figure). A window "before bar i" ends at bar i − 1 — what is
/// known at bar i's open; "ending at bar i" includes bar i's close.
public enum TrailingWindow {
    /// Σ f(x[j]) for j in a...b with four interleaved accumulators (a window of 20–100 values is
    /// otherwise one long chain of dependent additions). 0 when b < a.
    @inlinable @inline(__always)
    public static func sum(_ x: UnsafeBufferPointer<Double>, from a: Int, through b: Int, _ f: (Double) -> Double) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = a
        while j + 3 <= b {
            s0 += f(x[j]); s1 += f(x[j + 1]); s2 += f(x[j + 2]); s3 += f(x[j + 3])
            j += 4
        }
        while j <= b { s0 += f(x[j]); j += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Mean of `x[a...b]`; NaN when the range starts before 0, is empty, or holds a non-finite value.
    @inlinable
    public static func mean(_ x: UnsafeBufferPointer<Double>, from a: Int, through b: Int) -> Double {
        guard a >= 0, b >= a, b < x.count else { return .nan }
        let s = sum(x, from: a, through: b) { $0 }
        return s.isFinite ? s / Double(b - a + 1) : .nan
    }

    /// Sample standard deviation (ddof 1) of `x[a...b]`, two passes (mean, then squared deviations);
    /// NaN when the range starts before 0, has fewer than two values, or holds a non-finite value.
    @inlinable
    public static func sampleDeviation(_ x: UnsafeBufferPointer<Double>, from a: Int, through b: Int) -> Double {
        guard a >= 0, b > a, b < x.count else { return .nan }
        let s = sum(x, from: a, through: b) { $0 }
        guard s.isFinite else { return .nan }
        let count = Double(b - a + 1)
        let m = s / count
        return (sum(x, from: a, through: b) { ($0 - m) * ($0 - m) } / (count - 1)).squareRoot()
    }

    /// Per-bar volatility known at bar `bar`'s open: the sample standard deviation of the `window`
    /// log returns of closes `bar − window … bar − 1` (returns `rⱼ`, j in `bar − window ..< bar`).
    /// NaN when `bar ≤ window` (the first return is at bar 1) or a close in the window is not positive.
    public static func logReturnVolatility(_ bars: BarSeries, window: Int, before bar: Int) -> Double {
        guard window >= 2, bar > window, bar <= bars.count else { return .nan }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: window) { r in
            bars.close.withUnsafeBufferPointer { close in
                for k in 0..<window {
                    let j = bar - window + k
                    r[k] = log(close[j] / close[j - 1])
                }
            }
            return sampleDeviation(UnsafeBufferPointer(r), from: 0, through: window - 1)
        }
    }

    /// Mean volume per bar over the `window` bars before `bar` (bars `bar − window … bar − 1`);
    /// NaN when `bar < window` or a volume in the window is not finite.
    public static func meanVolume(_ bars: BarSeries, window: Int, before bar: Int) -> Double {
        bars.volume.withUnsafeBufferPointer { mean($0, from: bar - window, through: bar - 1) }
    }
}
