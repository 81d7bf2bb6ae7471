import Foundation
import LabCore

/// Tracks the strategy's wanted position so that only changes are emitted.
struct SignalEmitter {
    let bars: BarSeries
    let strategy: String
    var current: TargetDirection = .flat
    var out: [Signal] = []

    init(bars: BarSeries, strategy: String) {
        self.bars = bars
        self.strategy = strategy
    }

    /// Emits `direction` at `bar` unless it is the current one (or always, with `repeating`).
    mutating func emit(_ direction: TargetDirection, at bar: Int, confidence: Double, repeating: Bool = false, reason: String) {
        guard repeating || direction != current else { return }
        current = direction
        out.append(
            Signal(
                bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: direction,
                confidence: min(1, max(0, confidence.isFinite ? confidence : 0)), strategy: strategy, reason: reason))
    }
}

// MARK: - Moving-average crossover

/// Moving-average crossover: long when the fast average crosses above the slow one, short (or
/// flat without `allowShort`) when it crosses below.
///
/// A cross is backtesting.py's `crossover`: strictly below on the bar before, strictly above on
/// this bar (a touch is not a cross). Confidence: `1 − exp(−z)` with
/// `z = |Δ(fast − slow)| / noise`, the change of the gap over the crossing bar in units of the
/// bar's price noise (σ of the last 20 log returns × close). Every cross is emitted, even one
/// in the direction already held (two crosses up with a touch between them): the simulator then
/// closes and re-opens, as backtesting.py's `position.close(); buy()` does. Reasons:
/// `sma_cross_up(10,20)`, `sma_cross_down(10,20)` (`ema_…` for exponential averages).
public struct MovingAverageCross: SignalStrategy {
    /// Which average: simple (`sma_cross`) or exponential (`ema_cross`, pandas `ewm(adjust=False)`).
    public enum Average: String, Sendable { case sma, ema }
    /// Fast average window, bars (≥ 1; the EMA's span).
    public let fast: Int
    /// Slow average window, bars (> fast).
    public let slow: Int
    /// Simple or exponential averages.
    public let average: Average
    /// Short on a cross down; false goes flat instead.
    public let allowShort: Bool

    /// A crossover.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` unless 1 ≤ fast < slow.
    public init(fast: Int, slow: Int, average: Average = .sma, allowShort: Bool = true) throws {
        let owner = "\(average.rawValue)_cross"
        guard fast >= 1 else { throw LabSignalsError.invalidParameter(owner: owner, field: "fast", reason: "must be ≥ 1, got \(fast)") }
        guard slow > fast else {
            throw LabSignalsError.invalidParameter(owner: owner, field: "slow", reason: "must be > fast (\(fast)), got \(slow)")
        }
        self.fast = fast
        self.slow = slow
        self.average = average
        self.allowShort = allowShort
    }

