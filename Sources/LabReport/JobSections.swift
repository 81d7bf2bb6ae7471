import LabCore
import LabMetrics
import LabSignals
import LabStress

/// The report's own forms of the signal engine's figures, the trades and the stress annotations (snake_case keys, as
/// every key of report.json): the modules that compute them keep their Swift names; only these
/// types say how the report spells them (schema 2; schema 1 wrote these in camelCase).

/// Signal counts and pass rates, overall, by strategy and per filter rule.
public struct QualityReport: Sendable, Codable, Equatable {
    /// Counts and means of one group of signals.
    public struct Group: Sendable, Codable, Equatable {
        /// Signals the strategies generated.
        public var generated: Int
        /// Signals every filter let through.
        public var passed: Int
        /// Passed signals that open a position (long or short).
        public var entries: Int
        /// Passed signals that close one (flat).
        public var exits: Int
        /// passed / generated (NaN, written null, with none generated).
        public var pass_rate: Double
        /// Mean confidence after calibration and filters, in [0, 1].
        public var mean_confidence: Double
        /// Mean confidence as the strategy gave it.
        public var mean_raw_confidence: Double
        /// Mean quality score, in [0, 1].
        public var mean_quality: Double

        /// The report form of `g`.
        public init(_ g: SignalQualityMetrics.Group) {
            generated = g.generated
            passed = g.passed
            entries = g.entries
            exits = g.exits
            pass_rate = g.passRate
            mean_confidence = g.meanConfidence
            mean_raw_confidence = g.meanRawConfidence
            mean_quality = g.meanQuality
        }
    }

    /// What one filter rule did.
    public struct Filter: Sendable, Codable, Equatable {
        /// The rule's name as in the scenario.
        public var rule: String
        /// Signals the rule saw.
        public var evaluated: Int
        /// Signals it let through.
        public var passed: Int
        /// Signals it rejected.
        public var rejected: Int
        /// Rejections by reason.
        public var reasons: [String: Int]
        /// Signals whose confidence or size it changed.
        public var adjusted: Int

        /// The report form of `f`.
        public init(_ f: FilterRuleStats) {
            rule = f.rule
            evaluated = f.evaluated
            passed = f.passed
            rejected = f.rejected
            reasons = f.reasons
            adjusted = f.adjusted
        }
    }

    /// Every signal.
    public var all: Group
    /// By strategy name.
    public var by_strategy: [String: Group]
    /// Each filter rule, in chain order.
    public var filters: [Filter]

    /// The report form of `m`.
    public init(_ m: SignalQualityMetrics) {
        all = Group(m.all)
        by_strategy = m.byStrategy.mapValues(Group.init)
        filters = m.filters.map(Filter.init)
    }
}

/// How the signals forecast, at one horizon (see ``SignalMonitoring``).
public struct MonitoringReport: Sendable, Codable, Equatable {
    /// One bin of the reliability table.
    public struct Bin: Sendable, Codable, Equatable {
        /// Lowest confidence in the bin (inclusive).
        public var lower: Double
        /// Upper bound (exclusive, but for the last bin's 1).
        public var upper: Double
        /// Outcomes in the bin.
        public var count: Int
        /// Their mean confidence.
        public var mean_confidence: Double
        /// Fraction of them that were hits.
        public var hit_rate: Double
    }

    /// One point of a rolling series: the bar it resolved at and the figure.
    public struct Point: Sendable, Codable, Equatable {
        /// Bar index.
        public var bar: Int
        /// The figure at that bar.
        public var value: Double
    }

    /// Forward horizon of the outcomes, bars.
    public var horizon: Int
    /// Outcomes resolved.
    public var outcomes: Int
    /// Outcomes with a positive signed forward return.
    public var hits: Int
    /// hits / outcomes.
    public var hit_rate: Double
    /// Mean signed simple forward return (fraction).
    public var mean_signed_return: Double
    /// Spearman correlation of confidence with the signed forward return.
    public var information_coefficient: Double
    /// Mean of (confidence − hit)²; lower is better.
    public var brier_score: Double
    /// Brier score of always forecasting the observed hit rate.
    public var baseline_brier: Double
    /// Expected calibration error over the reliability bins (fraction).
    public var calibration_error: Double
    /// The 10-bin reliability table.
    public var reliability: [Bin]
    /// Hit rate of the last `window` outcomes, thinned.
    public var rolling_hit_rate: [Point]
    /// Mean signed return of the last `window` outcomes, thinned.
    public var rolling_mean_return: [Point]
    /// Brier score of the last `window` outcomes, thinned.
    public var rolling_brier: [Point]
    /// IC of each block of `window` outcomes, thinned.
    public var block_information_coefficient: [Point]
    /// The retraining flag.
    public var needs_recalibration: Bool
    /// Outcomes whose signal was traded.
    public var traded_outcomes: Int
    /// Sum of their realised P&L, account currency.
    public var realised_pnl: Double
    /// Mean realised P&L per traded outcome, account currency.
    public var mean_realised_pnl: Double

