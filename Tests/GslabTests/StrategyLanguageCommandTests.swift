import Foundation
import Testing

/// Strategies written in the scenario file, through the binary: the shipped example runs, and a
/// mistake in an expression stops `scenario validate` and `run` with exit 2, the message at the
/// line and column and a caret under the expression, before any data is read or report written.
@Suite struct StrategyLanguageCommandTests {
    @Test func theShippedCustomRulesScenarioValidatesAndRuns() throws {
        let out = scratch() + "/out"
        let validate = try Run("scenario", "validate", "scenarios/custom-rules.yaml")
        #expect(
            validate.status == 0
                && validate.stdout == "scenarios/custom-rules.yaml: ok (custom-rules: 1 parameter set; GOOG: 2148 bars 2004-08-19 … 2013-03-01)\n",
            "\(validate.stderr)")
        let run = try Run("run", "scenarios/custom-rules.yaml", "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        let folder = out + "/custom-rules"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(id)/report.json"))) as! [String: Any]
        let scenario = report["scenario"] as! [String: Any]
        #expect(scenario["strategy"] as? String == "rules")
        #expect((scenario["program"] as? [String: String])?["let.trend"] == "sma(close, slow)")
        let html = try String(contentsOfFile: "\(folder)/\(id)/report.html", encoding: .utf8)
        #expect(html.contains("<code>close &lt; lag(donchian(exit_window).lower, 1)</code>"))
    }

    @Test(arguments: [("custom-rules-sweep", 36), ("byo-signals", 1)])
    func theOtherShippedExamplesValidateAndRun(name: String, sets: Int) throws {
        let out = scratch() + "/out"
        let validate = try Run("scenario", "validate", "scenarios/\(name).yaml")
        #expect(
            validate.stdout == "scenarios/\(name).yaml: ok (\(name): \(sets) parameter set\(sets == 1 ? "" : "s"); GOOG: 2148 bars 2004-08-19 … 2013-03-01)\n",
            "\(validate.stderr)")
        let run = try Run("run", "scenarios/\(name).yaml", "--out", out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out + "/" + name)) ?? []).count == 1)
    }

    @Test func aMistakeStopsBeforeTheDataWithACaret() throws {
        let dir = scratch()
        let out = dir + "/out"
        let path = dir + "/bad.yaml"
        // The dataset does not exist: the expression is refused first, before any file is opened.
        try """
        name: bad
        dataset: {path: nowhere.h5, symbol: X}
        strategy:
          rules:
            enter_long: cross_above(sma(close, 10), sma(close, 50)) and rsii(close, 14) < 70
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let expression = "cross_above(sma(close, 10), sma(close, 50)) and rsii(close, 14) < 70"
        let expected =
            "gslab: \(path):5:65: strategy.rules.enter_long: unknown function 'rsii' (did you mean 'rsi'?)\n"
            + "  \(expression)\n  \(String(repeating: " ", count: 48))^\n"
        for arguments in [["scenario", "validate", path], ["run", path, "--out", out]] {
            let run = try Run(arguments: arguments)
            #expect(run.status == 2)
            #expect(run.stderr == expected, "\(run.stderr)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty)
        }
    }
}
