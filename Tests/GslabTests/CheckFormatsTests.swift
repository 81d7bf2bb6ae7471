import Foundation
import Testing

/// `gslab check --format junit | github | json`: what CI systems read, checked with real parsers
/// (Python's xml.etree for JUnit, JSONSerialization) on a report with a regression and a failed
/// requirement.
@Suite struct CheckFormatsTests {
    /// A baseline of a cheap run and the report of a costly one (lower Sharpe and return: regressions).
    func regressed() throws -> (report: String, baseline: String, dir: String) {
        let dir = scratch()
        func scenario(_ commission: Double) throws -> String {
            let path = dir + "/formats-\(commission).yaml"
            try """
            name: formats
            dataset:
              path: \(Run.repository)/datasets/GOOG.h5
              start: 2010-01-01
              end: 2010-12-31
            strategy:
              name: sma_cross
              params: {fast: 5, slow: 15}
            execution:
              commission: {rate: \(commission)}
            robustness: {monte_carlo: {paths: 200}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func report(_ run: Run) throws -> String {
            try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        }
        let cheap = try report(try Run("run", try scenario(0.0005), "--out", dir + "/a", "--no-history"))
        #expect(try Run("baseline", "update", cheap, "--out", dir + "/base.json").status == 0)
        let costly = try report(try Run("run", try scenario(0.005), "--out", dir + "/b", "--no-history"))
        return (costly, dir + "/base.json", dir)
    }

    @Test func junitParsesWithARealParser() throws {
        let (report, baseline, dir) = try regressed()
        let run = try Run("check", report, "--baseline", baseline, "--across-scenarios", "--require", "psr >= 0.999", "--format", "junit")
        #expect(run.status == 1)
        try run.stdout.write(toFile: dir + "/junit.xml", atomically: true, encoding: .utf8)
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            cases = root.findall('.//testcase')
            failures = [c for c in cases if c.find('failure') is not None]
            print(root.tag, root.get('tests'), root.get('failures'), len(cases), len(failures))
            for c in failures:
                f = c.find('failure')
                print(c.get('classname') + '|' + c.get('name') + '|' + f.get('type') + '|' + f.get('message') + '|' + (f.text or ''))
            """
        let parsed = try Run(executable: "/usr/bin/env", arguments: ["python3", "-c", script, dir + "/junit.xml"])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let lines = parsed.stdout.split(separator: "\n").map(String.init)
        let head = lines[0].split(separator: " ").map(String.init)
        #expect(head[0] == "testsuites" && head[1] == head[3] && head[2] == head[4])
        // Every compared metric and the requirement is a test case; the Sharpe regression and the requirement fail.
        #expect(Int(head[3])! > 20 && Int(head[4])! >= 2)
        #expect(
            lines.contains {
                $0.hasPrefix("formats.baseline fast=5,slow=15|Sharpe Ratio|regression|Sharpe Ratio of baseline fast=5,slow=15: regression:")
                    && $0.contains("|baseline=") && $0.contains(" tolerance=")
            })
        #expect(lines.contains { $0.hasPrefix("formats.requirements|psr >= 0.999|requirement|requirement psr >= 0.999 failed: psr = ") })
    }

    @Test func githubAnnotationsAndStepSummary() throws {
        let (report, baseline, dir) = try regressed()
        let summary = dir + "/summary.md"
        try "earlier step\n".write(toFile: summary, atomically: true, encoding: .utf8)
        let run = try Run(
            executable: "/usr/bin/env",
            arguments: [
                "GITHUB_STEP_SUMMARY=\(summary)", Run.binary, "check", report, "--baseline", baseline, "--across-scenarios", "--require", "psr >= 0.999",
                "--format", "github",
            ])
        #expect(run.status == 1)
        let annotations = run.stdout.split(separator: "\n").map(String.init)
        #expect(annotations.allSatisfy { $0.hasPrefix("::error title=") || $0.hasPrefix("::notice title=") }, "\(run.stdout)")
        #expect(
            annotations.contains { $0.hasPrefix("::error title=gslab check formats%3A Sharpe Ratio::Sharpe Ratio of baseline fast=5,slow=15: regression: ") })
        #expect(annotations.contains { $0.hasPrefix("::error title=gslab check formats%3A requirement::requirement psr >= 0.999 failed") })
        let md = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(md.hasPrefix("earlier step\n### gslab check: formats — failed ("))
        #expect(md.contains("| `psr >= 0.999` |") && md.contains("| baseline fast=5,slow=15 | Sharpe Ratio |") && md.contains("**regression**"))
        // Without the variable the summary is printed after the annotations.
        let printed = try Run(
            executable: "/usr/bin/env",
            arguments: ["-u", "GITHUB_STEP_SUMMARY", Run.binary, "check", report, "--require", "psr >= 0", "--format", "github"])
        #expect(printed.status == 0 && printed.stdout.hasPrefix("### gslab check: formats — passed"))
    }

    @Test func jsonAndBadFormat() throws {
        let (report, baseline, _) = try regressed()
        let run = try Run("check", report, "--baseline", baseline, "--across-scenarios", "--require", "psr >= 0", "--format", "json")
        #expect(run.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(object["passed"] as? Bool == false && object["scenario"] as? String == "formats")
        let metrics = object["metrics"] as! [[String: Any]]
        #expect(metrics.count == object["compared"] as? Int)
        let failing = metrics.filter { $0["fails"] as? Bool == true }
        #expect(failing.count == object["failures"] as? Int && failing.contains { $0["metric"] as? String == "Sharpe Ratio" })
        #expect((object["requirements"] as! [[String: Any]]).first?["passed"] as? Bool == true)
        let bad = try Run("check", report, "--require", "psr >= 0", "--format", "xml")
        #expect(bad.status == 2 && bad.stdout.isEmpty && bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.contains("'xml' is invalid for '--format <format>'") && bad.stderr.contains("'text', 'junit', 'github' or 'json'"))
    }
}
