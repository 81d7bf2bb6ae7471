import Foundation
import LabCore

/// Scores a signal in [0, 1] from five documented components, each in [0, 1], computed from bars
/// `0...signal.bar` only:
///
/// - **agreement**: the share of four independent indicator votes that point the signal's way —
///   MACD(12, 26) line sign, RSI(14) above/below 50, close above/below SMA(50), 20-bar rate of
///   change sign (votes not yet defined are left out; 0.5 when none is);
/// - **trend**: `clamp(t / 2, 0, 1)` with `t = d · ROC₂₀ / (σ · √20)`, the 20-bar move in units of
///   its own noise (σ = standard deviation of the last 20 log returns), signed by the direction d:
///   a 2σ move the signal's way scores 1, a move against it 0;
/// - **volatility**: `min(1, σ_long / σ₂₀)` with σ_long the exponentially weighted volatility of
///   log returns (span 100, RiskMetrics style): calm or normal markets score 1, a short-term
///   volatility twice the long-run one scores 0.5;
/// - **data quality**: `1 −` the share of bars in the signal's look-back (the strategy's warm-up,
///   at least 1 bar) that data cleaning flagged or repaired (1 when no cleaning report is given);
/// - **volume**: `min(1, volume / mean volume of the 20 bars before)`; 1 when the series records no
///   volume (mean 0), so FX-style data is not penalised.
///
/// `quality = Σ wₖ·cₖ / Σ wₖ` with ``Weights`` (defaults 0.3, 0.2, 0.15, 0.15, 0.2). A component
/// that is still in its warm-up counts 0.5 (unknown). Exits (flat signals) never add risk: their
/// agreement, trend and volatility components are 1.
public struct SignalQualityModel {
    /// Weights of the components (≥ 0, not all 0).
    public struct Weights: Sendable, Equatable, Codable {
        /// Weight of indicator agreement.
        public var agreement = 0.3
        /// Weight of trend strength.
        public var trend = 0.2
        /// Weight of the volatility regime.
        public var volatility = 0.15
        /// Weight of data quality.
        public var dataQuality = 0.15
        /// Weight of volume support.
        public var volume = 0.2
        /// The default weights 0.3, 0.2, 0.15, 0.15, 0.2.
        public init() {}
    }

    /// The five components of one signal's score.
    public struct Components: Sendable, Equatable, Codable {
        /// Indicator agreement in [0, 1].
        public var agreement: Double
        /// Trend strength in [0, 1].
        public var trend: Double
        /// Volatility regime in [0, 1] (1 calm).
        public var volatility: Double
        /// Data quality of the look-back in [0, 1].
        public var dataQuality: Double
        /// Volume support in [0, 1].
        public var volume: Double
    }

    /// The weights the score uses.
    public let weights: Weights
    private let indicators: IndicatorCache
    private let close: [Double]
    private let volume: [Double]
    /// `flaggedBefore[i]` = flagged bars among 0..<i.
    private let flaggedBefore: [Int32]?
    private let lookback: Int

    /// A model over `bars`. `flagged[i]` marks bars that data cleaning flagged or repaired;
    /// `lookback` is the strategy's warm-up. The recursive inputs (MACD line, RSI, EWMA volatility)
    /// are computed in one pass up to the last signal when scoring, the windowed ones at the
    /// signal bars.
    public init(bars: BarSeries, flagged: [Bool]? = nil, lookback: Int, weights: Weights = Weights()) throws {
        try self.init(indicators: IndicatorCache(bars), flagged: flagged, lookback: lookback, weights: weights)
    }

    /// The same, reading (and filling) shared indicator columns.
    public init(indicators: IndicatorCache, flagged: [Bool]? = nil, lookback: Int, weights: Weights = Weights()) throws {
        let bars = indicators.bars
        let w = [weights.agreement, weights.trend, weights.volatility, weights.dataQuality, weights.volume]
        guard w.allSatisfy({ $0 >= 0 && $0.isFinite }), w.reduce(0, +) > 0 else {
            throw LabSignalsError.invalidParameter(owner: "quality", field: "weights", reason: "need finite weights ≥ 0, not all 0")
        }
        if let f = flagged, f.count != bars.count {
            throw LabSignalsError.invalidParameter(owner: "quality", field: "flagged", reason: "has \(f.count) values for \(bars.count) bars")
        }
        self.weights = weights
        close = bars.close
        self.indicators = indicators
        volume = bars.volume
        flaggedBefore = flagged.map { f in
            var prefix = [Int32](repeating: 0, count: f.count + 1)
            for i in f.indices { prefix[i + 1] = prefix[i] + (f[i] ? 1 : 0) }
            return prefix
        }
        self.lookback = max(1, lookback)
    }

    /// The components of a signal at `bar` in `direction` (one query; its recursive inputs are
    /// re-computed from bar 0, so score many signals with ``score(_:)``).
    public func components(bar i: Int, direction: TargetDirection) -> Components {
        let r = recursiveInputs(at: [i])[0]
        return components(
            bar: i, direction: direction, recursive: r, roc: rateOfChange(i), noise: indicators.volatility(20, at: i),
            trendGap: close[i] - indicators.closeMean(50, at: i), volume: volumeScore(i))
    }

