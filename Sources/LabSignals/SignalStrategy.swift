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
}

extension SignalStrategy {
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
    /// No strategy (or filter) has this name.
    case unknownName(kind: String, name: String, suggestion: String?, known: [String])

    public var description: String {
        switch self {
        case let .invalidParameter(owner, field, reason):
            return "\(owner): \(field): \(reason)"
        case let .unknownName(kind, name, suggestion, known):
            let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? " (known: \(known.joined(separator: ", ")))"
            return "unknown \(kind) \"\(name)\"\(hint)"
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

/// Parameter values of one strategy or filter, as text (from a scenario file or `--param k=v`),
/// read into typed fields with one-line errors naming the owner and the field. Unknown keys are
/// errors with a did-you-mean suggestion.
public struct ParameterReader {
    /// What the parameters belong to, named in every error (`sma_cross`, `filters.volume`).
    public let owner: String
    private let values: [String: String]
    private var used: Set<String> = []

    /// A reader of `values` (key → text) for `owner`.
    public init(owner: String, values: [String: String]) {
        self.owner = owner
        self.values = values
    }

    /// An integer ≥ `minimum` (default when absent).
    public mutating func integer(_ key: String, default value: Int, minimum: Int = 1) throws -> Int {
        used.insert(key)
        guard let text = values[key] else { return value }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v >= minimum else {
            throw LabSignalsError.invalidParameter(owner: owner, field: key, reason: "expected an integer ≥ \(minimum), got \"\(text)\"")
        }
        return v
    }

    /// A finite number in `range` (default when absent).
    public mutating func number(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
        used.insert(key)
        guard let text = values[key] else { return value }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, range.contains(v) else {
            throw LabSignalsError.invalidParameter(
                owner: owner, field: key, reason: "expected a number in [\(format(range.lowerBound)), \(format(range.upperBound))], got \"\(text)\"")
        }
        return v
    }

    /// A finite number in `range`, or nil when the text is `none` (default when absent).
    public mutating func numberOrNone(_ key: String, default value: Double?, in range: ClosedRange<Double>) throws -> Double? {
        if values[key]?.trimmingCharacters(in: .whitespaces).lowercased() == "none" {
            used.insert(key)
            return nil
        }
        guard values[key] != nil else { used.insert(key); return value }
        return try number(key, default: 0, in: range)
    }

    /// The raw text under `key`, if present (for values the caller parses itself).
    public mutating func text(_ key: String) -> String? {
        used.insert(key)
        return values[key]
    }

    /// One of `choices` (default when absent).
    public mutating func choice(_ key: String, default value: String, in choices: [String]) throws -> String {
        used.insert(key)
        guard let text = values[key] else { return value }
        let v = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard choices.contains(v) else {
            throw LabSignalsError.invalidParameter(owner: owner, field: key, reason: "expected one of \(choices.joined(separator: ", ")), got \"\(text)\"")
        }
        return v
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`).
    public mutating func flag(_ key: String, default value: Bool) throws -> Bool {
        used.insert(key)
        guard let text = values[key] else { return value }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw LabSignalsError.invalidParameter(owner: owner, field: key, reason: "expected true or false, got \"\(text)\"")
        }
    }

    /// Throws for the first key that no field read (sorted, so the error is deterministic).
    public func rejectUnknown() throws {
        for key in values.keys.sorted() where !used.contains(key) {
            let hint = NameSuggestion.closest(to: key, in: Array(used)).map { "; did you mean \"\($0)\"?" } ?? ""
            throw LabSignalsError.invalidParameter(
                owner: owner, field: key, reason: "unknown parameter (known: \(used.sorted().joined(separator: ", ")))\(hint)")
        }
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
