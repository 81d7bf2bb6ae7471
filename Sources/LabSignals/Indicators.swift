import Foundation
import LabCore

/// Technical indicators as causal O(n) kernels over caller-owned buffers.
///
/// Conventions held by every kernel:
/// - **Causal**: `out[i]` depends on inputs `0...i` only, so the output over a prefix of a series
///   is the prefix of the output over the whole series (a stream can be processed in pieces by
///   re-running over the bars seen so far; nothing ever looks ahead).
/// - **Warm-up**: outputs that do not yet have enough history are NaN; each kernel states its
///   warm-up length (the number of leading NaNs on clean input).
/// - **Missing values**: a non-finite input (NaN, ±∞) makes every output whose window contains it
///   NaN; windowed kernels start over (a fresh warm-up) after it; recursive ones (EMA, RSI, ATR)
///   hold their state across it and output NaN at that bar.
/// - **Stability**: rolling sums are re-summed from the window every `window` bars (periodic
///   re-summation), rolling moments are updated à la Welford and re-computed exactly every
///   `max(4096, 8·window)` bars, so a 10M-bar series matches a naive two-pass reference to 1e-9
///   relative.
/// - **Units**: averages and bands are in the input's units (price); returns, rates of change and
///   volatilities are fractions (not percent), except RSI which is 0–100 by definition.
/// - Buffers: `out.count == x.count`; the kernels never allocate per bar (volatility and rolling
///   extrema take one scratch column per call).
///
/// Every kernel has an array form that allocates the output for convenience.
public enum Indicators {
    // MARK: - Moving averages

    /// Simple moving average over the last `window` values (including `x[i]`).
    /// Warm-up: `window − 1`. Matches pandas `rolling(window).mean()`.
    public static func sma(_ x: UnsafeBufferPointer<Double>, window: Int, into out: UnsafeMutableBufferPointer<Double>) {
        check(x.count, out.count, window, "sma")
        var mean = SlidingMean(window: window)
        for i in 0..<x.count { out[i] = mean.next(x, i) }
    }

    /// Exponential moving average with smoothing `alpha = 2 / (span + 1)`, seeded with the first
    /// finite value: `y₀ = x₀`, `yᵢ = yᵢ₋₁ + α (xᵢ − yᵢ₋₁)`. Warm-up: `span − 1` (the recursion runs
    /// from the first value, the first `span − 1` outputs are hidden). Matches pandas
    /// `ewm(span=span, adjust=False, min_periods=span).mean()` on finite input.
    public static func ema(_ x: UnsafeBufferPointer<Double>, span: Int, into out: UnsafeMutableBufferPointer<Double>) {
        check(x.count, out.count, span, "ema")
        exponential(x, alpha: 2 / (Double(span) + 1), minPeriods: span, into: out)
    }

    /// The EMA recursion with any `alpha` in (0, 1] (Wilder's smoothing is `alpha = 1/n`); outputs
    /// NaN until `minPeriods` finite values have been seen.
    public static func exponential(
        _ x: UnsafeBufferPointer<Double>, alpha: Double, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        var mean = ExponentialMean(alpha: alpha, minPeriods: minPeriods)
        for i in 0..<x.count { out[i] = mean.next(x[i]) }
    }

    /// Linearly weighted moving average: weight `window` on `x[i]`, `window − 1` on `x[i−1]`, …, 1 on
    /// the oldest, divided by `window (window + 1) / 2`. Warm-up: `window − 1`.
    public static func wma(_ x: UnsafeBufferPointer<Double>, window: Int, into out: UnsafeMutableBufferPointer<Double>) {
        check(x.count, out.count, window, "wma")
        let w = Double(window)
        let denominator = w * (w + 1) / 2
        let resync = max(4096, 8 * window)
        var sum = 0.0, weighted = 0.0
        var clean = 0, sinceExact = 0
        for i in 0..<x.count {
            let v = x[i]
            guard v.isFinite else { clean = 0; out[i] = .nan; continue }
            clean += 1
            if clean < window { out[i] = .nan; continue }
            if clean == window || sinceExact == resync {
                sum = 0; weighted = 0
                for k in 0..<window {
                    let value = x[i - window + 1 + k]
                    sum += value
                    weighted += Double(k + 1) * value
                }
                sinceExact = 0
            } else {
                // Every weight drops by one (−previous sum), the new value enters with weight `window`.
                weighted += w * v - sum
                sum += v - x[i - window]
                sinceExact += 1
            }
            out[i] = weighted / denominator
        }
    }

