import LabCore

/// Signals computed outside the lab (bring your own), aligned to the bars one value per bar: a
/// wanted position, or rule columns, and optionally a confidence.
public struct SignalColumns: Sendable, Equatable {
    /// What the columns say.
    public enum Content: Sendable, Equatable {
        /// The wanted position per bar as a fraction of equity in [−1, 1] (+1 all long, −0.5 half
        /// short, 0 flat); NaN keeps the current one.
        case target([Double])
        /// Rule columns (true where the rule fires), read in the order of ``RuleStrategy``.
        case rules([RuleKind: [Bool]])
    }

    /// The columns, `count` values each.
    public var content: Content
    /// Entry confidence per bar in [0, 1] (nil: entries carry 1).
    public var confidence: [Double]?
    /// What a rule entry that fires while its position is held does.
    public var reentry: Reentry
    /// Bars the columns cover (the bars they were aligned to).
    public var count: Int

    /// Aligned columns.
    public init(content: Content, confidence: [Double]? = nil, reentry: Reentry = .hold, count: Int) {
        self.content = content
        self.confidence = confidence
        self.reentry = reentry
        self.count = count
    }
}

/// The strategy of ``SignalColumns``: the decision at bar t is the columns' value at bar t, traded
/// at the scenario's fill timing (next open by default), like any strategy's signal at the close of
/// bar t. The columns are fixed bar for bar: run on other bars (a stress variant) the strategy
/// sends the same signals at the same bar indices, so the variant stresses the execution only;
/// bars beyond the columns get no signal. No warm-up.
///
/// A target column emits a signal where the wanted fraction changes (NaN keeps it), resizing a
/// position held on the same side; rule columns are decided as ``RuleStrategy`` decides rules.
/// Reasons: `target`, or the rule names.
public struct SignalColumnsStrategy: SignalStrategy {
    /// The aligned columns.
    public let columns: SignalColumns

    /// A strategy of `columns`.
    public init(_ columns: SignalColumns) { self.columns = columns }

    public var name: String { "signals" }
    public var warmUp: Int { 0 }

    /// A target column sets sizes (its orders resize a held position).
    public var sizesPositions: Bool {
        if case .target = columns.content { return true }
        return false
    }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        var out: [Signal] = []
        decisions(count: bars.count) { bar, direction, scale, reason in
            let c = direction != .flat ? (columns.confidence.map { v in v[bar].isNaN ? 0 : min(1, max(0, v[bar])) } ?? 1) : 1
            var signal = Signal(
                bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: direction, confidence: c, strategy: name, reason: reason,
                sizeScale: scale)
            signal.resizes = sizesPositions && direction != .flat
            out.append(signal)
        }
        return out
    }

    /// The decisions' directions at their bars, nil elsewhere (what `gslab backtest` or a sweep
    /// trades for rule columns; a target column's sizes need ``signals(in:)``).
    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        precondition(targets.count == bars.count, "fillTargets: need \(bars.count) targets")
        targets.update(repeating: nil)
        decisions(count: bars.count) { bar, direction, _, _ in targets[bar] = direction }
    }

    /// `emit(bar, direction, size scale, reason)` for each decision over the first `count` bars.
    func decisions(count: Int, _ emit: (Int, TargetDirection, Double, String) -> Void) {
        let n = min(count, columns.count)
        switch columns.content {
        case let .target(values):
            RuleStrategy.decideTargets(values, from: 0, count: n) { bar, wanted in
                let direction: TargetDirection = wanted > 0 ? .long : (wanted < 0 ? .short : .flat)
                emit(bar, direction, direction == .flat ? 1 : abs(wanted), "target")
            }
        case let .rules(rules):
            let cut = rules.mapValues { Array($0.prefix(n)) }
            RuleStrategy.decide(cut, from: 0, count: n, reentry: columns.reentry) { bar, rule in emit(bar, rule.direction, 1, rule.rawValue) }
        }
    }
}
