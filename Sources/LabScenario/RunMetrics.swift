import Foundation
import LabCore
import LabMetrics
import LabReport
import LabRobustness
import Prometheus

/// Prometheus text exposition of a `gslab run` (node_exporter's textfile-collector style: one
/// snapshot per run, written atomically), through swift-prometheus.
///
/// Gauges, labelled by scenario: `gslab_run_duration_seconds`, `gslab_bars_processed` (bars ×
/// jobs), `gslab_jobs`, `gslab_data_quality_findings{kind}` (with `kind="all"` always present), `gslab_strategy_metric{job, metric}`
/// for the headline job's Sharpe, return and maximum drawdown (metric ids of ``Statistic``),
/// `gslab_robustness{figure}` (the report's robustness figures: dsr, psr, pbo, spa_p_value, …), `gslab_regression_check` (1 when
/// `--check` found a regression, 0 when it passed; absent without a check); and
/// `gslab_run_failures` for the invocation.
public enum RunMetrics {
    /// One scenario's figures.
    public struct Entry: Sendable {
        /// The scenario's report.
        public var report: RunReport
        /// Wall-clock seconds of its run.
        public var seconds: Double
        /// Regressions found by `--check` (nil without a check).
        public var regressions: Int?
        /// One scenario's figures.
        public init(report: RunReport, seconds: Double, regressions: Int?) {
            self.report = report
            self.seconds = seconds
            self.regressions = regressions
        }
    }

    /// The exposition text of `entries` and the invocation's `failures`.
    public static func exposition(_ entries: [Entry], failures: Int) -> String {
        let registry = PrometheusCollectorRegistry()
        for e in entries {
            let scenario = ("scenario", e.report.scenario.name)
            registry.makeGauge(name: "gslab_run_duration_seconds", labels: [scenario], help: "Wall-clock seconds of the run").set(to: e.seconds)
            registry.makeGauge(name: "gslab_jobs", labels: [scenario], help: "Jobs run (stress variants x parameter sets)")
                .set(to: Double(e.report.jobs.count))
            registry.makeGauge(name: "gslab_bars_processed", labels: [scenario], help: "Bars processed (bars x jobs)")
                .set(to: Double(e.report.jobs.reduce(0) { $0 + $1.bars }))
            registry.makeGauge(name: "gslab_data_quality_findings", labels: [scenario, ("kind", "all")], help: "Data-quality findings by kind")
                .set(to: Double(e.report.data_quality.counts.values.reduce(0, +)))
            for kind in e.report.data_quality.counts.keys.sorted() {
                registry.makeGauge(name: "gslab_data_quality_findings", labels: [scenario, ("kind", kind)], help: "Data-quality findings by kind")
                    .set(to: Double(e.report.data_quality.counts[kind]!))
            }
            if let base = e.report.headline {
                for statistic in [Statistic.sharpe_ratio, .return_pct, .max_drawdown_pct] {
                    guard let v = base.stats[statistic.label]?.number, v.isFinite else { continue }
                    registry.makeGauge(
                        name: "gslab_strategy_metric", labels: [scenario, ("job", Baseline.key(base)), ("metric", statistic.id)],
                        help: "Key metrics of the scenario's headline job"
                    ).set(to: v)
                }
            }
            if let robustness = e.report.robustness {
                for figure in RobustnessFigure.kept {
                    guard case let .success(v) = figure.value(in: robustness), v.isFinite else { continue }
                    registry.makeGauge(
                        name: "gslab_robustness", labels: [scenario, ("figure", figure.rawValue)],
                        help: "Robustness figures of the headline (dsr, psr, pbo, spa_p_value, ...; docs/robustness.md)"
                    ).set(to: v)
                }
            }
            if let r = e.regressions {
                registry.makeGauge(name: "gslab_regression_check", labels: [scenario], help: "1 when the baseline check found a regression, else 0")
                    .set(to: r > 0 ? 1 : 0)
            }
        }
        registry.makeGauge(name: "gslab_run_failures", help: "Scenarios of this invocation that failed").set(to: Double(failures))
        return registry.emitToString()
    }
}
