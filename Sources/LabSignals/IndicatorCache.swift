import Foundation
import LabCore

/// The indicators of one series for one signal run, shared by the strategy, the quality model and
/// the filters.
///
/// Two kinds of access, chosen by how they are read:
/// - **columns** (``sma(_:)``, ``ema(_:)``, ``rsi(_:)``, ``logReturns``): computed over every
///   bar on first use and kept,
///   for indicators a strategy scans bar by bar or that are recursive;
/// - **values at a bar** (``volatility(_:at:)``, ``noise(at:)``, ``closeMean(_:at:)``,
///   ``priorVolumeMean(_:at:)``): windowed figures read only at signal bars, computed there from
///   the window itself (exact two-pass sums), so their cost follows the number of signals, not
///   the number of bars.
///
/// A reference type; use one per series per run and do not share it between threads (the runner
/// gives each job its own).
public final class IndicatorCache {
    /// The series every indicator is computed on.
    public let bars: BarSeries
    private var columns: [String: [Double]] = [:]

    /// An empty cache over `bars`; columns are computed on first use.
    public init(_ bars: BarSeries) { self.bars = bars }

    /// The column under `key`, made by `make` the first time.
    public func column(_ key: String, _ make: () -> [Double]) -> [Double] {
        if let c = columns[key] { return c }
        let c = make()
        columns[key] = c
        return c
    }

    // MARK: Columns

    /// Log returns of the close (NaN at bar 0), see ``Indicators/logReturns(_:into:)``. A stored
    /// property, not a keyed column: it is read at every signal.
    public private(set) lazy var logReturns: [Double] = Indicators.map(bars.close) { Indicators.logReturns($0, into: $1) }

    /// Simple moving average of the close.
    public func sma(_ window: Int) -> [Double] { column("sma_\(window)") { Indicators.sma(bars.close, window: window) } }
    /// Exponential moving average of the close.
    public func ema(_ span: Int) -> [Double] { column("ema_\(span)") { Indicators.ema(bars.close, span: span) } }
    /// Wilder's RSI of the close.
    public func rsi(_ window: Int) -> [Double] { column("rsi_\(window)") { Indicators.rsi(bars.close, window: window) } }

    // MARK: Values at a bar

    /// Per-bar volatility at bar `i`: the sample standard deviation (ddof 1) of the `window` log
    /// returns ending at `i` (not annualised). NaN when the window reaches before bar 1 or holds a
    /// missing value.
    public func volatility(_ window: Int, at i: Int) -> Double {
        precondition(window >= 2, "volatility: window must be ≥ 2")
        guard i >= window else { return .nan }
        return logReturns.withUnsafeBufferPointer { r in
            let sum = windowSum(r, from: i - window + 1, through: i) { $0 }
            guard sum.isFinite else { return .nan }
            let mean = sum / Double(window)
            let squares = windowSum(r, from: i - window + 1, through: i) { ($0 - mean) * ($0 - mean) }
            return (squares / Double(window - 1)).squareRoot()
        }
    }

    /// Price noise at bar `i`: ``volatility(_:at:)`` over 20 bars times the close, in price
    /// units — the yardstick of the crossing strategies' confidence.
    public func noise(at i: Int) -> Double { volatility(20, at: i) * bars.close[i] }

    /// Mean close of the `window` bars ending at `i` (NaN during the warm-up or over a missing value).
    public func closeMean(_ window: Int, at i: Int) -> Double { mean(bars.close, from: i - window + 1, through: i) }

    /// Mean volume of the `window` bars *before* bar `i` (NaN until there are `window` of them).
    public func priorVolumeMean(_ window: Int, at i: Int) -> Double { mean(bars.volume, from: i - window, through: i - 1) }

    private func mean(_ x: [Double], from a: Int, through b: Int) -> Double {
        guard a >= 0, b >= a else { return .nan }
        return x.withUnsafeBufferPointer { x in
            let sum = windowSum(x, from: a, through: b) { $0 }
            return sum.isFinite ? sum / Double(b - a + 1) : .nan
        }
    }
}

/// Σ f(x[j]) for j in a...b with four interleaved accumulators (a window of 20–100 values is
/// otherwise one long chain of dependent additions).
@inline(__always)
func windowSum(_ x: UnsafeBufferPointer<Double>, from a: Int, through b: Int, _ f: (Double) -> Double) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var j = a
    while j + 3 <= b {
        s0 += f(x[j]); s1 += f(x[j + 1]); s2 += f(x[j + 2]); s3 += f(x[j + 3])
        j += 4
    }
    while j <= b { s0 += f(x[j]); j += 1 }
    return (s0 + s1) + (s2 + s3)
}