    // MARK: - Oscillators

    /// Relative strength index with Wilder's smoothing over `window` changes, 0–100.
    ///
    /// Gains and losses are `max(Δ, 0)` and `max(−Δ, 0)` of `Δᵢ = xᵢ − xᵢ₋₁`; the first averages
    /// are the simple means of the first `window` changes (at `i = window`), then
    /// `avg ← avg + (g − avg) / window`. RSI = `100 − 100 / (1 + avgGain / avgLoss)`; 100 when there
    /// are no losses, 50 when the window had no change at all. Warm-up: `window`.
    public static func rsi(_ x: UnsafeBufferPointer<Double>, window: Int, into out: UnsafeMutableBufferPointer<Double>) {
        check(x.count, out.count, window, "rsi")
        // Pass 1 keeps the average gain in `out` and the average loss in `averageLoss`; pass 2
        // divides (vectorised, off the recursion's critical path).
        let averageLoss = UnsafeMutableBufferPointer<Double>.allocate(capacity: x.count)
        defer { averageLoss.deallocate() }
        var state = WilderRSI(window: window)
        for i in 0..<x.count {
            if state.update(x[i]) {
                out[i] = state.averageGain
                averageLoss[i] = state.averageLoss
            } else {
                out[i] = .nan
                averageLoss[i] = .nan
            }
        }
        for i in 0..<x.count { out[i] = relativeStrength(out[i], averageLoss[i]) }
    }

    /// `100 − 100 / (1 + gain/loss)`, written `100·gain / (gain + loss)` (one division); 50 when
    /// both are 0; NaN stays NaN.
    @inline(__always) static func relativeStrength(_ gain: Double, _ loss: Double) -> Double {
        let total = gain + loss
        return total == 0 ? 50 : 100 * gain / total
    }

    /// MACD: `line = EMA(fast) − EMA(slow)`, `signal = EMA(line, signalSpan)` (seeded with the first
    /// defined line value), `histogram = line − signal`. Warm-up: `slow − 1` for the line,
    /// `slow + signalSpan − 2` for the signal and histogram.
    public static func macd(
        _ x: UnsafeBufferPointer<Double>, fast: Int, slow: Int, signal signalSpan: Int,
        line: UnsafeMutableBufferPointer<Double>, signal: UnsafeMutableBufferPointer<Double>,
        histogram: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(fast >= 1 && slow > fast && signalSpan >= 1, "macd: need 1 ≤ fast < slow and signal ≥ 1")
        precondition(line.count == x.count && signal.count == x.count && histogram.count == x.count)
        let aFast = 2 / (Double(fast) + 1), aSlow = 2 / (Double(slow) + 1), aSignal = 2 / (Double(signalSpan) + 1)
        var emaFast = 0.0, emaSlow = 0.0, emaSignal = 0.0
        var seen = 0, lines = 0
        for i in 0..<x.count {
            let v = x[i]
            guard v.isFinite else { line[i] = .nan; signal[i] = .nan; histogram[i] = .nan; continue }
            seen += 1
            if seen == 1 {
                emaFast = v; emaSlow = v
            } else {
                emaFast += aFast * (v - emaFast)
                emaSlow += aSlow * (v - emaSlow)
            }
            guard seen >= slow else { line[i] = .nan; signal[i] = .nan; histogram[i] = .nan; continue }
            let l = emaFast - emaSlow
            lines += 1
            emaSignal = lines == 1 ? l : emaSignal + aSignal * (l - emaSignal)
            line[i] = l
            if lines >= signalSpan {
                signal[i] = emaSignal
                histogram[i] = l - emaSignal
            } else {
                signal[i] = .nan
                histogram[i] = .nan
            }
        }
    }

    // MARK: - Rolling moments

    /// Rolling mean and standard deviation over the last `window` values, with `ddof` degrees of
    /// freedom removed (0: population, 1: sample, pandas' default). Warm-up: `window − 1`.
    /// Updated by Welford's add/remove and re-computed exactly every `max(4096, 8·window)` bars.
    public static func rollingMoments(
        _ x: UnsafeBufferPointer<Double>, window: Int, ddof: Int,
        mean: UnsafeMutableBufferPointer<Double>, std: UnsafeMutableBufferPointer<Double>
    ) {
        check(x.count, mean.count, window, "rolling_std")
        precondition(std.count == x.count, "rolling_std: output buffer has \(std.count) slots for \(x.count) inputs")
        forEachMoment(x, window: window, ddof: ddof) { i, m, variance in
            mean[i] = m
            std[i] = variance.squareRoot()
        }
    }

