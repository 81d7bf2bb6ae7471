import Foundation
import LabCore
import LabMetrics

/// The metrics CI holds a strategy to: a baseline file written from a report
/// (`gslab baseline update`), and the comparison of a new report with it (`gslab check`).
public struct Baseline: Sendable, Codable, Equatable {
    /// Version of the baseline file format.
    public static let formatVersion = 1

    /// Format version of this file (``formatVersion`` when written).
    public var baseline_version = Baseline.formatVersion
    /// `schema_version` of the report it was taken from; a report of another schema cannot be checked against it.
    public var report_schema_version: Int
    /// Name of the scenario the report ran.
    public var scenario: String
    /// Run id of the report the baseline was taken from.
    public var run_id: String
    /// Job key (`variant fast=10,slow=30`) → metric → value.
    public var metrics: [String: [String: Double]]
    /// The hash of the scenario text the report ran (``RunReport/ScenarioEcho/hash``); absent in
    /// baselines taken before it was recorded.
    public var scenario_hash: String?
    /// Requirements the gate also holds every report to (`dsr >= 0.95`; ``Requirement``), as
    /// written; absent when none.
    public var requirements: [String]?

    /// The baseline metrics of every job of `report`.
    public init(report: RunReport) {
        report_schema_version = report.schema_version
        scenario = report.scenario.name
        run_id = report.run_id
        scenario_hash = report.scenario.hash
        var m: [String: [String: Double]] = [:]
        for job in report.jobs { m[Self.key(job)] = Self.values(job) }
        if let robustness = report.robustness {
            var figures: [String: Double] = [:]
            for f in RobustnessFigure.kept { if case let .success(v) = f.value(in: robustness), v.isFinite { figures[f.rawValue] = v } }
            if !figures.isEmpty { m[Self.robustnessKey] = figures }
        }
        metrics = m
    }

    /// Why this baseline cannot gate a report of the scenario named `name` — it was taken from
    /// another scenario, or it holds no metrics (a gate that would check nothing) — or nil.
    /// A baseline of another scenario — another name, or the same name with another text (hash) —
    /// is refused unless `acrossScenarios` (a comparison made on purpose).
    public func mismatch(scenario name: String, hash: String? = nil, acrossScenarios: Bool = false) -> String? {
        if scenario != name && !acrossScenarios {
            return
                "baseline of scenario \"\(scenario)\", the report ran \"\(name)\" (take its own with gslab baseline update, or compare on purpose with --across-scenarios)"
        }
        if let taken = scenario_hash, let hash, taken != hash, !acrossScenarios {
            return
                "baseline taken from another text of scenario \"\(scenario)\" (hash \(taken), the report ran \(hash)): take a new one with gslab baseline update, or compare on purpose with --across-scenarios"
        }
        if metrics.isEmpty { return "the baseline holds no metrics, so nothing would be checked (take one with gslab baseline update)" }
        return nil
    }

    /// The job's key: its variant and its parameters, sorted.
    public static func key(_ job: JobReport) -> String {
        job.variant + " " + job.parameters.keys.sorted().map { "\($0)=\(job.parameters[$0]!)" }.joined(separator: ",")
    }

    /// Which way a metric is better.
    public enum Direction: String, Sendable, Codable {
        /// Higher is better / lower is better.
        case higher, lower
        /// Neither: a move beyond the tolerance is reported as a change, not a regression.
        case either
    }

    /// The statistics a baseline keeps (their labels are the baseline's metric names; their
    /// directions say what a regression is).
    public static let watchedStatistics: [Statistic] = [
        .return_pct, .equity_final, .sharpe_ratio, .sortino_ratio, .calmar_ratio, .max_drawdown_pct, .annual_volatility_pct, .win_rate_pct,
        .profit_factor, .expectancy_pct, .sqn, .trades, .cost_drag_bps,
    ]

    /// The signal-monitoring figures a baseline keeps, with their direction.
    public static let watchedSignals: [(name: String, direction: Direction)] = [
        ("signal.hit_rate", .higher), ("signal.brier", .lower), ("signal.calibration_error", .lower), ("signal.information_coefficient", .higher),
    ]

    /// The metrics a baseline keeps, with their direction: backtesting.py's statistics where a
    /// direction is clear, costs, and the signal-monitoring figures.
    public static let watched: [(name: String, direction: Direction)] =
        watchedStatistics.map { s in
            (s.label, s.direction == .higherIsBetter ? .higher : s.direction == .lowerIsBetter ? .lower : .either)
        } + watchedSignals + RobustnessFigure.kept.map { ($0.rawValue, $0.higherIsBetter ? .higher : .lower) }