    public var name: String { "\(average.rawValue)_cross" }
    public var warmUp: Int { slow }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        let f = average == .sma ? indicators.sma(fast) : indicators.ema(fast)
        let s = average == .sma ? indicators.sma(slow) : indicators.ema(slow)
        var emitter = SignalEmitter(bars: bars, strategy: name)
        let down: TargetDirection = allowShort ? .short : .flat
        let upReason = "\(name)_up(\(fast),\(slow))", downReason = "\(name)_down(\(fast),\(slow))"
        // First the crossing bars (one sequential pass), then their confidences (ascending reads of
        // the noise's inputs, which the prefetchers follow).
        var crosses: [(bar: Int, up: Bool, gapChange: Double)] = []
        f.withUnsafeBufferPointer { f in
            s.withUnsafeBufferPointer { s in
                for i in 1..<max(1, f.count) {
                    // Branch-free test (the sign of f − s flips about every twentieth bar at random):
                    // bit 0 a cross up, bit 1 a cross down.
                    let code = crossing(f[i - 1], s[i - 1], f[i], s[i])
                    guard code != 0 else { continue }
                    crosses.append((i, code == 1, abs((f[i] - s[i]) - (f[i - 1] - s[i - 1]))))
                }
            }
        }
        emitter.out.reserveCapacity(crosses.count)
        for c in crosses {
            emitter.emit(
                c.up ? .long : down, at: c.bar, confidence: decisiveness(c.gapChange / indicators.noise(at: c.bar)),
                repeating: true, reason: c.up ? upReason : downReason)
        }
        return emitter.out
    }

    /// The crossover targets of `bars`' closes (see ``fillTargets(_:into:)-(UnsafeBufferPointer<Double>,_)``).
    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        bars.close.withUnsafeBufferPointer { fillTargets($0, into: targets) }
    }

    /// The crossover targets alone, in one pass with no per-bar arrays (what a parameter sweep
    /// runs): the same crosses as ``signals(for:)``, written into `targets` (nil on bars without one).
    public func fillTargets(_ close: UnsafeBufferPointer<Double>, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        Self.crossTargets(close, fast: fast, slow: slow, average: average, down: allowShort ? .short : .flat, into: targets)
    }

    /// The crossover kernel without parameter checks (windows ≥ 1 in any order, as a sweep grid over
    /// fast × slow produces them; with fast = slow nothing ever crosses): `.long` where the fast
    /// average crosses above the slow one, `down` where it crosses below, nil elsewhere.
    public static func crossTargets(
        _ close: UnsafeBufferPointer<Double>, fast: Int, slow: Int, average: Average = .sma, down: TargetDirection,
        into targets: UnsafeMutableBufferPointer<TargetDirection?>
    ) {
        precondition(targets.count == close.count)
        switch average {
        case .sma:
            let table: [TargetDirection?] = [nil, .long, down, nil]
            // Without missing values, four stretches at once (the same bits); else one pass.
            if table.withUnsafeBufferPointer({ CrossoverLanes.fill(close, fast: fast, slow: slow, table: $0, into: targets) }) { return }
            var f = SlidingMean(window: fast), s = SlidingMean(window: slow)
            crosses(close.count, down: down, into: targets) { i in (f.next(close, i), s.next(close, i)) }
        case .ema:
            var f = ExponentialMean(span: fast), s = ExponentialMean(span: slow)
            crosses(close.count, down: down, into: targets) { i in (f.next(close[i]), s.next(close[i])) }
        }
    }

    @inline(__always)
    private static func crosses(
        _ n: Int, down: TargetDirection, into targets: UnsafeMutableBufferPointer<TargetDirection?>, _ averages: (Int) -> (Double, Double)
    ) {
        let table: [TargetDirection?] = [nil, .long, down, nil]
        table.withUnsafeBufferPointer { table in
            var previousFast = Double.nan, previousSlow = Double.nan
            for i in 0..<n {
                let (f, s) = averages(i)
                targets[i] = table[crossing(previousFast, previousSlow, f, s)]
                previousFast = f
                previousSlow = s
            }
        }
    }
}

/// backtesting.py's `crossover` both ways, without branches: 1 when `fast` crosses above `slow`
/// (strictly below on the bar before, strictly above now), 2 when it crosses below, else 0
/// (NaN compares false, so no cross during a warm-up).
@inline(__always) func crossing(_ fastBefore: Double, _ slowBefore: Double, _ fast: Double, _ slow: Double) -> Int {
    let up = (fastBefore < slowBefore ? 1 : 0) & (fast > slow ? 1 : 0)
    let down = (slowBefore < fastBefore ? 1 : 0) & (slow > fast ? 1 : 0)
    return up | (down << 1)
}

// MARK: - RSI mean reversion

/// RSI mean reversion: long when Wilder's RSI falls through `oversold`, short (with `allowShort`)
/// when it rises through `overbought`, and back to flat when it crosses `exitLevel` (50 by
/// default; `exit = none` holds until the opposite extreme).
///
/// Confidence of an entry: `|RSI − 50| / 50` at the signal bar (how stretched the move is);
/// exits carry confidence 1. Reasons: `rsi_oversold(14,30)`, `rsi_overbought(14,70)`,
/// `rsi_exit(14,50)`.
public struct RSIReversion: SignalStrategy {
    /// RSI window, bars (≥ 2).
    public let window: Int
    /// RSI level (0–100) whose downward crossing opens a long.
    public let oversold: Double
    /// RSI level (0–100) whose upward crossing opens a short.
    public let overbought: Double
    /// RSI level that closes a position; nil: positions flip only at the opposite extreme.
    public let exitLevel: Double?
    /// Trade the overbought side short; false ignores it.
    public let allowShort: Bool

