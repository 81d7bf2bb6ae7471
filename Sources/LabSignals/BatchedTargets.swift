import CVectorMath
import Foundation
import LabCore

/// A strategy's targets as events: the bars with a target, in bar order, and the target at each
/// (the sparse form of ``SignalStrategy/fillTargets(_:into:)``'s array).
public struct TargetEvents: Sendable, Equatable {
    /// Bars with a target, ascending.
    public var bars: [Int32] = []
    /// The target at each of `bars`.
    public var directions: [TargetDirection] = []

    /// No events.
    public init() {}

    /// Writes the events into `targets` (every other bar nil).
    public func write(into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        for i in targets.indices { targets[i] = nil }
        for k in bars.indices { targets[Int(bars[k])] = directions[k] }
    }

    /// Appends `other`'s events, all of them after this one's last bar.
    public mutating func append(_ other: TargetEvents) {
        bars += other.bars
        directions += other.directions
    }
}

/// Strategies of one type whose sweep combinations share work: a sweep of many parameter sets
/// computes their targets together (each indicator column once, not once per combination), giving
/// for each strategy exactly what its own ``SignalStrategy/fillTargets(_:into:)`` gives.
public protocol BatchedTargets: SignalStrategy {
    /// The targets of each strategy of `batch` over `bars`, in batch order.
    static func batchTargets(_ batch: [Self], bars: BarSeries) -> [TargetEvents]

    /// The targets of each strategy of `batch` at the bars of `range` only (the events of
    /// ``batchTargets(_:bars:)`` that fall in it), at a cost that grows with the range's length and
    /// not with the bars before it — so that a sweep splits one batch's bars between its workers —
    /// or nil when this batch can only be computed whole. The default is nil.
    static func batchTargets(_ batch: [Self], bars: BarSeries, range: Range<Int>) -> [TargetEvents]?
}

extension BatchedTargets {
    /// Nil: the batch is computed whole.
    public static func batchTargets(_ batch: [Self], bars: BarSeries, range: Range<Int>) -> [TargetEvents]? { nil }
}

extension MovingAverageCross: BatchedTargets {
    /// ``batchTargets(_:bars:range:)`` over every bar where it applies, otherwise each strategy's own
    /// kernel.
    public static func batchTargets(_ batch: [MovingAverageCross], bars: BarSeries) -> [TargetEvents] {
        if let events = batchTargets(batch, bars: bars, range: 0..<bars.count) { return events }
        let n = bars.count
        var targets = [TargetDirection?](repeating: nil, count: n)
        return batch.map { s in
            targets.withUnsafeMutableBufferPointer { s.fillTargets(bars, into: $0) }
            var e = TargetEvents()
            for i in 0..<n { if let d = targets[i] { e.bars.append(Int32(i)); e.directions.append(d) } }
            return e
        }
    }

    /// Simple averages over closes without missing values (nil otherwise): each distinct window's
    /// mean is one ``SlidingMean`` pass (its bits), resumed at `range`'s first bar from the last
    /// re-summation before it and advanced block by block for every window at once, so that the
    /// block's means stay in cache while each strategy's crossings are read from them (the
    /// comparisons of ``MovingAverageCross/crossTargets``, as bit masks).
    public static func batchTargets(_ batch: [MovingAverageCross], bars: BarSeries, range: Range<Int>) -> [TargetEvents]? {
        let n = bars.count
        guard batch.allSatisfy({ $0.average == .sma }), range.lowerBound >= 0, range.upperBound <= n else { return nil }
        let finite = bars.close.withUnsafeBufferPointer { CrossoverLanes.allFinite($0) }
        guard finite else { return nil }
        let windows = Array(Set(batch.flatMap { [$0.fast, $0.slow] })).sorted()
        let slot = Dictionary(uniqueKeysWithValues: windows.enumerated().map { ($1, $0) })
        let block = 512, stride = block + 1
        let pairs = batch.map { (slot[$0.fast]! * stride, slot[$0.slow]! * stride, $0.allowShort ? TargetDirection.short : .flat) }
        var out = [TargetEvents](repeating: TargetEvents(), count: batch.count)
        bars.close.withUnsafeBufferPointer { close in
            var means = windows.map { FiniteSlidingMean(window: $0, close, resumingAt: range.lowerBound) }
            // Row w holds window w's means for the block, after the mean of the bar before it.
            let rows = UnsafeMutableBufferPointer<Double>.allocate(capacity: windows.count * stride)
            let at = UnsafeMutablePointer<Int32>.allocate(capacity: block), up = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
            defer {
                rows.deallocate()
                at.deallocate()
                up.deallocate()
            }
            for w in windows.indices { rows[w * stride] = means[w].lastMean }
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(block, range.upperBound - start)
                if start > range.lowerBound {
                    for w in windows.indices { rows[w * stride] = rows[w * stride + block] }  // the previous block's last mean
                }
                // Two windows per pass where both are past their warm-up: their running sums are
                // independent chains, which the CPU overlaps.
                var w = 0
                while w < windows.count {
                    let row = rows.baseAddress! + w * stride + 1
                    if w + 1 < windows.count {
                        var (a, b) = (means[w], means[w + 1])
                        FiniteSlidingMean.fill(&a, &b, close, count: count, into: row, row + stride)
                        (means[w], means[w + 1]) = (a, b)
                        w += 2
                    } else {
                        means[w].fill(close, count: count, into: row)
                        w += 1
                    }
                }
                for k in pairs.indices {
                    let (f, s, down) = pairs[k]
                    let found = gslab_crossings(rows.baseAddress! + f, rows.baseAddress! + s, count, at, up)
                    for t in 0..<found {
                        out[k].bars.append(Int32(start) + at[t])
                        out[k].directions.append(up[t] == 1 ? .long : down)
                    }
                }
                start += count
            }
        }
        return out
    }
}

