import LabCore

/// A ``StrategyProgram`` under one parameter set: its expressions compiled into one
/// ``ExpressionPlan`` and run as a signal strategy.
///
/// At the close of each bar from ``warmUp`` on, the rules are read in a fixed order:
/// - flat: `enter_long`, else `enter_short`;
/// - long: `enter_short` reverses to short; else `enter_long` re-opens (with ``Reentry/reopen``
///   only); else `exit_long` closes;
/// - short: the mirror image (`enter_long` reverses, `enter_short` re-opens, `exit_short` closes).
///
/// The decision is traded at the scenario's fill timing (next open by default). Entries carry the
/// `confidence` expression's value at the bar, clipped to [0, 1] (a missing value counts 0), or 1
/// without one; exits carry 1. Reasons are the rule names (`enter_long` …). Every value read is
/// from bars 0…t (each kernel is causal), so no rule can look ahead.
public struct RuleStrategy: SignalStrategy {
    /// The program.
    public let program: StrategyProgram
    /// The parameter values it runs with (the declared ones, overlaid by a sweep combination).
    public let values: [String: Double]
    let plan: ExpressionPlan
    /// Plan nodes of the rules and of the confidence.
    let ruleNodes: [RuleKind: Int]
    let confidenceNode: Int?

    /// The first bar a rule is read at: the longest look-back of the rules and the confidence
    /// (derived from the expressions: each function's warm-up added along the chain).
    public let warmUp: Int

    /// The program under `values` (every declared parameter; others are refused by the catalog).
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` naming the rule whose
    ///   window, lag or constant is out of range under these values.
    public init(_ program: StrategyProgram, values: [String: Double]) throws {
        var plan = ExpressionPlan()
        var nodes: [RuleKind: Int] = [:]
        func add(_ t: TypedExpression, key: String) throws -> Int {
            do { return try plan.add(t, values: values) } catch {
                throw LabSignalsError.invalidParameter(owner: "strategy", field: key, reason: error.reason)
            }
        }
        for rule in RuleKind.allCases {
            guard let t = program.checkedRules[rule] else { continue }
            nodes[rule] = try add(t, key: program.rules[rule]!.key)
        }
        confidenceNode = try program.checkedConfidence.map { try add($0, key: program.confidence!.key) }
        self.program = program
        self.values = values
        self.plan = plan
        self.ruleNodes = nodes
        self.warmUp = (Array(nodes.values) + (confidenceNode.map { [$0] } ?? [])).map { plan.warmUps[$0] }.max() ?? 0
    }

    public var name: String { "rules" }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        var out: [Signal] = []
        evaluate(bars) { rules, confidence in
            Self.decide(rules, from: warmUp, count: bars.count, reentry: program.reentry) { bar, rule in
                var c = 1.0
                if let confidence, rule == .enter_long || rule == .enter_short {
                    let v = confidence[bar]
                    c = v.isNaN ? 0 : min(1, max(0, v))
                }
                out.append(
                    Signal(
                        bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: rule.direction, confidence: c, strategy: name,
                        reason: rule.rawValue))
            }
        }
        return out
    }

    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        precondition(targets.count == bars.count, "fillTargets: need \(bars.count) targets")
        for i in targets.indices { targets[i] = nil }
        evaluate(bars, confidence: false) { rules, _ in
            Self.decide(rules, from: warmUp, count: bars.count, reentry: program.reentry) { bar, rule in targets[bar] = rule.direction }
        }
    }

    /// The rules' truth values (and the confidence's numbers) over `bars`.
    func evaluate(_ bars: BarSeries, confidence: Bool = true, _ body: ([RuleKind: [Bool]], [Double]?) -> Void) {
        let kinds = RuleKind.allCases.filter { ruleNodes[$0] != nil }
        var roots = kinds.map { ruleNodes[$0]! }
        if confidence, let c = confidenceNode { roots.append(c) }
        plan.evaluate(bars, groups: [roots]) { _, columns in
            var rules: [RuleKind: [Bool]] = [:]
            for (k, kind) in kinds.enumerated() { rules[kind] = columns[k].booleans(count: bars.count) }
            body(rules, confidence && confidenceNode != nil ? columns.last!.numbers(count: bars.count) : nil)
        }
    }

    /// The decisions of the rules from bar `start` on (see the type's documentation for the order):
    /// `emit(bar, rule)` for each bar where the wanted position changes or an entry re-opens.
    static func decide(_ rules: [RuleKind: [Bool]], from start: Int, count n: Int, reentry: Reentry, emit: (Int, RuleKind) -> Void) {
        let none = [Bool](repeating: false, count: 0)
        let enterLong = rules[.enter_long] ?? none, enterShort = rules[.enter_short] ?? none
        let exitLong = rules[.exit_long] ?? none, exitShort = rules[.exit_short] ?? none
        let reopen = reentry == .reopen
        var position = TargetDirection.flat
        func fires(_ r: [Bool], _ t: Int) -> Bool { !r.isEmpty && r[t] }
        for t in Swift.max(0, start)..<Swift.max(Swift.max(0, start), n) {
            var rule: RuleKind?
            switch position {
            case .flat:
                rule = fires(enterLong, t) ? .enter_long : (fires(enterShort, t) ? .enter_short : nil)
            case .long:
                if fires(enterShort, t) {
                    rule = .enter_short
                } else if reopen && fires(enterLong, t) {
                    rule = .enter_long
                } else if fires(exitLong, t) {
                    rule = .exit_long
                }
            case .short:
                if fires(enterLong, t) {
                    rule = .enter_long
                } else if reopen && fires(enterShort, t) {
                    rule = .enter_short
                } else if fires(exitShort, t) {
                    rule = .exit_short
                }
            }
            guard let rule else { continue }
            position = rule.direction
            emit(t, rule)
        }
    }
}
