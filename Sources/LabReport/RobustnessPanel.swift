import Foundation

/// The verdict panel at the top of report.html: one line per question a reviewer asks of the
/// headline result (is its Sharpe ratio significant after the trials? is the sweep overfit? does
/// the best combination beat the benchmark? how bad can the trades' order make it?), then the
/// figures behind each and the PBO's logit histogram.
enum RobustnessPanel {
    /// The verdict line of each part: its text and whether it speaks for the result.
    static func verdicts(_ r: RobustnessReport) -> [(text: String, good: Bool)] {
        let level = percent(r.confidence)
        var out: [(String, Bool)] = []
        if let s = r.sharpe {
            let trials = s.trials == 1 ? "1 trial" : "\(s.trials) trials"
            out.append(("DSR \(two(s.dsr)): \(s.significant ? "significant" : "not significant") at \(level) after \(trials)", s.significant))
        }
        if let p = r.pbo {
            out.append(
                (
                    "PBO \(two(p.pbo)): the in-sample best combination ranks at or below the median out of sample in \(percent(p.pbo)) of \(p.splits) splits",
                    p.pbo <= 0.2
                ))
        }
        if let t = r.spa {
            let beats = t.spa_p_value <= 1 - r.confidence
            let against = t.benchmark == "zero" ? "cash" : "buy and hold"
            out.append(
                (
                    "SPA p \(two(t.spa_p_value)): the best combination \(beats ? "beats" : "does not beat") \(against) at \(level) after \(t.combinations) tries",
                    beats
                ))
        }
        if let w = r.walk_forward {
            out.append(
                (
                    "Walk-forward DSR \(two(w.dsr)): out of sample \(w.significant ? "significant" : "not significant") at \(level) after \(w.trials) trials",
                    w.significant
                ))
        }
        if let m = r.monte_carlo {
            out.append(
                (
                    "Trades resampled: \(percent(m.probability_of_loss)) of \(m.paths) paths lose \(percent(m.loss_fraction)) or more",
                    m.probability_of_loss < 0.05
                ))
        }
        return out
    }

    /// The panel's HTML.
    static func render(_ r: RobustnessReport) -> String {
        let e = HTMLText.escape
        var html = "<section class=verdict><h2>Is it luck?</h2><ul>"
        for v in verdicts(r) { html += "<li class=\(v.good ? "good" : "bad")><span class=value>\(e(v.text))</span></li>" }
        html += "</ul>"
        var rows: [[String]] = []
        if let s = r.sharpe {
            rows += [
                ["Sharpe ratio per \(e(r.period)), mean / sd (× √\(Int(r.periods_per_year)))", "\(three(s.sharpe)) (\(three(s.sharpe_annualised)))"],
                ["skewness, kurtosis of returns", "\(three(s.skewness)), \(three(s.kurtosis))"],
                ["PSR: P(true Sharpe > 0)", three(s.psr)],
                ["trials, variance of their Sharpe ratios", "\(s.trials), \(String(format: "%.3g", s.trials_sharpe_variance))"],
                ["expected best Sharpe of as many trials without skill", three(s.expected_max_sharpe)],
                ["DSR: P(true Sharpe > that)", three(s.dsr)],
                [
                    "minimum track record for PSR ≥ \(percent(r.confidence))",
                    s.min_track_record.map { "\(Int($0.rounded(.up))) \(e(r.period))s (have \(s.periods))" } ?? "none suffices (Sharpe ≤ 0)",
                ],
            ]
        }
        if let p = r.pbo {
            rows += [
                ["PBO (S = \(p.blocks) blocks, \(p.splits) splits, \(p.combinations) combinations)", three(p.pbo)],
                ["P(in-sample best loses out of sample)", three(p.probability_of_loss)],
                ["degradation: out-of-sample Sharpe ≈ a + b · in-sample", "a = \(three(p.degradation_intercept)), b = \(three(p.degradation_slope))"],
            ]
        }
        if let t = r.spa {
            rows += [
                ["best combination (job), mean excess return per \(e(r.period))", "\(t.best_job), \(String(format: "%.3g", t.best_mean_excess))"],
                ["White's Reality Check p-value", three(t.reality_check_p_value)],
                [
                    "Hansen's SPA p-value (consistent; lower, upper)",
                    "\(three(t.spa_p_value)) (\(three(t.spa_p_values.lower)), \(three(t.spa_p_values.upper)))",
                ],
                ["bootstrap", "stationary, mean block \(t.block_length) \(e(r.period))s, \(t.replications) replications"],
            ]
        }
        if let w = r.walk_forward {
            rows += [["walk-forward out of sample: Sharpe per \(e(r.period)), PSR, DSR", "\(three(w.sharpe)), \(three(w.psr)), \(three(w.dsr))"]]
        }
        if let m = r.monte_carlo {
            rows += [
                [
                    "trade Monte Carlo: final equity ×start (5 %, median, 95 %)",
                    "\(three(m.final_equity.p5)), \(three(m.final_equity.p50)), \(three(m.final_equity.p95))",
                ],
                ["max drawdown over trades (median, 95 %)", "\(percent(m.max_drawdown.p50)), \(percent(m.max_drawdown.p95))"],
            ]
        }
        html += "<div class=row><div>" + HTMLReport.table(["figure", "value"], rows) + "</div>"
        if let p = r.pbo { html += "<figure>\(logitHistogram(p))</figure>" }
        html += "</div>"
        for note in r.notes { html += "<p class=note>\(e(note)).</p>" }
        html +=
            "<p class=note>Sharpe ratios per \(e(r.period)) (× √\(Int(r.periods_per_year)) annualises them); definitions and how to read each number: docs/robustness.md.</p></section>"
        return html
    }