    /// An RSI reversion.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` unless window ≥ 2, 0 < oversold < overbought < 100 and the exit level lies between them.
    public init(window: Int = 14, oversold: Double = 30, overbought: Double = 70, exitLevel: Double? = 50, allowShort: Bool = true) throws {
        let owner = "rsi_reversion"
        guard window >= 2 else { throw LabSignalsError.invalidParameter(owner: owner, field: "window", reason: "must be ≥ 2, got \(window)") }
        guard oversold > 0, oversold < overbought, overbought < 100 else {
            throw LabSignalsError.invalidParameter(
                owner: owner, field: "oversold", reason: "need 0 < oversold < overbought < 100, got \(oversold) and \(overbought)")
        }
        if let e = exitLevel, !(e > oversold && e < overbought) {
            throw LabSignalsError.invalidParameter(owner: owner, field: "exit", reason: "must lie between oversold and overbought, got \(e)")
        }
        self.window = window
        self.oversold = oversold
        self.overbought = overbought
        self.exitLevel = exitLevel
        self.allowShort = allowShort
    }

    public var name: String { "rsi_reversion" }
    public var warmUp: Int { window + 1 }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        let r = indicators.rsi(window)
        var emitter = SignalEmitter(bars: bars, strategy: name)
        let longReason = "rsi_oversold(\(window),\(fmt(oversold)))", shortReason = "rsi_overbought(\(window),\(fmt(overbought)))"
        let exitReason = "rsi_exit(\(window),\(fmt(exitLevel ?? 50)))"
        for i in 1..<max(1, bars.count) where r[i].isFinite && r[i - 1].isFinite {
            let stretch = abs(r[i] - 50) / 50
            if r[i - 1] >= oversold && r[i] < oversold {
                emitter.emit(.long, at: i, confidence: stretch, reason: longReason)
            } else if allowShort && r[i - 1] <= overbought && r[i] > overbought {
                emitter.emit(.short, at: i, confidence: stretch, reason: shortReason)
            } else if let e = exitLevel,
                (emitter.current == .long && r[i - 1] < e && r[i] >= e) || (emitter.current == .short && r[i - 1] > e && r[i] <= e)
            {
                emitter.emit(.flat, at: i, confidence: 1, reason: exitReason)
            }
        }
        return emitter.out
    }
}

// MARK: - Bollinger bands

/// Bollinger bands strategy (`window`, `k` population standard deviations).
///
/// `breakout`: long when the close crosses above the upper band, short below the lower band.
/// `reversion`: long when the close crosses below the lower band, short above the upper band.
/// Either way a position goes flat when the close crosses the middle band against it.
/// Confidence of an entry: `min(1, |%b − 0.5|)` (0.5 on a band, 1 a half band-width beyond it);
/// exits carry confidence 1. Reasons: `bollinger_breakout_up(20,2)`, `bollinger_reversion_down(20,2)`,
/// `bollinger_exit(20,2)`.
public struct BollingerStrategy: SignalStrategy {
    /// Trade with the break of a band or against it.
    public enum Mode: String, Sendable { case breakout, reversion }
    /// Bollinger window, bars (≥ 2).
    public let window: Int
    /// Band width in population standard deviations (> 0).
    public let k: Double
    /// Breakout or reversion.
    public let mode: Mode
    /// Take short entries; false takes longs only.
    public let allowShort: Bool

    /// A Bollinger strategy.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` unless window ≥ 2 and k > 0.
    public init(window: Int = 20, k: Double = 2, mode: Mode = .reversion, allowShort: Bool = true) throws {
        guard window >= 2 else { throw LabSignalsError.invalidParameter(owner: "bollinger", field: "window", reason: "must be ≥ 2, got \(window)") }
        guard k > 0, k.isFinite else { throw LabSignalsError.invalidParameter(owner: "bollinger", field: "k", reason: "must be > 0, got \(k)") }
        self.window = window
        self.k = k
        self.mode = mode
        self.allowShort = allowShort
    }

