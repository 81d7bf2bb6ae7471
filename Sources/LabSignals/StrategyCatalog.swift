import Foundation
import LabCore

/// A strategy as named in a scenario file or on the command line: its name, its parameters as
/// text, and (for `composite`) its members with their vote weights.
public struct StrategySpec: Sendable, Equatable {
    public var name: String
    /// Parameters as text (`fast` → `"10"`), read by the strategy's ``ParameterReader``.
    public var parameters: [String: String]
    /// Members of a composite (empty otherwise).
    public var members: [StrategySpec]
    /// Vote weight inside a composite (≥ 0).
    public var weight: Double

    /// A spec; parameters and members empty and weight 1 unless given.
    public init(name: String, parameters: [String: String] = [:], members: [StrategySpec] = [], weight: Double = 1) {
        self.name = name
        self.parameters = parameters
        self.members = members
        self.weight = weight
    }
}

/// Builds strategies from ``StrategySpec``s, validating every parameter.
///
/// | name | parameters (defaults) |
/// | --- | --- |
/// | `sma_cross`, `ema_cross` | `fast` (10), `slow` (20), `allow_short` (true) |
/// | `rsi_reversion` | `window` (14), `oversold` (30), `overbought` (70), `exit` (50, or `none`), `allow_short` (true) |
/// | `bollinger` | `window` (20), `k` (2), `mode` (`reversion` or `breakout`), `allow_short` (true) |
/// | `macd` | `fast` (12), `slow` (26), `signal` (9), `allow_short` (true) |
/// | `donchian` | `window` (20), `exit_window` (10), `allow_short` (true) |
/// | `composite` | `min_agreement` (0.5), `memory` (bars, unset: none); members with weights |
public enum StrategyCatalog {
    /// The names `make` knows.
    public static let names = ["bollinger", "composite", "donchian", "ema_cross", "macd", "rsi_reversion", "sma_cross"]

    /// The strategy `spec` describes; one-line errors name the strategy and the field.
    public static func make(_ spec: StrategySpec) throws -> any SignalStrategy {
        var p = ParameterReader(owner: spec.name, values: spec.parameters)
        let strategy: any SignalStrategy
        switch spec.name {
        case "sma_cross", "ema_cross":
            let fast = try p.integer("fast", default: 10)
            let slow = try p.integer("slow", default: 20)
            strategy = try MovingAverageCross(
                fast: fast, slow: slow, average: spec.name == "sma_cross" ? .sma : .ema, allowShort: try p.flag("allow_short", default: true))
        case "rsi_reversion":
            let window = try p.integer("window", default: 14, minimum: 2)
            let oversold = try p.number("oversold", default: 30, in: 0...100)
            let overbought = try p.number("overbought", default: 70, in: 0...100)
            let exit = try p.numberOrNone("exit", default: 50, in: 0...100)
            strategy = try RSIReversion(
                window: window, oversold: oversold, overbought: overbought, exitLevel: exit, allowShort: try p.flag("allow_short", default: true))
        case "bollinger":
            let window = try p.integer("window", default: 20, minimum: 2)
            let k = try p.number("k", default: 2, in: 0.01...10)
            let mode = try p.choice("mode", default: "reversion", in: ["reversion", "breakout"])
            strategy = try BollingerStrategy(
                window: window, k: k, mode: mode == "breakout" ? .breakout : .reversion,
                allowShort: try p.flag("allow_short", default: true))
        case "macd":
            strategy = try MACDMomentum(
                fast: try p.integer("fast", default: 12), slow: try p.integer("slow", default: 26), signal: try p.integer("signal", default: 9),
                allowShort: try p.flag("allow_short", default: true))
        case "donchian":
            strategy = try DonchianBreakout(
                window: try p.integer("window", default: 20, minimum: 2), exitWindow: try p.integer("exit_window", default: 10),
                allowShort: try p.flag("allow_short", default: true))
        case "composite":
            let agreement = try p.number("min_agreement", default: 0.5, in: 0...1)
            let memory: Int? = spec.parameters["memory"] == nil ? nil : try p.integer("memory", default: 1)
            guard !spec.members.isEmpty else {
                throw LabSignalsError.invalidParameter(owner: "composite", field: "members", reason: "needs at least one member strategy")
            }
            strategy = try CompositeStrategy(
                members: try spec.members.map(make), weights: spec.members.map(\.weight), minAgreement: agreement, memory: memory)
        default:
            throw LabSignalsError.unknownName(kind: "strategy", name: spec.name, suggestion: NameSuggestion.closest(to: spec.name, in: names), known: names)
        }
        try p.rejectUnknown()
        return strategy
    }
}