    /// The report form of `m`.
    public init(_ m: SignalMonitoring) {
        func points(_ p: [SignalMonitoring.RollingPoint]) -> [Point] { p.map { Point(bar: $0.bar, value: $0.value) } }
        horizon = m.horizon
        outcomes = m.outcomes
        hits = m.hits
        hit_rate = m.hitRate
        mean_signed_return = m.meanSignedReturn
        information_coefficient = m.informationCoefficient
        brier_score = m.brierScore
        baseline_brier = m.baselineBrier
        calibration_error = m.calibrationError
        reliability = m.reliability.map { Bin(lower: $0.lower, upper: $0.upper, count: $0.count, mean_confidence: $0.meanConfidence, hit_rate: $0.hitRate) }
        rolling_hit_rate = points(m.rollingHitRate)
        rolling_mean_return = points(m.rollingMeanReturn)
        rolling_brier = points(m.rollingBrier)
        block_information_coefficient = points(m.blockInformationCoefficient)
        needs_recalibration = m.needsRecalibration
        traded_outcomes = m.tradedOutcomes
        realised_pnl = m.realisedPnL
        mean_realised_pnl = m.meanRealisedPnL
    }
}

/// An anomaly on a monitored series (see ``Anomaly``).
public struct AnomalyReport: Sendable, Codable, Equatable {
    /// What was found.
    public var kind: Anomaly.Kind
    /// First bar of the stretch.
    public var first_bar: Int
    /// Last bar of the stretch (inclusive).
    public var last_bar: Int
    /// The most extreme monitored value in it.
    public var value: Double
    /// The threshold it crossed.
    public var threshold: Double

    /// The report form of `a`.
    public init(_ a: Anomaly) {
        kind = a.kind
        first_bar = a.firstBar
        last_bar = a.lastBar
        value = a.value
        threshold = a.threshold
    }
}

/// A closed trade (see ``TradeRecord`` for the conventions: signed size, P&L net of both legs'
/// commissions, return a fraction).
public struct TradeRow: Sendable, Codable, Equatable {
    /// Bar of the entry fill.
    public var entry_bar: Int
    /// Bar of the exit fill.
    public var exit_bar: Int
    /// Entry time, ns since the epoch (UTC).
    public var entry_time: Int64
    /// Exit time, ns since the epoch (UTC).
    public var exit_time: Int64
    /// Signed units (negative short).
    public var size: Double
    /// Average entry price, slippage included.
    public var entry_price: Double
    /// Average exit price, slippage included.
    public var exit_price: Double
    /// Net P&L, account currency.
    public var pnl: Double
    /// Return, a fraction net of commission.
    public var return_pct: Double
    /// Commission of both legs, account currency.
    public var commission: Double
    /// Worst move against the position while held, a fraction ≤ 0.
    public var max_adverse_excursion: Double
    /// Best move for it, a fraction ≥ 0.
    public var max_favorable_excursion: Double
    /// Why it ended.
    public var exit_reason: FillReason

    /// The report form of `t`.
    public init(_ t: TradeRecord) {
        entry_bar = t.entryBar
        exit_bar = t.exitBar
        entry_time = t.entryTime
        exit_time = t.exitTime
        size = t.size
        entry_price = t.entryPrice
        exit_price = t.exitPrice
        pnl = t.pnl
        return_pct = t.returnPct
        commission = t.commission
        max_adverse_excursion = t.maxAdverseExcursion
        max_favorable_excursion = t.maxFavorableExcursion
        exit_reason = t.exitReason
    }
}

/// What a stress transform touched (see ``StressAnnotation``).
public struct AnnotationReport: Sendable, Codable, Equatable {
    /// Transform name (`flash_crash`, `regime_switch`, …).
    public var transform: String
    /// First bar touched.
    public var start: Int
    /// First bar after the touched range.
    public var end: Int
    /// Short description of what was done.
    public var detail: String
    /// Per-bar regime ids over `start..<end` (regime models only).
    public var regimes: [Int]?

    /// The report form of `a`.
    public init(_ a: StressAnnotation) {
        transform = a.transform
        start = a.start
        end = a.end
        detail = a.detail
        regimes = a.regimes
    }
}