    public var name: String { "bollinger" }
    public var warmUp: Int { window }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        let b = Indicators.bollinger(bars.close, window: window, k: k)
        let c = bars.close
        let tag = "(\(window),\(fmt(k)))"
        var emitter = SignalEmitter(bars: bars, strategy: name)
        for i in 1..<max(1, bars.count) where b.middle[i - 1].isFinite && b.middle[i].isFinite {
            let crossedUpper = c[i - 1] <= b.upper[i - 1] && c[i] > b.upper[i]
            let crossedLower = c[i - 1] >= b.lower[i - 1] && c[i] < b.lower[i]
            let confidence = min(1, abs(b.percentB[i] - 0.5))
            var entry: TargetDirection?
            if crossedUpper { entry = mode == .breakout ? .long : .short }
            if crossedLower { entry = mode == .breakout ? .short : .long }
            if let e = entry, e == .long || allowShort {
                let side = (e == .long) == (mode == .breakout) ? "up" : "down"
                emitter.emit(e, at: i, confidence: confidence, reason: "bollinger_\(mode.rawValue)_\(side)\(tag)")
                continue
            }
            let crossedMiddleDown = c[i - 1] >= b.middle[i - 1] && c[i] < b.middle[i]
            let crossedMiddleUp = c[i - 1] <= b.middle[i - 1] && c[i] > b.middle[i]
            // Against the position: a long exits below the middle in breakout mode (the move failed)
            // and above it in reversion mode (the move is done); shorts the mirror image.
            let exitLong = mode == .breakout ? crossedMiddleDown : crossedMiddleUp
            let exitShort = mode == .breakout ? crossedMiddleUp : crossedMiddleDown
            if (emitter.current == .long && exitLong) || (emitter.current == .short && exitShort) {
                emitter.emit(.flat, at: i, confidence: 1, reason: "bollinger_exit\(tag)")
            }
        }
        return emitter.out
    }
}

// MARK: - MACD momentum

/// MACD momentum: long when the MACD line crosses above its signal line (the histogram turns
/// positive), short (or flat) when it crosses below. Strict crosses, each one emitted, as for moving averages.
/// Confidence: `1 − exp(−|Δhistogram| / noise)` with the price noise (σ of 20 log returns × close).
/// Reasons: `macd_up(12,26,9)`, `macd_down(12,26,9)`.
public struct MACDMomentum: SignalStrategy {
    /// Fast EMA span, bars.
    public let fast: Int
    /// Slow EMA span, bars (> fast).
    public let slow: Int
    /// Span of the signal line (EMA of the MACD line), bars.
    public let signalSpan: Int
    /// Short on a cross down; false goes flat instead.
    public let allowShort: Bool

    /// A MACD momentum strategy.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` unless 1 ≤ fast < slow and signal ≥ 1.
    public init(fast: Int = 12, slow: Int = 26, signal: Int = 9, allowShort: Bool = true) throws {
        guard fast >= 1 else { throw LabSignalsError.invalidParameter(owner: "macd", field: "fast", reason: "must be ≥ 1, got \(fast)") }
        guard slow > fast else { throw LabSignalsError.invalidParameter(owner: "macd", field: "slow", reason: "must be > fast (\(fast)), got \(slow)") }
        guard signal >= 1 else { throw LabSignalsError.invalidParameter(owner: "macd", field: "signal", reason: "must be ≥ 1, got \(signal)") }
        self.fast = fast
        self.slow = slow
        self.signalSpan = signal
        self.allowShort = allowShort
    }

