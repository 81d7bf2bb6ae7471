import Foundation
import LabCore

/// The HTML of a universe portfolio's section: what it held and traded, its warnings, symbols held
/// over time, the weights heatmap of its largest contributors, and the contributions and costs by
/// symbol.
enum UniversePanel {
    /// The section for `u`.
    static func render(_ u: UniverseSection) -> String {
        let e = HTMLText.escape
        var out = "<section><h2>Universe portfolio</h2>"
        out +=
            "<p class=note>\(u.symbols) symbols on a calendar of \(u.calendar_rows) rows; \(u.traded) held at some point; \(u.decisions) decisions, \(u.rebalances.count) rebalances; \(HTMLReport.fmt(u.average_holdings)) symbols held on average.</p>"
        if !u.warnings.isEmpty { out += "<p class=note>Notes:</p><ul class=note>" + u.warnings.map { "<li>\(e($0))</li>" }.joined() + "</ul>" }
        if u.holdings.count.count >= 2 {
            var chart = SVGLineChart(
                title: "Symbols held", height: 220, lines: [.init(name: "held", values: u.holdings.count.map(Double.init), color: "#1f77b4", width: 1.5)],
                xLabels: (u.holdings.time.first ?? "", u.holdings.time.last ?? ""), logScale: false)
            chart.xTicks = HTMLReport.yearTicks(u.holdings.time)
            out += "<figure>\(chart.render())</figure>"
        }
        out += heatmap(u.heatmap)
        let top = u.contributions.prefix(10), bottom = u.contributions.count > 10 ? Array(u.contributions.suffix(min(10, u.contributions.count - 10))) : []
        func rows(_ list: [UniverseSection.Contribution]) -> [[String]] {
            list.map { [e($0.symbol), e($0.sector ?? ""), HTMLReport.money($0.contribution), HTMLReport.money($0.costs)] }
        }
        out +=
            "<h3>Contribution by symbol</h3><p class=note>Profit of each symbol (fills, borrow and final value, account currency); best ten, then worst ten.</p>"
        out += HTMLReport.table(["symbol", "sector", "contribution", "costs"], rows(Array(top)) + rows(bottom))
        let costly = u.contributions.sorted { $0.costs != $1.costs ? $0.costs > $1.costs : $0.symbol < $1.symbol }.prefix(10)
        out += "<h3>Costs by symbol</h3><p class=note>Commission, slippage and borrow paid; the ten largest.</p>"
        out += HTMLReport.table(["symbol", "sector", "contribution", "costs"], rows(Array(costly)))
        return out + "</section>"
    }

    /// Weights of the shown symbols (rows) over time buckets (columns): green long, red short,
    /// deeper for larger; the last row is the gross weight of every other symbol.
    static func heatmap(_ h: UniverseSection.Heatmap) -> String {
        guard !h.time.isEmpty, !h.symbols.isEmpty else { return "" }
        let e = HTMLText.escape
        let cell = 6, label = 70, top = 16
        let columns = h.time.count, rows = h.symbols.count + 1
        let width = label + columns * cell + 10, height = top + rows * 14 + 20
        let peak = max(h.weights.flatMap { $0 }.map(abs).max() ?? 0, 1e-12)
        let otherPeak = max(h.others.max() ?? 0, 1e-12)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=img aria-label=\"weights heatmap\">"
        // Escaped once per column and per row, and the lightness as a whole number rounded as
        // printf's %.0f rounds (ties to even): a String(format:) and two escapes per cell were
        // most of the time of rendering a universe's page.
        let times = h.time.map(e)
        func rect(_ row: Int, _ b: Int, _ w: Double, _ scale: Double, _ name: String) -> String {
            let t = min(1, abs(w) / scale)
            let lightness = Int((w >= 0 ? 97 - 55 * t : 97 - 50 * t).rounded(.toNearestOrEven))
            let color = w >= 0 ? "hsl(120,60%,\(lightness)%)" : "hsl(0,65%,\(lightness)%)"
            return
                "<rect x=\"\(label + b * cell)\" y=\"\(top + row * 14)\" width=\"\(cell)\" height=\"13\" fill=\"\(color)\"><title>\(name) from \(times[b]): \(HTMLReport.pct(w * 100))</title></rect>"
        }
        for (i, name) in h.symbols.enumerated() {
            let escaped = e(name)
            svg += "<text x=\"\(label - 4)\" y=\"\(top + i * 14 + 10)\" font-size=\"10\" text-anchor=\"end\">\(escaped)</text>"
            for b in 0..<columns { svg += rect(i, b, h.weights[i][b], peak, escaped) }
        }
        svg += "<text x=\"\(label - 4)\" y=\"\(top + h.symbols.count * 14 + 10)\" font-size=\"10\" text-anchor=\"end\">others</text>"
        for b in 0..<columns { svg += rect(h.symbols.count, b, h.others[b], otherPeak, e("others (gross)")) }
        svg +=
            "<text x=\"\(label)\" y=\"\(height - 4)\" font-size=\"10\">\(e(h.time[0]))</text><text x=\"\(label + columns * cell)\" y=\"\(height - 4)\" font-size=\"10\" text-anchor=\"end\">\(e(h.time[columns - 1]))</text></svg>"
        return
            "<h3>Weights</h3><p class=note>Mean weight per period of the \(h.symbols.count) largest contributors (green long, red short, deeper is larger, up to \(HTMLReport.pct(peak * 100))); the last row is the gross weight of all other symbols (up to \(HTMLReport.pct(otherPeak * 100))).</p><figure>\(svg)</figure>"
    }
}
