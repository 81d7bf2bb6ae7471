import Foundation
import LabCore

/// Bars expressed as log offsets from the previous bar's close, the representation most
/// transforms work in: `o = log(open / prevClose)`, `h = log(high / prevClose)`,
/// `l = log(low / prevClose)`, `c = log(close / prevClose)` (so `c` is the close-to-close log
/// return). Bar 0 is measured from its own open. Any map that keeps `l ≤ min(o, c)` and
/// `h ≥ max(o, c)` rebuilds OHLC-consistent bars, and a positive affine map `x ↦ a + k·x` (k > 0)
/// applied to all four offsets always does.
struct LogOffsets {
    var o: [Double], h: [Double], l: [Double], c: [Double]

    /// Offsets of the bars in `range` (ratios first, then one vectorised log per column).
    init(_ s: BarSeries, range: Range<Int>) {
        let n = range.count
        o = [Double](repeating: 0, count: n)
        h = o
        l = o
        c = o
        s.open.withUnsafeBufferPointer { op in
            s.high.withUnsafeBufferPointer { hp in
                s.low.withUnsafeBufferPointer { lp in
                    s.close.withUnsafeBufferPointer { cp in
                        for (k, t) in range.enumerated() {
                            let reciprocal = 1 / (t > 0 ? cp[t - 1] : op[0])
                            o[k] = op[t] * reciprocal
                            h[k] = hp[t] * reciprocal
                            l[k] = lp[t] * reciprocal
                            c[k] = cp[t] * reciprocal
                        }
                    }
                }
            }
        }
        VectorMath.log(&o)
        VectorMath.log(&h)
        VectorMath.log(&l)
        VectorMath.log(&c)
    }
}

/// Read access to a series' four price columns.
struct SourcePrices {
    let o, h, l, c: UnsafeBufferPointer<Double>
}

/// Write access to four new price columns.
struct TargetPrices {
    let o, h, l, c: UnsafeMutableBufferPointer<Double>
}

/// A block of bars as log offsets (see ``LogOffsets``), handed to the closure of
/// ``BarSeries/mapLogOffsets(_:_:)``: `o[i]`, `h[i]`, `l[i]`, `c[i]` belong to bar `start + i`.
struct LogOffsetBlock {
    let start: Int
    let count: Int
    let o, h, l, c: UnsafeMutableBufferPointer<Double>
}

