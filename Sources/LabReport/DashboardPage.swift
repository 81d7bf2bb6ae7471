import Foundation

/// The monitoring dashboard across runs (`gslab report dashboard`): for each scenario, the
/// baseline job's metrics run after run — Sharpe and return, the signal hit rate and calibration
/// error (drift), anomalies — as trend charts and a table. One self-contained HTML page.
public enum DashboardPage {
    /// One scenario's history: a row per run, oldest first.
    public struct ScenarioTrend: Sendable {
        /// Scenario name.
        public var scenario: String
        /// The job followed (the baseline job's key).
        public var job: String
        /// Runs, oldest first.
        public var runs: [RunPoint]
        /// A scenario's trend over `runs`.
        public init(scenario: String, job: String, runs: [RunPoint]) {
            self.scenario = scenario
            self.job = job
            self.runs = runs
        }
    }

    /// One run's figures (nil where not recorded).
    public struct RunPoint: Sendable {
        /// The run's id.
        public var runID: String
        /// When it was recorded, ISO 8601 UTC.
        public var recordedAt: String
        /// Metric name (as in ``shown``) → value, nil where not recorded.
        public var metrics: [String: Double?]
        /// One run's figures.
        public init(runID: String, recordedAt: String, metrics: [String: Double?]) {
            self.runID = runID
            self.recordedAt = recordedAt
            self.metrics = metrics
        }
    }

    /// The metrics shown, in order.
    public static let shown = ["Sharpe Ratio", "Return [%]", "Max. Drawdown [%]", "signal.hit_rate", "signal.calibration_error", "anomalies"]

    /// The dashboard page: self-contained HTML, every string escaped; `history` names the database in the page.
    public static func render(_ trends: [ScenarioTrend], generatedFrom history: String) -> String {
        let e = HTMLText.escape
        var body =
            "<h1>GoldenSignals Lab — runs</h1><p class=note>From \(e(history)): each scenario's baseline job, run after run (oldest left). Drift in the signal hit rate or calibration error, a falling Sharpe or a burst of anomalies shows here before it shows in a single report.</p>"
        if trends.isEmpty { body += "<p>No runs recorded yet.</p>" }
        for t in trends {
            body += "<section><h2>\(e(t.scenario))</h2><p class=note>job \(e(t.job)), \(t.runs.count) run\(t.runs.count == 1 ? "" : "s")</p><div class=row>"
            for metric in shown {
                let values = t.runs.map { ($0.metrics[metric] ?? nil) ?? .nan }
                var chart = SVGLineChart(
                    title: metric, width: 340, height: 200, lines: [.init(name: "", values: values, color: "#1f77b4", width: 2)],
                    xLabels: (t.runs.first?.recordedAt.prefix(10).description ?? "", t.runs.last?.recordedAt.prefix(10).description ?? ""), logScale: false)
                chart.domain = max(values.count, 2)
                body += "<figure>\(chart.render())</figure>"
            }
            body +=
                "</div>"
                + HTMLReport.table(
                    ["recorded", "run id"] + shown.map(e),
                    t.runs.reversed().prefix(20).map { run in
                        [e(run.recordedAt), e(run.runID)] + shown.map { m in (run.metrics[m] ?? nil).map { HTMLReport.fmt($0) } ?? "—" }
                    }) + "</section>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>GoldenSignals Lab — runs</title>
            <style>body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1150px;color:#222;padding:0 16px}
            h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}table{border-collapse:collapse;font-size:13px}
            td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}
            .note{color:#666;font-size:12px}.row{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}svg{max-width:100%;height:auto}</style>
            </head><body>
            \(body)
            </body></html>

            """
    }
}
