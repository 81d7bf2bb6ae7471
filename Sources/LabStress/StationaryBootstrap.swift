import Foundation
import LabCore

/// The stationary block bootstrap (Politis & Romano 1994): alternative histories made of blocks of
/// consecutive bars whose lengths are geometric with mean `meanBlock`, so short-range dependence
/// (volatility clustering, intraday patterns inside a block) survives the resampling.
///
/// Algorithm: the first bar index is uniform; each next index is, with probability `1/meanBlock`,
/// a new uniform start, else the following bar (wrapping from the last bar to the first). Each
/// sampled bar brings its whole shape — open, high, low and close relative to its previous close,
/// volume and spread — and the path is rebuilt from the original first open, so every path is
/// OHLC-consistent. Symbols share the sampled indices, keeping cross-correlation. Paths carry the
/// original's first `length` timestamps.
public struct StationaryBootstrap: StressTransform, Equatable {
    public var name: String { "bootstrap" }
    /// Mean block length in bars, ≥ 1.
    public var meanBlock: Double

    /// A bootstrap with mean block `meanBlock` bars.
    public init(meanBlock: Double) { self.meanBlock = meanBlock }

    /// The bar ratios a path is assembled from (computed once per series).
    public struct Source: Sendable {
        let symbol: String
        let series: BarSeries
        /// open / previous close, high / previous close, … (bar 0 relative to its own open).
        let ro, rh, rl, rc: [Double]

        /// The ratios of `s`.
        public init(_ s: BarSeries) {
            symbol = s.symbol
            series = s
            let n = s.count
            var ro = [Double](repeating: 1, count: n), rh = ro, rl = ro, rc = ro
            s.open.withUnsafeBufferPointer { o in
                s.high.withUnsafeBufferPointer { h in
                    s.low.withUnsafeBufferPointer { l in
                        s.close.withUnsafeBufferPointer { c in
                            for t in 0..<n {
                                let reciprocal = 1 / (t > 0 ? c[t - 1] : o[0])
                                ro[t] = o[t] * reciprocal
                                rh[t] = h[t] * reciprocal
                                rl[t] = l[t] * reciprocal
                                rc[t] = c[t] * reciprocal
                            }
                        }
                    }
                }
            }
            self.ro = ro
            self.rh = rh
            self.rl = rl
            self.rc = rc
        }
    }

    /// Sampled bar indices for one path.
    public func indices(length: Int, of n: Int, rng: inout SeededRNG) -> [Int] {
        let p = 1 / meanBlock
        var out = [Int](repeating: 0, count: length)
        var i = rng.nextInt(below: n)
        for t in 0..<length {
            if t > 0 {
                if rng.nextUniform() < p { i = rng.nextInt(below: n) } else { i = i + 1 == n ? 0 : i + 1 }
            }
            out[t] = i
        }
        return out
    }

