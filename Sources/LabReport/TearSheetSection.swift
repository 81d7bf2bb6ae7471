import Foundation
import LabCore

/// report.html's tear-sheet tables as static SVG and tables: the monthly returns heatmap (year ×
/// month, a diverging scale centred on 0 — gains green, losses red —, every value printed), the
/// yearly returns next to buy and hold, and the worst drawdown periods.
enum TearSheetSection {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The section's HTML.
    static func render(_ t: TearSheetReport) -> String {
        var html = "<section><h2>Returns by month and year</h2>"
        html += "<p class=note>Compounded returns of the headline job's equity over each calendar month and year (percent); gains green, losses red.</p>"
        html += "<figure>\(heatmap(t.monthly))</figure>"
        html += "<div class=row><figure>\(yearlyBars(t.yearly))</figure><div>"
        html += HTMLReport.table(
            ["year", "strategy", "buy and hold", "difference"],
            t.yearly.map { y in
                ["\(y.year)", signed(y.strategy), signed(y.benchmark), signed(y.strategy - y.benchmark)]
            })
        html += "</div></div>"
        if let rolling = t.rolling {
            html += "<h3>Rolling figures (\(rolling.window) periods, half a year)</h3>"
            var sharpe = SVGLineChart(
                title: "Rolling Sharpe ratio (annualised)", height: 240,
                lines: [.init(name: "", values: rolling.sharpe, color: "#1f77b4", width: 1.5)], logScale: false)
            sharpe.xTicks = HTMLReport.yearTicks(rolling.time)
            sharpe.yLabel = "Sharpe ratio"
            var volatility = SVGLineChart(
                title: "Rolling volatility (annualised, %)", height: 240,
                lines: [.init(name: "", values: rolling.volatility.map { $0 * 100 }, color: "#ff7f0e", width: 1.5)], logScale: false)
            volatility.xTicks = sharpe.xTicks
            volatility.yLabel = "volatility (%)"
            html += "<figure>\(sharpe.render())</figure><figure>\(volatility.render())</figure>"
        }
        if let d = t.distribution { html += "<figure>\(histogram(d))</figure>" }
        html += "<h3>Worst drawdowns</h3>"
        html += HTMLReport.table(
            ["peak", "trough", "recovery", "depth", "days"],
            t.drawdowns.map { d in
                [d.start, d.trough, d.end ?? "not recovered", "<span class=loss>\(percent(-d.depth))</span>", String(format: "%.0f", d.days)]
            })
        return html + "</section>"
    }

    /// The job's trade list (the first `trades_cap` of them): entry and exit time, side, size,
    /// prices, P&L, return, commission and exit reason; gains green, losses red.
    static func trades(_ t: JobReport.TradesSection) -> String {
        var html =
            "<section><h2>Trades</h2><p class=note>The first \(t.items.count) of \(t.count) closed trades (report.trades_cap); P&amp;L in account currency after costs.</p>"
        html += HTMLReport.table(
            ["entry", "exit", "side", "size", "entry price", "exit price", "P&amp;L", "return", "commission", "exit"],
            t.items.map { trade in
                [
                    CivilTime.iso8601(trade.entry_time), CivilTime.iso8601(trade.exit_time), trade.size >= 0 ? "long" : "short",
                    String(format: "%.4g", abs(trade.size)), String(format: "%.2f", trade.entry_price), String(format: "%.2f", trade.exit_price),
                    "<span class=\(trade.pnl >= 0 ? "gain" : "loss")>\(String(format: "%+.2f", trade.pnl))</span>", signed(trade.return_pct),
                    String(format: "%.2f", trade.commission), HTMLText.escape(trade.exit_reason.rawValue),
                ]
            })
        return html + "</section>"
    }

    /// The period returns' histogram: losses red, gains green, VaR and CVaR at 95 % as dashed lines.
    static func histogram(_ d: TearSheetReport.Distribution) -> String {
        let width = 560.0, height = 240.0, left = 40.0, right = 12.0, top = 30.0, bottom = 40.0
        guard let peak = d.counts.max(), peak > 0, let lo = d.edges.first else { return "" }
        let hi = lo + d.width * Double(d.counts.count)
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ v: Double) -> Double { left + plotW * (v - lo) / (hi - lo) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        let adjective = ["day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"][d.period] ?? d.period
        svg += "<text x=\"\(f(left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Distribution of \(adjective) returns (%), VaR and CVaR at 95 %</text>"
        for (i, c) in d.counts.enumerated() where c > 0 {
            let x0 = x(d.edges[i]), h = plotH * Double(c) / Double(peak)
            let fill = d.edges[i] + d.width <= 0 ? "#c62828" : d.edges[i] >= 0 ? "#1a7f37" : "#9e9e9e"
            svg +=
                "<rect x=\"\(f(x0))\" y=\"\(f(top + plotH - h))\" width=\"\(f(max(1, plotW / Double(d.counts.count) - 1)))\" height=\"\(f(h))\" fill=\"\(fill)\"><title>\(String(format: "%+.2f", d.edges[i] * 100)) … \(String(format: "%+.2f", (d.edges[i] + d.width) * 100)) %: \(c)</title></rect>"
        }
        for (value, name) in [(-d.var_95, "VaR"), (-d.cvar_95, "CVaR")] where value >= lo && value <= hi {
            svg +=
                "<line x1=\"\(f(x(value)))\" y1=\"\(f(top))\" x2=\"\(f(x(value)))\" y2=\"\(f(top + plotH))\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(f(x(value) + 3))\" y=\"\(f(top + 12 + (name == "VaR" ? 0 : 14)))\">\(name) \(String(format: "%.2f", -value * 100)) %</text>"
        }
        svg += "<text x=\"\(f(left))\" y=\"\(f(height - 22))\">\(String(format: "%+.1f", lo * 100))</text>"
        svg += "<text x=\"\(f(width - right))\" y=\"\(f(height - 22))\" text-anchor=\"end\">\(String(format: "%+.1f", hi * 100))</text>"
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(adjective) return (%)</text>"
        return svg + "</svg>"
    }