    public var name: String { "macd" }
    public var warmUp: Int { slow + signalSpan - 1 }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        let h = Indicators.macd(bars.close, fast: fast, slow: slow, signal: signalSpan).histogram
        let tag = "(\(fast),\(slow),\(signalSpan))"
        let upReason = "macd_up\(tag)", downReason = "macd_down\(tag)"
        var emitter = SignalEmitter(bars: bars, strategy: name)
        for i in 1..<max(1, bars.count) {
            if h[i - 1] < 0 && h[i] > 0 {
                emitter.emit(.long, at: i, confidence: decisiveness(abs(h[i] - h[i - 1]) / indicators.noise(at: i)), repeating: true, reason: upReason)
            } else if h[i - 1] > 0 && h[i] < 0 {
                emitter.emit(
                    allowShort ? .short : .flat, at: i, confidence: decisiveness(abs(h[i] - h[i - 1]) / indicators.noise(at: i)), repeating: true,
                    reason: downReason)
            }
        }
        return emitter.out
    }
}

// MARK: - Donchian breakout

/// Donchian (turtle) breakout: long when the close exceeds the highest high of the previous
/// `window` bars, short (with `allowShort`) when it falls below their lowest low; a long goes flat
/// when the close falls below the lowest low of the previous `exitWindow` bars (a short above the
/// highest high). Confidence of an entry: `1 − exp(−excess / noise)`, the distance beyond the
/// channel in units of the price noise (σ of 20 log returns × close); exits carry confidence 1.
/// Reasons: `donchian_up(20)`, `donchian_down(20)`, `donchian_exit(10)`.
public struct DonchianBreakout: SignalStrategy {
    /// Entry channel, bars before the signal bar (≥ 2).
    public let window: Int
    /// Exit channel, bars before the signal bar (1...window).
    public let exitWindow: Int
    /// Take short breakouts; false takes longs only.
    public let allowShort: Bool

    /// A Donchian breakout.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` for a window below its minimum.
    public init(window: Int = 20, exitWindow: Int = 10, allowShort: Bool = true) throws {
        guard window >= 2 else { throw LabSignalsError.invalidParameter(owner: "donchian", field: "window", reason: "must be ≥ 2, got \(window)") }
        guard exitWindow >= 1, exitWindow <= window else {
            throw LabSignalsError.invalidParameter(owner: "donchian", field: "exit_window", reason: "must be in 1...window (\(window)), got \(exitWindow)")
        }
        self.window = window
        self.exitWindow = exitWindow
        self.allowShort = allowShort
    }

    public var name: String { "donchian" }
    public var warmUp: Int { window }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        let entry = Indicators.donchian(high: bars.high, low: bars.low, window: window)
        let exit = Indicators.donchian(high: bars.high, low: bars.low, window: exitWindow)
        let c = bars.close
        var emitter = SignalEmitter(bars: bars, strategy: name)
        let upReason = "donchian_up(\(window))", downReason = "donchian_down(\(window))", exitReason = "donchian_exit(\(exitWindow))"
        for i in 1..<max(1, bars.count) where entry.upper[i - 1].isFinite {
            if c[i] > entry.upper[i - 1] {
                if emitter.current != .long {
                    emitter.emit(.long, at: i, confidence: decisiveness((c[i] - entry.upper[i - 1]) / indicators.noise(at: i)), reason: upReason)
                }
            } else if c[i] < entry.lower[i - 1] && allowShort {
                if emitter.current != .short {
                    emitter.emit(.short, at: i, confidence: decisiveness((entry.lower[i - 1] - c[i]) / indicators.noise(at: i)), reason: downReason)
                }
            } else if (emitter.current == .long && c[i] < exit.lower[i - 1]) || (emitter.current == .short && c[i] > exit.upper[i - 1]) {
                emitter.emit(.flat, at: i, confidence: 1, reason: exitReason)
            }
        }
        return emitter.out
    }
}

// MARK: - Composite

