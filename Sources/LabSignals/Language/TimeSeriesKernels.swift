/// The time-series operators of the strategy language that the indicator kernels do not already
/// cover, as causal O(n) (or O(n·window), stated) passes over whole columns.
///
/// They follow the conventions of ``Indicators``: the value at bar i reads bars 0…i only; a window
/// that holds a non-finite value gives NaN and the warm-up starts over after it.
enum TimeSeriesKernels {
    /// Sum of the last `window` values. Slid (`+ new − old`) bar to bar and re-summed exactly from the
    /// window every `window` bars, so rounding cannot build up past one window's worth; exact for
    /// whole numbers (counts of true bars). Warm-up: window − 1.
    static func sum(_ x: [Double], window w: Int) -> [Double] {
        let n = x.count
        var out = [Double](repeating: .nan, count: n)
        var clean = 0, sinceExact = 0
        var sum = 0.0
        for i in 0..<n {
            let v = x[i]
            guard v.isFinite else {
                clean = 0
                continue
            }
            clean += 1
            guard clean >= w else { continue }
            if clean == w || sinceExact >= w {
                sum = 0
                for j in (i - w + 1)...i { sum += x[j] }
                sinceExact = 0
            } else {
                sum += v - x[i - w]
            }
            sinceExact += 1
            out[i] = sum
        }
        return out
    }

    /// Percentile rank of each value among the last `window` values, pandas
    /// `rolling(window).rank(pct=True)`: the average rank of ties (1 for the smallest), divided by
    /// `window`, so in (0, 1]. O(n·window). Warm-up: window − 1.
    static func rank(_ x: [Double], window w: Int) -> [Double] {
        let n = x.count
        var out = [Double](repeating: .nan, count: n)
        var clean = 0
        for i in 0..<n {
            let v = x[i]
            clean = v.isFinite ? clean + 1 : 0
            guard clean >= w else { continue }
            var less = 0, equal = 0
            for j in (i - w + 1)...i {
                less += x[j] < v ? 1 : 0
                equal += x[j] == v ? 1 : 0
            }
            out[i] = (Double(less) + Double(equal + 1) / 2) / Double(w)
        }
        return out
    }

    /// Bars since the largest (`greatest`) or smallest of the last `window` values (0: this bar; on a
    /// tie, the most recent). A monotonic queue of positions, O(n). Warm-up: window − 1.
    static func barsSinceExtreme(_ x: [Double], window w: Int, greatest: Bool) -> [Double] {
        let n = x.count
        var out = [Double](repeating: .nan, count: n)
        var queue = [Int](repeating: 0, count: n)
        var head = 0, tail = 0, clean = 0
        for i in 0..<n {
            let v = x[i]
            guard v.isFinite else {
                clean = 0
                head = 0
                tail = 0
                continue
            }
            clean += 1
            while tail > head && (greatest ? x[queue[tail - 1]] <= v : x[queue[tail - 1]] >= v) { tail -= 1 }
            queue[tail] = i
            tail += 1
            while queue[head] <= i - w { head += 1 }
            if clean >= w { out[i] = Double(i - queue[head]) }
        }
        return out
    }

    /// Pearson correlation of the last `window` pairs (pandas `rolling(window).corr`), computed
    /// from the window's own deviations (two passes, exact; O(n·window)). NaN when either side is
    /// constant over the window. Warm-up: window − 1.
    static func correlation(_ x: [Double], _ y: [Double], window w: Int) -> [Double] {
        let n = x.count
        var out = [Double](repeating: .nan, count: n)
        var clean = 0
        for i in 0..<n {
            clean = x[i].isFinite && y[i].isFinite ? clean + 1 : 0
            guard clean >= w else { continue }
            var mx = 0.0, my = 0.0
            for j in (i - w + 1)...i {
                mx += x[j]
                my += y[j]
            }
            mx /= Double(w)
            my /= Double(w)
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for j in (i - w + 1)...i {
                let dx = x[j] - mx, dy = y[j] - my
                sxy += dx * dy
                sxx += dx * dx
                syy += dy * dy
            }
            out[i] = sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
        }
        return out
    }

    /// Running sum since bar 0, skipping missing values (NaN there, the sum carrying on after them),
    /// pandas `cumsum()`. No warm-up.
    static func cumulativeSum(_ x: [Double]) -> [Double] {
        var sum = 0.0
        return x.map { v in
            guard v.isFinite else { return .nan }
            sum += v
            return sum
        }
    }

    /// Bars since `condition` was last true (0 on a true bar), NaN before it is first true.
    static func barsSince(_ condition: [Bool]) -> [Double] {
        var last = -1
        return condition.indices.map { i in
            if condition[i] { last = i }
            return last < 0 ? .nan : Double(i - last)
        }
    }

    /// The value `k` bars ago (NaN for the first k bars).
    static func lag(_ x: [Double], _ k: Int) -> [Double] { x.indices.map { $0 >= k ? x[$0 - k] : .nan } }

    /// The truth value `k` bars ago (false for the first k bars).
    static func lag(_ x: [Bool], _ k: Int) -> [Bool] { x.indices.map { $0 >= k ? x[$0 - k] : false } }

    /// backtesting.py's `crossover` both ways at every bar, in one pass: `above` where `a` is
    /// strictly below `b` on the bar before and strictly above it on this bar, `below` the mirror
    /// image (a touch is not a cross; false at bar 0 and over missing values).
    static func crossings(_ a: Column, _ b: Column, count n: Int) -> (above: [Bool], below: [Bool]) {
        let x = a.numbers(count: n), y = b.numbers(count: n)
        var below = [Bool](repeating: false, count: n)
        let above = [Bool](unsafeUninitializedCapacity: n) { up, made in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    below.withUnsafeMutableBufferPointer { down in
                        if n > 0 { up[0] = false }
                        // Branch-free (crosses are rare and unpredictable), so it vectorises.
                        for i in Swift.stride(from: 1, to: n, by: 1) {
                            let before = x[i - 1] < y[i - 1] ? 1 : 0, beforeOver = x[i - 1] > y[i - 1] ? 1 : 0
                            up[i] = (before & (x[i] > y[i] ? 1 : 0)) == 1
                            down[i] = (beforeOver & (x[i] < y[i] ? 1 : 0)) == 1
                        }
                    }
                }
            }
            made = n
        }
        return (above, below)
    }
}
