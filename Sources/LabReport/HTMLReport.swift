import Foundation
import LabCore
import LabMetrics

/// report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) drawn
/// from a ``RunReport``. Every string that comes from a scenario or a dataset is HTML-escaped.
///
/// Sections: summary cards of the baseline; equity and drawdown of the baseline and every stress
/// variant overlaid (stress windows and regimes shaded, the baseline's trade entries ticked under
/// the plot); the stress comparison; the sweep (a heatmap when the grid has two parameters); data
/// quality; the signal funnel, the calibration (reliability) plot, monitoring and anomalies; every
/// statistic per variant.
public enum HTMLReport {
    /// Whether a variant is one of the stress suite's bootstrap paths (`bootstrap_1` … `bootstrap_N`),
    /// drawn together as a fan.
    public static func isBootstrapPath(_ variant: String) -> Bool {
        variant.hasPrefix("bootstrap_") && Int(variant.dropFirst("bootstrap_".count)) != nil
    }

    static let palette = ["#000000", "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]

    /// The page.
    public static func render(_ r: RunReport) -> String {
        let e = HTMLText.escape
        // One job per variant: the first parameter set (the stress comparison's jobs).
        let shown = r.stress_comparison.compactMap { row in r.jobs.first { $0.id == row.job } }
        guard let base = shown.first else { return page(r, body: "<p>No jobs.</p>") }
        var body = ""

        // Header and summary cards.
        let s = r.scenario
        body += "<header><h1>\(e(s.name))</h1><p>\(e(s.description))</p>"
        body +=
            table(
                ["", ""],
                [
                    ["symbol", e(s.symbol)], ["dataset", e(s.dataset) + (s.start.map { " from \(e($0))" } ?? "") + (s.end.map { " to \(e($0))" } ?? "")],
                    ["strategy", e(s.strategy) + " " + e(s.parameters.keys.sorted().map { "\($0)=\(s.parameters[$0]!)" }.joined(separator: ", "))],
                ] + (s.program ?? [:]).keys.sorted().map { key in [e(key), "<code>\(e(s.program![key]!))</code>"] } + [
                    ["filters", e(s.filters.joined(separator: " → "))], ["variants", e(s.variants.joined(separator: ", "))],
                    ["parameter sets", "\(s.parameter_sets)"],
                    [
                        "headline job",
                        "\(base.id) " + e(base.parameters.keys.sorted().map { "\($0)=\(base.parameters[$0]!)" }.joined(separator: ", "))
                            + " (" + e(r.headline_reason ?? "declared") + ")",
                    ],
                    ["seed", "\(s.seed)"], ["run id", e(r.run_id)],
                    ["gslab", e(r.environment.gslab_version)],
                ], header: false) + "</header>"
        if let silent = s.program.flatMap({ _ in s.silent_rules }) {
            body +=
                "<p class=note>Warning: \(e(silent.joined(separator: ", "))) \(silent.count == 1 ? "is" : "are") never true on these bars after the warm-up: \(silent.count == 1 ? "it" : "they") can never act.</p>"
        }
        if let robustness = r.robustness { body += RobustnessPanel.render(robustness) }
        let m = base.signals.monitoring
        body += "<section class=cards>"
        for (label, value, good) in [
            ("Return", pct(number(base, "Return [%]")), number(base, "Return [%]") >= 0),
            ("Sharpe", fmt(number(base, "Sharpe Ratio")), number(base, "Sharpe Ratio") >= 0),
            ("Max drawdown", pct(number(base, "Max. Drawdown [%]")), number(base, "Max. Drawdown [%]") > -20),
            ("Trades", "\(base.trades.count)", true),
            ("Win rate", pct(number(base, "Win Rate [%]")), number(base, "Win Rate [%]") >= 50),
            ("Final equity", money(number(base, "Equity Final [$]")), number(base, "Return [%]") >= 0),
            ("Signal hit rate", pct(m.hit_rate * 100), m.hit_rate >= 0.5),
            ("Calibration error", fmt(m.calibration_error), !(m.calibration_error > 0.1)),
            ("Recalibrate?", m.needs_recalibration ? "yes" : "no", !m.needs_recalibration),
            ("Anomalies", "\(base.signals.anomalies.count)", base.signals.anomalies.isEmpty),
        ] as [(String, String, Bool)] {
            body += "<div class=\"card \(good ? "good" : "bad")\"><div class=label>\(label)</div><div class=value>\(value)</div></div>"
        }
        body += "</section>"

        // Equity and drawdown, every variant overlaid.
        // A log scale once the equity spans more than 10× (a compounding curve reads as a line).
        let values = shown.flatMap(\.equity.value).filter { $0.isFinite && $0 > 0 }
        let logScale = (values.max() ?? 1) / (values.min() ?? 1) > 10
        var equity = SVGLineChart(
            title: "Equity — baseline and stress variants" + (logScale ? " (log scale)" : ""), lines: [],
            xLabels: (base.equity.time.first ?? "", base.equity.time.last ?? ""), logScale: logScale)
        equity.domain = base.bars
        equity.yLabel = "equity (account currency)"
        equity.xTicks = Self.yearTicks(base.equity.time, positions: base.equity.bar)
        var drawdown = SVGLineChart(title: "Drawdown (% below the running peak)", height: 260, lines: [], logScale: false)
        drawdown.domain = base.bars
        drawdown.xLabels = equity.xLabels
        drawdown.yLabel = "drawdown (%)"
        drawdown.xTicks = equity.xTicks
        func drawdowns(_ job: JobReport) -> [Double] {
            var peak = -Double.infinity
            return job.equity.value.map { v -> Double in
                peak = max(peak, v); return peak > 0 ? (v / peak - 1) * 100 : 0
            }
        }
        if let hold = base.equity.buy_and_hold {
            equity.lines.append(.init(name: "buy and hold", values: hold, color: "#b0b0b0", width: 1.5, positions: base.equity.bar))
        }
        // Bootstrap paths (the suite's bootstrap_1 … bootstrap_N) are one fan, not N lines.
        let resampled = shown.filter { isBootstrapPath($0.variant) }
        let fanned = resampled.count >= 2 ? Set(resampled.map(\.id)) : []
        if !fanned.isEmpty {
            let name = "bootstrap ×\(resampled.count): 5–95 %"
            equity.fans.append(
                .init(name: name, paths: resampled.map { ($0.equity.value, $0.equity.bar) }, domain: base.bars, color: "#7f7f7f"))
            drawdown.fans.append(.init(name: name, paths: resampled.map { (drawdowns($0), $0.equity.bar) }, domain: base.bars, color: "#7f7f7f"))
        }
        for (k, job) in shown.enumerated() where !fanned.contains(job.id) {
            // Past the palette, a colour comes back dashed: every variant stays distinct.
            let color = palette[k % palette.count], dash = k >= palette.count ? "6 3" : nil
            equity.lines.append(
                .init(name: job.variant, values: job.equity.value, color: color, width: k == 0 ? 2 : 1, positions: job.equity.bar, dash: dash))
            drawdown.lines.append(
                .init(name: job.variant, values: drawdowns(job), color: color, width: k == 0 ? 2 : 1, positions: job.equity.bar, dash: dash))
            for note in job.annotations {
                if let regimes = note.regimes {
                    var start: Int?
                    for (i, g) in regimes.enumerated() {
                        if g != 0 && start == nil { start = i }
                        if (g == 0 || i == regimes.count - 1), let s0 = start {
                            equity.bands.append(.init(range: (note.start + s0)..<(note.start + i + 1), color: color, label: "\(job.variant): regime \(g)"))
                            start = nil
                        }
                    }
                } else if note.end - note.start < job.bars {
                    equity.bands.append(.init(range: note.start..<note.end, color: color, label: "\(job.variant): \(note.detail)"))
                }
            }
        }
        equity.markers = base.trades.items.map { t in
            (
                t.entry_bar, t.size > 0 ? "#2ca02c" : "#d62728",
                "\(t.size > 0 ? "long" : "short") \(CivilTime.iso8601(t.entry_time)) → \(CivilTime.iso8601(t.exit_time)): \(String(format: "%+.2f%%", t.return_pct * 100))"
            )
        }
        body +=
            "<section><h2>Equity and drawdown</h2><p class=note>Shaded: bars a stress transform touched (regimes: bars outside the calm regime). Ticks under the equity plot: the baseline's trade entries (green long, red short; first \(base.trades.items.count) of \(base.trades.count)).</p>"
        body += "<figure>\(equity.render())</figure><figure>\(drawdown.render())</figure></section>"

        if let sheet = r.tear_sheet { body += TearSheetSection.render(sheet) }
        if let ib = base.intrabar {
            body +=
                "<p class=note>Intrabar policy \(e(ib.policy)): \(ib.ambiguous_bars) bars reached both a stop and the take-profit inside their range (baseline); docs/execution.md.</p>"
        }
        if !base.trades.items.isEmpty { body += TearSheetSection.trades(base.trades) }

        // Stress comparison.
        body +=
            "<section><h2>Stress comparison</h2>"
            + table(
                ["variant", "return", "Sharpe", "max drawdown", "trades", "win rate", "note"],
                r.stress_comparison.map {
                    let improved = $0.improved == true ? "beat the baseline: " + e($0.reason ?? "no reason can be read off the run") : ""
                    let note = ([improved] + ($0.notes ?? []).map(e)).filter { !$0.isEmpty }.joined(separator: "; ")
                    return [
                        e($0.variant), signed(pct($0.return_pct), $0.return_pct), signed(fmt($0.sharpe), $0.sharpe), pct($0.max_drawdown_pct), "\($0.trades)",
                        pct($0.win_rate_pct), note,
                    ]
                })
            + "</section>"

        // Sweep and walk-forward.
        if r.sweep.count > 1 { body += sweepSection(r.sweep, cannotTrade: r.sweep_skipped?.cannot_trade ?? 0) }
        if let walk = r.walk_forward, !walk.isEmpty {
            body +=
                "<section><h2>Walk-forward</h2><p class=note>In each window the parameter set with the best in-sample objective is traded on the out-of-sample bars that follow.</p>"
            body +=
                table(
                    ["window", "in sample", "out of sample", "chosen", "in-sample objective", "OOS return", "OOS Sharpe", "OOS max drawdown", "OOS trades"],
                    walk.map { w in
                        [
                            "\(w.window)", e(w.in_sample.joined(separator: " → ")), e(w.out_of_sample.joined(separator: " → ")),
                            e(w.chosen.keys.sorted().map { "\($0)=\(w.chosen[$0]!)" }.joined(separator: ", ")), fmt(w.in_sample_objective),
                            pct(w.out_of_sample_return_pct), fmt(w.out_of_sample_sharpe), pct(w.out_of_sample_max_drawdown_pct), "\(w.out_of_sample_trades)",
                        ]
                    }) + "</section>"
        }

        // Portfolio weights.
        if let p = base.portfolio, !p.rebalances.isEmpty {
            body +=
                "<section><h2>Portfolio</h2><p class=note>\(p.fills) fills over \(p.rebalances.count) rebalances; weights (fraction of equity) right after the last ten, baseline.</p>"
            body += table(["rebalance"] + p.symbols.map(e), p.rebalances.suffix(10).map { [e($0.time)] + $0.weights.map { pct($0 * 100) } }) + "</section>"
        }

        if let u = base.portfolio?.universe { body += UniversePanel.render(u) }

        // Data quality.
        let q = r.data_quality
        body +=
            "<section><h2>Data quality</h2>"
            + table(
                ["", ""],
                [
                    ["symbol", e(q.symbol)], ["rows in file", "\(q.rows)"], ["rows used", "\(q.rows_used)"], ["rows with errors", "\(q.error_rows)"],
                    ["warnings", "\(q.warnings)"], ["score", fmt(q.score)], ["repairs", "\(q.repaired)"], ["policy", e(q.policy)],
                ] + q.counts.keys.sorted().map { ["finding: \(e($0))", "\(q.counts[$0]!)"] } + annualisationRows(r.annualisation), header: false)
            + "</section>"

        // Signals: funnel, calibration, monitoring, anomalies.
        body +=
            "<section><h2>Signals</h2><h3>Funnel</h3>"
            + table(
                ["variant", "generated"] + (base.signals.quality.filters.map { e($0.rule) }) + ["passed", "mean confidence", "mean quality"],
                shown.map { job in
                    let g = job.signals.quality.all
                    return [e(job.variant), "\(g.generated)"]
                        + job.signals.quality.filters.map { f in
                            "\(f.passed)"
                                + (f.rejected > 0
                                    ? " <span class=muted>(−\(f.rejected): \(e(f.reasons.keys.sorted().map { "\($0) \(f.reasons[$0]!)" }.joined(separator: ", "))))</span>"
                                    : "")
                        } + ["\(g.passed)", fmt(g.mean_confidence), fmt(g.mean_quality)]
                })
        body += "<h3>Calibration (baseline, horizon \(m.horizon) bars)</h3><div class=row><figure>\(reliabilityPlot(m))</figure>"
        body +=
            table(
                ["", ""],
                [
                    ["outcomes", "\(m.outcomes)"], ["hit rate", pct(m.hit_rate * 100)], ["mean signed return", pct(m.mean_signed_return * 100)],
                    ["information coefficient", fmt(m.information_coefficient)], ["Brier score", fmt(m.brier_score)],
                    ["base-rate Brier", fmt(m.baseline_brier)], ["calibration error (ECE)", fmt(m.calibration_error)],
                    ["recalibration needed", m.needs_recalibration ? "yes" : "no"], ["traded outcomes", "\(m.traded_outcomes)"],
                    ["realised P&L", money(m.realised_pnl)],
                ], header: false) + "</div>"
        let anomalies = shown.flatMap { job in job.signals.anomalies.map { (job.variant, $0) } }
        body +=
            "<h3>Anomalies</h3>"
            + (anomalies.isEmpty
                ? "<p>None.</p>"
                : table(
                    ["variant", "kind", "bars", "value", "threshold"],
                    anomalies.map { [e($0.0), e($0.1.kind.rawValue), "\($0.1.first_bar)–\($0.1.last_bar)", fmt($0.1.value), fmt($0.1.threshold)] }))
        body += "</section>"

        // Every statistic.
        let names = base.stats.keys.sorted { statOrder($0) < statOrder($1) }
        body +=
            "<section><h2>Statistics</h2>"
            + table(
                ["statistic"] + shown.map { e($0.variant) },
                names.map { name in
                    [e(name)]
                        + shown.map { job in
                            switch job.stats[name] {
                            case let .number(v)?: return fmt(v)
                            case let .text(t)?: return e(t)
                            case nil: return ""
                            }
                        }
                }) + "</section>"
        return page(r, body: body)
    }

    /// A tick at the first point of each calendar year of `times` (ISO 8601) — every other year
    /// past 12, every fifth past 30 —, placed at `positions` (default: the points' indices); of
    /// each month (`2024-02`) when the points span fewer than two year starts.
    static func yearTicks(_ times: [String], positions: [Int]? = nil) -> [(position: Int, label: String)] {
        func ticks(_ width: Int) -> [(position: Int, label: String)] {
            var out: [(Int, String)] = []
            var last = ""
            for (i, time) in times.enumerated() {
                let key = String(time.prefix(width))
                if key != last {
                    if !last.isEmpty { out.append((positions?[i] ?? i, key)) }
                    last = key
                }
            }
            let every = out.count > 30 ? 5 : out.count > 12 ? 2 : 1
            return out.enumerated().filter { $0.offset % every == 0 }.map(\.element)
        }
        let years = ticks(4)
        return years.count >= 2 ? years : ticks(7)
    }

    static func page(_ r: RunReport, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(r.scenario.name)) — GoldenSignals Lab report</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
        h1{margin:0 0 4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
        td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}
        .cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
        .card .label{font-size:12px;color:#666}.card .value{font-size:20px;font-weight:600}.good .value{color:#1a7f37}.bad .value{color:#c62828}
        .note,.muted{color:#666;font-size:12px}figure{margin:8px 0}svg{max-width:100%;height:auto}.row{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
        .gain{color:#1a7f37}.loss{color:#c62828}
        .verdict ul{list-style:none;padding:0;margin:8px 0}.verdict li{font-size:16px;font-weight:600;margin:4px 0;padding-left:22px;position:relative}
        .verdict li.good{color:#1a7f37}.verdict li.bad{color:#c62828}.verdict li.good::before{content:"✓";position:absolute;left:0}.verdict li.bad::before{content:"✗";position:absolute;left:0}
        </style></head>
        <body>
        \(body)
        <footer class=note><p>GoldenSignals Lab \(HTMLText.escape(r.environment.gslab_version)), report schema \(r.schema_version). Percentages in percent; money in account currency; conventions in docs/.</p></footer>
        </body></html>

        """
    }

    /// A table; cells are HTML already (callers escape).
    static func table(_ head: [String], _ rows: [[String]], header: Bool = true) -> String {
        var t = "<table>"
        if header { t += "<tr>" + head.map { "<th>\($0)</th>" }.joined() + "</tr>" }
        for row in rows { t += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return t + "</table>"
    }

    /// The sweep: a heatmap of the Sharpe ratio when the grid spans two parameters, else a table;
    /// a warning when `cannotTrade` combinations have a warm-up as long as the data.
    static func sweepSection(_ rows: [RunReport.SweepRow], cannotTrade: Int = 0) -> String {
        let e = HTMLText.escape
        var out = "<section><h2>Sweep (baseline)</h2>"
        if cannotTrade > 0 {
            out +=
                "<p class=note>Warning: \(cannotTrade) of \(rows.count) combinations cannot trade (their warm-up is as long as the data): their rows show 0 trades.</p>"
        }
        let keys = Array(Set(rows.flatMap { $0.parameters.keys })).sorted().filter { key in Set(rows.map { $0.parameters[key] ?? "" }).count > 1 }
        if keys.count == 2 {
            func sortedValues(_ k: String) -> [String] {
                Array(Set(rows.map { $0.parameters[k] ?? "" })).sorted { (Double($0) ?? 0, $0) < (Double($1) ?? 0, $1) }
            }
            let xs = sortedValues(keys[1]), ys = sortedValues(keys[0])
            let sharpes = rows.map(\.sharpe).filter(\.isFinite)
            let lo = sharpes.min() ?? 0, hi = sharpes.max() ?? 1
            out +=
                "<p class=note>Sharpe ratio by \(e(keys[0])) (rows) and \(e(keys[1])) (columns); colour from red (lowest, \(fmt(lo))) to green (highest, \(fmt(hi))).</p><table><tr><th>\(e(keys[0])) \\ \(e(keys[1]))</th>"
            out += xs.map { "<th>\(e($0))</th>" }.joined() + "</tr>"
            // Each cell's row by its two values, found once (a 100 × 100 grid searched per cell was
            // 10⁸ lookups).
            var cells: [String: [String: RunReport.SweepRow]] = [:]
            for row in rows {
                let y = row.parameters[keys[0]] ?? "", x = row.parameters[keys[1]] ?? ""
                if cells[y]?[x] == nil { cells[y, default: [:]][x] = row }
            }
            for y in ys {
                out += "<tr><th>\(e(y))</th>"
                for x in xs {
                    guard let row = cells[y]?[x] else { out += "<td></td>"; continue }
                    let t = hi > lo && row.sharpe.isFinite ? (row.sharpe - lo) / (hi - lo) : 0.5
                    let color = String(format: "hsl(%.0f,70%%,%.0f%%)", 120 * t, 85 - 15 * abs(t - 0.5))
                    out +=
                        "<td style=\"background:\(color)\" title=\"return \(pct(row.return_pct)), max drawdown \(pct(row.max_drawdown_pct)), \(row.trades) trades\">\(fmt(row.sharpe))</td>"
                }
                out += "</tr>"
            }
            out += "</table>"
        }
        out += table(
            ["parameters", "return", "Sharpe", "max drawdown", "trades", "win rate"],
            rows.map { row in
                [
                    e(row.parameters.keys.sorted().map { "\($0)=\(row.parameters[$0]!)" }.joined(separator: ", ")), pct(row.return_pct), fmt(row.sharpe),
                    pct(row.max_drawdown_pct), "\(row.trades)", pct(row.win_rate_pct),
                ]
            })
        return out + "</section>"
    }

    /// Reliability plot: realised hit rate against mean confidence per bin (circle area ∝ count),
    /// with the diagonal of perfect calibration.
    static func reliabilityPlot(_ m: MonitoringReport) -> String {
        let size = 300.0, pad = 40.0, inner = size - 2 * pad
        func x(_ v: Double) -> Double { pad + inner * v }
        func y(_ v: Double) -> Double { size - pad - inner * v }
        let most = Double(m.reliability.map(\.count).max() ?? 1)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size)) \(Int(size))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg +=
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/><rect x=\"\(pad)\" y=\"\(pad)\" width=\"\(inner)\" height=\"\(inner)\" fill=\"none\" stroke=\"#888\"/>"
        svg += "<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(1))\" y2=\"\(y(1))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>"
        for t in [0.0, 0.5, 1.0] {
            svg +=
                "<text x=\"\(x(t))\" y=\"\(size - pad + 14)\" text-anchor=\"middle\">\(fmt(t))</text><text x=\"\(pad - 6)\" y=\"\(y(t) + 4)\" text-anchor=\"end\">\(fmt(t))</text>"
        }
        svg += "<text x=\"\(size / 2)\" y=\"\(size - 6)\" text-anchor=\"middle\">mean confidence</text>"
        svg += "<text x=\"12\" y=\"\(size / 2)\" transform=\"rotate(-90 12 \(size / 2))\" text-anchor=\"middle\">hit rate</text>"
        for bin in m.reliability where bin.count > 0 {
            let r = 3 + 9 * (Double(bin.count) / max(most, 1)).squareRoot()
            svg += String(
                format: "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"#1f77b4\" fill-opacity=\"0.6\"><title>", x(bin.mean_confidence), y(bin.hit_rate), r)
            svg += "confidence \(fmt(bin.lower))–\(fmt(bin.upper)): \(bin.count) signals, hit rate \(pct(bin.hit_rate * 100))</title></circle>"
        }
        return svg + "</svg>"
    }

    static func number(_ job: JobReport, _ key: String) -> Double {
        if case let .number(v)? = job.stats[key] { return v }
        return .nan
    }

    /// `text` green when `value` ≥ 0, red below (a gain or a loss).
    static func signed(_ text: String, _ value: Double) -> String {
        value.isFinite ? "<span class=\(value >= 0 ? "gain" : "loss")>\(text)</span>" : text
    }

    static func fmt(_ v: Double) -> String { v.isFinite ? String(format: abs(v) >= 1000 ? "%.0f" : "%.3g", v) : "—" }
    static func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.2f %%", v) : "—" }
    static func money(_ v: Double) -> String { v.isFinite ? String(format: "%.2f", v) : "—" }

    /// Statistics in ``Statistic``'s order (backtesting.py's, the lab's additions after); other names after them.
    static func statOrder(_ name: String) -> (Int, String) {
        let order = Statistic.allCases.map(\.label)
        return (order.firstIndex(of: name) ?? order.count, name)
    }

    /// The data-quality table's rows on the calendar and annualisation (docs/data.md).
    static func annualisationRows(_ a: AnnualisationReport?) -> [[String]] {
        guard let a else { return [] }
        let e = HTMLText.escape
        let calendar = "\(e(a.calendar)) (\(e(a.calendar_source))\(a.evidence.map { ": \(e($0))" } ?? ""))"
        let rule = a.rule == "calendar" ? "" : " <span class=muted>(\(e(a.rule)))</span>"
        var rows = [
            ["trading calendar", calendar],
            ["annualisation", "\(fmt(a.bars_per_year)) bars a year; statistics over \(fmt(a.periods_per_year)) \(e(a.period))s a year\(rule)"],
        ]
        if let n = a.outside_sessions {
            rows.append(["bars outside the sessions", "\(n) (first \(e(a.first_outside ?? "")))"])
        }
        return rows
    }
}
