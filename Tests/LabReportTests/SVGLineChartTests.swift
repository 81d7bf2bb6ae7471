import Foundation
import LabCore
import Testing

@testable import LabReport
@testable import LabStress

@Suite struct SVGLineChartTests {
    /// Year ticks replace the start and end labels; the y axis carries its unit; a fan draws its
    /// band and dashed median with one legend entry.
    @Test func ticksUnitsAndFans() {
        var chart = SVGLineChart(title: "t", lines: [.init(name: "a", values: [1, 2, 3, 4], color: "#000")], xLabels: ("START", "END"))
        chart.xTicks = [(1, "2005"), (3, "2006")]
        chart.yLabel = "equity (account currency)"
        chart.fans = [.init(name: "paths", paths: [([1, 2, 3, 4], nil), ([2, 3, 4, 5], nil), ([0.5, 1, 1.5, 2], nil)], domain: 4, color: "#777")]
        let svg = chart.render()
        #expect(!svg.contains("START") && svg.contains(">2005<") && svg.contains(">2006<"))
        #expect(svg.contains("rotate(-90") && svg.contains(">equity (account currency)<"))
        #expect(svg.components(separatedBy: "<polygon").count == 2 && svg.contains("stroke-dasharray=\"5 3\"") && svg.contains(">paths<"))
        // The fan's band runs from the 5 % to the 95 % quantile of the paths at each position.
        let fan = chart.fans[0]
        #expect(fan.positions == [0, 1, 2, 3] && fan.median == [1, 2, 3, 4])
        #expect(abs(fan.lower[0] - (0.5 + 0.1 * 0.5)) < 1e-12 && abs(fan.upper[3] - (4 + 0.9 * 1)) < 1e-12)
    }

    /// Twenty-five named lines: the chart grows so the last legend entry is inside it; a dashed
    /// line draws dashed in the plot and the legend.
    @Test func theLegendNeverClips() {
        let lines = (0..<25).map { k in SVGLineChart.Line(name: "v\(k)", values: [1, 2], color: "#000", dash: k >= 10 ? "6 3" : nil) }
        let svg = SVGLineChart(title: "t", lines: lines).render()
        let height = Double(svg.split(separator: "height=\"")[1].prefix { $0 != "\"" })!
        let lastEntry = Double(svg.components(separatedBy: ">v24</text>")[0].components(separatedBy: "y=\"").last!.prefix { $0 != "\"" })!
        #expect(lastEntry < height && height > 420)
        #expect(svg.components(separatedBy: "stroke-dasharray=\"6 3\"").count - 1 == 30)  // 15 lines and their legend marks
    }

    @Test func decimationKeepsExtremesAndEnds() {
        var values = [Double](repeating: 1, count: 10_000)
        values[1234] = 50  // a spike
        values[7777] = 0.01  // a crash
        let picked = SVGLineChart.decimate(values, columns: 100)
        #expect(picked.contains(1234) && picked.contains(7777) && picked.first == 0 && picked.last == 9_999)
        #expect(picked.count <= 3 * 100 + 1 && picked == picked.sorted())
        #expect(SVGLineChart.decimate([1, 2, 3], columns: 100) == [0, 1, 2])
    }

    @Test func rendersDeterministicEscapedSVG() throws {
        let chart = SVGLineChart(
            title: "A <b> & c", lines: [SVGLineChart.Line(name: "x", values: [1, 2, 4, 8], color: "#000")],
            bands: [SVGLineChart.Band(range: 1..<3, color: "#f00", label: "crash")], xLabels: ("2020-01-01", "2020-01-04"))
        let svg = chart.render()
        #expect(svg == chart.render())
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("A &lt;b&gt; &amp; c") && svg.contains("<title>crash</title>"))
        // Log scale: 1, 2, 4, 8 are evenly spaced vertically.
        let points = try #require(svg.split(separator: "points=\"").last?.split(separator: "\"").first)
        let ys = points.split(separator: " ").map { Double($0.split(separator: ",")[1])! }
        #expect(abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.02 && abs((ys[1] - ys[2]) - (ys[2] - ys[3])) < 0.02)
        #expect(XMLParserCheck.isWellFormed(svg))
    }

    @Test func stressSuiteChartShadesWindowsAndRegimes() throws {
        let series = try (0..<1).map { _ in
            try BarSeries(
                symbol: "S", timestamps: (0..<300).map { Int64($0) * CivilTime.nanosPerDay }, open: Array(repeating: 100, count: 300),
                high: Array(repeating: 101, count: 300), low: Array(repeating: 99, count: 300),
                close: (0..<300).map { 100 + Double($0 % 7) }, volume: Array(repeating: 1000, count: 300))
        }
        let results = try StressSuite.run(
            [
                StressScenario(name: "baseline", []), StressScenario(name: "crash", [FlashCrash.daily(placement: .index(50))]),
                StressScenario(name: "regimes", [RegimeSwitching.calmAndStressed]),
            ],
            on: series, seed: 1)
        let svg = StressSuiteChart.chart(results).render()
        #expect(svg.contains("<title>crash: depth 9.0% over 2 bars"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(XMLParserCheck.isWellFormed(svg))
    }
}

/// Parses text with Foundation's XML parser to check the SVG is well-formed XML.
enum XMLParserCheck {
    static func isWellFormed(_ text: String) -> Bool {
        #if canImport(FoundationXML)
            return FoundationXMLParse.parse(text)
        #else
            return XMLParser(data: Data(text.utf8)).parse()
        #endif
    }
}

#if canImport(FoundationXML)
    import FoundationXML
    enum FoundationXMLParse {
        static func parse(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }
    }
#endif
