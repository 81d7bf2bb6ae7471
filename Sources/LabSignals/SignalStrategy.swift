import Foundation
import LabCore

/// A strategy: reads bars and emits signals at the closes where its view changes.
///
/// Contract: `signals(for:)` returns signals in increasing bar order, at most one per bar, each
/// decided from bars `0...signal.bar` only (truncating the series after bar t leaves every signal
/// at or before t unchanged). A strategy emits a signal when its wanted position changes; only the
/// crossover strategies also repeat a direction (each cross is an event, see `MovingAverageCross`).
public protocol SignalStrategy: Sendable {
    /// Name as written in scenario files, e.g. `sma_cross`.
    var name: String { get }
    /// Bars of history needed before the first signal can appear.
    var warmUp: Int { get }
    /// The raw signals over `indicators.bars` (confidence = the strategy's own, quality not yet
    /// scored), reading shared indicator columns from `indicators`.
    func signals(in indicators: IndicatorCache) -> [Signal]
    /// Writes every bar's target into `targets` (`bars.count` long): the direction of the signal
    /// at that bar, nil on bars without one — what ``targets(for:)`` returns. A strategy with a
    /// kernel that needs no ``Signal`` values (no confidence, no reason texts) implements it; the
    /// default goes through ``signals(in:)``. What a sweep runs for every combination.
    func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>)
    /// Whether the strategy's signals set position sizes (``Signal/sizeScale`` and
    /// ``Signal/resizes``: a target fraction), so that its orders come from ``signals(in:)`` and
    /// not from ``fillTargets(_:into:)``'s directions. False unless a strategy says so.
    var sizesPositions: Bool { get }
}

extension SignalStrategy {
    /// Directions only: the orders are the targets.
    public var sizesPositions: Bool { false }

    /// The raw signals over `bars`, with indicators computed for this call alone.
    public func signals(for bars: BarSeries) -> [Signal] { signals(in: IndicatorCache(bars)) }

    /// Targets for the execution simulator: the signal's direction at its bar, nil elsewhere.
    public func targets(for bars: BarSeries) -> [TargetDirection?] {
        SignalTargets.targets(signals(for: bars), count: bars.count)
    }

    /// The targets of ``signals(for:)`` written into `targets` (the default of the requirement).
    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        precondition(targets.count == bars.count, "fillTargets: need \(bars.count) targets")
        for i in targets.indices { targets[i] = nil }
        for s in signals(for: bars) where s.bar < bars.count { targets[s.bar] = s.direction }
    }
}

/// Turns signals into the per-bar target array the execution simulator reads.
public enum SignalTargets {
    /// `targets[s.bar] = s.direction` for every signal; nil on bars without one.
    public static func targets(_ signals: [Signal], count: Int) -> [TargetDirection?] {
        var out = [TargetDirection?](repeating: nil, count: count)
        for s in signals where s.bar < count { out[s.bar] = s.direction }
        return out
    }
}

/// Errors of the signal engine. Every case prints as one line naming the strategy (or filter) and
/// the field.
public enum LabSignalsError: LabError, Equatable {
    /// A parameter is missing, malformed or out of range.
    case invalidParameter(owner: String, field: String, reason: String)
    public var description: String {
        switch self {
        case let .invalidParameter(owner, field, reason):
            return "\(owner): \(field): \(reason)"
        }
    }
}

/// The confidence shape shared by the crossing strategies: `1 − exp(−z)` where `z ≥ 0` is how
/// decisively the crossing happened in units of the bar's recent noise (``IndicatorCache/noise``:
/// the standard deviation of the last 20 log returns times the close). 0 for a hairline cross,
/// → 1 for a decisive one.
@inline(__always) func decisiveness(_ z: Double) -> Double {
    guard z.isFinite, z > 0 else { return 0 }
    return 1 - exp(-z)
}
