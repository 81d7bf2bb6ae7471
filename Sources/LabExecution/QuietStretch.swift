import CVectorMath
import LabCore

extension ExecutionSimulator.Book {
    /// Runs bars `from..<end` (`end` the first bar from `from` on with an order decided after it, or
    /// `bars.count`) while they are quiet — a valid close and equity above 0 after it — with the position unchanged: marks the open trade's excursions (when the book keeps them), records
    /// equity, and returns the first bar that is not quiet (or `bars.count`), left for the general
    /// loop. The caller guarantees no order is pending or being worked, no protective exits and
    /// no per-bar fee on the position held. Equity is computed as `equity(at:)` does and the
    /// excursions come out as `mark` would leave them, so results are bit for bit those of the
    /// general loop (a property test holds them to it).
    mutating func quietStretch(from start: Int, end: Int, recorder: inout some EquityRecorder, last: inout Double) -> Int {
        let stretch = Self.quietBars(
            from: start, units: units, entry: entryPrice, inverse: inverseEntry, cash: cash, best: best, worst: worst,
            last: last, close: columns.close, high: columns.high, low: columns.low, excursions: excursions, recorder: &recorder,
            end: end)
        best = stretch.best
        worst = stretch.worst
        last = stretch.last
        return stretch.end
    }

    /// The loop of ``quietStretch(from:end:recorder:last:)`` on plain buffers, its running values in
    /// locals (captured variables would live in memory and put a store and a load in every bar).
    /// The stretch ends at `end`, or earlier at the first bar whose close is not a price or whose
    /// equity is not above 0 (the recorder checks them as it records).
    @inline(__always)
    static func quietBars(
        from start: Int, units u: Double, entry: Double, inverse: Double, cash: Double, best: Double, worst: Double, last: Double,
        close: UnsafeBufferPointer<Double>, high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, excursions: Bool,
        recorder: inout some EquityRecorder, end: Int
    ) -> (end: Int, best: Double, worst: Double, last: Double) {
        var best = best, worst = worst
        let i = recorder.recordHolding(start..<end, cash: cash, units: u, entry: entry, close: close)
        let e = i == start ? last : u == 0 ? cash : cash + u * (close[i - 1] - entry)
        if u != 0 && excursions {
            // The excursions of bars start..<i. Each bar's favourable and adverse moves are monotone
            // in its high and low (`h·inverse − 1`, `1 − l·inverse`, inverse > 0, rounding included),
            // so the most extreme move is the move of the most extreme high or low — the same bits
            // as taking them bar by bar, from a reduction without a dependency through each bar.
            let (highest, lowest) = Self.extremes(high: high, low: low, start..<i)
            if u > 0 {
                best = max(best, highest * inverse - 1)
                worst = min(worst, lowest * inverse - 1)
            } else {
                best = max(best, 1 - lowest * inverse)
                worst = min(worst, 1 - highest * inverse)
            }
        }
        return (i, best, worst, e)
    }

    /// The highest high and lowest low over `range` (−∞ and +∞ when empty; NaN values are skipped,
    /// as `max`/`min` skip them bar by bar), in four interleaved lanes.
    @inline(__always)
    static func extremes(high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> (Double, Double) {
        var h0 = -Double.infinity, h1 = h0, h2 = h0, h3 = h0
        var l0 = Double.infinity, l1 = l0, l2 = l0, l3 = l0
        var k = range.lowerBound
        while k + 4 <= range.upperBound {
            h0 = max(h0, high[k])
            h1 = max(h1, high[k + 1])
            h2 = max(h2, high[k + 2])
            h3 = max(h3, high[k + 3])
            l0 = min(l0, low[k])
            l1 = min(l1, low[k + 1])
            l2 = min(l2, low[k + 2])
            l3 = min(l3, low[k + 3])
            k += 4
        }
        while k < range.upperBound {
            h0 = max(h0, high[k])
            l0 = min(l0, low[k])
            k += 1
        }
        return (max(max(h0, h1), max(h2, h3)), min(min(l0, l1), min(l2, l3)))
    }
}

/// A series' price and volume columns and its timestamps as buffers, for the bar loops (valid
/// inside ``with(_:_:)``).
struct BarColumns {
    let open, high, low, close, volume: UnsafeBufferPointer<Double>
    let timestamps: UnsafeBufferPointer<Int64>

    /// Prefetches what filling an order decided at `bar` reads of bar `bar + 1` (open, high, low,
    /// volume, time) and returns `bar`; nothing past the last bar.
    @inline(__always)
    func prefetchFillBar(after bar: Int) -> Int {
        let fill = bar + 1
        guard fill < open.count else { return bar }
        gslab_prefetch(open.baseAddress! + fill)
        gslab_prefetch(high.baseAddress! + fill)
        gslab_prefetch(low.baseAddress! + fill)
        gslab_prefetch(volume.baseAddress! + fill)
        gslab_prefetch(timestamps.baseAddress! + fill)
        return bar
    }

    /// Calls `body` with `bars`' columns.
    static func with<R>(_ bars: BarSeries, _ body: (BarColumns) throws -> R) rethrows -> R {
        try bars.open.withUnsafeBufferPointer { open in
            try bars.high.withUnsafeBufferPointer { high in
                try bars.low.withUnsafeBufferPointer { low in
                    try bars.close.withUnsafeBufferPointer { close in
                        try bars.volume.withUnsafeBufferPointer { volume in
                            try bars.timestamps.withUnsafeBufferPointer { timestamps in
                                try body(BarColumns(open: open, high: high, low: low, close: close, volume: volume, timestamps: timestamps))
                            }
                        }
                    }
                }
            }
        }
    }
}
