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
/// With a `target:` instead of rules, the wanted fraction of equity (clipped to [−1, 1]; NaN
/// keeps the position) is read at every bar from the warm-up on and a signal sent where it
/// changes, sized by |target| and resizing a position held on the same side.
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
    /// Plan nodes of the rules, of the target and of the confidence.
    let ruleNodes: [RuleKind: Int]
    let targetNode: Int?
    let confidenceNode: Int?

    /// The first bar a rule (or the target) is read at: the longest look-back of the expressions
    /// and the confidence (derived from them: each function's warm-up added along the chain).
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
        targetNode = try program.checkedTarget.map { try add($0, key: program.target!.key) }
        confidenceNode = try program.checkedConfidence.map { try add($0, key: program.confidence!.key) }
        self.program = program
        self.values = values
        self.plan = plan
        self.ruleNodes = nodes
        self.warmUp = (Array(nodes.values) + [targetNode, confidenceNode].compactMap { $0 }).map { plan.warmUps[$0] }.max() ?? 0
    }

    public var name: String { "rules" }

    /// A target strategy sets sizes (its orders resize a held position).
    public var sizesPositions: Bool { targetNode != nil }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        var out: [Signal] = []
        decisions(bars, confidence: true) { bar, direction, scale, reason, confidence in
            var signal = Signal(
                bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: direction, confidence: confidence, strategy: name,
                reason: reason, sizeScale: scale)
            signal.resizes = targetNode != nil && direction != .flat
            out.append(signal)
        }
        return out
    }

    /// The decisions' directions at their bars, nil elsewhere, without confidences (what a sweep
    /// trades for a rules strategy; a target strategy's sizes need ``signals(in:)``).
    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        precondition(targets.count == bars.count, "fillTargets: need \(bars.count) targets")
        targets.update(repeating: nil)
        decisions(bars, confidence: false) { bar, direction, _, _, _ in targets[bar] = direction }
    }

    /// `emit(bar, direction, size scale, reason, confidence)` for every decision over `bars`:
    /// the rules' (scale 1, the rule's name) or the target's (scale |target|, `target`). Entries
    /// carry the confidence expression's value clipped to [0, 1] (NaN counts 0), else 1; exits 1.
    func decisions(_ bars: BarSeries, confidence: Bool, _ emit: (Int, TargetDirection, Double, String, Double) -> Void) {
        let shortcut = SMACrossingShortcut(plan, bars: bars)
        // Rules that are all crossings of SMA pairs are decided from the crossover kernels' events
        // alone: no column of a bar is made.
        if targetNode == nil, let shortcut, ruleNodes.values.allSatisfy({ shortcut.provided[$0] != nil }) {
            var conviction: [Double]?
            if confidence, let c = confidenceNode {
                plan.evaluate(bars, groups: [[c]], sharedBytes: 64 << 20, shortcut: shortcut) { _, columns in conviction = columns[0].numbers(count: bars.count)
                }
            }
            Self.decide(events: ruleNodes.mapValues { shortcut.bars(of: $0) }, from: warmUp, count: bars.count, reentry: program.reentry) { bar, rule in
                let entry = rule == .enter_long || rule == .enter_short
                emit(bar, rule.direction, 1, rule.rawValue, entry ? Self.clipped(conviction, at: bar) : 1)
            }
            return
        }
        evaluate(bars, confidence: confidence, shortcut: shortcut) { rules, target, confidence in
            if let target {
                Self.decideTargets(target, from: warmUp, count: bars.count) { bar, wanted in
                    let direction: TargetDirection = wanted > 0 ? .long : (wanted < 0 ? .short : .flat)
                    emit(bar, direction, direction == .flat ? 1 : abs(wanted), "target", direction == .flat ? 1 : Self.clipped(confidence, at: bar))
                }
                return
            }
            Self.decide(rules, from: warmUp, count: bars.count, reentry: program.reentry) { bar, rule in
                let entry = rule == .enter_long || rule == .enter_short
                emit(bar, rule.direction, 1, rule.rawValue, entry ? Self.clipped(confidence, at: bar) : 1)
            }
        }
    }

    /// The confidence at `bar` clipped to [0, 1] (NaN counts 0), or 1 without a confidence.
    static func clipped(_ confidence: [Double]?, at bar: Int) -> Double {
        guard let confidence else { return 1 }
        let v = confidence[bar]
        return v.isNaN ? 0 : min(1, max(0, v))
    }

    /// The wanted fractions of equity from bar `start` on: `emit(bar, fraction)` where the target,
    /// clipped to [−1, 1], differs from the last one emitted (0 before the first); NaN keeps it.
    static func decideTargets(_ values: [Double], from start: Int, count n: Int, emit: (Int, Double) -> Void) {
        var current = 0.0
        for t in Swift.max(0, start)..<Swift.max(Swift.max(0, start), Swift.min(n, values.count)) where !values[t].isNaN {
            let wanted = Swift.min(1, Swift.max(-1, values[t]))
            guard wanted != current else { continue }
            current = wanted
            emit(t, wanted)
        }
    }

    /// The rules that are never true over `bars` from the warm-up on (in rule order): such a rule
    /// can never act on this data, which a report states as a warning.
    public func silentRules(_ bars: BarSeries) -> [RuleKind] {
        var silent: [RuleKind] = []
        evaluate(bars, confidence: false) { rules, _, _ in
            silent = RuleKind.allCases.filter { kind in rules[kind].map { !$0.dropFirst(warmUp).contains(true) } ?? false }
        }
        return silent
    }

    /// The rules' truth values (or the target's numbers) and the confidence's numbers over `bars`.
    func evaluate(
        _ bars: BarSeries, confidence: Bool = true, shortcut: SMACrossingShortcut? = nil, _ body: ([RuleKind: [Bool]], [Double]?, [Double]?) -> Void
    ) {
        let kinds = RuleKind.allCases.filter { ruleNodes[$0] != nil }
        var roots = kinds.map { ruleNodes[$0]! }
        if let t = targetNode { roots.append(t) }
        if confidence, let c = confidenceNode { roots.append(c) }
        plan.evaluate(bars, groups: [roots], sharedBytes: 64 << 20, shortcut: shortcut ?? SMACrossingShortcut(plan, bars: bars)) { _, columns in
            var rules: [RuleKind: [Bool]] = [:]
            for (k, kind) in kinds.enumerated() { rules[kind] = columns[k].booleans(count: bars.count) }
            let target = targetNode.map { _ in columns[kinds.count].numbers(count: bars.count) }
            body(rules, target, confidence && confidenceNode != nil ? columns.last!.numbers(count: bars.count) : nil)
        }
    }

    /// The decisions of the rules from bar `start` on (see the type's documentation for the order):
    /// `emit(bar, rule)` for each bar where the wanted position changes or an entry re-opens.
    ///
    /// One pass packs the rules into a bit mask per bar; the bars where no rule fires (most of
    /// them) are skipped eight at a time.
    static func decide(_ rules: [RuleKind: [Bool]], from start: Int, count n: Int, reentry: Reentry, emit: (Int, RuleKind) -> Void) {
        let first = Swift.max(0, start)
        guard first < n else { return }
        var mask = [UInt8](repeating: 0, count: n)
        for (bit, rule) in RuleKind.allCases.enumerated() {
            guard let r = rules[rule] else { continue }
            precondition(r.count >= n, "decide: a rule column is shorter than the bars")
            r.withUnsafeBytes { r in
                mask.withUnsafeMutableBytes { m in
                    // A Bool is one byte, 0 or 1: eight bars per step, each byte shifted to the rule's bit.
                    var t = first
                    while t + 8 <= n {
                        let word = r.loadUnaligned(fromByteOffset: t, as: UInt64.self) << UInt64(bit)
                        m.storeBytes(of: m.loadUnaligned(fromByteOffset: t, as: UInt64.self) | word, toByteOffset: t, as: UInt64.self)
                        t += 8
                    }
                    while t < n {
                        m[t] |= r[t] << UInt8(bit)
                        t += 1
                    }
                }
            }
        }
        var machine = RuleMachine(reopen: reentry == .reopen)
        mask.withUnsafeBufferPointer { m in
            let bytes = UnsafeRawPointer(m.baseAddress!)
            var t = first
            while t < n {
                while t + 8 <= n && bytes.loadUnaligned(fromByteOffset: t, as: UInt64.self) == 0 { t += 8 }
                while t < n && m[t] == 0 { t += 1 }
                guard t < n else { break }
                if let rule = machine.step(m[t]) { emit(t, rule) }
                t += 1
            }
        }
    }

    /// ``decide(_:from:count:reentry:emit:)`` from the bars where each rule fires (ascending), in
    /// time proportional to their number.
    static func decide(events: [RuleKind: [Int32]], from start: Int, count n: Int, reentry: Reentry, emit: (Int, RuleKind) -> Void) {
        // Each rule's bars are ascending: merge them (no sort), the rules firing on a bar as a mask.
        let lists = RuleKind.allCases.map { events[$0] ?? [] }
        var heads = lists.map { list in list.firstIndex { Int($0) >= start } ?? list.count }
        var machine = RuleMachine(reopen: reentry == .reopen)
        while true {
            var bar = Int32.max
            for r in lists.indices where heads[r] < lists[r].count { bar = min(bar, lists[r][heads[r]]) }
            guard bar != Int32.max, Int(bar) < n else { return }
            var mask: UInt8 = 0
            for r in lists.indices where heads[r] < lists[r].count && lists[r][heads[r]] == bar {
                mask |= UInt8(1) << UInt8(r)
                heads[r] += 1
            }
            if let rule = machine.step(mask) { emit(Int(bar), rule) }
        }
    }
}

