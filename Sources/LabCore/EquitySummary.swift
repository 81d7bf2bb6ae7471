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

    /// Adds `value(i)` for every bar i of `range` (in order, following the bars added so far):
    /// ``add(_:at:)`` bar by bar, with the running figures in locals between period ends (a
    /// stretch of thousands of bars without a store per bar).
    @inlinable @inline(__always)
    public mutating func add(_ range: Range<Int>, _ value: (Int) -> Double) {
        var i = range.lowerBound
        if i == 0 && i < range.upperBound {
            add(value(0), at: 0)
            i = 1
        }
        while i < range.upperBound {
            let stop = nextEnd < range.upperBound ? nextEnd : range.upperBound
            var s0 = lanes[0], s1 = lanes[1], s2 = lanes[2], s3 = lanes[3]
            var peak = storedPeak, low = self.low, worst = self.worst, last = storedLast
            let begin = i
            @inline(__always) func see(_ e: Double) {
                if e > peak {
                    if peak > -.infinity { worst = max(worst, 1 - low / peak) }
                    peak = e
                    low = e
                } else {
                    low = e < low ? e : low  // a select, not a branch (NaN moves nothing either way)
                }
            }
            // One bar at a time up to a multiple of 4, then four bars (one per lane) per step.
            while i < stop && i & 3 != 0 {
                let e = value(i)
                switch i & 3 {
                case 1: s1 += e
                case 2: s2 += e
                default: s3 += e
                }
                see(e)
                last = e
                i += 1
            }
            while i + 4 <= stop {
                let a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3)
                s0 += a
                s1 += b
                s2 += c
                s3 += d
                if a <= peak && b <= peak && c <= peak && d <= peak {
                    // No new peak (and no NaN): the lowest of the four is what `see` would leave, from
                    // one dependent step instead of four.
                    low = min(low, min(min(a, b), min(c, d)))
                } else {
                    see(a)
                    see(b)
                    see(c)
                    see(d)
                }
                last = d
                i += 4
            }
            while i < stop {
                let e = value(i)
                switch i & 3 {
                case 0: s0 += e
                case 1: s1 += e
                default: s2 += e
                }
                see(e)
                last = e
                i += 1
            }
            lanes = SIMD4(s0, s1, s2, s3)
            storedPeak = peak
            self.low = low
            self.worst = worst
            storedLast = last
            storedCount += i - begin
            // The period end itself, through the one-bar path.
            if i == nextEnd && i < range.upperBound {
                add(value(i), at: i)
                i += 1
            }
        }
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
