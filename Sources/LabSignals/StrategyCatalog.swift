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
    /// A strategy written in the strategy language (name ``StrategySpec/rulesName``); its declared
    /// parameters are read from `parameters` like a built-in's.
    public var program: StrategyProgram?

    /// Signals computed outside the lab, aligned to the bars (name ``StrategySpec/signalsName``);
    /// attached by the runner once the bars are read.
    public var signalColumns: SignalColumns?

    /// The name of a strategy written in the strategy language, in reports and signals.
    public static let rulesName = "rules"
    /// The name of a strategy of signals brought from a file, in reports and signals.
    public static let signalsName = "signals"

    /// A spec; parameters and members empty and weight 1 unless given.
    public init(name: String, parameters: [String: String] = [:], members: [StrategySpec] = [], weight: Double = 1) {
        self.name = name
        self.parameters = parameters
        self.members = members
        self.weight = weight
    }

    /// The spec of a program, with its declared parameters as text.
    public init(program: StrategyProgram) {
        self.init(name: Self.rulesName, parameters: Dictionary(uniqueKeysWithValues: program.parameters.map { ($0.name, fmt($0.value)) }))
        self.program = program
    }
}

/// The strategies a scenario file or `gslab backtest --strategy` can name: the lab's built-ins and
/// any a Swift user registers (``Registry/register(_:)``). A builder reads its parameters through
/// the ``ParameterReader`` (types, ranges and defaults declared there, so ``Registry/parameters(of:context:)``
/// lists them) and gets the whole spec as context (a composite reads its members from it).
public enum StrategyRegistry {
    /// The registry (built-ins below).
    public static let shared = Registry<StrategySpec, any SignalStrategy>(
        kind: "strategy",
        entries: [
            .init("sma_cross", summary: "simple moving-average crossover: long on a cross up, short (or flat) on a cross down") { p, _ in
                try MovingAverageCross(
                    fast: try p.integer("fast", default: 10), slow: try p.integer("slow", default: 20), average: .sma,
                    allowShort: try p.flag("allow_short", default: true))
            },
            .init("ema_cross", summary: "exponential moving-average crossover (pandas ewm, adjust=False)") { p, _ in
                try MovingAverageCross(
                    fast: try p.integer("fast", default: 10), slow: try p.integer("slow", default: 20), average: .ema,
                    allowShort: try p.flag("allow_short", default: true))
            },
            .init("rsi_reversion", summary: "Wilder RSI mean reversion: long below oversold, short above overbought, out at the exit level") { p, _ in
                let window = try p.integer("window", default: 14, minimum: 2)
                let oversold = try p.number("oversold", default: 30, in: 0...100)
                let overbought = try p.number("overbought", default: 70, in: 0...100)
                let exit = try p.numberOrNone("exit", default: 50, in: 0...100)
                return try RSIReversion(
                    window: window, oversold: oversold, overbought: overbought, exitLevel: exit, allowShort: try p.flag("allow_short", default: true))
            },
            .init("bollinger", summary: "Bollinger bands: reversion from the bands or breakout through them") { p, _ in
                let window = try p.integer("window", default: 20, minimum: 2)
                let k = try p.number("k", default: 2, in: 0.01...10)
                let mode = try p.choice("mode", default: "reversion", in: ["reversion", "breakout"])
                return try BollingerStrategy(
                    window: window, k: k, mode: mode == "breakout" ? .breakout : .reversion, allowShort: try p.flag("allow_short", default: true))
            },
            .init("macd", summary: "MACD momentum: the MACD line crossing its signal line") { p, _ in
                try MACDMomentum(
                    fast: try p.integer("fast", default: 12), slow: try p.integer("slow", default: 26), signal: try p.integer("signal", default: 9),
                    allowShort: try p.flag("allow_short", default: true))
            },
            .init("donchian", summary: "Donchian channel breakout with a shorter exit channel") { p, _ in
                try DonchianBreakout(
                    window: try p.integer("window", default: 20, minimum: 2), exitWindow: try p.integer("exit_window", default: 10),
                    allowShort: try p.flag("allow_short", default: true))
            },
            .init("composite", summary: "weighted vote of member strategies") { p, spec in
                let agreement = try p.number("min_agreement", default: 0.5, in: 0...1)
                let memoryBars = try p.integer("memory", default: 0, minimum: 0)  // 0: no memory
                let memory: Int? = memoryBars == 0 ? nil : memoryBars
                guard !spec.members.isEmpty else {
                    throw LabSignalsError.invalidParameter(owner: "composite", field: "members", reason: "needs at least one member strategy")
                }
                return try CompositeStrategy(
                    members: try spec.members.map(StrategyCatalog.make), weights: spec.members.map(\.weight), minAgreement: agreement, memory: memory)
            },
        ])
}

/// Builds strategies from ``StrategySpec``s through ``StrategyRegistry``, validating every parameter.
///
/// | name | parameters (defaults) |
/// | --- | --- |
/// | `sma_cross`, `ema_cross` | `fast` (10), `slow` (20), `allow_short` (true) |
/// | `rsi_reversion` | `window` (14), `oversold` (30), `overbought` (70), `exit` (50, or `none`), `allow_short` (true) |
/// | `bollinger` | `window` (20), `k` (2), `mode` (`reversion` or `breakout`), `allow_short` (true) |
/// | `macd` | `fast` (12), `slow` (26), `signal` (9), `allow_short` (true) |
/// | `donchian` | `window` (20), `exit_window` (10), `allow_short` (true) |
/// | `composite` | `min_agreement` (0.5), `memory` (bars, 0: none); members with weights |
public enum StrategyCatalog {
    /// The names `make` knows (the built-ins and any registered since), sorted.
    public static var names: [String] { StrategyRegistry.shared.names }

    /// The strategy `spec` describes; one-line errors name the strategy and the field.
    public static func make(_ spec: StrategySpec) throws -> any SignalStrategy {
        if spec.name == StrategySpec.signalsName, spec.program == nil {
            guard let columns = spec.signalColumns else {
                throw LabSignalsError.invalidParameter(owner: "strategy", field: "signals", reason: "the signal columns are not aligned to the bars yet")
            }
            try ParameterReader(owner: "strategy.signals", values: spec.parameters).rejectUnknown()
            return SignalColumnsStrategy(columns)
        }
        guard let program = spec.program else { return try StrategyRegistry.shared.make(spec.name, parameters: spec.parameters, context: spec) }
        var reader = ParameterReader(owner: "strategy.params", values: spec.parameters)
        var values: [String: Double] = [:]
        for p in program.parameters {
            values[p.name] = try reader.number(p.name, default: p.value, in: -1e15...1e15)
        }
        try reader.rejectUnknown()
        return try RuleStrategy(program, values: values)
    }
}
