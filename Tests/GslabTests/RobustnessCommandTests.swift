import Foundation
import Testing

/// The robustness gate and page through the binary: `check --require`, requirements kept in a
/// baseline, `run --check`, `report diff`, and the verdict panel of report.html.
@Suite struct RobustnessCommandTests {
    /// A 2 × 2 sweep on a year of GOOG, written into `dir`.
    func scenario(in dir: String, sweep: Bool = true, baseline: String? = nil) throws -> String {
        let text = """
            name: robust
            dataset:
              path: \(Run.repository)/datasets/GOOG.h5
              start: 2009-01-01
              end: 2010-12-31
            strategy:
              name: sma_cross
              params: {fast: 5, slow: 20}
            \(sweep ? "sweep:\n  grid:\n    fast: [5, 10]\n    slow: [20, 40]" : "")
            robustness: {blocks: 8, bootstrap: 200, monte_carlo: {paths: 500}}
            \(baseline.map { "baseline: \($0)" } ?? "")
            """
        let path = dir + "/robust.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func reportPath(_ run: Run) throws -> String {
        try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
    }

    func figure(_ report: String, _ path: [String]) throws -> Double {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        var node: Any = json["robustness"]!
        for key in path { node = (node as! [String: Any])[key]! }
        return (node as! NSNumber).doubleValue
    }

    @Test func requirementsGateAReport() throws {
        let dir = scratch()
        let run = try Run("run", try scenario(in: dir), "--out", dir + "/reports", "--no-history", "--metrics-file", dir + "/gslab.prom")
        #expect(run.status == 0, "\(run.stderr)")
        let report = try reportPath(run)
        let dsr = try figure(report, ["sharpe", "dsr"]), pbo = try figure(report, ["pbo", "pbo"])
        // The metrics file carries the figures for alerting.
        let prom = try String(contentsOfFile: dir + "/gslab.prom", encoding: .utf8)
        let line = prom.split(separator: "\n").first { $0.hasPrefix("gslab_robustness{") && $0.contains("figure=\"dsr\"") }
        #expect(abs((line.flatMap { Double($0.split(separator: " ").last!) } ?? .nan) - dsr) < 1e-12, "\(prom)")
        // One that holds and one that fails: one line each, exit 1.
        let gate = try Run("check", report, "--require", "dsr >= \(dsr + 0.01)", "--require", "pbo <= \(pbo)")
        #expect(gate.status == 1)
        let lines = gate.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].hasPrefix("FAILED requirement dsr >= ") && lines[1].hasPrefix("ok     requirement pbo <= "))
        #expect(lines[2] == "1 of 2 requirements failed")
        #expect(try Run("check", report, "--require", "dsr<=\(dsr)", "--require", "sharpe_ratio > -100").status == 0)
        // Malformed, unknown, or nothing to check: one line, exit 2, nothing on stdout.
        let malformed = try Run("check", report, "--require", "dsr => 0.9")
        #expect(malformed.status == 2 && malformed.stdout.isEmpty)
        #expect(
            malformed.stderr
                == "gslab: --require: malformed requirement \"dsr => 0.9\": expected NAME OP NUMBER with OP one of >=, <=, >, <, == (e.g. \"dsr >= 0.95\")\n")
        let unknown = try Run("check", report, "--require", "dsrr >= 0.9")
        #expect(unknown.status == 2 && unknown.stderr == "gslab: --require: unknown figure \"dsrr\" (did you mean \"dsr\"?)\n")
        #expect(try Run("check", report, "--require", "pbo <= x").status == 2)
        let nothing = try Run("check", report)
        #expect(nothing.status == 2 && nothing.stderr.contains("give --baseline FILE, --require"))
    }

    /// A figure the report cannot have fails with the report's own note.
    @Test func aMissingFigureFails() throws {
        let dir = scratch()
        let run = try Run("run", try scenario(in: dir, sweep: false), "--out", dir + "/reports", "--no-history")
        let gate = try Run("check", try reportPath(run), "--require", "pbo <= 0.5")
        #expect(gate.status == 1)
        #expect(
            gate.stdout.hasPrefix(
                "FAILED requirement pbo <= 0.5: pbo = missing (PBO, the Reality Check and SPA need a sweep (at least 2 combinations); this run tried one parameter set)"
            ), "\(gate.stdout)")
    }

    /// `baseline update --require` keeps them in the file; a later update keeps them; `run --check`
    /// applies them.
    @Test func requirementsLiveInTheBaseline() throws {
        let dir = scratch()
        let s = try scenario(in: dir)
        let report = try reportPath(try Run("run", s, "--out", dir + "/reports", "--no-history"))
        let base = dir + "/base.json"
        #expect(try Run("baseline", "update", report, "--out", base, "--require", "dsr >= 0.999", "--require", "psr >= 0").status == 0)
        func stored() throws -> [String] {
            (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base))) as! [String: Any])["requirements"] as! [String]
        }
        #expect(try stored() == ["dsr >= 0.999", "psr >= 0"])
        #expect(try Run("baseline", "update", report, "--out", base).status == 0)
        #expect(try stored() == ["dsr >= 0.999", "psr >= 0"])
        let checked = try Run("check", report, "--baseline", base)
        #expect(checked.status == 1 && checked.stdout.contains("FAILED requirement dsr >= 0.999"))
        #expect(checked.stdout.contains("no metric moved beyond its tolerance") && checked.stdout.contains("1 requirement failed"))
        // The same through run --check.
        let gated = try Run("run", try scenario(in: dir, baseline: base), "--out", dir + "/reports", "--no-history", "--check", "--across-scenarios")
        #expect(gated.status == 1 && gated.stdout.contains("FAILED requirement dsr >= 0.999"), "\(gated.stdout)\(gated.stderr)")
        // A bad requirement written into a baseline by hand is a one-line error.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base))) as! [String: Any]
        json["requirements"] = ["dsr >> 1"]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: base))
        let bad = try Run("check", report, "--baseline", base)
        #expect(bad.status == 2 && bad.stderr.hasPrefix("gslab: baseline requirements[0]: malformed requirement \"dsr >> 1\""), "\(bad.stderr)")
    }

    /// Another seed draws other bootstrap replications: `report diff` shows the robustness figures
    /// that moved; the page carries the verdict panel.
    @Test func diffAndPage() throws {
        let dir = scratch()
        let s = try scenario(in: dir)
        let a = try reportPath(try Run("run", s, "--out", dir + "/a", "--no-history", "--seed", "1"))
        let b = try reportPath(try Run("run", s, "--out", dir + "/b", "--no-history", "--seed", "2"))
        let diff = try Run("report", "diff", a, b)
        #expect(diff.status == 0)
        #expect(diff.stdout.split(separator: "\n").contains { $0.hasPrefix("robustness") && $0.contains("monte_carlo_probability_of_loss") }, "\(diff.stdout)")
        let html = try String(contentsOfFile: URL(fileURLWithPath: a).deletingLastPathComponent().appendingPathComponent("report.html").path, encoding: .utf8)
        #expect(html.contains("<h2>Is it luck?</h2>") && html.contains("after 4 trials") && html.contains("PBO: logit"))
        #expect(html.range(of: "Is it luck?")!.lowerBound < html.range(of: "<section class=cards>")!.lowerBound)
    }
}
