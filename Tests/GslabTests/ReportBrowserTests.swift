import Foundation
import Testing

/// `gslab run` on the default scenario, then report.html loaded in Debian's headless chromium
/// (installed by `scripts/setup --test-tools`, which `scripts/test` runs): the page loads without a
/// console error and the charts are in the rendered DOM. The screenshot is kept as a test artifact
/// in `.build/test-artifacts/report-default.png`.
@Suite struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func defaultReportRendersInAHeadlessBrowser() throws {
        let out = scratch()
        let run = try Run("run", "scenarios/default.yaml", "--out", out, "--workers", "2")
        #expect(run.status == 0, "\(run.stderr)")
        let html = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.html") }.map { String($0.split(separator: " ").last!) })
        let size = try #require(try FileManager.default.attributesOfItem(atPath: html)[.size] as? Int)
        #expect(size < 3_000_000)
        let browser = try #require(Self.chromium, "chromium is not installed: run scripts/setup --test-tools")
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
        let dom = try Run(executable: "/usr/bin/timeout", arguments: ["120", browser] + common + ["--dump-dom", "file://" + html])
        #expect(dom.status == 0)
        #expect(dom.stdout.contains("<h1>default</h1>"))
        // Equity and drawdown of three variants each, buy and hold on the equity chart, rolling Sharpe and volatility.
        #expect(dom.stdout.components(separatedBy: "<polyline").count - 1 == 9)
        #expect(dom.stdout.contains(">buy and hold<") && dom.stdout.contains(">equity (account currency)<") && dom.stdout.contains(">2008<"))
        #expect(dom.stdout.contains("<h2>Trades</h2>") && dom.stdout.contains("The first 65 of 65 closed trades"))
        #expect(dom.stdout.contains("Rolling Sharpe ratio (annualised)") && dom.stdout.contains("Distribution of daily returns (%), VaR and CVaR at 95 %"))
        #expect(dom.stdout.contains("<circle"))  // the reliability plot
        // The tear sheet's tables: the monthly heatmap, yearly returns beside buy and hold, the worst drawdowns.
        #expect(dom.stdout.contains("Monthly returns (%)") && dom.stdout.contains("Yearly returns (%)") && dom.stdout.contains("<h3>Worst drawdowns</h3>"))
        // The verdict panel above the cards: the DSR of one trial and the trade Monte Carlo.
        #expect(dom.stdout.contains("<h2>Is it luck?</h2>") && dom.stdout.contains("after 1 trial") && dom.stdout.contains("paths lose 20 % or more"))
        let consoleErrors = dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
        let artifacts = Run.repository + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let shot = try Run(
            executable: "/usr/bin/timeout",
            arguments: ["120", browser] + common + [
                "--window-size=1200,3000", "--screenshot=\(artifacts)/report-default.png", "file://" + html,
            ])
        #expect(shot.status == 0)
        #expect(FileManager.default.fileExists(atPath: "\(artifacts)/report-default.png"))
    }
}