    /// The rolling-moment loop shared by ``rollingMoments``, ``bollinger``, ``zScore`` and the
    /// volatilities: calls `body(i, mean, variance)` for every bar (NaN, NaN during the warm-up and
    /// around missing values; the variance is clamped at 0).
    @inline(__always)
    static func forEachMoment(
        _ x: UnsafeBufferPointer<Double>, window: Int, ddof: Int, _ body: (Int, Double, Double) -> Void
    ) {
        forEachMoment(count: x.count, window: window, ddof: ddof, value: { x[$0] }, body)
    }

    /// The same over values produced by `value(i)` (e.g. differences of a column), so a derived
    /// series needs no column of its own.
    @inline(__always)
    static func forEachMoment(
        count n: Int, window: Int, ddof: Int, value x: (Int) -> Double, _ body: (Int, Double, Double) -> Void
    ) {
        precondition(window >= 1 && ddof >= 0 && window > ddof, "rolling_std: window must exceed ddof")
        let inv = 1 / Double(window)
        let invDivisor = 1 / Double(window - ddof)
        let resync = max(4096, 8 * window)
        var m = 0.0, m2 = 0.0
        var clean = 0
        var i = 0
        while i < n {
            let v = x(i)
            guard v.isFinite else { clean = 0; body(i, .nan, .nan); i += 1; continue }
            clean += 1
            if clean < window { body(i, .nan, .nan); i += 1; continue }
            // Exact two-pass moments of the window ending at i (the first clean window, and every
            // `resync` bars after) …
            var s = 0.0
            for j in (i - window + 1)...i { s += x(j) }
            m = s * inv
            m2 = 0
            for j in (i - window + 1)...i { let d = x(j) - m; m2 += d * d }
            body(i, m, max(0, m2 * invDivisor))
            i += 1
            // … then Welford's add/remove over a stretch whose leaving values are known finite:
            // the only check left per bar is the incoming value's.
            let stop = min(n, i + resync)
            while i < stop {
                let v = x(i)
                guard v.isFinite else { break }
                let old = x(i - window)
                let previousMean = m
                m += (v - old) * inv
                m2 += (v - old) * (v - m + old - previousMean)
                body(i, m, max(0, m2 * invDivisor))
                i += 1
                clean += 1
            }
        }
    }

    /// Bollinger bands: middle = SMA(`window`), upper/lower = middle ± `k` × the *population*
    /// standard deviation of the window (Bollinger's definition), and %b =
    /// `(x − lower) / (upper − lower)` (NaN when the bands touch). Warm-up: `window − 1`.
    public static func bollinger(
        _ x: UnsafeBufferPointer<Double>, window: Int, k: Double,
        lower: UnsafeMutableBufferPointer<Double>, middle: UnsafeMutableBufferPointer<Double>,
        upper: UnsafeMutableBufferPointer<Double>, percentB: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(lower.count == x.count && middle.count == x.count && upper.count == x.count && percentB.count == x.count)
        forEachMoment(x, window: window, ddof: 0) { i, m, variance in
            let band = k * variance.squareRoot()
            middle[i] = m
            upper[i] = m + band
            lower[i] = m - band
            percentB[i] = band > 0 ? (x[i] - m + band) / (2 * band) : .nan
        }
    }

    /// Rolling z-score `(xᵢ − mean) / std` over the last `window` values including `xᵢ`, sample
    /// standard deviation (ddof 1); NaN when the window is constant. Warm-up: `window − 1`.
    public static func zScore(_ x: UnsafeBufferPointer<Double>, window: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(window >= 2, "zscore: window must be ≥ 2")
        precondition(out.count == x.count, "zscore: output buffer has \(out.count) slots for \(x.count) inputs")
        forEachMoment(x, window: window, ddof: 1) { i, m, variance in out[i] = variance > 0 ? (x[i] - m) / variance.squareRoot() : .nan }
    }

