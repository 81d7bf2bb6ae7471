import LabCore

/// The simple-moving-average crossover over a series without missing values, four stretches of
/// bars at once, bit for bit what the one-pass ``SlidingMean`` pair gives.
///
/// One pass is bound by the latency of its running sums (each bar's sum waits for the previous
/// one). On a series without missing values a ``SlidingMean`` of window w does the same thing at
/// every bar: an exact left-to-right re-summation of the window at bars w − 1 + k·w, one slide
/// `sum += x[i] − x[i − w]` elsewhere, the mean `sum · (1/w)`. So the state at any bar can be
/// rebuilt from the last re-summation point, and four stretches of the series whose starts are a
/// multiple of lcm(fast, slow) bars apart re-sum at the same steps. Their sums then advance in
/// one four-lane vector, each lane with the same operations in the same order as the one pass.
enum CrossoverLanes {
    /// Stretches run at once.
    static let lanes = 4

    /// Writes `table[crossing code]` for every bar, as ``MovingAverageCross/crossTargets`` does
    /// with simple averages, and returns true; returns false, writing nothing, when the series
    /// holds a non-finite value or is too short for four stretches (the caller runs the one pass).
    static func fill(
        _ x: UnsafeBufferPointer<Double>, fast: Int, slow: Int, table: UnsafeBufferPointer<TargetDirection?>,
        into targets: UnsafeMutableBufferPointer<TargetDirection?>
    ) -> Bool {
        let n = x.count
        let head = max(fast, slow)  // both means are defined at head − 1
        let period = leastCommonMultiple(fast, slow)
        guard n > head, period <= (n - head) / (4 * lanes) else { return false }
        let stride = (n - head) / lanes / period * period
        guard allFinite(x) else { return false }

        // The head, one pass: warm-ups and the first crossings.
        var f = SlidingMean(window: fast), s = SlidingMean(window: slow)
        var previousFast = Double.nan, previousSlow = Double.nan
        for i in 0..<head {
            let a = f.next(x, i), b = s.next(x, i)
            targets[i] = table[crossing(previousFast, previousSlow, a, b)]
            previousFast = a
            previousSlow = b
        }

        // Four stretches of `stride` bars from `head`, lane k starting at head + k·stride.
        var fastSums = LaneSums(x, window: fast, lastBar: head - 1, stride: stride)
        var slowSums = LaneSums(x, window: slow, lastBar: head - 1, stride: stride)
        var pf = fastSums.means, ps = slowSums.means
        let history = LaneHistory(x, window: head, lastBar: head - 1, stride: stride)
        defer { history.release() }
        for j in 0..<stride {
            let i = head + j
            let newest = history.push(x, bar: i, stride: stride)
            let a = fastSums.advance(history, bar: i, newest: newest)
            let b = slowSums.advance(history, bar: i, newest: newest)
            // crossing() for four lanes: bit 0 a cross up, bit 1 a cross down.
            let zero = SIMD4<Int64>(repeating: 0)
            let code = zero.replacing(with: 1, where: (pf .< ps) .& (a .> b)) | zero.replacing(with: 2, where: (ps .< pf) .& (b .> a))
            targets[i] = table[Int(code[0])]
            targets[i &+ stride] = table[Int(code[1])]
            targets[i &+ 2 &* stride] = table[Int(code[2])]
            targets[i &+ 3 &* stride] = table[Int(code[3])]
            pf = a
            ps = b
        }

        // The tail after the last stretch: the one pass, continuing the last lane's sums.
        f = SlidingMean(window: fast, continuing: fastSums.sums[lanes - 1], sinceExact: fastSums.since)
        s = SlidingMean(window: slow, continuing: slowSums.sums[lanes - 1], sinceExact: slowSums.since)
        previousFast = pf[lanes - 1]
        previousSlow = ps[lanes - 1]
        for i in (head + lanes * stride)..<n {
            let a = f.next(x, i), b = s.next(x, i)
            targets[i] = table[crossing(previousFast, previousSlow, a, b)]
            previousFast = a
            previousSlow = b
        }
        return true
    }

