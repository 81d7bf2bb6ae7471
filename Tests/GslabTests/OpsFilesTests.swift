import Foundation
import Testing
import Yams

/// The CI workflow and the pre-commit hooks stay equivalent to `.ci/run` and run real commands.
@Suite struct OpsFilesTests {
    func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: Run.repository + "/" + path, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is not a YAML mapping")
    }

    @Test func workflowRunsTheSameCommandsAsCI() throws {
        let workflow = try yaml(".github/workflows/ci.yml")
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        let test = try #require(jobs["test"] as? [String: Any])
        let runs = (test["steps"] as? [[String: Any]] ?? []).compactMap { $0["run"] as? String }
        #expect(runs.contains(".ci/run"))
        #expect(runs.contains("scripts/run"))
        // .ci/run calls the README's test command.
        let ci = try String(contentsOfFile: Run.repository + "/.ci/run", encoding: .utf8)
        #expect(ci.contains("scripts/test"))
        // The format check CI runs is the pre-commit hook's.
        let hooks = try yaml(".pre-commit-config.yaml")
        let local = try #require((hooks["repos"] as? [[String: Any]])?.first?["hooks"] as? [[String: Any]])
        let entries = local.compactMap { $0["entry"] as? String }
        let format = "swift format lint --strict --recursive Sources Tests benchmarks/Sources"
        #expect(runs.contains(format) && entries.contains(format))
        #expect(entries.contains { $0.contains("scenario validate") })
        // The doc-comment check runs in the README's test command and as a hook.
        let testCommand = try String(contentsOfFile: Run.repository + "/scripts/test", encoding: .utf8)
        #expect(testCommand.contains("\nscripts/undocumented") && entries.contains("scripts/undocumented"))
    }

    /// scripts/setup refuses an option it does not know (the old `--browser` among them) with one
    /// line naming it, before installing anything.
    @Test func setupRefusesAnUnknownOption() throws {
        let run = try Run(executable: Run.repository + "/scripts/setup", arguments: ["--browser"])
        #expect(run.status == 2)
        #expect(run.stderr == "scripts/setup: unknown option '--browser' (known: --test-tools)\n")
    }

    /// scripts/undocumented lists a public declaration or a public enum's case without a doc
    /// comment (exit 1) and passes documented ones, witnesses and internal declarations (exit 0).
    @Test func docCommentCheckFindsWhatIsMissing() throws {
        let dir = scratch()
        let script = Run.repository + "/scripts/undocumented"
        let documented = """
            /// A fill.
            public struct Fill {
                /// Price, account currency.
                @inlinable public var price: Double { 1 }
                public var description: String { "fill" }
                var internalOnly = 0
            }
            /// Sides.
            public enum Side {
                /// Buy.
                case buy
            }
            enum Hidden {
                case any
            }
            """
        try documented.write(toFile: dir + "/Fill.swift", atomically: true, encoding: .utf8)
        let clean = try Run(executable: script, arguments: [dir])
        #expect(clean.status == 0)
        #expect(clean.stdout.isEmpty)
        #expect(clean.stderr.contains("0 public declarations without a doc comment"))

        let missing = """
            /// Sides.
            public enum Side {
                case buy
                /// Sell.
                case sell
            }
            public func slippage(bps: Double) -> Double { bps / 10_000 }
            """
        try missing.write(toFile: dir + "/Side.swift", atomically: true, encoding: .utf8)
        let run = try Run(executable: script, arguments: [dir])
        #expect(run.status == 1)
        #expect(run.stdout == "\(dir)/Side.swift:3: case buy\n\(dir)/Side.swift:7: public func slippage(bps: Double) -> Double { bps / 10_000 }\n")
        #expect(run.stderr.contains("2 public declarations without a doc comment"))
    }
}