    /// Rolling volatility: the sample standard deviation (ddof 1) of the last `window` log returns
    /// `ln xᵢ − ln xᵢ₋₁` (differences of vectorised logs: ~1e-12 relative), times `sqrt(periodsPerYear)` (pass 1 for a per-bar figure; use the series'
    /// `periodsPerYear` to annualise by its bar frequency). A fraction. Warm-up: `window` (the first
    /// return is at bar 1).
    public static func rollingVolatility(
        _ x: UnsafeBufferPointer<Double>, window: Int, periodsPerYear: Double, into out: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(window >= 2, "volatility: window must be ≥ 2")
        precondition(out.count == x.count, "volatility: output buffer has \(out.count) slots for \(x.count) inputs")
        guard !x.isEmpty else { return }
        // Log prices through the vectorised log (a non-positive price gives a non-finite log), then
        // the moments of their differences: no division and no returns column.
        let logs = UnsafeMutableBufferPointer<Double>.allocate(capacity: x.count)
        defer { logs.deallocate() }
        _ = logs.initialize(fromContentsOf: x)
        VectorMath.log(logs)
        let scale = periodsPerYear.squareRoot()
        forEachMoment(count: x.count, window: window, ddof: 1, value: { i in i > 0 ? logs[i] - logs[i - 1] : .nan }) { i, _, variance in
            out[i] = variance.squareRoot() * scale
        }
    }

    /// `scale` × the rolling sample standard deviation of `returns`.
    static func volatility(ofReturns returns: UnsafeBufferPointer<Double>, window: Int, scale: Double, into out: UnsafeMutableBufferPointer<Double>) {
        forEachMoment(returns, window: window, ddof: 1) { i, _, variance in out[i] = variance.squareRoot() * scale }
    }

