import Foundation
import LabCore

/// Volatility scaling: the log-return deviations inside a window are multiplied by `factor`.
///
/// Model: with `μ` the window's mean close-to-close log return, every log offset `x` of a bar
/// (open, high, low and close, measured from the previous close; see ``StressTransform``) becomes
/// `μ + factor · (x − μ)`. Hence, exactly: the sample standard deviation of the window's returns is
/// multiplied by `factor`, intrabar ranges scale with it, the window's cumulative return is
/// unchanged — so the path is continuous at both ends and every bar after the window is
/// untouched — and OHLC stays consistent (a positive affine map keeps the order of the offsets).
public struct VolatilityScaling: StressTransform, Equatable {
    public var name: String { "vol_scale" }
    /// Multiplier of realised volatility, > 0 (2 doubles it, 0.5 halves it).
    public var factor: Double
    /// Bars whose volatility is scaled.
    public var window: BarWindow

    /// A scaling by `factor` over `window`; checked when applied.
    public init(factor: Double, window: BarWindow = .all) {
        self.factor = factor
        self.window = window
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try require(factor > 0 && factor.isFinite, name, "factor", "must be > 0, got \(factor)")
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        var out = data
        for s in out.series.indices {
            var series = out.series[s]
            // μ = mean log return of the window, from its end points.
            let before = range.lowerBound > 0 ? series.close[range.lowerBound - 1] : series.open[0]
            let mu = log(series.close[range.upperBound - 1] / before) / Double(range.count)
            let shift = mu * (1 - factor), k = factor
            series.mapLogOffsets(range) { b in
                for i in 0..<b.count {
                    b.o[i] = shift + k * b.o[i]
                    b.h[i] = shift + k * b.h[i]
                    b.l[i] = shift + k * b.l[i]
                    b.c[i] = shift + k * b.c[i]
                }
            }
            out.series[s] = series
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound, detail: "volatility × \(factor)"))
        return out
    }
}

/// A shift of the drift: either a constant annual drift added inside a window, or the window's
/// trend reversed.
///
/// `add(annualDrift:)`: every log offset of the window's bars gains `annualDrift / P`
/// (P = `BarSeries.periodsPerYear`); the path continues from its new level after the window.
/// `reverse`: every offset gains `−2μ` (μ = the window's mean log return), so the window's
/// cumulative return is negated (a +20 % trend becomes −16.7 %, the same log distance down).
/// Both are shifts of all four offsets, so OHLC stays consistent and volatility is unchanged.
public struct DriftShift: StressTransform, Equatable {
    /// Add a drift or reverse the trend.
    public enum Mode: Sendable, Equatable {
        /// Add this annual drift (log-return units per year, e.g. −0.5).
        case add(annualDrift: Double)
        /// Reverse the window's trend.
        case reverse
    }

    public var name: String { "drift_shift" }
    /// What the shift does.
    public var mode: Mode
    /// Bars whose drift is shifted.
    public var window: BarWindow

    /// A drift shift over `window`.
    public init(mode: Mode, window: BarWindow = .all) {
        self.mode = mode
        self.window = window
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        if case let .add(drift) = mode { try require(drift.isFinite, name, "annualDrift", "must be finite, got \(drift)") }
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        var out = data
        for s in out.series.indices {
            var series = out.series[s]
            let shift: Double
            switch mode {
            case let .add(drift): shift = drift / series.periodsPerYear
            case .reverse:
                // Mean log return of the window from its end points: log(C_end / C_before) / count.
                let before = range.lowerBound > 0 ? series.close[range.lowerBound - 1] : series.open[0]
                shift = -2 * log(series.close[range.upperBound - 1] / before) / Double(range.count)
            }
            // Adding `shift` to every log offset multiplies bar k of the window by e^{(k+1)·shift}.
            var growth = (1...range.count).map { Double($0) * shift }
            VectorMath.exp(&growth)
            series.multiply(range, by: growth)
            out.series[s] = series
        }
        let detail: String =
            switch mode {
            case let .add(drift): "annual drift \(drift) added"
            case .reverse: "trend reversed"
            }
        out.annotations.append(StressAnnotation(transform: name, start: range.lowerBound, end: range.upperBound, detail: detail))
        return out
    }
}
