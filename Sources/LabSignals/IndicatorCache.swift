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
            Indicators.map(logReturns) { r, out in Indicators.forEachMoment(r, window: window, ddof: 1) { i, _, sd in out[i] = sd } }
        }
    }

    /// Price noise: ``volatility(_:)`` over 20 bars times the close, in price units — the yardstick
    /// of the crossing strategies' confidence.
    public var noise: [Double] {
        column("noise_20") {
            let v = volatility(20)
            return Indicators.map(bars.close) { c, out in for i in 0..<c.count { out[i] = v[i] * c[i] } }
        }
    }

    /// Simple moving average of the close.
    public func sma(_ window: Int) -> [Double] { column("sma_\(window)") { Indicators.sma(bars.close, window: window) } }
    /// Exponential moving average of the close.
    public func ema(_ span: Int) -> [Double] { column("ema_\(span)") { Indicators.ema(bars.close, span: span) } }
    /// Wilder's RSI of the close.
    public func rsi(_ window: Int) -> [Double] { column("rsi_\(window)") { Indicators.rsi(bars.close, window: window) } }
    /// Rate of change of the close (fraction).
    public func rateOfChange(_ window: Int) -> [Double] { column("roc_\(window)") { Indicators.rateOfChange(bars.close, window: window) } }
    /// Mean volume of the `window` bars *before* each bar (NaN until there are `window` of them).
    public func priorVolumeMean(_ window: Int) -> [Double] {
        column("prior_volume_\(window)") {
            let m = Indicators.sma(bars.volume, window: window)
            return Indicators.map(m) { m, out in
                guard m.count > 0 else { return }
                out[0] = .nan
                for i in 1..<m.count { out[i] = m[i - 1] }
            }
        }
    }
    /// The MACD line (EMA(fast) − EMA(slow) of the close).
    public func macdLine(fast: Int, slow: Int) -> [Double] {
        column("macd_line_\(fast)_\(slow)") {
            let f = ema(fast), s = ema(slow)
            return Indicators.map(f) { f, out in for i in 0..<f.count { out[i] = f[i] - s[i] } }
        }
    }
}