@Suite struct ClusterExamplesTests {
    /// The Kubernetes example is an Indexed Job whose shard count equals its completions, and the
    /// Slurm example's array size matches the merge it names.
    @Test func clusterExamplesAreConsistent() throws {
        let text = try String(contentsOfFile: Run.repository + "/ops/k8s/sweep-job.yaml", encoding: .utf8)
        let job = try #require(try Yams.load(yaml: text) as? [String: Any])
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        let container = try #require(((spec["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]).first!
        let count = (container["env"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "GSLAB_SHARD_COUNT" }?["value"] as? String
        #expect(count == "\(spec["completions"] as? Int ?? -1)")
        #expect((container["args"] as? [String])?.first == "run")
        let slurm = try String(contentsOfFile: Run.repository + "/ops/slurm/sweep.sbatch", encoding: .utf8)
        #expect(slurm.contains("#SBATCH --array=0-7") && slurm.contains("shard-*-of-8.json"))
    }
}

/// The Grafana dashboard and the Prometheus alerts use only the metrics `gslab run --metrics-file`
/// writes (names read from a real exposition), and parse; promtool accepts the rules and the file.
@Suite struct MonitoringFilesTests {
    func writtenMetricNames() throws -> Set<String> {
        let dir = scratch()
        let run = try Run("run", Run.repository + "/scenarios/default.yaml", "--out", dir, "--no-history", "--metrics-file", dir + "/m.prom")
        #expect(run.status == 0)
        let text = try String(contentsOfFile: dir + "/m.prom", encoding: .utf8)
        return Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
            .union(["gslab_regression_check"])  // written only with --check
    }

    static func promtool() throws -> String {
        let path = "/usr/bin/promtool"
        try #require(FileManager.default.isExecutableFile(atPath: path), "promtool is not installed: run scripts/setup --test-tools")
        return path
    }

    /// promtool's linter accepts the exposition gslab writes, and rejects a broken one (so the
    /// check can fail).
    @Test func promtoolAcceptsTheMetricsFile() throws {
        let dir = scratch()
        let run = try Run("run", Run.repository + "/scenarios/default.yaml", "--out", dir, "--no-history", "--metrics-file", dir + "/m.prom")
        #expect(run.status == 0)
        let good = try Run(executable: "/bin/sh", arguments: ["-c", "\(try Self.promtool()) check metrics < \(dir)/m.prom"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        try "# TYPE gslab_jobs gauge\ngslab_jobs{scenario=\"x\" 1\n".write(toFile: dir + "/bad.prom", atomically: true, encoding: .utf8)
        let bad = try Run(executable: "/bin/sh", arguments: ["-c", "\(try Self.promtool()) check metrics < \(dir)/bad.prom"])
        #expect(bad.status != 0)
    }

    func metricNames(in expression: String) -> Set<String> {
        Set(expression.matches(of: /gslab_[a-z_]+/).map { String($0.output) })
    }

    @Test func dashboardAndAlertsUseWrittenMetrics() throws {
        let written = try writtenMetricNames()
        let dashboard =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Run.repository + "/ops/grafana/dashboard.json"))) as! [String: Any]
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 6)
        var used = Set<String>()
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] { used.formUnion(metricNames(in: target["expr"] as? String ?? "")) }
        }
        #expect(!used.isEmpty && used.isSubset(of: written), "unknown: \(used.subtracting(written))")
        let alerts = try #require(try Yams.load(yaml: String(contentsOfFile: Run.repository + "/ops/prometheus/alerts.yml", encoding: .utf8)) as? [String: Any])
        let rules = try #require((alerts["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]])
        #expect(
            Set(rules.compactMap { $0["alert"] as? String }) == [
                "GslabRegressionDetected", "GslabRunFailures", "GslabDataQualityFindingsSpike", "GslabRuntimeDoubled",
            ])
        for rule in rules {
            let names = metricNames(in: rule["expr"] as? String ?? "")
            #expect(!names.isEmpty && names.isSubset(of: written), "\(rule["alert"] ?? ""): \(names.subtracting(written))")
        }
        // promtool (Debian's prometheus package, from scripts/setup --test-tools) checks the rules' PromQL.
        let check = try Run(executable: try Self.promtool(), arguments: ["check", "rules", Run.repository + "/ops/prometheus/alerts.yml"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 4 rules found"))
    }
}
