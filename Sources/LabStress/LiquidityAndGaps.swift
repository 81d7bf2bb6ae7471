import Foundation
import LabCore

/// A liquidity drought: inside the window volume is multiplied by `volumeFactor` (≤ 1) and the
/// quoted spread by `spreadMultiplier` (≥ 1); prices are unchanged. A series without a spread
/// column gets one at `baseSpread` (fraction of mid) before widening. Target statistic: the
/// window's total volume is exactly `volumeFactor` times the original.
public struct LiquidityDrought: StressTransform, Equatable {
    public var name: String { "liquidity_drought" }
    /// In (0, 1].
    public var volumeFactor: Double
    /// ≥ 1.
    public var spreadMultiplier: Double
    /// Spread (fraction of mid) given to a series without one, ≥ 0.
    public var baseSpread: Double
    /// Bars of the drought.
    public var window: BarWindow

    /// A drought over `window`; parameters are checked when applied.
    public init(volumeFactor: Double, spreadMultiplier: Double, baseSpread: Double = 0.0005, window: BarWindow) {
        self.volumeFactor = volumeFactor
        self.spreadMultiplier = spreadMultiplier
        self.baseSpread = baseSpread
        self.window = window
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try require(volumeFactor > 0 && volumeFactor <= 1, name, "volumeFactor", "must be in (0, 1], got \(volumeFactor)")
        try require(spreadMultiplier >= 1 && spreadMultiplier.isFinite, name, "spreadMultiplier", "must be ≥ 1, got \(spreadMultiplier)")
        try require(baseSpread >= 0 && baseSpread < 1, name, "baseSpread", "must be in [0, 1), got \(baseSpread)")
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        var out = data
        for s in out.series.indices {
            var series = out.series[s]
            var spread = series.spread ?? [Double](repeating: baseSpread, count: series.count)
            for t in range {
                series.volume[t] *= volumeFactor
                spread[t] *= spreadMultiplier
            }
            series.spread = spread
            out.series[s] = series
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail: "volume × \(volumeFactor), spread × \(spreadMultiplier)"))
        return out
    }
}

/// Opening gaps: at the first bar of a trading session (every bar for daily data; the first bar of
/// each trading date for intraday data — the calendar's, so FX's 17:00 New York roll) inside the window, with probability `probability`, the
/// price jumps by `size` (a fraction: 0.05 is a 5 % gap) down, up or in a random direction. The
/// whole bar and everything after it move by the gap (a level shift of all four prices), so the
/// jump appears between the previous close and this open, and OHLC stays consistent.
public struct SessionGaps: StressTransform, Equatable {
    /// Which way the gaps go (`random`: up or down with equal odds).
    public enum Direction: String, Sendable, Equatable, Codable { case down, up, random }

    public var name: String { "gaps" }
    /// Gap size as a fraction in (0, 1).
    public var size: Double
    /// Per-session probability of a gap, in (0, 1].
    public var probability: Double
    /// Which way the gaps go.
    public var direction: Direction
    /// Bars whose session opens may gap.
    public var window: BarWindow
    /// How the size was set from the data (``fitted(to:multiple:probability:window:)``), in the annotation.
    public var note: String?

    /// Gaps over `window`; parameters are checked when applied.
    public init(size: Double, probability: Double, direction: Direction = .random, window: BarWindow = .all) {
        self.size = size
        self.probability = probability
        self.direction = direction
        self.window = window
    }

    /// Gaps of `multiple` × the series' typical overnight move (``SeriesScale/overnightMove``; the
    /// daily move for a market without a break between sessions), at most 0.99.
    public static func fitted(to series: BarSeries, multiple: Double = 5, probability: Double = 0.05, window: BarWindow = .all) -> SessionGaps {
        let scale = SeriesScale(series)
        let size = min(0.99, max(1e-6, 1 - exp(-multiple * scale.overnightMove)))
        var gaps = SessionGaps(size: size, probability: probability, window: window)
        gaps.note =
            "\(String(format: "%g", multiple)) × the typical \(scale.overnightIsDaily ? "daily move (no break between sessions)" : "overnight move") of \(String(format: "%.3f", scale.overnightMove * 100)) %"
        return gaps
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try require(size > 0 && size < 1, name, "size", "must be in (0, 1), got \(size)")
        try require(probability > 0 && probability <= 1, name, "probability", "must be in (0, 1], got \(probability)")
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        // Session starts and gap draws from the first symbol: a market-wide event. A session starts
        // at every daily bar, and intraday where the trading date changes (``SeriesScale/sessionStarts``).
        var gaps: [(bar: Int, factor: Double)] = []
        for t in SeriesScale.sessionStarts(first) where range.contains(t) {
            guard rng.nextUniform() < probability else { continue }
            let down: Bool =
                switch direction {
                case .down: true
                case .up: false
                case .random: rng.nextUniform() < 0.5
                }
            gaps.append((t, down ? 1 - size : 1 + size))
        }
        var out = data
        if let firstGap = gaps.first {
            for s in out.series.indices {
                // One pass with a running product of the gaps met so far.
                var series = out.series[s]
                var factor = 1.0
                var next = 0
                for t in firstGap.bar..<series.count {
                    while next < gaps.count && gaps[next].bar == t {
                        factor *= gaps[next].factor
                        next += 1
                    }
                    series.open[t] *= factor
                    series.high[t] *= factor
                    series.low[t] *= factor
                    series.close[t] *= factor
                }
                out.series[s] = series
            }
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail: "\(gaps.count) gaps of \(size * 100)%\(note.map { " (\($0))" } ?? "") at bars "
                    + gaps.prefix(20).map { String($0.bar) }.joined(separator: ",") + (gaps.count > 20 ? ",…" : "")))
        return out
    }
}
