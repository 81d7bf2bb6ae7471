import Foundation
import LabCore

/// What a stress variant did to the data, read off its bars and annotations: how many bars it
/// changed and which bars it stressed.
public enum StressEffect {
    /// Bars of `stressed` whose open, high, low, close, volume or quoted spread differ from
    /// `baseline`'s by more than 1e-9 relative (the two series bar for bar; a series of another
    /// length — a bootstrap path of other timestamps — counts every bar as changed).
    public static func changedBars(baseline: BarSeries, stressed: BarSeries) -> Int {
        guard baseline.count == stressed.count, baseline.timestamps == stressed.timestamps else { return stressed.count }
        func differs(_ a: Double, _ b: Double) -> Bool { abs(a - b) > 1e-9 * max(abs(a), abs(b), 1e-300) }
        var changed = 0
        for t in 0..<baseline.count {
            var d =
                differs(baseline.open[t], stressed.open[t]) || differs(baseline.high[t], stressed.high[t]) || differs(baseline.low[t], stressed.low[t])
                || differs(baseline.close[t], stressed.close[t]) || differs(baseline.volume[t], stressed.volume[t])
            if !d, let s = stressed.spread { d = baseline.spread.map { differs($0[t], s[t]) } ?? true }
            if d { changed += 1 }
        }
        return changed
    }

    /// The stressed bars of a variant, ascending: each annotation's range, except that a regime
    /// model's bars count only where the regime is not the first (the calm regime is the series
    /// itself).
    public static func stressedBars(_ annotations: [StressAnnotation], bars: Int) -> [Int] {
        var marked = [Bool](repeating: false, count: bars)
        for a in annotations {
            let range = max(0, a.start)..<min(bars, a.end)
            if let regimes = a.regimes {
                for (k, t) in range.enumerated() where k < regimes.count && regimes[k] != 0 { marked[t] = true }
            } else {
                for t in range { marked[t] = true }
            }
        }
        return marked.indices.filter { marked[$0] }
    }
}
