import Foundation
import LabCore

/// Bars expressed as log offsets from the previous bar's close, the representation most
/// transforms work in: `o = log(open / prevClose)`, `h = log(high / prevClose)`,
/// `l = log(low / prevClose)`, `c = log(close / prevClose)` (so `c` is the close-to-close log
/// return). Bar 0 is measured from its own open. Any map that keeps `l ≤ min(o, c)` and
/// `h ≥ max(o, c)` rebuilds OHLC-consistent bars, and a positive affine map `x ↦ a + k·x` (k > 0)
/// applied to all four offsets always does.
struct LogOffsets {
    var o: [Double], h: [Double], l: [Double], c: [Double]

    /// Offsets of the bars in `range`.
    init(_ s: BarSeries, range: Range<Int>) {
        let n = range.count
        o = [Double](repeating: 0, count: n)
        h = o
        l = o
        c = o
        for (k, t) in range.enumerated() {
            let reference = t > 0 ? s.close[t - 1] : s.open[0]
            o[k] = log(s.open[t] / reference)
            h[k] = log(s.high[t] / reference)
            l[k] = log(s.low[t] / reference)
            c[k] = log(s.close[t] / reference)
        }
    }

    /// Keeps the bar's shape around a new close offset: the open scales by `wick`, and the
    /// high/low extend beyond max/min(open, close) by their original extents times `wick` (≥ 0).
    mutating func reshape(_ k: Int, close newClose: Double, wick: Double) {
        let oldTop = max(o[k], c[k]), oldBottom = min(o[k], c[k])
        let newOpen = o[k] * wick
        h[k] = max(newOpen, newClose) + (h[k] - oldTop) * wick
        l[k] = min(newOpen, newClose) - (oldBottom - l[k]) * wick
        o[k] = newOpen
        c[k] = newClose
    }
}

extension BarSeries {
    /// Replaces the bars of `range` by `offsets` (see ``LogOffsets``), anchored at the close before
    /// the range (the open of bar 0 when it starts the series). Bars after the range keep their
    /// own offsets, so the path stays continuous and continues from the new level.
    mutating func replace(_ range: Range<Int>, with offsets: LogOffsets) {
        guard !range.isEmpty else { return }
        var previous = range.lowerBound > 0 ? close[range.lowerBound - 1] : open[0]
        let oldLast = close[range.upperBound - 1]
        for (k, t) in range.enumerated() {
            open[t] = previous * exp(offsets.o[k])
            high[t] = previous * exp(offsets.h[k])
            low[t] = previous * exp(offsets.l[k])
            close[t] = previous * exp(offsets.c[k])
            previous = close[t]
        }
        let factor = close[range.upperBound - 1] / oldLast
        if factor != 1 { rescale(from: range.upperBound, by: factor) }
    }

    /// Multiplies every price from bar `start` on by `factor` (a level shift; returns unchanged).
    mutating func rescale(from start: Int, by factor: Double) {
        guard start < count else { return }
        for t in start..<count {
            open[t] *= factor
            high[t] *= factor
            low[t] *= factor
            close[t] *= factor
        }
    }
}

/// Time conventions of the stress models.
public enum StressTime {
    /// Bars per year used to annualise drifts and volatilities: 252 trading days for daily bars,
    /// 52 weekly, 12 monthly; intraday bars count 252 sessions of 6.5 hours (an equity year) —
    /// e.g. 98 280 one-minute bars. A series with no frequency counts as daily.
    public static func periodsPerYear(_ series: BarSeries) -> Double {
        guard let f = series.frequency else { return 252 }
        switch f {
        case .week: return 52
        case .month: return 12
        default:
            if f.isIntraday { return 252 * 23_400 * 1e9 / Double(f.nanoseconds) }
            return 252 * Double(CivilTime.nanosPerDay) / Double(f.nanoseconds)
        }
    }
}

/// Sample statistics used by transforms and their tests.
enum Stats {
    static func mean(_ x: ArraySlice<Double>) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    /// Sample standard deviation (n − 1).
    static func sd(_ x: ArraySlice<Double>) -> Double {
        guard x.count >= 2 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }
}
