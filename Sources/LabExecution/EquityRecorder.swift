import LabCore

/// Where the bar loop puts the equity after each bar: a curve buffer (``CurveRecorder``), or an
/// ``EquitySummary`` — a sweep combination's running figures, so that no curve is materialised.
/// The loop calls ``record(_:_:)`` once for every bar, in bar order from bar 0 (bars before the
/// first decision hold the starting cash; after a bankruptcy every bar holds 0). The simulator's
/// equity is always finite (it refuses non-finite prices). Internal: the loop is specialised for
/// each recorder inside this module.
protocol EquityRecorder {
    /// The equity after bar `bar`, account currency.
    mutating func record(_ bar: Int, _ equity: Double)
    /// Records the equity after each bar of a quiet stretch `range` (position unchanged) while the
    /// bar is valid — its close above 0 and finite, the equity above 0 — and returns the first bar
    /// not recorded (`range.upperBound` when all were). The equity is `cash` when `units` is 0, else
    /// `cash + units · (close[i] − entry)` — the bar loop's own expression.
    mutating func recordHolding(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>) -> Int
}

extension EquitySummary: EquityRecorder {
    @inline(__always) mutating func record(_ bar: Int, _ equity: Double) { add(equity, at: bar) }

    @inline(__always)
    mutating func recordHolding(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>) -> Int {
        addHolding(range, cash: cash, units: units, entry: entry, close: close)
    }
}

/// Writes each bar's equity into a buffer of `bars.count` values (nil: nowhere).
struct CurveRecorder: EquityRecorder {
    let curve: UnsafeMutableBufferPointer<Double>?

    @inline(__always) mutating func record(_ bar: Int, _ equity: Double) { curve?[bar] = equity }

    /// The stretch's valid bars from one reduction over its closes — lowest, highest, all finite:
    /// the equity is monotone in the close (rounding included: increasing for units > 0, decreasing
    /// for units < 0), so the least equity is at one of them — bar by bar only when it fails (a bad
    /// close, a bankruptcy).
    @inline(__always)
    mutating func recordHolding(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>) -> Int {
        let closes = closeRange(close, range)
        let least = units == 0 ? cash : cash + units * ((units > 0 ? closes.lowest : closes.highest) - entry)
        var end = range.lowerBound
        if closes.finite && closes.lowest > 0 && least > 0 {
            end = range.upperBound
        } else {
            while end < range.upperBound, close[end] > 0, close[end].isFinite, units == 0 ? cash > 0 : cash + units * (close[end] - entry) > 0 {
                end += 1
            }
        }
        guard let curve else { return end }
        if units == 0 {
            for i in range.lowerBound..<end { curve[i] = cash }
        } else {
            for i in range.lowerBound..<end { curve[i] = cash + units * (close[i] - entry) }
        }
        return end
    }
}

/// The lowest and highest close over `range` (+∞ and −∞ when empty; NaN values never move them)
/// and whether every close there is finite (Σ (c − c) is 0 exactly when no c is NaN or infinite),
/// in four interleaved lanes.
@inline(__always)
func closeRange(_ close: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> (lowest: Double, highest: Double, finite: Bool) {
    var l0 = Double.infinity, l1 = l0, l2 = l0, l3 = l0
    var h0 = -Double.infinity, h1 = h0, h2 = h0, h3 = h0
    var z0 = 0.0, z1 = 0.0, z2 = 0.0, z3 = 0.0
    var k = range.lowerBound
    while k + 4 <= range.upperBound {
        let a = close[k], b = close[k + 1], c = close[k + 2], d = close[k + 3]
        l0 = a < l0 ? a : l0
        l1 = b < l1 ? b : l1
        l2 = c < l2 ? c : l2
        l3 = d < l3 ? d : l3
        h0 = a > h0 ? a : h0
        h1 = b > h1 ? b : h1
        h2 = c > h2 ? c : h2
        h3 = d > h3 ? d : h3
        z0 += a - a
        z1 += b - b
        z2 += c - c
        z3 += d - d
        k += 4
    }
    while k < range.upperBound {
        let a = close[k]
        l0 = a < l0 ? a : l0
        h0 = a > h0 ? a : h0
        z0 += a - a
        k += 1
    }
    return (min(min(l0, l1), min(l2, l3)), max(max(h0, h1), max(h2, h3)), (z0 + z1) + (z2 + z3) == 0)
}