    /// The logits' histogram as SVG: bins at or left of 0 (overfit) red, right of 0 green.
    static func logitHistogram(_ p: RobustnessReport.OverfittingSection) -> String {
        let width = 470.0, height = 220.0, left = 40.0, bottom = 34.0, top = 26.0, right = 10.0
        let h = p.histogram
        guard let peak = h.counts.max(), peak > 0 else { return "" }
        let plotW = width - left - right, plotH = height - top - bottom
        let barW = plotW / Double(h.counts.count)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<text x=\"\(f(left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">PBO: logit of the in-sample best's rank out of sample</text>"
        for (i, c) in h.counts.enumerated() {
            let x = left + Double(i) * barW, bh = plotH * Double(c) / Double(peak)
            let overfit = h.edges[i] + h.width <= 0
            svg +=
                "<rect x=\"\(f(x))\" y=\"\(f(top + plotH - bh))\" width=\"\(f(max(1, barW - 1)))\" height=\"\(f(bh))\" fill=\"\(overfit ? "#c62828" : "#1a7f37")\"><title>λ in [\(String(format: "%.2f", h.edges[i])), \(String(format: "%.2f", h.edges[i] + h.width))): \(c) splits</title></rect>"
        }
        // λ = 0 line and the axis labels.
        let lo = h.edges.first!, hi = h.edges.last! + h.width
        if lo < 0 && hi > 0 {
            let x0 = left + plotW * (0 - lo) / (hi - lo)
            svg += "<line x1=\"\(f(x0))\" y1=\"\(f(top))\" x2=\"\(f(x0))\" y2=\"\(f(top + plotH))\" stroke=\"#222\" stroke-dasharray=\"4 3\"/>"
        }
        svg += "<text x=\"\(f(left))\" y=\"\(f(height - 18))\">λ = \(String(format: "%.1f", lo))</text>"
        svg += "<text x=\"\(f(width - right))\" y=\"\(f(height - 18))\" text-anchor=\"end\">\(String(format: "%.1f", hi))</text>"
        svg +=
            "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">logit λ (≤ 0, red: overfit; splits per bin, most \(peak))</text>"
        svg += "</svg>"
        return svg
    }

    static func two(_ v: Double) -> String { v.isFinite ? String(format: "%.2f", v) : "—" }
    static func three(_ v: Double) -> String { v.isFinite ? String(format: "%.3g", v) : "—" }
    static func percent(_ v: Double) -> String { v.isFinite ? String(format: "%g %%", (v * 1000).rounded() / 10) : "—" }
}