/// Multi-layer composite: combines member strategies by a confidence-weighted vote.
///
/// Each member holds a *stance*: the direction of its latest signal and that signal's confidence
/// (for `memory` bars when set, else until its next signal). Whenever a member signals, the vote is
/// taken: for long and short, `score(d) = Σ weight·confidence` over members whose stance is d, and
/// `agreement(d) = Σ weight` of those members / Σ weight of all members. The direction with the
/// higher score is emitted when its agreement is at least `minAgreement` and it differs from the
/// composite's current position, with confidence `score(d) / Σ weight`. When no direction reaches
/// the agreement while the composite holds a position, it goes flat (confidence 1).
/// Reason: `composite(long:2/3:sma_cross+macd)` naming the agreeing members.
public struct CompositeStrategy: SignalStrategy {
    /// The voting strategies.
    public let members: [any SignalStrategy]
    /// Vote weight per member (≥ 0, not all 0).
    public let weights: [Double]
    /// Share of the total weight (0–1] a direction needs to be emitted.
    public let minAgreement: Double
    /// Bars a member's stance lasts after its signal; nil: until its next signal.
    public let memory: Int?

    /// A composite; weights default to 1 each.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` for no members, bad weights, an agreement outside (0, 1] or a memory below 1.
    public init(members: [any SignalStrategy], weights: [Double]? = nil, minAgreement: Double = 0.5, memory: Int? = nil) throws {
        guard !members.isEmpty else {
            throw LabSignalsError.invalidParameter(owner: "composite", field: "members", reason: "needs at least one member strategy")
        }
        let w = weights ?? [Double](repeating: 1, count: members.count)
        guard w.count == members.count, w.allSatisfy({ $0 >= 0 && $0.isFinite }), w.reduce(0, +) > 0 else {
            throw LabSignalsError.invalidParameter(owner: "composite", field: "weights", reason: "need one finite weight ≥ 0 per member, not all zero")
        }
        guard minAgreement > 0, minAgreement <= 1 else {
            throw LabSignalsError.invalidParameter(owner: "composite", field: "min_agreement", reason: "must be in (0, 1], got \(minAgreement)")
        }
        if let m = memory, m < 1 { throw LabSignalsError.invalidParameter(owner: "composite", field: "memory", reason: "must be ≥ 1 bar, got \(m)") }
        self.members = members
        self.weights = w
        self.minAgreement = minAgreement
        self.memory = memory
    }

    public var name: String { "composite" }
    public var warmUp: Int { members.map(\.warmUp).min() ?? 0 }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        // Merge the members' signals by bar (stable in member order); members share the indicator columns.
        var events: [(member: Int, signal: Signal)] = []
        for (m, strategy) in members.enumerated() { events += strategy.signals(in: indicators).map { (m, $0) } }
        events.sort { $0.signal.bar != $1.signal.bar ? $0.signal.bar < $1.signal.bar : $0.member < $1.member }
        let total = weights.reduce(0, +)
        var stance = [(direction: TargetDirection, confidence: Double, bar: Int)?](repeating: nil, count: members.count)
        var emitter = SignalEmitter(bars: bars, strategy: name)
        var k = 0
        while k < events.count {
            let bar = events[k].signal.bar
            while k < events.count && events[k].signal.bar == bar {
                let e = events[k]
                stance[e.member] = (e.signal.direction, e.signal.confidence, bar)
                k += 1
            }
            var score: [TargetDirection: Double] = [.long: 0, .short: 0]
            var weight: [TargetDirection: Double] = [.long: 0, .short: 0]
            for m in members.indices {
                guard let s = stance[m], s.direction != .flat else { continue }
                if let memory, bar - s.bar >= memory { continue }
                score[s.direction]! += weights[m] * s.confidence
                weight[s.direction]! += weights[m]
            }
            let best: TargetDirection = score[.long]! >= score[.short]! ? .long : .short
            if weight[best]! / total >= minAgreement && weight[best]! > 0 {
                let agreeing = members.indices.filter { stance[$0]?.direction == best && (memory == nil || bar - stance[$0]!.bar < memory!) }
                emitter.emit(
                    best, at: bar, confidence: score[best]! / total,
                    reason: "composite(\(best.label):\(agreeing.count)/\(members.count):\(agreeing.map { members[$0].name }.joined(separator: "+")))")
            } else if emitter.current != .flat {
                emitter.emit(.flat, at: bar, confidence: 1, reason: "composite(flat:no_agreement)")
            }
        }
        return emitter.out
    }
}

/// Formats a threshold without a trailing `.0`.
func fmt(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
