import LabCore

/// A universe portfolio's weights written in the strategy language (`portfolio.weights`), with its
/// parameters and `let` names: parsed and type-checked when it is made, before any data is read.
///
/// The expression may use the cross-sectional operators (`cs_rank`, `cs_top`, `group_zscore`, …)
/// besides everything a strategy may. Its value per symbol and bar is a raw score: a number, or
/// true/false read as 1/0; ``UniverseEvaluator`` computes it and the portfolio normalises it.
public struct WeightsProgram: Sendable, Equatable {
    /// Parameters in declaration order.
    public let parameters: [StrategyProgram.Parameter]
    /// Named sub-expressions in definition order (each may use those above it).
    public let lets: [(name: String, source: StrategyProgram.Source)]
    /// The weights expression.
    public let weights: StrategyProgram.Source
    /// The checked weights expression (the `let`s inlined).
    public let checked: TypedExpression
    /// Whether the expression gives true/false (read as 1/0) rather than numbers.
    public let isBoolean: Bool

    /// Parses and checks a program.
    /// - Throws: ``StrategyProgram/Failure`` naming the key and the place, as for a strategy.
    public init(
        parameters: [StrategyProgram.Parameter], lets: [(name: String, source: StrategyProgram.Source)] = [], weights: StrategyProgram.Source
    ) throws(StrategyProgram.Failure) {
        var seen: Set<String> = []
        for p in parameters {
            try StrategyProgram.checkName(p.name, key: "params.\(p.name)", seen: seen)
            guard p.value.isFinite else {
                throw StrategyProgram.Failure(key: "params.\(p.name)", error: ExpressionError(at: 0, "must be a finite number"))
            }
            seen.insert(p.name)
        }
        var checker = ExpressionChecker(parameters: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) }))
        checker.allowsCrossSection = true
        for (name, source) in lets {
            try StrategyProgram.checkName(name, key: source.key, seen: seen)
            if CrossSectionalFunctions.named(name) != nil {
                throw StrategyProgram.Failure(key: source.key, error: ExpressionError(at: 0, "'\(name)' is a function"))
            }
            if let record = try StrategyProgram.record(source, with: checker) {
                checker.records[name] = record
            } else {
                checker.lets[name] = try StrategyProgram.check(source, with: checker)
            }
            seen.insert(name)
        }
        let (t, type) = try StrategyProgram.check(weights, with: checker)
        self.parameters = parameters
        self.lets = lets
        self.weights = weights
        self.checked = t
        self.isBoolean = type == .boolean
    }

    /// The parameter values by name.
    public var values: [String: Double] { Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) }) }

    /// The expressions by key, as reports echo them.
    public var echo: [String: String] {
        var out = [weights.key: weights.text]
        for (_, source) in lets { out[source.key] = source.text }
        return out
    }

    /// The counts k of every `cs_top`/`cs_bottom` (and grouped form) in the expression, with the
    /// operator's name, under the parameters.
    public var selectionCounts: [(function: String, k: Int)] {
        let values = values
        return checked.nodes.compactMap { e in
            guard case let .crossSection(name, _, _, count?) = e else { return nil }
            return (name, Int(count.number.value(values)))
        }
    }

    public static func == (a: WeightsProgram, b: WeightsProgram) -> Bool {
        a.parameters == b.parameters && a.lets.map(\.name) == b.lets.map(\.name) && a.lets.map(\.source) == b.lets.map(\.source)
            && a.weights == b.weights
    }
}