/// The position the rules hold and the rule that acts on a bar, given the rules firing there as a
/// bit mask (bit k: ``RuleKind`` case k), in the order of ``RuleStrategy``'s documentation.
struct RuleMachine {
    let reopen: Bool
    var position = TargetDirection.flat

    init(reopen: Bool) { self.reopen = reopen }

    /// The rule that acts when `fired` rules fire (nil: none), the position updated.
    mutating func step(_ fired: UInt8) -> RuleKind? {
        let enterLong: UInt8 = 1, exitLong: UInt8 = 2, enterShort: UInt8 = 4, exitShort: UInt8 = 8
        var rule: RuleKind?
        switch position {
        case .flat:
            rule = fired & enterLong != 0 ? .enter_long : (fired & enterShort != 0 ? .enter_short : nil)
        case .long:
            if fired & enterShort != 0 {
                rule = .enter_short
            } else if reopen && fired & enterLong != 0 {
                rule = .enter_long
            } else if fired & exitLong != 0 {
                rule = .exit_long
            }
        case .short:
            if fired & enterLong != 0 {
                rule = .enter_long
            } else if reopen && fired & enterShort != 0 {
                rule = .enter_short
            } else if fired & exitShort != 0 {
                rule = .exit_short
            }
        }
        if let rule { position = rule.direction }
        return rule
    }
}

