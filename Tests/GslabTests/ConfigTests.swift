import Foundation
import Testing

/// `gslab config show` and the layers: defaults < gslab.yaml / --config < GSLAB_* < flags.
@Suite struct ConfigTests {
    func run(_ arguments: [String], environment: [String: String] = [:], in dir: String) throws -> Run {
        try Run(executable: "/usr/bin/env", arguments: environment.map { "\($0.key)=\($0.value)" } + [Run.binary] + arguments, directory: dir)
    }

    @Test func layersAndSources() throws {
        let dir = scratch()
        try "reports: out/r\nworkers: 3\ntolerance_relative: 0.05\n".write(toFile: dir + "/gslab.yaml", atomically: true, encoding: .utf8)
        let shown = try run(["config", "show"], environment: ["GSLAB_WORKERS": "1", "GSLAB_MEMORY_CAP_MB": "512"], in: dir)
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        func row(_ key: String) -> [String] { lines.first { $0.first == key } ?? [] }
        #expect(row("reports") == ["reports", "out/r", "(gslab.yaml)"])
        #expect(row("workers") == ["workers", "1", "(GSLAB_WORKERS)"])
        #expect(row("memory_cap_mb") == ["memory_cap_mb", "512", "(GSLAB_MEMORY_CAP_MB)"])
        #expect(row("tolerance_relative") == ["tolerance_relative", "0.05", "(gslab.yaml)"])
        #expect(row("history") == ["history", "out/r/history.sqlite", "(default)"])
        // The config's reports folder is where gslab run writes, and its memory cap applies.
        let scenario = Run.repository + "/scenarios/default.yaml"
        let capped = try run(["run", scenario], environment: ["GSLAB_MEMORY_CAP_MB": "0"], in: dir)
        #expect(capped.status == 0, "\(capped.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/out/r/history.sqlite"))
        // One rule for the history: `gslab report` reads where `gslab run` recorded (was a fixed
        // reports/history.sqlite that ignored the config).
        let listed = try run(["report", "list"], in: dir)
        #expect(listed.status == 0 && listed.stdout.contains("default"), "\(listed.stderr)")
        let dashboard = try run(["report", "dashboard"], in: dir)
        #expect(dashboard.status == 0 && FileManager.default.fileExists(atPath: dir + "/out/r/dashboard.html"), "\(dashboard.stderr)")
        try "memory_cap_mb: 1\n".write(toFile: dir + "/tiny.yaml", atomically: true, encoding: .utf8)
        let suite = Run.repository + "/scenarios/stress-suite.yaml"  // 11 variants of 2148 bars ≈ 1.1 MB
        let refused = try run(["run", suite, "--config", dir + "/tiny.yaml", "--out", dir + "/x"], in: dir)
        #expect(refused.status == 2 && refused.stderr.contains("memory_cap_mb: the run holds about"))
    }

    @Test func badConfigIsAOneLineError() throws {
        let dir = scratch()
        try "workers: many\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try run(["config", "show", "--config", dir + "/bad.yaml"], in: dir)
        #expect(bad.status == 2 && bad.stderr == "gslab: \(dir)/bad.yaml:1:10: workers: expected a whole number ≥ 0, got \"many\"\n")
        let env = try run(["config", "show"], environment: ["GSLAB_TOLERANCE_RELATIVE": "-1"], in: dir)
        #expect(env.status == 2 && env.stderr == "gslab: GSLAB_TOLERANCE_RELATIVE: expected a number in 0.0...1000000.0, got \"-1\"\n")
        try "workerz: 2\n".write(toFile: dir + "/typo.yaml", atomically: true, encoding: .utf8)
        #expect(try run(["config", "show", "--config", dir + "/typo.yaml"], in: dir).stderr.contains("did you mean \"workers\""))
    }
}

/// `--metrics-file`: Prometheus text exposition, checked with a parser of the format (HELP and
/// TYPE before each family's samples, `name{label="v",…} value` lines, values that parse).
@Suite struct MetricsFileTests {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// A strict parser of the subset gslab writes (gauges).
    func parse(_ text: String) throws -> [Sample] {
        var typed = Set<String>(), helped = Set<String>(), samples: [Sample] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { helped.insert(String(line.dropFirst(7).split(separator: " ")[0])); continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                #expect(parts.count == 2 && parts[1] == "gauge", "\(line)")
                typed.insert(String(parts[0]))
                continue
            }
            let regex = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/
            let m = try #require(try regex.wholeMatch(in: line), "not a sample line: \(line)")
            var labels: [String: String] = [:]
            if let body = m.output.3 {
                // name="value" pairs separated by commas; values may hold commas and escaped quotes.
                var rest = Substring(body)
                let pair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/
                while !rest.isEmpty {
                    let p = try #require(try pair.prefixMatch(in: rest), "bad labels: \(body)")
                    labels[String(p.output.1)] = String(p.output.2)
                    rest = rest[p.range.upperBound...]
                }
            }
            let name = String(m.output.1)
            #expect(typed.contains(name) && helped.contains(name), "\(name) without HELP/TYPE")
            samples.append(Sample(name: name, labels: labels, value: try #require(Double(String(m.output.4)))))
        }
        return samples
    }

    @Test func runWritesAParsableExposition() throws {
        let dir = scratch()
        let run = try Run("run", Run.repository + "/scenarios/default.yaml", "--out", dir, "--no-history", "--metrics-file", dir + "/gslab.prom")
        #expect(run.status == 0, "\(run.stderr)")
        let samples = try parse(try String(contentsOfFile: dir + "/gslab.prom", encoding: .utf8))
        func value(_ name: String, _ labels: [String: String] = ["scenario": "default"]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("gslab_jobs") == 3 && value("gslab_bars_processed") == 3 * 2148 && value("gslab_run_failures", [:]) == 0)
        #expect((value("gslab_run_duration_seconds") ?? -1) > 0)
        let sharpe = value("gslab_strategy_metric", ["scenario": "default", "job": "baseline fast=10,slow=30", "metric": "sharpe_ratio"])
        let report =
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: URL(
                        fileURLWithPath: String(run.stdout.split(separator: "\n").first { $0.contains("report.json") }!.split(separator: " ").last!))))
            as! [String: Any]
        let stats = ((report["jobs"] as! [[String: Any]])[0]["stats"] as! [String: Any])
        // (JSONSerialization may read the last digit differently: compare to 1e-15.)
        #expect(abs((sharpe ?? .nan) - (stats["Sharpe Ratio"] as? Double ?? .nan)) < 1e-15)
        // A failing run still writes the file, with the failure counted.
        let failed = try Run(
            "run", Run.repository + "/scenarios/default.yaml", "--out", "/proc/forbidden", "--no-history", "--metrics-file", dir + "/fail.prom")
        #expect(failed.status == 3)  // an I/O failure, not bad input
        let failures = try parse(try String(contentsOfFile: dir + "/fail.prom", encoding: .utf8))
        #expect(failures.first { $0.name == "gslab_run_failures" }?.value == 1)
    }
}
