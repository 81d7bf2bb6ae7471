import Foundation
import LabCore
import Testing

@testable import LabReport
@testable import LabStress

@Suite struct SVGLineChartTests {
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