    /// The key under which a baseline (and the run history) keeps the report's robustness figures.
    public static let robustnessKey = "robustness"

    /// The metric a user named in `--tolerance`: a statistic by id, label or alias (its label is
    /// the baseline's name), a signal figure (`signal.hit_rate`) or a robustness figure (`dsr`).
    /// - Throws: ``LabMetricsError/unknownStatistic(field:name:suggestion:)`` for anything else.
    public static func metric(named name: String, field: String) throws -> String {
        if watchedSignals.contains(where: { $0.name == name }) { return name }
        if let f = RobustnessFigure(rawValue: name), RobustnessFigure.kept.contains(f) { return f.rawValue }
        if let s = Statistic(named: name) { return s.label }
        let ids = Statistic.names + watchedSignals.map(\.name) + RobustnessFigure.kept.map(\.rawValue)
        throw LabMetricsError.unknownStatistic(
            field: field, name: name, suggestion: NameSuggestion.closest(to: name.replacingOccurrences(of: " ", with: "_"), in: ids))
    }

    static func values(_ job: JobReport) -> [String: Double] {
        var out: [String: Double] = [:]
        for s in watchedStatistics {
            if case let .number(v)? = job.stats[s.label] { out[s.label] = v }
        }
        let m = job.signals.monitoring
        out["signal.hit_rate"] = m.hit_rate
        out["signal.brier"] = m.brier_score
        out["signal.calibration_error"] = m.calibration_error
        out["signal.information_coefficient"] = m.information_coefficient
        return out
    }
}

/// How far a metric may move before it counts: `max(absolute, relative · |baseline|)`.
public struct Tolerance: Sendable, Equatable {
    /// Smallest allowed move, in the metric's own units.
    public var absolute: Double
    /// Allowed move as a fraction of |baseline| (0.01 = 1 %).
    public var relative: Double

    /// A tolerance; by default 1 % of the baseline, at least 1e-9.
    public init(absolute: Double = 1e-9, relative: Double = 0.01) {
        self.absolute = absolute
        self.relative = relative
    }

    /// `rel:0.05`, `abs:0.1` or both `rel:0.05,abs:0.1`.
    public init?(text: String) {
        var t = Tolerance(absolute: 0, relative: 0)
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, let v = Double(kv[1]), v >= 0, v.isFinite else { return nil }
            switch kv[0] {
            case "rel": t.relative = v
            case "abs": t.absolute = v
            default: return nil
            }
        }
        self = t
    }

    func allowed(_ base: Double) -> Double { max(absolute, relative * abs(base)) }
}

/// A report held against a baseline.
public struct BaselineComparison: Sendable {
    /// What happened to a metric: worse, better or moved with no better direction beyond tolerance, gone from the report, or new in it.
    public enum Status: String, Sendable {
        /// Worse beyond tolerance; better beyond it; moved with no better direction; gone from the report; new in it; within tolerance.
        case regression, improvement, changed, missing, new, within
    }

    /// One metric of one job that moved (or went missing).
    public struct Row: Sendable {
        /// Job key (`variant fast=10,slow=30`).
        public var job: String
        /// Metric name, as in the baseline file.
        public var metric: String
        /// Value in the baseline (NaN for a whole job that is new).
        public var baseline: Double
        /// Value in the report (NaN when the metric or job is missing).
        public var current: Double
        /// The tolerance's allowed move for this baseline value.
        public var allowed: Double
        /// The verdict.
        public var status: Status
    }

    /// Every metric compared (status ``Status/within`` when it stayed within its tolerance) and
    /// every job gone or new, in job then metric order.
    public var checks: [Row]
    /// What moved beyond its tolerance, in job then metric order.
    public var rows: [Row] { checks.filter { $0.status != .within } }
    /// The baseline's own requirements and the caller's, checked against the report.
    public var requirements: RequirementCheck
    /// What fails the gate: regressions, missing metrics and failed requirements.
    public var regressions: Int { rows.filter { $0.status == .regression || $0.status == .missing }.count + requirements.failures }
    /// Metrics compared.
    public var compared: Int