/// ``SlidingMean`` over a series without missing values, resumable at any bar and run a block at a
/// time, with the same bits: on such a series the one pass re-sums its window exactly (left to
/// right from 0) at bars w − 1, 2w − 1, …, and slides `sum += x[i] − x[i − w]` at the others. The
/// exact sum at bar kw + w − 1 is `0 + x[kw] + … + x[kw + w − 1]`, accumulated here as the bars
/// arrive (a second running sum, restarted at every multiple of w), so the re-summation is no
/// longer a w-step chain every w bars.
struct FiniteSlidingMean {
    let window: Int
    private let scale: Double
    /// The window's sum at the last bar fed (from bar w − 1 on).
    private var sum = 0.0
    /// `0 + x[p] + … ` from the last bar p that is a multiple of the window.
    private var pending = 0.0
    /// The next bar to feed.
    private(set) var bar: Int

    /// The state of the one pass after bars `0..<bar` of `x` (every value finite).
    init(window: Int, _ x: UnsafeBufferPointer<Double>, resumingAt bar: Int) {
        self.window = window
        scale = 1 / Double(window)
        self.bar = bar
        let phase = bar % window
        for j in (bar - phase)..<bar { pending += x[j] }
        if bar >= window {
            let exact = bar - 1 - (bar - window) % window  // the last re-summation, ≡ w − 1 (mod w)
            for j in (exact - window + 1)...exact { sum += x[j] }
            for i in (exact + 1)..<bar { sum += x[i] - x[i - window] }
        }
    }

    /// The mean at bar `bar − 1` (NaN before the first full window).
    var lastMean: Double { bar >= window ? sum * scale : .nan }

    /// Writes the means of the next `count` bars to `out` and moves on past them.
    @inline(__always)
    mutating func fill(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutablePointer<Double>) {
        let w = window, end = bar + count
        var i = bar, sum = self.sum, pending = self.pending, phase = bar % w
        // The warm-up: NaN until the first full window, whose sum is the pending one.
        while i < end && i < w {
            pending = (phase == 0 ? 0 : pending) + x[i]
            if i == w - 1 { sum = pending }
            out[i - bar] = i == w - 1 ? sum * scale : .nan
            phase = phase + 1 == w ? 0 : phase + 1
            i += 1
        }
        while i < end {
            let v = x[i]
            pending = (phase == 0 ? 0 : pending) + v
            let slid = sum + (v - x[i - w])
            sum = phase == w - 1 ? pending : slid
            out[i - bar] = sum * scale
            phase = phase + 1 == w ? 0 : phase + 1
            i += 1
        }
        self.sum = sum
        self.pending = pending
        bar = end
    }

    /// ``fill(_:count:into:)`` of two means at the same bar in one loop (each with its own
    /// operations, so the same bits); either in its warm-up, one after the other.
    @inline(__always)
    static func fill(
        _ a: inout FiniteSlidingMean, _ b: inout FiniteSlidingMean, _ x: UnsafeBufferPointer<Double>, count: Int,
        into outA: UnsafeMutablePointer<Double>, _ outB: UnsafeMutablePointer<Double>
    ) {
        guard a.bar == b.bar, a.bar >= a.window, a.bar >= b.window else {
            a.fill(x, count: count, into: outA)
            b.fill(x, count: count, into: outB)
            return
        }
        let wa = a.window, wb = b.window, start = a.bar, end = start + count
        var sa = a.sum, pa = a.pending, qa = start % wa
        var sb = b.sum, pb = b.pending, qb = start % wb
        let scaleA = a.scale, scaleB = b.scale
        for i in start..<end {
            let v = x[i]
            pa = (qa == 0 ? 0 : pa) + v
            pb = (qb == 0 ? 0 : pb) + v
            let slidA = sa + (v - x[i - wa]), slidB = sb + (v - x[i - wb])
            sa = qa == wa - 1 ? pa : slidA
            sb = qb == wb - 1 ? pb : slidB
            outA[i - start] = sa * scaleA
            outB[i - start] = sb * scaleB
            qa = qa + 1 == wa ? 0 : qa + 1
            qb = qb + 1 == wb ? 0 : qb + 1
        }
        a.sum = sa
        a.pending = pa
        a.bar = end
        b.sum = sb
        b.pending = pb
        b.bar = end
    }
}
