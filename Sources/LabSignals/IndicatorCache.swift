import Foundation
import LabCore

/// The indicator columns of one series, computed on first use and shared by everything that runs
/// over that series in one signal run — the strategy, the quality model and the filters — so that
/// (for example) the 20-bar volatility behind a crossover's confidence, the quality score and the
/// risk adjuster is computed once.
///
/// A reference type holding plain columns; use one per series per run and do not share it between
/// threads (the runner gives each job its own).
public final class IndicatorCache {
    public let bars: BarSeries
    private var columns: [String: [Double]] = [:]

    public init(_ bars: BarSeries) { self.bars = bars }

    /// The column under `key`, made by `make` the first time.
    public func column(_ key: String, _ make: () -> [Double]) -> [Double] {
        if let c = columns[key] { return c }
        let c = make()
        columns[key] = c
        return c
    }

    /// Log returns of the close (NaN at bar 0), see ``Indicators/logReturns(_:into:)``.
    public var logReturns: [Double] {
        column("log_returns") { Indicators.map(bars.close) { Indicators.logReturns($0, into: $1) } }
    }

    /// Per-bar volatility: the sample standard deviation of the last `window` log returns (not
    /// annualised; multiply by `sqrt(bars.periodsPerYear)` for an annual figure). Warm-up: `window`.
    public func volatility(_ window: Int) -> [Double] {
        column("volatility_\(window)") {
            Indicators.map(logReturns) { Indicators.volatility(ofReturns: $0, window: window, scale: 1, into: $1) }
        }
    }

    /// Price noise: ``volatility(_:)`` over 20 bars times the close, in price units — the yardstick
    /// of the crossing strategies' confidence. Read at the bars that need it (no column).
    public var noise: PriceNoise { PriceNoise(volatility: volatility(20), close: bars.close) }

    /// Simple moving average of the close.
    public func sma(_ window: Int) -> [Double] { column("sma_\(window)") { Indicators.sma(bars.close, window: window) } }
    /// Exponential moving average of the close.
    public func ema(_ span: Int) -> [Double] { column("ema_\(span)") { Indicators.ema(bars.close, span: span) } }
    /// Wilder's RSI of the close.
    public func rsi(_ window: Int) -> [Double] { column("rsi_\(window)") { Indicators.rsi(bars.close, window: window) } }
    /// Rate of change of the close (fraction).
    public func rateOfChange(_ window: Int) -> [Double] { column("roc_\(window)") { Indicators.rateOfChange(bars.close, window: window) } }
    /// Simple moving average of the volume (the mean volume of the `window` bars *before* bar i
    /// is element i − 1).
    public func volumeMean(_ window: Int) -> [Double] { column("volume_sma_\(window)") { Indicators.sma(bars.volume, window: window) } }
    /// The MACD line, EMA(fast) − EMA(slow) of the close (NaN until the slow EMA's warm-up ends),
    /// in one pass.
    public func macdLine(fast: Int, slow: Int) -> [Double] {
        column("macd_line_\(fast)_\(slow)") {
            Indicators.map(bars.close) { c, out in
                var f = ExponentialMean(span: fast), s = ExponentialMean(span: slow)
                for i in 0..<c.count {
                    let a = f.next(c[i]), b = s.next(c[i])
                    out[i] = a - b
                }
            }
        }
    }
}

/// The price noise at a bar: the 20-bar volatility of log returns times the close.
public struct PriceNoise {
    let volatility: [Double]
    let close: [Double]
    /// Noise at bar `i`, price units (NaN during the warm-up).
    public subscript(i: Int) -> Double { volatility[i] * close[i] }
}