    /// Whether every value is finite (x − x is 0 for finite x and NaN otherwise; four sums in lanes).
    static func allFinite(_ x: UnsafeBufferPointer<Double>) -> Bool {
        var acc = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= x.count {
            let v = SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3])
            acc += v - v
            i += 4
        }
        var tail = 0.0
        while i < x.count {
            tail += x[i] - x[i]
            i += 1
        }
        return (acc.sum() + tail) == 0
    }

    static func leastCommonMultiple(_ a: Int, _ b: Int) -> Int {
        var (p, q) = (a, b)
        while q != 0 { (p, q) = (q, p % q) }
        return a / p * b
    }
}

/// The running window sums of four lanes, lane k at bar `bar + k·stride`, in the same phase of
/// their re-summation schedule (`stride` is a multiple of the window).
struct LaneSums {
    let window: Int
    let scale: Double
    var sums: SIMD4<Double>
    /// Bars since the last exact re-summation, counting it (the schedule of ``SlidingMean``).
    var since: Int

    /// The sums at bar `lastBar + k·stride` (lastBar ≥ window − 1), as the one pass has them.
    init(_ x: UnsafeBufferPointer<Double>, window: Int, lastBar: Int, stride: Int) {
        self.window = window
        scale = 1 / Double(window)
        since = (lastBar - (window - 1)) % window + 1
        let exactBar = lastBar - (since - 1)
        sums = Self.exact(x, bar: exactBar, window: window, stride: stride)
        for i in (exactBar + 1)..<(lastBar + 1) {
            sums += Self.gather(x, i, stride) - Self.gather(x, i - window, stride)
        }
    }

    /// The means at the current bar.
    var means: SIMD4<Double> { sums * scale }

    /// Moves every lane one bar on (lane 0 to `bar`, whose four values `newest` are already in
    /// `history`) and returns the means there.
    @inline(__always)
    mutating func advance(_ history: LaneHistory, bar: Int, newest: SIMD4<Double>) -> SIMD4<Double> {
        if since == window {
            var sum = SIMD4<Double>(repeating: 0)
            for b in (bar - window + 1)...bar { sum += history[b] }
            sums = sum
            since = 1
        } else {
            sums += newest - history[bar - window]
            since += 1
        }
        return sums * scale
    }

    /// Each lane's window ending at its bar, summed left to right from 0 (as the one pass does).
    @inline(__always)
    static func exact(_ x: UnsafeBufferPointer<Double>, bar: Int, window: Int, stride: Int) -> SIMD4<Double> {
        var sum = SIMD4<Double>(repeating: 0)
        for j in (bar - window + 1)...bar { sum += gather(x, j, stride) }
        return sum
    }

    @inline(__always)
    static func gather(_ x: UnsafeBufferPointer<Double>, _ i: Int, _ stride: Int) -> SIMD4<Double> {
        SIMD4(x[i], x[i &+ stride], x[i &+ 2 &* stride], x[i &+ 3 &* stride])
    }
}

/// The four lanes' values of the last bars (a ring of a power-of-two size above the longest
/// window), so that a bar's values are gathered from the four stretches once, not again when they
/// leave a window or are re-summed. Owns its storage: ``release()`` frees it.
struct LaneHistory {
    private let ring: UnsafeMutablePointer<SIMD4<Double>>
    private let mask: Int

    /// Holds bars up to `lastBar` (lane 0's numbering), the `window` latest of them filled in.
    init(_ x: UnsafeBufferPointer<Double>, window: Int, lastBar: Int, stride: Int) {
        var size = 1
        while size <= window { size <<= 1 }
        ring = .allocate(capacity: size)
        ring.initialize(repeating: .zero, count: size)
        mask = size - 1
        for b in max(0, lastBar - window + 1)...lastBar { ring[b & mask] = LaneSums.gather(x, b, stride) }
    }

    /// Frees the ring.
    func release() { ring.deallocate() }

    /// Gathers bar `bar`'s four values, keeps them and returns them.
    @inline(__always)
    func push(_ x: UnsafeBufferPointer<Double>, bar: Int, stride: Int) -> SIMD4<Double> {
        let v = LaneSums.gather(x, bar, stride)
        ring[bar & mask] = v
        return v
    }

    /// The four values of a bar among the last ring-size ones.
    @inline(__always)
    subscript(bar: Int) -> SIMD4<Double> { ring[bar & mask] }
}