    private func components(
        bar i: Int, direction: TargetDirection, recursive r: RecursiveInputs, roc: Double, noise: Double, trendGap: Double, volume: Double
    ) -> Components {
        guard direction != .flat else { return Components(agreement: 1, trend: 1, volatility: 1, dataQuality: dataQuality(i), volume: volume) }
        let d = Double(direction.rawValue)
        return Components(
            agreement: agreement(d, r.macdLine, r.rsi - 50, trendGap, roc), trend: trendScore(d, roc, noise),
            volatility: volatilityScore(r.longVolatility, noise), dataQuality: dataQuality(i), volume: volume)
    }

    /// MACD(12, 26) line, RSI(14) and EWMA(100) volatility at a bar.
    struct RecursiveInputs { var macdLine = Double.nan, rsi = Double.nan, longVolatility = Double.nan }

    /// The recursive inputs at each of `bars` (ascending), from one pass over the closes up to the
    /// last of them: the three recursions are independent, so they overlap in the CPU.
    func recursiveInputs(at bars: [Int]) -> [RecursiveInputs] {
        var out = [RecursiveInputs](repeating: RecursiveInputs(), count: bars.count)
        guard let last = bars.last else { return out }
        var fast = ExponentialMean(span: 12), slow = ExponentialMean(span: 26)
        var strength = WilderRSI(window: 14)
        var longRun = EWMAVolatility(span: 100)
        let returns = indicators.logReturns
        var k = 0
        close.withUnsafeBufferPointer { c in
            returns.withUnsafeBufferPointer { r in
                for i in 0...last {
                    let line = fast.next(c[i]) - slow.next(c[i])
                    let defined = strength.update(c[i])
                    let volatility = longRun.next(r[i])
                    while k < bars.count && bars[k] == i {
                        out[k] = RecursiveInputs(macdLine: line, rsi: defined ? strength.value : .nan, longVolatility: volatility)
                        k += 1
                    }
                }
            }
        }
        return out
    }

    /// Scores `signals` in place (their `quality`), the components gathered column by column so
    /// that each pass reads one indicator at ascending bars (what the hardware prefetchers follow);
    /// the values equal ``components(bar:direction:)``'s.
    public func score(_ signals: inout [Signal]) {
        let n = signals.count
        var volume = [Double](repeating: 0, count: n), roc = volume, noise = volume, trendGap = volume
        let recursive = recursiveInputs(at: signals.map(\.bar))
        for k in 0..<n { volume[k] = volumeScore(signals[k].bar) }
        for k in 0..<n { roc[k] = rateOfChange(signals[k].bar) }
        for k in 0..<n { noise[k] = indicators.volatility(20, at: signals[k].bar) }
        for k in 0..<n { let i = signals[k].bar; trendGap[k] = close[i] - indicators.closeMean(50, at: i) }
        for k in 0..<n {
            signals[k].quality = score(
                components(
                    bar: signals[k].bar, direction: signals[k].direction, recursive: recursive[k], roc: roc[k], noise: noise[k],
                    trendGap: trendGap[k], volume: volume[k]))
        }
    }

    private func dataQuality(_ i: Int) -> Double {
        guard let prefix = flaggedBefore else { return 1 }
        let from = max(0, i - lookback + 1)
        return 1 - Double(prefix[i + 1] - prefix[from]) / Double(i + 1 - from)
    }

    private func volumeScore(_ i: Int) -> Double {
        let mv = indicators.priorVolumeMean(20, at: i)
        if mv.isNaN { return 0.5 }
        return mv <= 0 ? 1 : min(1, max(0, volume[i] / mv))
    }

    private func rateOfChange(_ i: Int) -> Double { i >= 20 ? close[i] / close[i - 20] - 1 : .nan }

    /// Share of the four votes (MACD line, RSI − 50, close − SMA(50), rate of change) pointing d's way.
    private func agreement(_ d: Double, _ a: Double, _ b: Double, _ c: Double, _ e: Double) -> Double {
        var counted = 0.0, agree = 0.0
        @inline(__always) func vote(_ v: Double) {
            guard v.isFinite, v != 0 else { return }
            counted += 1
            agree += (v > 0) == (d > 0) ? 1 : 0
        }
        vote(a)
        vote(b)
        vote(c)
        vote(e)
        return counted == 0 ? 0.5 : agree / counted
    }

    private func trendScore(_ d: Double, _ roc: Double, _ shortNoise: Double) -> Double {
        let t = d * roc / (shortNoise * Double(20).squareRoot())
        return t.isFinite ? min(1, max(0, t / 2)) : 0.5
    }

    private func volatilityScore(_ longNoise: Double, _ shortNoise: Double) -> Double {
        let ratio = longNoise / shortNoise
        return ratio.isFinite ? min(1, max(0, ratio)) : (shortNoise == 0 ? 1 : 0.5)
    }

    /// The weighted score of `components`.
    public func score(_ c: Components) -> Double {
        let w = weights
        let total = w.agreement + w.trend + w.volatility + w.dataQuality + w.volume
        return
            (w.agreement * c.agreement + w.trend * c.trend + w.volatility * c.volatility
            + w.dataQuality * c.dataQuality + w.volume * c.volume) / total
    }

    /// The quality of `signal` (its bar must be inside the series the model was built on).
    public func quality(of signal: Signal) -> Double {
        score(components(bar: signal.bar, direction: signal.direction))
    }
}