extension RuleStrategy: BatchedTargets {
    /// The targets of every strategy of `batch` (a sweep's combinations) from one plan: a
    /// sub-expression that several combinations share under their parameter values — `sma(close,
    /// fast)` for every combination with fast = 10 — is computed once and kept for the next
    /// combination needing it (within ``ExpressionPlan/evaluate(_:groups:sharedBytes:consume:)``'s
    /// budget). The same targets as each strategy's own ``fillTargets(_:into:)`` (tested).
    public static func batchTargets(_ batch: [RuleStrategy], bars: BarSeries) -> [TargetEvents] {
        var plan = ExpressionPlan()
        var groups: [[Int]] = [], kinds: [[RuleKind]] = []
        for s in batch {
            let rules = RuleKind.allCases.filter { s.program.checkedRules[$0] != nil }
            // The strategy was built from these values, so every node plans (a failure would be a
            // bug: fall back to the strategy's own plan).
            guard let roots = try? rules.map({ try plan.add(s.program.checkedRules[$0]!, values: s.values) }) else {
                return batch.map { $0.ownEvents(bars) }
            }
            groups.append(roots)
            kinds.append(rules)
        }
        var out = [TargetEvents](repeating: TargetEvents(), count: batch.count)
        let shortcut = SMACrossingShortcut(plan, bars: bars)
        func record(_ g: Int) -> (Int, RuleKind) -> Void {
            { bar, rule in
                out[g].bars.append(Int32(bar))
                out[g].directions.append(rule.direction)
            }
        }
        // Combinations whose rules are all SMA-pair crossings are decided from the kernels' events.
        if let shortcut, groups.allSatisfy({ $0.allSatisfy { shortcut.provided[$0] != nil } }) {
            for g in batch.indices {
                let events = Dictionary(uniqueKeysWithValues: zip(kinds[g], groups[g].map(shortcut.bars(of:))))
                decide(events: events, from: batch[g].warmUp, count: bars.count, reentry: batch[g].program.reentry, emit: record(g))
            }
            return out
        }
        plan.evaluate(bars, groups: groups, sharedBytes: 64 << 20, shortcut: shortcut) { g, columns in
            var rules: [RuleKind: [Bool]] = [:]
            for (k, kind) in kinds[g].enumerated() { rules[kind] = columns[k].booleans(count: bars.count) }
            decide(rules, from: batch[g].warmUp, count: bars.count, reentry: batch[g].program.reentry, emit: record(g))
        }
        return out
    }

    /// The events of this strategy's own plan.
    func ownEvents(_ bars: BarSeries) -> TargetEvents {
        var events = TargetEvents()
        decisions(bars, confidence: false) { bar, direction, _, _, _ in
            events.bars.append(Int32(bar))
            events.directions.append(direction)
        }
        return events
    }
}