    /// Assembles a path from sampled indices, starting from `start` (default: the source's first open).
    static func path(_ source: Source, indices: [Int], start: Double? = nil) -> BarSeries {
        let s = source.series
        let length = indices.count
        var open = [Double](repeating: 0, count: length), high = open, low = open, close = open, volume = open
        var previous = start ?? s.open[0]
        indices.withUnsafeBufferPointer { idx in
            source.ro.withUnsafeBufferPointer { ro in
                source.rh.withUnsafeBufferPointer { rh in
                    source.rl.withUnsafeBufferPointer { rl in
                        source.rc.withUnsafeBufferPointer { rc in
                            s.volume.withUnsafeBufferPointer { vol in
                                for t in 0..<length {
                                    let i = idx[t]
                                    open[t] = previous * ro[i]
                                    high[t] = previous * rh[i]
                                    low[t] = previous * rl[i]
                                    previous *= rc[i]
                                    close[t] = previous
                                    volume[t] = vol[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        var path = s
        path.timestamps = Array(s.timestamps.prefix(length))
        path.open = open
        path.high = high
        path.low = low
        path.close = close
        path.volume = volume
        path.spread = s.spread.map { column in indices.map { column[$0] } }
        return path
    }

    /// `count` alternative paths of `length` bars for each symbol (`paths[k][j]` = path k of symbol j).
    /// Path `k` draws from stream `k` of `seed`, so paths can be generated in parallel and any one
    /// regenerated alone.
    public func paths(_ series: [BarSeries], count: Int, length: Int, seed: UInt64) throws -> [[BarSeries]] {
        try check(series, length: length)
        try require(count >= 1, name, "count", "must be ≥ 1, got \(count)")
        let sources = series.map(Source.init)
        return SeededRNG(seed: seed).streams(count).map { stream in
            var rng = stream
            let picked = indices(length: length, of: series[0].count, rng: &rng)
            return sources.map { Self.path($0, indices: picked) }
        }
    }

    func check(_ series: [BarSeries], length: Int) throws {
        try require(meanBlock >= 1 && meanBlock.isFinite, name, "meanBlock", "must be ≥ 1, got \(meanBlock)")
        guard let first = series.first else { throw LabStressError.unsuitableInput(transform: name, reason: "no series") }
        try require(length >= 1 && length <= first.count, name, "length", "must be in 1…\(first.count), got \(length)")
        for s in series.dropFirst() where s.timestamps != first.timestamps {
            throw LabStressError.unsuitableInput(transform: name, reason: "\(s.symbol) is not on the same clock as \(first.symbol)")
        }
    }

    /// Replaces every series by one bootstrap path of the same length.
    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        guard let first = data.series.first else { return data }
        try check(data.series, length: first.count)
        let picked = indices(length: first.count, of: first.count, rng: &rng)
        var out = data
        out.series = data.series.map { Self.path(Source($0), indices: picked) }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: 0, end: first.count, detail: "stationary bootstrap path, mean block \(meanBlock) bars"))
        return out
    }
}

/// Historical replay: the bar-by-bar return profile of a window of a source series (a crash
/// period, say) is spliced into the target series at a chosen place.
///
/// Each target bar in the window takes the source bar's open, high, low and close relative to its
/// previous close (``LogOffsets``), optionally multiplied by `volatilityScale` (for instance the
/// ratio of the target's volatility to the source's); the target path continues from the new level
/// after the window. Volume is kept (the target's own liquidity).
public struct HistoricalReplay: StressTransform {
    public var name: String { "replay" }
    /// The series whose history is replayed.
    public var source: BarSeries
    /// The source bars to replay (a `BarWindow` resolved in the source).
    public var sourceWindow: BarWindow
    /// Where the replay starts in the target (bar index or time); its length is the source window's.
    public var targetStart: FlashCrash.Placement
    /// Multiplier of the replayed log offsets, > 0 (1 replays the same percentage moves).
    public var volatilityScale: Double

    /// A replay of `sourceWindow` of `source` from `targetStart`, at the original size of moves unless scaled.
    public init(source: BarSeries, sourceWindow: BarWindow, targetStart: FlashCrash.Placement, volatilityScale: Double = 1) {
        self.source = source
        self.sourceWindow = sourceWindow
        self.targetStart = targetStart
        self.volatilityScale = volatilityScale
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try require(volatilityScale > 0 && volatilityScale.isFinite, name, "volatilityScale", "must be > 0, got \(volatilityScale)")
        guard let first = data.series.first else { return data }
        let from = try sourceWindow.resolve(in: source, transform: name, rng: &rng)
        let range = try targetStart.window(count: from.count).resolve(in: first, transform: name, rng: &rng)
        var out = data
        if volatilityScale == 1 {
            // Same percentage moves: copy the source bars' ratios to the previous close (no logs),
            // computed on the source window only (its first bar keeps its ratio to the close before).
            let lead = from.lowerBound > 0 ? 1 : 0
            let ratios = StationaryBootstrap.Source(source[bars: (from.lowerBound - lead)..<from.upperBound].materialize())
            let picked = Array(lead..<(lead + from.count))
            for s in out.series.indices {
                let anchor = range.lowerBound > 0 ? out.series[s].close[range.lowerBound - 1] : out.series[s].open[0]
                let path = StationaryBootstrap.path(ratios, indices: picked, start: anchor)
                out.series[s].splice(range, from: path)
            }
        } else {
            let replayed = LogOffsets(source, range: from)
            let scale = volatilityScale, first = range.lowerBound
            for s in out.series.indices {
                out.series[s].mapLogOffsets(range) { b in
                    for i in 0..<b.count {
                        let k = b.start - first + i
                        b.o[i] = replayed.o[k] * scale
                        b.h[i] = replayed.h[k] * scale
                        b.l[i] = replayed.l[k] * scale
                        b.c[i] = replayed.c[k] * scale
                    }
                }
            }
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail:
                    "\(source.symbol) bars \(from.lowerBound)..<\(from.upperBound) (\(CivilTime.iso8601(source.timestamps[from.lowerBound])) … \(CivilTime.iso8601(source.timestamps[from.upperBound - 1]))) × \(volatilityScale)"
            ))
        return out
    }
}

extension BarSeries {
    /// Puts the prices of `path` (bars 0…) into `range` and moves every later bar to continue from
    /// the new level. Volume and spread are the target's own.
    mutating func splice(_ range: Range<Int>, from path: BarSeries) {
        guard !range.isEmpty else { return }
        let factor = path.close[range.count - 1] / close[range.upperBound - 1]
        for (k, t) in range.enumerated() {
            open[t] = path.open[k]
            high[t] = path.high[k]
            low[t] = path.low[k]
            close[t] = path.close[k]
        }
        rescale(from: range.upperBound, by: factor)
    }
}