    /// Log returns `ln(xᵢ / xᵢ₋₁)` (NaN at bar 0 and where a price is not positive), through the
    /// vectorised `VectorMath.log`.
    public static func logReturns(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count == x.count)
        guard !x.isEmpty else { return }
        out[0] = 1
        // Branch-free so the division vectorises: a non-positive price makes the ratio NaN.
        for i in 1..<x.count {
            let a = x[i], b = x[i - 1]
            let valid = (a > 0 ? 1 : 0) & (b > 0 ? 1 : 0)
            out[i] = valid == 1 ? a / b : .nan
        }
        VectorMath.log(out)
        out[0] = .nan
    }

    // MARK: - Ranges and channels

    /// Average true range with Wilder's smoothing. True range: `high − low` on the first bar, then
    /// `max(high − low, |high − previous close|, |low − previous close|)`; the ATR at bar
    /// `window − 1` is the mean of the first `window` true ranges, then
    /// `atr ← atr + (tr − atr) / window`. Price units. Warm-up: `window − 1`.
    public static func atr(
        high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, close: UnsafeBufferPointer<Double>,
        window: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        check(close.count, out.count, window, "atr")
        precondition(high.count == close.count && low.count == close.count)
        let inv = 1 / Double(window)
        var value = 0.0
        var seen = 0
        var previousClose = Double.nan
        for i in 0..<close.count {
            let h = high[i], l = low[i], c = close[i]
            guard h.isFinite, l.isFinite, c.isFinite else { out[i] = .nan; continue }
            let tr = previousClose.isFinite ? max(h - l, abs(h - previousClose), abs(l - previousClose)) : h - l
            previousClose = c
            seen += 1
            if seen <= window {
                value += tr * inv
                out[i] = seen == window ? value : .nan
            } else {
                value += (tr - value) * inv
                out[i] = value
            }
        }
    }

    /// Donchian channel: `upper` = highest high and `lower` = lowest low of the last `window` bars
    /// including bar i, `middle` = their mean. O(1) per bar (see ``rollingExtreme(_:window:greatest:into:)``).
    /// Warm-up: `window − 1`. (A breakout rule compares a close with the channel of the bar before.)
    public static func donchian(
        high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, window w: Int,
        upper: UnsafeMutableBufferPointer<Double>, middle: UnsafeMutableBufferPointer<Double>,
        lower: UnsafeMutableBufferPointer<Double>
    ) {
        check(high.count, upper.count, w, "donchian")
        precondition(low.count == high.count && middle.count == high.count && lower.count == high.count)
        // Both extremes in the same two passes: block suffixes backwards into scratch, then
        // prefixes forwards; a bar with a missing high or low blanks its windows. Clean data (the
        // usual case, checked first) takes a loop without the missing-value bookkeeping.
        let n = high.count
        var clean = true
        for j in 0..<n where !(high[j].isFinite && low[j].isFinite) { clean = false; break }
        if clean {
            donchianPasses(high, low, w, upper, middle, lower, finite: { $0 }, counting: false)
        } else {
            donchianPasses(high, low, w, upper, middle, lower, finite: { $0.isFinite ? $0 : .nan }, counting: true)
        }
    }

    @inline(__always)
    static func donchianPasses(
        _ high: UnsafeBufferPointer<Double>, _ low: UnsafeBufferPointer<Double>, _ w: Int, _ upper: UnsafeMutableBufferPointer<Double>,
        _ middle: UnsafeMutableBufferPointer<Double>, _ lower: UnsafeMutableBufferPointer<Double>, finite: (Double) -> Double, counting: Bool
    ) {
        let n = high.count
        let suffixHigh = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let suffixLow = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { suffixHigh.deallocate(); suffixLow.deallocate() }
        // NaN never wins a comparison below (max/min of x and NaN keep x), and `clean` blanks the
        // windows that hold one.
        var start = 0
        while start < n {
            let end = min(start + w, n)
            var hi = -Double.infinity, lo = Double.infinity
            for j in stride(from: end - 1, through: start, by: -1) {
                let h = finite(high[j]), l = finite(low[j])
                hi = h > hi ? h : hi
                lo = l < lo ? l : lo
                suffixHigh[j] = hi
                suffixLow[j] = lo
            }
            start = end
        }
        var hi = -Double.infinity, lo = Double.infinity
        var run = 0, position = 0
        for i in 0..<n {
            let h = finite(high[i]), l = finite(low[i])
            if position == 0 { hi = -.infinity; lo = .infinity }
            hi = h > hi ? h : hi
            lo = l < lo ? l : lo
            if counting { run = h.isNaN || l.isNaN ? 0 : run + 1 } else { run = i + 1 }
            var u = Double.nan, d = Double.nan
            if run >= w {
                if position == w - 1 {
                    u = hi
                    d = lo
                } else {
                    let sh = suffixHigh[i - w + 1], sl = suffixLow[i - w + 1]
                    u = sh > hi ? sh : hi
                    d = sl < lo ? sl : lo
                }
            }
            upper[i] = u
            lower[i] = d
            middle[i] = (u + d) / 2
            position = position == w - 1 ? 0 : position + 1
        }
    }

    /// Rolling maximum (`greatest`) or minimum of the last `window` values. Warm-up: `window − 1`.
    ///
    /// Van Herk / Gil-Werman: the series is cut into blocks of `window` values; a window ending at i
    /// is the suffix of one block (from i − window + 1 to that block's end, which is ≤ i) joined with
    /// the prefix of the next (up to i), so its extreme is `max(suffix[i − window + 1], prefix[i])`:
    /// three comparisons per value, no branches on the data, and still causal.
    public static func rollingExtreme(
        _ x: UnsafeBufferPointer<Double>, window: Int, greatest: Bool, into out: UnsafeMutableBufferPointer<Double>
    ) {
        check(x.count, out.count, window, "rolling_extreme")
        if greatest { blockExtreme(x, window: window, into: out, max) } else { blockExtreme(x, window: window, into: out, min) }
    }

    @inline(__always)
    static func blockExtreme(
        _ x: UnsafeBufferPointer<Double>, window w: Int, into out: UnsafeMutableBufferPointer<Double>, _ pick: (Double, Double) -> Double
    ) {
        let n = x.count
        guard n > 0 else { return }
        // Missing values are replaced by a value that never wins (−∞ for max, +∞ for min), and the
        // windows that hold one are set to NaN afterwards.
        let neutral = pick(-Double.infinity, Double.infinity) == -Double.infinity ? Double.infinity : -Double.infinity
        let suffix = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { suffix.deallocate() }
        var start = 0
        while start < n {
            let end = min(start + w, n)
            var run = neutral
            for j in stride(from: end - 1, through: start, by: -1) {
                let v = x[j]
                run = pick(run, v.isFinite ? v : neutral)
                suffix[j] = run
            }
            start = end
        }
        var prefix = neutral
        var clean = 0
        var position = 0  // i mod w, without a division
        for i in 0..<n {
            let v = x[i]
            if position == 0 { prefix = neutral }
            prefix = pick(prefix, v.isFinite ? v : neutral)
            clean = v.isFinite ? clean + 1 : 0
            out[i] = clean >= w ? (position == w - 1 ? prefix : pick(suffix[i - w + 1], prefix)) : .nan
            position = position == w - 1 ? 0 : position + 1
        }
    }

    // MARK: - Volume and momentum

    /// Volume-weighted average price of the typical price `(high + low + close) / 3`, anchored at
    /// each session: cumulative `Σ tp·volume / Σ volume` since the first bar whose `session` id
    /// differs from the bar before (use the local trading day for intraday bars). NaN while the
    /// session has traded no volume. Price units; no warm-up.
    public static func sessionVWAP(
        high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, close: UnsafeBufferPointer<Double>,
        volume: UnsafeBufferPointer<Double>, session: UnsafeBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(
            low.count == high.count && close.count == high.count && volume.count == high.count
                && session.count == high.count && out.count == high.count)
        var pv = 0.0, v = 0.0
        for i in 0..<high.count {
            if i == 0 || session[i] != session[i - 1] { pv = 0; v = 0 }
            let tp = (high[i] + low[i] + close[i]) / 3
            if tp.isFinite && volume[i].isFinite && volume[i] > 0 {
                pv += tp * volume[i]
                v += volume[i]
            }
            out[i] = v > 0 ? pv / v : .nan
        }
    }

    /// Rate of change over `window` bars as a fraction: `xᵢ / xᵢ₋window − 1` (pandas
    /// `pct_change(window)`). Warm-up: `window`.
    public static func rateOfChange(_ x: UnsafeBufferPointer<Double>, window: Int, into out: UnsafeMutableBufferPointer<Double>) {
        check(x.count, out.count, window, "roc")
        for i in 0..<x.count { out[i] = i >= window ? x[i] / x[i - window] - 1 : .nan }
    }

    // MARK: - Helpers

    @inline(__always) static func check(_ n: Int, _ outCount: Int, _ window: Int, _ name: String) {
        precondition(window >= 1, "\(name): window must be ≥ 1")
        precondition(outCount == n, "\(name): output buffer has \(outCount) slots for \(n) inputs")
    }
}

