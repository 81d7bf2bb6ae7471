import Foundation
import LabCore

/// The signal engine for one series: strategy → quality score → confidence calibration (feedback
/// loop) → filter chain → targets for the execution simulator, plus the outcomes monitoring reads.
///
/// Order, fixed: the strategy's raw signals are scored (``SignalQualityModel``), then calibrated
/// from earlier outcomes (``ConfidenceCalibrator``, when set), then filtered (``SignalFilterChain``,
/// rules in the order given; the risk adjuster sees the calibrated confidence). Every step reads
/// bars `0...signal.bar` only, so truncating the series after bar t leaves every signal,
/// confidence and filter decision at or before t unchanged.
public struct SignalPipeline: Sendable {
    /// Makes the raw signals.
    public var strategy: any SignalStrategy
    /// Rules a signal must pass to be traded.
    public var filters: SignalFilterChain
    /// Weights of the quality score's components.
    public var qualityWeights: SignalQualityModel.Weights
    /// The feedback loop; nil keeps the strategies' raw confidence.
    public var calibrator: ConfidenceCalibrator?
    /// Forward-return horizons (bars) at which outcomes are monitored.
    public var horizons: [Int]

    /// An engine; horizons are de-duplicated and sorted.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` for a bad calibrator or an empty or non-positive horizon list.
    public init(
        strategy: any SignalStrategy, filters: SignalFilterChain, qualityWeights: SignalQualityModel.Weights = .init(),
        calibrator: ConfidenceCalibrator? = ConfidenceCalibrator(), horizons: [Int] = [1, 5, 20]
    ) throws {
        try calibrator?.validate()
        guard !horizons.isEmpty, horizons.allSatisfy({ $0 >= 1 }) else {
            throw LabSignalsError.invalidParameter(owner: "monitoring", field: "horizons", reason: "need one or more horizons ≥ 1 bar, got \(horizons)")
        }
        self.strategy = strategy
        self.filters = filters
        self.qualityWeights = qualityWeights
        self.calibrator = calibrator
        self.horizons = Array(Set(horizons)).sorted()
    }

    /// Runs the engine over `bars`; `flagged[i]` marks bars data cleaning flagged or repaired.
    public func run(_ bars: BarSeries, flagged: [Bool]? = nil) throws -> SignalRun {
        let indicators = IndicatorCache(bars)
        var raw = strategy.signals(in: indicators)
        let quality = try SignalQualityModel(indicators: indicators, flagged: flagged, lookback: strategy.warmUp, weights: qualityWeights)
        quality.score(&raw)
        calibrator?.calibrate(&raw, close: bars.close)
        let (passed, stats) = filters.apply(raw, indicators: indicators)
        var outcomes: [Int: [SignalOutcome]] = [:]
        for h in horizons { outcomes[h] = SignalOutcomes.compute(raw, close: bars.close, horizon: h) }
        return SignalRun(
            symbol: bars.symbol, barCount: bars.count, signals: raw, passed: passed, filterStats: stats, outcomes: outcomes)
    }
}

/// What the signal engine produced for one series.
public struct SignalRun: Sendable {
    /// Symbol of the series.
    public var symbol: String
    /// Bars in the series.
    public var barCount: Int
    /// Every signal the strategy emitted, scored and calibrated, in bar order.
    public var signals: [Signal]
    /// The signals that passed the filter chain (risk-adjusted), in bar order.
    public var passed: [Signal]
    /// One entry per filter rule, in chain order.
    public var filterStats: [FilterRuleStats]
    /// Outcomes of the directional signals by horizon (bars).
    public var outcomes: [Int: [SignalOutcome]]

    /// Targets for the execution simulator: each passed signal's direction at its bar.
    public var targets: [TargetDirection?] { SignalTargets.targets(passed, count: barCount) }

    /// Size scales per bar for the simulator (1 where no passed signal).
    public var sizeScales: [Double] {
        var out = [Double](repeating: 1, count: barCount)
        for s in passed { out[s.bar] = s.sizeScale }
        return out
    }

    /// The funnel and averages of this run (`quality_metrics`).
    public var qualityMetrics: SignalQualityMetrics { SignalQualityMetrics(signals: signals, passed: passed, filterStats: filterStats) }
}

/// Counts, pass rates and means of a signal run, overall and by strategy.
public struct SignalQualityMetrics: Sendable, Equatable, Codable {
    /// Figures for one strategy (or `all`).
    public struct Group: Sendable, Equatable, Codable {
        /// Signals the strategy emitted.
        public var generated = 0
        /// Signals that passed every filter.
        public var passed = 0
        /// Generated long or short signals.
        public var entries = 0
        /// Generated flat signals (exits).
        public var exits = 0
        /// passed / generated (NaN with no signals).
        public var passRate = Double.nan
        /// Mean confidence (after calibration) and quality of the generated signals.
        public var meanConfidence = Double.nan
        /// Mean confidence before calibration.
        public var meanRawConfidence = Double.nan
        /// Mean quality score in [0, 1].
        public var meanQuality = Double.nan
    }

    /// Figures over every strategy.
    public var all: Group
    /// Figures per the signals' strategy name.
    public var byStrategy: [String: Group]
    /// Each rule's pass rate (passed / evaluated) in chain order, with its counts.
    public var filters: [FilterRuleStats]

    /// Metrics of `signals` (generated), `passed` and the chain's counts.
    public init(signals: [Signal], passed: [Signal], filterStats: [FilterRuleStats]) {
        func group(_ s: [Signal], _ p: [Signal]) -> Group {
            var g = Group()
            g.generated = s.count
            g.passed = p.count
            g.entries = s.filter { $0.direction != .flat }.count
            g.exits = s.count - g.entries
            if !s.isEmpty {
                let n = Double(s.count)
                g.passRate = Double(p.count) / n
                g.meanConfidence = s.reduce(0) { $0 + $1.confidence } / n
                g.meanRawConfidence = s.reduce(0) { $0 + $1.rawConfidence } / n
                g.meanQuality = s.reduce(0) { $0 + $1.quality } / n
            }
            return g
        }
        all = group(signals, passed)
        var by: [String: Group] = [:]
        for name in Set(signals.map(\.strategy)) {
            by[name] = group(signals.filter { $0.strategy == name }, passed.filter { $0.strategy == name })
        }
        byStrategy = by
        filters = filterStats
    }
}
