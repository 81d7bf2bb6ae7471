import LabCore

/// Signals computed outside the lab (bring your own), aligned to the bars one value per bar: a
/// wanted position, or rule columns, and optionally a confidence.
public struct SignalColumns: Sendable, Equatable {
    /// What the columns say.
    public enum Content: Sendable, Equatable {
        /// The wanted position per bar: +1 long, −1 short, 0 flat, NaN: keep the current one.
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
/// A target column emits a signal where the wanted position changes (NaN keeps it); rule columns
/// are decided as ``RuleStrategy`` decides rules. Reasons: `target`, or the rule names.
public struct SignalColumnsStrategy: SignalStrategy {
    /// The aligned columns.
    public let columns: SignalColumns

    /// A strategy of `columns`.
    public init(_ columns: SignalColumns) { self.columns = columns }

    public var name: String { "signals" }
    public var warmUp: Int { 0 }

    public func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        var out: [Signal] = []
        decisions(count: bars.count) { bar, direction, reason, isEntry in
            let c = isEntry ? (columns.confidence.map { v in v[bar].isNaN ? 0 : min(1, max(0, v[bar])) } ?? 1) : 1
            out.append(
                Signal(
                    bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: direction, confidence: c, strategy: name, reason: reason))
        }
        return out
    }

    /// The decisions' directions at their bars, nil elsewhere (what a sweep or `gslab backtest` trades).
    public func fillTargets(_ bars: BarSeries, into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        precondition(targets.count == bars.count, "fillTargets: need \(bars.count) targets")
        for i in targets.indices { targets[i] = nil }
        decisions(count: bars.count) { bar, direction, _, _ in targets[bar] = direction }
    }

    /// `emit(bar, direction, reason, isEntry)` for each decision over the first `count` bars.
    func decisions(count: Int, _ emit: (Int, TargetDirection, String, Bool) -> Void) {
        let n = min(count, columns.count)
        switch columns.content {
        case let .target(values):
            var current = TargetDirection.flat
            for t in 0..<n where !values[t].isNaN {
                let wanted: TargetDirection = values[t] > 0 ? .long : (values[t] < 0 ? .short : .flat)
                guard wanted != current else { continue }
                current = wanted
                emit(t, wanted, "target", wanted != .flat)
            }
        case let .rules(rules):
            let cut = rules.mapValues { Array($0.prefix(n)) }
            RuleStrategy.decide(cut, from: 0, count: n, reentry: columns.reentry) { bar, rule in
                emit(bar, rule.direction, rule.rawValue, rule == .enter_long || rule == .enter_short)
            }
        }
    }
}