/// The simple mean of the last `window` values of a buffer, one bar at a time: what
/// ``Indicators/sma(_:window:into:)`` runs, and what one-pass sweeps use without an output array.
///
/// Periodic re-summation: the sum is re-computed from the window's values at each first clean
/// window and every `window` bars after, and slid (`+ new − old`) in between, so rounding cannot
/// build up beyond one window's worth (about window × 1e-16 relative) at one extra addition per bar.
public struct SlidingMean: Sendable {
    /// Values averaged, ≥ 1.
    public let window: Int
    private let scale: Double
    private var sum = 0.0
    private var clean = 0
    private var sinceExact = 0

    /// A mean over `window` values (≥ 1).
    public init(window: Int) {
        precondition(window >= 1, "sma: window must be ≥ 1")
        self.window = window
        self.scale = 1 / Double(window)
    }

    /// A mean past its warm-up over values without missing ones, holding `sum` (the running sum of
    /// the last window) and `sinceExact` (bars since its last exact re-summation, counting it) — the
    /// state ``CrossoverLanes`` hands back for the bars after its lanes.
    init(window: Int, continuing sum: Double, sinceExact: Int) {
        self.init(window: window)
        self.sum = sum
        self.clean = window
        self.sinceExact = sinceExact
    }

    /// The mean ending at `x[i]` (NaN during the warm-up or when the window holds a non-finite
    /// value); call for i = 0, 1, 2, … in order.
    @inline(__always)
    public mutating func next(_ x: UnsafeBufferPointer<Double>, _ i: Int) -> Double {
        let v = x[i]
        guard v.isFinite else { clean = 0; return .nan }
        clean += 1
        if clean < window { return .nan }
        if clean == window || sinceExact == window {
            sum = 0
            for j in (i - window + 1)...i { sum += x[j] }
            sinceExact = 1
        } else {
            sum += v - x[i - window]
            sinceExact += 1
        }
        return sum * scale
    }
}

/// Wilder's RSI one value at a time: what ``Indicators/rsi(_:window:into:)`` runs.
public struct WilderRSI: Sendable {
    /// Wilder smoothing window, in changes (α = 1/window).
    public let window: Int
    private let inv: Double, keep: Double
    /// Wilder average of the gains so far (price units).
    public private(set) var averageGain = 0.0
    /// Wilder average of the losses so far, positive (price units).
    public private(set) var averageLoss = 0.0
    private var changes = 0
    private var previous = Double.nan  // the last finite value

    /// An RSI over `window` (≥ 2) price changes.
    public init(window: Int) {
        precondition(window >= 1, "rsi: window must be ≥ 1")
        self.window = window
        inv = 1 / Double(window)
        keep = 1 - 1 / Double(window)
    }

