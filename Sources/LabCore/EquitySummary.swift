import CVectorMath

/// What the key statistics read of an equity curve, gathered bar by bar: the first and last
/// value, the values at the period ends of a statistics grid, the peak, the maximum drawdown and
/// the sum. A sweep's combination has the execution simulator feed one from its bar loop and
/// never materialises its curve; the performance statistics build one from a whole curve the
/// same way, so the two give the same bits.
public struct EquitySummary: Sendable {
    // Storage is usable from inlinable code: the simulator's bar loop adds to it on every bar.
    @usableFromInline var storedCount = 0
    @usableFromInline var storedFirst = Double.nan, storedLast = Double.nan
    @usableFromInline var storedPeak = -Double.infinity
    /// The lowest equity since the current peak.
    @usableFromInline var low = Double.infinity
    /// The deepest drawdown settled at an earlier peak, a fraction ≥ 0.
    @usableFromInline var worst = 0.0
    /// Σ equity in four lanes by bar index mod 4 (one chain of dependent additions per bar was
    /// the bar loop's slowest path).
    @usableFromInline var lanes = SIMD4<Double>()
    @usableFromInline var storedPeriodValues: [Double] = []
    /// The grid's period ends (bar indices, ascending).
    @usableFromInline let periodEnds: [Int]
    /// Index into `periodEnds` of the next end, and its bar (`Int.max` past the last).
    @usableFromInline var next = 0, nextEnd = Int.max

    /// Values added.
    public var count: Int { storedCount }
    /// Equity after bar 0 (NaN before it).
    public var first: Double { storedFirst }
    /// Equity after the last bar added.
    public var last: Double { storedLast }
    /// The highest equity (−∞ before any value).
    public var peak: Double { storedPeak }
    /// Σ equity: four sums over the bars i ≡ 0, 1, 2, 3 (mod 4), each in bar order, added as
    /// `(s₀ + s₁) + (s₂ + s₃)`.
    public var sum: Double { (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) }
    /// Equity at each period end of the grid reached so far.
    public var periodValues: [Double] { storedPeriodValues }

    /// An empty summary over periods ending at bars `periodEnds` (ascending).
    public init(periodEnds: [Int]) {
        self.periodEnds = periodEnds
        storedPeriodValues.reserveCapacity(periodEnds.count)
        nextEnd = periodEnds.first ?? .max
    }

    /// Adds the equity after bar `bar`; bars come in order from 0, each once. Inlinable: the
    /// execution simulator's bar loop calls it on every bar.
    @inlinable @inline(__always)
    public mutating func add(_ e: Double, at bar: Int) {
        if bar == 0 { storedFirst = e }
        storedLast = e
        storedCount += 1
        lanes[bar & 3] += e
        // A new peak (rare) settles the drawdown from the last one; within a stretch of one peak
        // the deepest point is the lowest equity (division is monotone).
        if e > storedPeak {
            if storedPeak > -.infinity { worst = max(worst, 1 - low / storedPeak) }
            storedPeak = e
            low = e
        } else if e < low {
            low = e
        }
        if bar == nextEnd { reachPeriodEnd(e) }
    }

    /// Adds the equity after each bar of `range` (in order, following the bars added so far) of a
    /// position held unchanged — `cash` when `units` is 0, else `cash + units · (close[i] − entry)` —
    /// while the bar is valid (its close above 0 and finite, the equity above 0), and returns the
    /// first bar not added (`range.upperBound` when all were): ``add(_:at:)`` bar by bar, with the same
    /// bits, the stretches between period ends in one vector kernel that checks and adds four bars
    /// at a time.
    public mutating func addHolding(
        _ range: Range<Int>, cash: Double, units: Double, entry: Double, close: UnsafeBufferPointer<Double>
    ) -> Int {
        @inline(__always) func value(_ i: Int) -> Double? {
            let c = close[i], e = units == 0 ? cash : cash + units * (c - entry)
            return c > 0 && c.isFinite && e > 0 ? e : nil
        }
        var i = range.lowerBound
        guard i < range.upperBound, let base = close.baseAddress else { return i }
        if i == 0 {
            guard let e = value(0) else { return 0 }
            add(e, at: 0)
            i = 1
        }
        while i < range.upperBound {
            let stop = min(nextEnd, range.upperBound)
            if i < stop {
                var run = gslab_equity_run(
                    lanes: (lanes[0], lanes[1], lanes[2], lanes[3]), peak: storedPeak, low: low, worst: worst, last: storedLast)
                let reached = gslab_equity_run_add(base, i, stop, cash, units, entry, &run)
                lanes = SIMD4(run.lanes.0, run.lanes.1, run.lanes.2, run.lanes.3)
                storedPeak = run.peak
                low = run.low
                worst = run.worst
                storedLast = run.last
                storedCount += reached - i
                i = reached
                if reached < stop { return reached }
            }
            if i == nextEnd && i < range.upperBound {
                guard let e = value(i) else { return i }
                add(e, at: i)
                i += 1
            }
        }
        return i
    }

    /// Keeps `e` as the value of the period that ends here (once per period, off the hot path).
    @usableFromInline mutating func reachPeriodEnd(_ e: Double) {
        storedPeriodValues.append(e)
        next += 1
        nextEnd = next < periodEnds.count ? periodEnds[next] : .max
    }

    /// The maximum drawdown `max(1 − equity / running max)`, a fraction ≥ 0 (NaN when a value
    /// was not a number: the statistics then take the bar-by-bar definition from the curve).
    public var maxDrawdown: Double { max(worst, 1 - low / storedPeak) }

    /// Simple returns from one period end's equity to the next's.
    public var periodReturns: [Double] {
        guard storedPeriodValues.count >= 2 else { return [] }
        var out = [Double](repeating: 0, count: storedPeriodValues.count - 1)
        for k in 1..<storedPeriodValues.count { out[k - 1] = storedPeriodValues[k] / storedPeriodValues[k - 1] - 1 }
        return out
    }
}