    /// Compares `report` with `baseline`; `tolerances` by metric name override `default`; the
    /// baseline's requirements and `requirements` are checked too.
    /// - Throws: ``BaselineError/incompatible(_:)`` when the baseline is of another format or
    ///   report schema, of another scenario (unless `acrossScenarios`), or holds no metrics (a
    ///   gate that checks nothing); ``RequirementError`` for a requirement of the baseline that
    ///   does not parse.
    public init(
        report: RunReport, baseline: Baseline, tolerances: [String: Tolerance] = [:], default fallback: Tolerance = Tolerance(),
        acrossScenarios: Bool = false, requirements extra: [Requirement] = []
    ) throws {
        guard baseline.baseline_version == Baseline.formatVersion else {
            throw BaselineError.incompatible("baseline format \(baseline.baseline_version), this gslab reads \(Baseline.formatVersion)")
        }
        guard
            baseline.report_schema_version == report.schema_version
                || (RunReport.baselineSchemas.contains(baseline.report_schema_version) && RunReport.baselineSchemas.contains(report.schema_version))
        else {
            throw BaselineError.incompatible(
                "baseline taken from report schema \(baseline.report_schema_version), the report has schema \(report.schema_version)")
        }
        if let why = baseline.mismatch(scenario: report.scenario.name, hash: report.scenario.hash, acrossScenarios: acrossScenarios) {
            throw BaselineError.incompatible(why)
        }
        let current = Baseline(report: report)
        let direction = Dictionary(uniqueKeysWithValues: Baseline.watched.map { ($0.name, $0.direction) })
        var rows: [Row] = []
        var compared = 0
        for job in baseline.metrics.keys.sorted() {
            guard let now = current.metrics[job] else {
                rows.append(Row(job: job, metric: "(job)", baseline: .nan, current: .nan, allowed: 0, status: .missing))
                continue
            }
            let then = baseline.metrics[job]!
            for metric in then.keys.sorted() {
                compared += 1
                let b = then[metric]!, c = now[metric] ?? .nan
                let tolerance = tolerances[metric] ?? fallback
                let allowed = tolerance.allowed(b)
                if b.isNaN && c.isNaN { continue }
                let d = direction[metric] ?? .either
                var status: Status?
                if b.isNaN != c.isNaN {
                    status = d == .either ? .changed : (c.isNaN ? .regression : .improvement)
                } else if abs(c - b) > allowed {
                    switch d {
                    case .higher: status = c < b ? .regression : .improvement
                    case .lower: status = c > b ? .regression : .improvement
                    case .either: status = .changed
                    }
                }
                rows.append(Row(job: job, metric: metric, baseline: b, current: c, allowed: allowed, status: status ?? .within))
            }
        }
        for job in current.metrics.keys.sorted() where baseline.metrics[job] == nil {
            rows.append(Row(job: job, metric: "(job)", baseline: .nan, current: .nan, allowed: 0, status: .new))
        }
        checks = rows
        self.compared = compared
        let own = try (baseline.requirements ?? []).enumerated().map { k, text in try Requirement(text, field: "baseline requirements[\(k)]") }
        requirements = RequirementCheck(report: report, requirements: own + extra)
    }

    /// A compact text table of what moved.
    public func rendered() -> String {
        let required = requirements.rendered()
        guard !rows.isEmpty else {
            return required + "no metric moved beyond its tolerance (\(compared) compared)"
                + (requirements.failures > 0 ? ", \(requirements.failures) requirement\(requirements.failures == 1 ? "" : "s") failed" : "") + "\n"
        }
        let jobWidth = max(3, rows.map(\.job.count).max()!), metricWidth = max(6, rows.map(\.metric.count).max()!)
        func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        func num(_ v: Double) -> String { v.isNaN ? "—" : String(format: "%.6g", v) }
        let worse = regressions - requirements.failures
        var out =
            required + pad("job", jobWidth) + "  " + pad("metric", metricWidth) + "  " + pad("baseline", 12) + "  " + pad("current", 12) + "  "
            + pad("allowed", 10)
            + "  status\n"
        for r in rows {
            out +=
                pad(r.job, jobWidth) + "  " + pad(r.metric, metricWidth) + "  " + pad(num(r.baseline), 12) + "  " + pad(num(r.current), 12) + "  "
                + pad(num(r.allowed), 10) + "  " + r.status.rawValue + "\n"
        }
        out +=
            "\(worse) regression\(worse == 1 ? "" : "s"), \(rows.count - worse) other move\(rows.count - worse == 1 ? "" : "s"), \(compared) metrics compared"
            + (requirements.failures > 0 ? ", \(requirements.failures) requirement\(requirements.failures == 1 ? "" : "s") failed" : "") + "\n"
        return out
    }
}

/// Errors of baselines: one line each.
public enum BaselineError: LabError, Equatable {
    /// The report and the baseline (or the shards) cannot be compared; the reason.
    case incompatible(String)

    public var description: String {
        switch self {
        case let .incompatible(reason): "baseline: incompatible: \(reason)"
        }
    }
}