    /// A return in percent with its sign, coloured: green for a gain, red for a loss.
    static func signed(_ v: Double) -> String {
        guard v.isFinite else { return "—" }
        return "<span class=\(v >= 0 ? "gain" : "loss")>\(percent(v))</span>"
    }

    static func percent(_ v: Double) -> String { v.isFinite ? String(format: "%+.1f %%", v * 100) : "—" }

    /// Fill colour of a return: white at 0, deeper green (gain) or red (loss) up to ±`scale`.
    static func colour(_ v: Double, scale: Double) -> String {
        guard v.isFinite, scale > 0 else { return "#eeeeee" }
        let a = min(1, abs(v) / scale)
        let (r, g, b) = v >= 0 ? (26.0, 127.0, 55.0) : (198.0, 40.0, 40.0)
        func mix(_ c: Double) -> Int { Int((255 - (255 - c) * a).rounded()) }
        return String(format: "#%02x%02x%02x", mix(r), mix(g), mix(b))
    }

    /// Year × month cells, each its return in percent.
    static func heatmap(_ months: [TearSheetReport.Month]) -> String {
        let years = Array(Set(months.map(\.year))).sorted()
        guard !years.isEmpty else { return "" }
        let cellW = 64.0, cellH = 22.0, left = 52.0, top = 44.0
        let width = left + cellW * 12 + 10, height = top + cellH * Double(years.count) + 10
        let scale = max(0.01, months.map { abs($0.value) }.filter(\.isFinite).max() ?? 0.01)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Monthly returns (%)</text>"
        for (m, name) in monthNames.enumerated() {
            svg += "<text x=\"\(left + cellW * (Double(m) + 0.5))\" y=\"\(top - 8)\" text-anchor=\"middle\">\(name)</text>"
        }
        for (row, year) in years.enumerated() {
            let y = top + cellH * Double(row)
            svg += "<text x=\"\(left - 6)\" y=\"\(y + cellH * 0.7)\" text-anchor=\"end\">\(year)</text>"
            for month in months where month.year == year {
                let x = left + cellW * Double(month.month - 1)
                let label = month.value.isFinite ? String(format: "%+.1f", month.value * 100) : "—"
                svg +=
                    "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" fill=\"\(colour(month.value, scale: scale))\"><title>\(year)-\(String(format: "%02d", month.month)): \(label) %</title></rect>"
                svg += "<text x=\"\(x + (cellW - 2) / 2)\" y=\"\(y + cellH * 0.68)\" text-anchor=\"middle\">\(label)</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Bars of each year's return: the strategy (green or red) beside buy and hold (grey).
    static func yearlyBars(_ years: [TearSheetReport.Year]) -> String {
        guard !years.isEmpty else { return "" }
        let width = 460.0, height = 240.0, left = 48.0, right = 10.0, top = 30.0, bottom = 30.0
        let values = years.flatMap { [$0.strategy, $0.benchmark] }.filter(\.isFinite)
        let hi = max(0, values.max() ?? 0), lo = min(0, values.min() ?? 0)
        let span = hi > lo ? hi - lo : 1
        let plotW = width - left - right, plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH * (hi - v) / span }
        let group = plotW / Double(years.count), bar = max(1, group * 0.38)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Yearly returns (%): strategy and buy and hold (grey)</text>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(0)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(0)))\" stroke=\"#888\"/>"
        for v in [lo, hi] where v != 0 {
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%+.0f", v * 100))</text>"
        }
        svg += "<text x=\"\(f(left - 4))\" y=\"\(f(y(0) + 4))\" text-anchor=\"end\">0</text>"
        for (k, year) in years.enumerated() {
            let x0 = left + group * Double(k) + group * 0.1
            for (i, (v, fill)) in [(year.strategy, year.strategy >= 0 ? "#1a7f37" : "#c62828"), (year.benchmark, "#9e9e9e")].enumerated() where v.isFinite {
                let top = y(max(v, 0)), h = abs(y(v) - y(0))
                svg +=
                    "<rect x=\"\(f(x0 + Double(i) * bar))\" y=\"\(f(top))\" width=\"\(f(bar))\" height=\"\(f(max(h, 0.5)))\" fill=\"\(fill)\"><title>\(year.year) \(i == 0 ? "strategy" : "buy and hold"): \(String(format: "%+.1f", v * 100)) %</title></rect>"
            }
            if years.count <= 20 || k % 2 == 0 {
                svg += "<text x=\"\(f(x0 + bar))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(year.year)</text>"
            }
        }
        return svg + "</svg>"
    }
}
