import LabCore
import LabStress

/// The picture of a stress suite: one symbol's close under every scenario, the baseline drawn
/// bold in black, the windows each transform touched shaded (a regime path shades the bars spent
/// in regimes other than the first).
public enum StressSuiteChart {
    static let palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

    /// The chart for symbol index `symbol` of `results` (the first result is drawn as the baseline).
    public static func chart(_ results: [StressScenarioResult], symbol: Int = 0, title: String? = nil) -> SVGLineChart {
        var lines: [SVGLineChart.Line] = []
        var bands: [SVGLineChart.Band] = []
        // Bootstrap paths are one fan (5–95 % band and median), not a line each.
        let paths = results.dropFirst().filter { HTMLReport.isBootstrapPath($0.name) && symbol < $0.data.series.count }
        let fanned = paths.count >= 2 ? Set(paths.map(\.name)) : []
        var fans: [SVGLineChart.Fan] = []
        if !fanned.isEmpty {
            fans.append(
                SVGLineChart.Fan(
                    name: "bootstrap ×\(paths.count): 5–95 %", paths: paths.map { ($0.data.series[symbol].close, nil) },
                    domain: paths.map { $0.data.series[symbol].count }.max() ?? 0, color: "#7f7f7f"))
        }
        for (k, result) in results.enumerated() {
            guard symbol < result.data.series.count, !fanned.contains(result.name) else { continue }
            let series = result.data.series[symbol]
            let isBaseline = k == 0
            let color = isBaseline ? "#000000" : palette[(k - 1) % palette.count]
            lines.append(SVGLineChart.Line(name: result.name, values: series.close, color: color, width: isBaseline ? 2 : 1))
            for note in result.data.annotations where note.end - note.start < series.count {
                bands.append(SVGLineChart.Band(range: note.start..<note.end, color: color, label: "\(result.name): \(note.detail)"))
            }
            for note in result.data.annotations {
                guard let regimes = note.regimes else { continue }
                var start: Int?
                for (i, r) in regimes.enumerated() {
                    if r != 0 && start == nil { start = i }
                    if (r == 0 || i == regimes.count - 1), let s = start {
                        bands.append(SVGLineChart.Band(range: (note.start + s)..<(note.start + i + 1), color: color, label: "\(result.name): regime \(r)"))
                        start = nil
                    }
                }
            }
        }
        let first = results.first?.data.series[symbol]
        let labels = first.map { (CivilTime.iso8601($0.timestamps.first ?? 0), CivilTime.iso8601($0.timestamps.last ?? 0)) } ?? ("", "")
        var chart = SVGLineChart(
            title: title ?? "Stress suite — \(first?.symbol ?? "") close", lines: lines, bands: bands, xLabels: labels)
        chart.fans = fans
        return chart
    }
}