    /// Feeds the next close; true when the averages are defined (after `window` changes) and this
    /// value was finite. A missing value leaves the state as it was.
    @inline(__always)
    public mutating func update(_ v: Double) -> Bool {
        let delta = v - previous
        guard delta.isFinite else {  // the first value, or a missing one: no change to count
            if v.isFinite { previous = v }
            return false
        }
        previous = v
        // max(Δ, 0) and max(−Δ, 0) without a branch on the sign (exact: x + x and /2 are exact).
        let size = abs(delta)
        let gain = (delta + size) * 0.5, loss = (size - delta) * 0.5
        changes += 1
        if changes > window {
            // avg + (x − avg)/n written as avg·(1 − 1/n) + x/n: two dependent operations per bar.
            averageGain = averageGain * keep + gain * inv
            averageLoss = averageLoss * keep + loss * inv
            return true
        }
        averageGain += gain * inv
        averageLoss += loss * inv
        return changes == window
    }

    /// The RSI (0–100) of the current averages.
    public var value: Double { Indicators.relativeStrength(averageGain, averageLoss) }
}

/// Exponentially weighted volatility of log returns, one return at a time (RiskMetrics style):
/// `var ← var + α(r² − var)`, α = 2/(span + 1), seeded with the first squared return, mean taken
/// as 0; the value is NaN for the first `span` returns and at missing ones.
public struct EWMAVolatility: Sendable {
    /// Span in returns (α = 2/(span + 1)).
    public let span: Int
    private let alpha: Double
    private var variance = Double.nan
    private var seen = 0

    /// A volatility estimate with `span` ≥ 1.
    public init(span: Int) {
        precondition(span >= 1, "ewma volatility: span must be ≥ 1")
        self.span = span
        alpha = 2 / (Double(span) + 1)
    }

    /// Feeds the next log return; returns the volatility (per bar) after it.
    @inline(__always)
    public mutating func next(_ r: Double) -> Double {
        guard r.isFinite else { return .nan }
        variance = seen == 0 ? r * r : variance + alpha * (r * r - variance)
        seen += 1
        return seen >= span ? variance.squareRoot() : .nan
    }
}

/// The exponential moving average one value at a time: what ``Indicators/ema(_:span:into:)`` runs.
public struct ExponentialMean: Sendable {
    /// Weight of the newest value, in (0, 1].
    public let alpha: Double
    /// Finite values needed before the mean is defined.
    public let minPeriods: Int
    private var y = Double.nan
    private var seen = 0

    /// Smoothing `alpha` in (0, 1]; NaN until `minPeriods` finite values have been seen.
    public init(alpha: Double, minPeriods: Int) {
        precondition(alpha > 0 && alpha <= 1, "exponential: alpha must be in (0, 1]")
        self.alpha = alpha
        self.minPeriods = minPeriods
    }

    /// The EMA of `span` (alpha = 2 / (span + 1), warm-up span − 1).
    public init(span: Int) {
        precondition(span >= 1, "ema: span must be ≥ 1")
        self.init(alpha: 2 / (Double(span) + 1), minPeriods: span)
    }

    /// Feeds the next value; a non-finite value gives NaN and leaves the state as it was.
    @inline(__always)
    public mutating func next(_ v: Double) -> Double {
        guard v.isFinite else { return .nan }
        seen += 1
        y = seen == 1 ? v : y + alpha * (v - y)
        return seen >= minPeriods ? y : .nan
    }
}

// MARK: - Array forms

extension Indicators {
    /// Runs `body` over `x` with a fresh output array of the same length.
    @inline(__always) static func map(
        _ x: [Double], _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        [Double](unsafeUninitializedCapacity: x.count) { out, count in
            x.withUnsafeBufferPointer { body($0, out) }
            count = x.count
        }
    }

