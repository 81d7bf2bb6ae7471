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
        return logReturns.withUnsafeBufferPointer { TrailingWindow.sampleDeviation($0, from: i - window + 1, through: i) }
    }

    /// Price noise at bar `i`: ``volatility(_:at:)`` over 20 bars times the close, in price
    /// units — the yardstick of the crossing strategies' confidence.
    public func noise(at i: Int) -> Double { volatility(20, at: i) * bars.close[i] }

    /// Mean close of the `window` bars ending at `i` (NaN during the warm-up or over a missing value).
    public func closeMean(_ window: Int, at i: Int) -> Double {
        bars.close.withUnsafeBufferPointer { TrailingWindow.mean($0, from: i - window + 1, through: i) }
    }

    /// Mean volume of the `window` bars *before* bar `i` (NaN until there are `window` of them).
    public func priorVolumeMean(_ window: Int, at i: Int) -> Double { TrailingWindow.meanVolume(bars, window: window, before: i) }
}
