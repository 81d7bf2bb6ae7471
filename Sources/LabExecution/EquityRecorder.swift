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
    /// The equity after each bar of a quiet stretch `range` (position unchanged): `cash` when
    /// `units` is 0, else `cash + units · (close[i] − entry)` — the bar loop's own expression.
    mutating func record(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>)
}

extension EquitySummary: EquityRecorder {
    @inline(__always) mutating func record(_ bar: Int, _ equity: Double) { add(equity, at: bar) }

    @inline(__always)
    mutating func record(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>) {
        if units == 0 {
            add(range, { _ in cash })
        } else {
            add(range, { cash + units * (close[$0] - entry) })
        }
    }
}

/// Writes each bar's equity into a buffer of `bars.count` values (nil: nowhere).
struct CurveRecorder: EquityRecorder {
    let curve: UnsafeMutableBufferPointer<Double>?

    @inline(__always) mutating func record(_ bar: Int, _ equity: Double) { curve?[bar] = equity }

    @inline(__always)
    mutating func record(_ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>) {
        guard let curve else { return }
        if units == 0 {
            for i in range { curve[i] = cash }
        } else {
            for i in range { curve[i] = cash + units * (close[i] - entry) }
        }
    }
}