    /// ``sma(_:window:into:)`` on an array.
    public static func sma(_ x: [Double], window: Int) -> [Double] { map(x) { sma($0, window: window, into: $1) } }
    /// ``ema(_:span:into:)`` on an array.
    public static func ema(_ x: [Double], span: Int) -> [Double] { map(x) { ema($0, span: span, into: $1) } }
    /// ``wma(_:window:into:)`` on an array.
    public static func wma(_ x: [Double], window: Int) -> [Double] { map(x) { wma($0, window: window, into: $1) } }
    /// ``rsi(_:window:into:)`` on an array.
    public static func rsi(_ x: [Double], window: Int) -> [Double] { map(x) { rsi($0, window: window, into: $1) } }
    /// ``zScore(_:window:into:)`` on an array.
    public static func zScore(_ x: [Double], window: Int) -> [Double] { map(x) { zScore($0, window: window, into: $1) } }
    /// ``rateOfChange(_:window:into:)`` on an array.
    public static func rateOfChange(_ x: [Double], window: Int) -> [Double] { map(x) { rateOfChange($0, window: window, into: $1) } }
    /// ``rollingVolatility(_:window:periodsPerYear:into:)`` on an array.
    public static func rollingVolatility(_ x: [Double], window: Int, periodsPerYear: Double) -> [Double] {
        map(x) { rollingVolatility($0, window: window, periodsPerYear: periodsPerYear, into: $1) }
    }
    /// ``rollingExtreme(_:window:greatest:into:)`` on an array.
    public static func rollingExtreme(_ x: [Double], window: Int, greatest: Bool) -> [Double] {
        map(x) { rollingExtreme($0, window: window, greatest: greatest, into: $1) }
    }

    /// ``rollingMoments(_:window:ddof:mean:std:)`` on an array.
    public static func rollingMoments(_ x: [Double], window: Int, ddof: Int) -> (mean: [Double], std: [Double]) {
        var std = [Double](repeating: 0, count: x.count)
        let mean = map(x) { input, mean in std.withUnsafeMutableBufferPointer { rollingMoments(input, window: window, ddof: ddof, mean: mean, std: $0) } }
        return (mean, std)
    }

    /// ``macd(_:fast:slow:signal:line:signal:histogram:)`` on an array.
    public static func macd(_ x: [Double], fast: Int, slow: Int, signal: Int) -> (line: [Double], signal: [Double], histogram: [Double]) {
        var line = [Double](repeating: 0, count: x.count), sig = line, hist = line
        x.withUnsafeBufferPointer { x in
            line.withUnsafeMutableBufferPointer { l in
                sig.withUnsafeMutableBufferPointer { s in
                    hist.withUnsafeMutableBufferPointer { h in macd(x, fast: fast, slow: slow, signal: signal, line: l, signal: s, histogram: h) }
                }
            }
        }
        return (line, sig, hist)
    }

    /// ``bollinger(_:window:k:lower:middle:upper:percentB:)`` on an array.
    public static func bollinger(_ x: [Double], window: Int, k: Double) -> (lower: [Double], middle: [Double], upper: [Double], percentB: [Double]) {
        var lower = [Double](repeating: 0, count: x.count), middle = lower, upper = lower, b = lower
        x.withUnsafeBufferPointer { x in
            lower.withUnsafeMutableBufferPointer { lo in
                middle.withUnsafeMutableBufferPointer { m in
                    upper.withUnsafeMutableBufferPointer { u in
                        b.withUnsafeMutableBufferPointer { pb in bollinger(x, window: window, k: k, lower: lo, middle: m, upper: u, percentB: pb) }
                    }
                }
            }
        }
        return (lower, middle, upper, b)
    }

    /// ``atr(high:low:close:window:into:)`` on arrays.
    public static func atr(high: [Double], low: [Double], close: [Double], window: Int) -> [Double] {
        map(close) { c, out in
            high.withUnsafeBufferPointer { h in low.withUnsafeBufferPointer { l in atr(high: h, low: l, close: c, window: window, into: out) } }
        }
    }

    /// ``donchian(high:low:window:upper:middle:lower:)`` on arrays.
    public static func donchian(high: [Double], low: [Double], window: Int) -> (upper: [Double], middle: [Double], lower: [Double]) {
        var middle = [Double](repeating: 0, count: high.count), lower = middle
        let upper = map(high) { h, u in
            low.withUnsafeBufferPointer { l in
                middle.withUnsafeMutableBufferPointer { m in
                    lower.withUnsafeMutableBufferPointer { donchian(high: h, low: l, window: window, upper: u, middle: m, lower: $0) }
                }
            }
        }
        return (upper, middle, lower)
    }

    /// ``sessionVWAP(high:low:close:volume:session:into:)`` on arrays.
    public static func sessionVWAP(high: [Double], low: [Double], close: [Double], volume: [Double], session: [Int64]) -> [Double] {
        map(close) { c, out in
            high.withUnsafeBufferPointer { h in
                low.withUnsafeBufferPointer { l in
                    volume.withUnsafeBufferPointer { v in
                        session.withUnsafeBufferPointer { s in sessionVWAP(high: h, low: l, close: c, volume: v, session: s, into: out) }
                    }
                }
            }
        }
    }
}