extension BarSeries {
    /// Runs `body` with mutable buffers of open, high, low and close.
    mutating func withPriceBuffers<R>(
        _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>)
            -> R
    ) -> R {
        open.withUnsafeMutableBufferPointer { op in
            high.withUnsafeMutableBufferPointer { hp in
                low.withUnsafeMutableBufferPointer { lp in
                    close.withUnsafeMutableBufferPointer { cp in body(op, hp, lp, cp) }
                }
            }
        }
    }

    /// Writes new price columns in one pass instead of copying the old ones and then changing them:
    /// bars before `range` are copied, `kernel` writes the bars of `range` into `target` reading the
    /// original prices from `source`, and bars after `range` are the originals times the ratio of
    /// the new to the old close at the end of the range (the path continues from its new level).
    /// The input's arrays are never copied-on-write, which a pure transform would otherwise pay for.
    mutating func rewritePrices(_ range: Range<Int>, _ kernel: (SourcePrices, TargetPrices) -> Void) {
        let n = count
        guard !range.isEmpty, range.upperBound <= n else { return }
        let source = self
        var columns: [[Double]] = []
        source.open.withUnsafeBufferPointer { so in
            source.high.withUnsafeBufferPointer { sh in
                source.low.withUnsafeBufferPointer { sl in
                    source.close.withUnsafeBufferPointer { sc in
                        let src = SourcePrices(o: so, h: sh, l: sl, c: sc)
                        columns = Self.makeColumns(n) { dst in
                            for t in 0..<range.lowerBound {
                                dst.o[t] = so[t]
                                dst.h[t] = sh[t]
                                dst.l[t] = sl[t]
                                dst.c[t] = sc[t]
                            }
                            kernel(src, dst)
                            let factor = dst.c[range.upperBound - 1] / sc[range.upperBound - 1]
                            for t in range.upperBound..<n {
                                dst.o[t] = so[t] * factor
                                dst.h[t] = sh[t] * factor
                                dst.l[t] = sl[t] * factor
                                dst.c[t] = sc[t] * factor
                            }
                        }
                    }
                }
            }
        }
        open = columns[0]
        high = columns[1]
        low = columns[2]
        close = columns[3]
    }

    /// Four new columns of `n` values, every element written by `fill` before they are returned.
    private static func makeColumns(_ n: Int, _ fill: (TargetPrices) -> Void) -> [[Double]] {
        var result: [[Double]] = []
        // Double is trivial and `fill` writes every element, so the storage is not zeroed first.
        let o = [Double](unsafeUninitializedCapacity: n) { po, ko in
            let h = [Double](unsafeUninitializedCapacity: n) { ph, kh in
                let l = [Double](unsafeUninitializedCapacity: n) { pl, kl in
                    let c = [Double](unsafeUninitializedCapacity: n) { pc, kc in
                        fill(TargetPrices(o: po, h: ph, l: pl, c: pc))
                        kc = n
                    }
                    result.append(c)
                    kl = n
                }
                result.insert(l, at: 0)
                kh = n
            }
            result.insert(h, at: 0)
            ko = n
        }
        result.insert(o, at: 0)
        return result
    }

    /// Rewrites the bars of `range` through their log offsets in cache-sized blocks: each block's
    /// offsets are computed from the original bars, changed by `body`, and turned back into prices
    /// anchored at the (new) previous close; bars after the range continue from the new level. The
    /// offsets of a whole window are never materialised.
    mutating func mapLogOffsets(_ range: Range<Int>, _ body: (LogOffsetBlock) -> Void) {
        guard !range.isEmpty else { return }
        let blockSize = 512
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4 * blockSize)
        defer { scratch.deallocate() }
        let o = UnsafeMutableBufferPointer(rebasing: scratch[0..<blockSize])
        let h = UnsafeMutableBufferPointer(rebasing: scratch[blockSize..<(2 * blockSize)])
        let l = UnsafeMutableBufferPointer(rebasing: scratch[(2 * blockSize)..<(3 * blockSize)])
        let c = UnsafeMutableBufferPointer(rebasing: scratch[(3 * blockSize)..<(4 * blockSize)])
        let anchor = range.lowerBound > 0 ? close[range.lowerBound - 1] : open[0]
        rewritePrices(range) { src, dst in
            var previousOld = anchor, previousNew = anchor
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(blockSize, range.upperBound - start)
                for i in 0..<count {
                    let t = start + i
                    let reciprocal = 1 / previousOld
                    o[i] = src.o[t] * reciprocal
                    h[i] = src.h[t] * reciprocal
                    l[i] = src.l[t] * reciprocal
                    c[i] = src.c[t] * reciprocal
                    previousOld = src.c[t]
                }
                let block = LogOffsetBlock(
                    start: start, count: count,
                    o: UnsafeMutableBufferPointer(rebasing: o[0..<count]), h: UnsafeMutableBufferPointer(rebasing: h[0..<count]),
                    l: UnsafeMutableBufferPointer(rebasing: l[0..<count]), c: UnsafeMutableBufferPointer(rebasing: c[0..<count]))
                for column in [block.o, block.h, block.l, block.c] { VectorMath.log(column) }
                body(block)
                for column in [block.o, block.h, block.l, block.c] { VectorMath.exp(column) }
                for i in 0..<count {
                    let t = start + i
                    dst.o[t] = previousNew * o[i]
                    dst.h[t] = previousNew * h[i]
                    dst.l[t] = previousNew * l[i]
                    previousNew *= c[i]
                    dst.c[t] = previousNew
                }
                start += count
            }
        }
    }

    /// Sample standard deviation of the close-to-close log returns of the bars in `range`: over all
    /// of them up to 65 536 bars, else over 65 536 evenly strided ones (the same bars for the same
    /// range, so the estimate is deterministic). Used to scale bar shapes, never as a target.
    func returnVolatility(_ range: Range<Int>) -> Double {
        let limit = 65_536
        guard range.count > limit else { return Stats.sd(logReturns(range)[...]) }
        let step = range.count / limit
        var ratios = Stats.column(limit)
        let first = open[0]
        close.withUnsafeBufferPointer { c in
            for k in 0..<limit {
                let t = range.lowerBound + k * step
                ratios[k] = c[t] / (t > 0 ? c[t - 1] : first)
            }
        }
        VectorMath.log(&ratios)
        return Stats.sd(ratios[...])
    }

    /// Close-to-close log returns of the bars in `range` (bar 0 measured from its own open).
    func logReturns(_ range: Range<Int>) -> [Double] {
        let start = range.lowerBound, first = open[0]
        var r = Stats.column(range.count)
        close.withUnsafeBufferPointer { c in
            r.withUnsafeMutableBufferPointer { out in
                for k in 0..<out.count {
                    let t = start + k
                    out[k] = c[t] / (t > 0 ? c[t - 1] : first)
                }
            }
        }
        VectorMath.log(&r)
        return r
    }

    /// Gives the bars of `range` new close-to-close log returns `returns[k]`, keeping each bar's shape
    /// scaled by `wicks[k]` (all 1 when nil), in price ratios:
    /// - the open's gap to the previous close `g = open/prevClose` becomes `1 + w·(g − 1)` when
    ///   g ≥ 1 and `1 / (1 + w·(1/g − 1))` when g < 1 (symmetric up and down, always positive);
    /// - the high's extent above max(open, close), `e = high/max(open, close) ≥ 1`, becomes
    ///   `1 + w·(e − 1)`, and the low's extent below min(open, close), `d = min(open, close)/low ≥ 1`,
    ///   becomes `1 + w·(d − 1)` — so OHLC stays consistent for any w ≥ 0.
    /// To first order this is scaling the bar's log offsets by w, at one exp per bar instead of
    /// eight transcendental calls; with w = 1 the bar's ratios are kept exactly. Later bars continue
    /// from the new level.
    mutating func replaceReturns(_ range: Range<Int>, with returns: consuming [Double], wicks: [Double]? = nil) {
        guard !range.isEmpty else { return }
        var growth = returns
        VectorMath.exp(&growth)
        let anchor = range.lowerBound > 0 ? close[range.lowerBound - 1] : open[0]
        let start = range.lowerBound
        rewritePrices(range) { src, dst in
            var previousNew = anchor, previousOld = anchor
            for k in 0..<range.count {
                let t = start + k
                let o = src.o[t], c = src.c[t]
                let w = wicks?[k] ?? 1
                let gap = o / previousOld
                let newGap = gap >= 1 ? 1 + w * (gap - 1) : 1 / (1 + w * (1 / gap - 1))
                let newOpen = previousNew * newGap
                let newClose = previousNew * growth[k]
                let top = max(o, c), bottom = min(o, c)
                dst.h[t] = max(newOpen, newClose) * (1 + w * (src.h[t] / top - 1))
                dst.l[t] = min(newOpen, newClose) / (1 + w * (bottom / src.l[t] - 1))
                dst.o[t] = newOpen
                dst.c[t] = newClose
                previousOld = c
                previousNew = newClose
            }
        }
    }

    /// Multiplies the four prices of bar `range.lowerBound + k` by `factors[k]`, and every bar after
    /// the range by the last factor (the path continues from its new level).
    mutating func multiply(_ range: Range<Int>, by factors: [Double]) {
        guard !range.isEmpty else { return }
        let start = range.lowerBound
        rewritePrices(range) { src, dst in
            for k in 0..<range.count {
                let t = start + k, f = factors[k]
                dst.o[t] = src.o[t] * f
                dst.h[t] = src.h[t] * f
                dst.l[t] = src.l[t] * f
                dst.c[t] = src.c[t] * f
            }
        }
    }

    /// Multiplies every price from bar `start` on by `factor` (a level shift; returns unchanged).
    mutating func rescale(from start: Int, by factor: Double) {
        guard start < count, factor != 1 else { return }
        let n = count
        withPriceBuffers { op, hp, lp, cp in
            for t in start..<n {
                op[t] *= factor
                hp[t] *= factor
                lp[t] *= factor
                cp[t] *= factor
            }
        }
    }
}

/// Sample statistics used by transforms and their tests.
enum Stats {
    /// A column of `n` doubles for a kernel that writes every element before anything reads it
    /// (Double is trivial, so the storage is not zeroed first).
    static func column(_ n: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
    }

    static func mean(_ x: ArraySlice<Double>) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    /// Sample standard deviation (n − 1), two passes.
    static func sd(_ x: ArraySlice<Double>) -> Double {
        guard x.count >= 2 else { return 0 }
        return x.withUnsafeBufferPointer { b in
            var sum = 0.0
            for v in b { sum += v }
            let m = sum / Double(b.count)
            var squares = 0.0
            for v in b { squares += (v - m) * (v - m) }
            return (squares / Double(b.count - 1)).squareRoot()
        }
    }
}
