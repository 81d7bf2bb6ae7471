import Foundation
import Testing

/// `gslab run` → history → `gslab baseline update` → `gslab check` (and `run --check`), through the binary.
@Suite struct RunAndCheckTests {
    /// A small scenario on half a year of GOOG, written into `dir`; `commission` moves its metrics.
    func scenario(in dir: String, name: String = "small", commission: Double = 0.0005, baseline: String? = nil) throws -> String {
        let text = """
            name: \(name)
            dataset:
              path: \(Run.repository)/datasets/GOOG.h5
              start: 2010-01-01
              end: 2010-12-31
            strategy:
              name: sma_cross
              params: {fast: 5, slow: 15}
            execution:
              commission: {rate: \(commission)}
            \(baseline.map { "baseline: \($0)" } ?? "")
            """
        let path = dir + "/\(name).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func baselineCheckFailsOnARegressionAndPassesOtherwise() throws {
        let dir = scratch()
        let s = try scenario(in: dir)
        let run = try Run("run", s, "--out", dir + "/reports")
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        #expect(try Run("baseline", "update", report, "--out", dir + "/base.json").status == 0)
        let same = try Run("check", report, "--baseline", dir + "/base.json")
        #expect(same.status == 0 && same.stdout.hasPrefix("no metric moved"))
        // Ten times the commission: lower return and Sharpe, a regression.
        let costly = try scenario(in: dir, name: "small", commission: 0.005, baseline: dir + "/base.json")
        // Its text changed since the baseline: refused before any job, unless compared on purpose.
        let refused = try Run("run", costly, "--out", dir + "/reports", "--check")
        #expect(refused.status == 2 && refused.stderr.contains("baseline taken from another text of scenario \"small\""), "\(refused.stderr)")
        let checked = try Run("run", costly, "--out", dir + "/reports", "--check", "--across-scenarios")
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("Sharpe Ratio") && checked.stdout.contains("regression"))
        // A generous tolerance lets it pass.
        let report2 = try #require(checked.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        let loose = try Run("check", report2, "--baseline", dir + "/base.json", "--tolerance", "default=rel:10,abs:100", "--across-scenarios")
        #expect(loose.status == 0, "\(loose.stdout)")
        // A statistic named by its id passes like its label; a misspelled one is refused, not ignored.
        let byID = try Run(
            "check", report2, "--baseline", dir + "/base.json", "--tolerance", "default=rel:10,abs:100", "--tolerance", "sharpe_ratio=rel:10,abs:100",
            "--across-scenarios")
        #expect(byID.status == 0, "\(byID.stderr)")
        let typo = try Run("check", report2, "--baseline", dir + "/base.json", "--tolerance", "Sharpe Ration=rel:0.5")
        #expect(typo.status == 2 && typo.stdout.isEmpty)
        #expect(typo.stderr == "gslab: --tolerance: unknown statistic \"Sharpe Ration\" (did you mean \"sharpe_ratio\"?)\n", "\(typo.stderr)")
        // Both runs are in the history.
        let list = try Run("report", "list", "--history", dir + "/reports/history.sqlite")
        #expect(list.stdout.split(separator: "\n").count == 2)
        // The dashboard trends both runs.
        let dashboard = try Run("report", "dashboard", "--history", dir + "/reports/history.sqlite", "--out", dir + "/dash.html")
        #expect(dashboard.status == 0)
        let page = try String(contentsOfFile: dir + "/dash.html", encoding: .utf8)
        #expect(page.contains("<h2>small</h2>") && page.contains("2 runs") && page.components(separatedBy: "<polyline").count - 1 == 6)
        // report diff shows what moved between the two.
        #expect(try Run("report", "diff", report, report2).stdout.contains("Return [%]"))
    }

    @Test func badBaselinesAndReportsAreOneLineErrors() throws {
        let dir = scratch()
        let run = try Run("run", try scenario(in: dir), "--out", dir + "/r", "--no-history")
        let report = String(run.stdout.split(separator: "\n").first { $0.contains("report.json") }!.split(separator: " ").last!)
        #expect(!FileManager.default.fileExists(atPath: dir + "/r/history.sqlite"))
        try "{\"baseline_version\": 1, \"report_schema_version\": 99, \"scenario\": \"x\", \"run_id\": \"y\", \"metrics\": {}}".write(
            toFile: dir + "/old.json", atomically: true, encoding: .utf8)
        let old = try Run("check", report, "--baseline", dir + "/old.json")
        #expect(old.status == 2 && old.stderr == "gslab: baseline: incompatible: baseline taken from report schema 99, the report has schema 2\n")
        // A baseline taken from a schema-1 report still gates a schema-2 report (same metric names).
        let update = try Run("baseline", "update", report, "--out", dir + "/b.json")
        #expect(update.status == 0, "\(update.stderr)")
        let taken = try String(contentsOfFile: dir + "/b.json", encoding: .utf8)
        try taken.replacingOccurrences(of: "\"report_schema_version\" : 2", with: "\"report_schema_version\" : 1").write(
            toFile: dir + "/v1.json", atomically: true, encoding: .utf8)
        #expect(try String(contentsOfFile: dir + "/v1.json", encoding: .utf8).contains("\"report_schema_version\" : 1"))
        let v1 = try Run("check", report, "--baseline", dir + "/v1.json")
        #expect(v1.status == 0, "\(v1.stderr)")
        // Another scenario's baseline, or one with no metrics, gates nothing: refused, not passed.
        var other = try #require(try JSONSerialization.jsonObject(with: Data(taken.utf8)) as? [String: Any])
        let name = try #require(other["scenario"] as? String)
        other["scenario"] = "another"
        try JSONSerialization.data(withJSONObject: other).write(to: URL(fileURLWithPath: dir + "/other.json"))
        let foreign = try Run("check", report, "--baseline", dir + "/other.json")
        #expect(foreign.status == 2 && foreign.stdout.isEmpty)
        #expect(
            foreign.stderr
                == "gslab: baseline: incompatible: baseline of scenario \"another\", the report ran \"\(name)\" (take its own with gslab baseline update, or compare on purpose with --across-scenarios)\n",
            "\(foreign.stderr)")
        // On purpose, it compares (the same metrics under another name: nothing moved).
        let purposeful = try Run("check", report, "--baseline", dir + "/other.json", "--across-scenarios")
        #expect(purposeful.status == 0 && purposeful.stdout.hasPrefix("no metric moved"), "\(purposeful.stdout)\(purposeful.stderr)")
        other["scenario"] = name
        other["metrics"] = [String: Any]()
        try JSONSerialization.data(withJSONObject: other).write(to: URL(fileURLWithPath: dir + "/empty.json"))
        let empty = try Run("check", report, "--baseline", dir + "/empty.json")
        #expect(empty.status == 2 && empty.stdout.isEmpty)
        #expect(
            empty.stderr == "gslab: baseline: incompatible: the baseline holds no metrics, so nothing would be checked (take one with gslab baseline update)\n")
        let missing = try Run("check", report, "--baseline", dir + "/none.json")
        #expect(missing.status == 2 && missing.stderr == "gslab: \(dir)/none.json: no such baseline file\n")
        try "{\"schema_version\": 7}".write(toFile: dir + "/future.json", atomically: true, encoding: .utf8)
        let future = try Run("check", dir + "/future.json", "--baseline", dir + "/old.json")
        #expect(future.stderr == "gslab: \(dir)/future.json: report schema version 7, this gslab reads 2\n")
        let noBaseline = try Run("run", try scenario(in: dir, name: "nobase"), "--out", dir + "/r", "--check")
        #expect(noBaseline.status == 2 && noBaseline.stderr.hasPrefix("gslab: --check: ") && noBaseline.stderr.contains("names no baseline"))
    }

    /// 8 concurrent `gslab run` processes, 50 runs each, one history file: all 400 recorded.
    @Test func concurrentRunsLoseNothingInTheHistory() throws {
        let dir = scratch()
        let s = try scenario(in: dir)
        let history = dir + "/history.sqlite"
        let processes = (0..<8).map { k -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Run.binary)
            p.arguments = ["run"] + Array(repeating: s, count: 50) + ["--out", dir + "/out\(k)", "--history", history, "--workers", "1"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            return p
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let list = try Run("report", "list", "--history", history, "--limit", "1000")
        #expect(list.stdout.split(separator: "\n").count == 400)
    }
}

/// Ctrl-C during a run: the process stops between jobs, exits non-zero, and leaves no report.
@Suite struct InterruptTests {
    @Test func interruptedRunWritesNothing() throws {
        let dir = scratch()
        // A 100-job sweep on GOOG: long enough (seconds in a debug build) to interrupt.
        let scenario = Run.repository + "/scenarios/sweep.yaml"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Run.binary)
        p.arguments = ["run", scenario, "--out", dir, "--workers", "1", "--no-history"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Wait for the first job to finish (its progress line), then interrupt.
        let handle = err.fileHandleForReading
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("job 1/") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(p.processIdentifier, SIGINT)
        seen.append(handle.readDataToEndOfFile())
        p.waitUntilExit()
        let stderr = String(decoding: seen, as: UTF8.self)
        #expect(p.terminationStatus == 2)
        #expect(stderr.contains("interrupted; no report written"))
        let written = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix("report.json") || $0.hasSuffix("report.html")
        }
        #expect(written.isEmpty)
    }
}

/// `gslab run --shard I/N` on three "machines" then `gslab merge`: the same report.json bytes as
/// one machine; the shard also comes from Slurm's and Kubernetes' array variables.
@Suite struct ShardTests {
    @Test func shardsMergeIntoTheSameReport() throws {
        let dir = scratch()
        let scenario = Run.repository + "/scenarios/walk-forward.yaml"
        let whole = try Run("run", scenario, "--out", dir + "/whole", "--no-history")
        #expect(whole.status == 0, "\(whole.stderr)")
        let wholePath = String(whole.stdout.split(separator: "\n").first { $0.contains("report.json") }!.split(separator: " ").last!)
        var partials: [String] = []
        for (k, env) in [
            ["GSLAB_TEST": "flag"], ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"],
            ["JOB_COMPLETION_INDEX": "2", "GSLAB_SHARD_COUNT": "3"],
        ].enumerated() {
            let args = ["run", scenario, "--out", dir + "/parts", "--no-history"] + (k == 0 ? ["--shard", "0/3"] : [])
            let run = try Run(executable: "/usr/bin/env", arguments: env.map { "\($0.key)=\($0.value)" } + [Run.binary] + args)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("shard \(k) of 3"))
            partials.append(String(run.stdout.split(separator: "\n").first { $0.contains("partial") }!.split(separator: " ").last!))
        }
        let merged = try Run(arguments: ["merge"] + partials.reversed() + ["--out", dir + "/merged"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let mergedPath = String(merged.stdout.split(separator: "\n").first { $0.contains("report.json") }!.split(separator: " ").last!)
        #expect(try Data(contentsOf: URL(fileURLWithPath: mergedPath)) == Data(contentsOf: URL(fileURLWithPath: wholePath)))
        // A missing shard is refused.
        let short = try Run(arguments: ["merge", partials[0], partials[1], "--out", dir + "/bad"])
        #expect(short.status == 2 && short.stderr.contains("need shards 0..<3 once each, got 0, 1"))
        let bad = try Run("run", scenario, "--shard", "3/3", "--out", dir + "/x")
        #expect(bad.status == 2 && bad.stderr.contains("--shard 3/3: expected a shard index in 0..<count"))
        // A Slurm array index outside the array: one line, exit 2, nothing written.
        let outside = try Run(
            executable: "/usr/bin/env",
            arguments: ["SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3", Run.binary, "run", scenario, "--out", dir + "/y"])
        #expect(
            outside.status == 2
                && outside.stderr == "gslab: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT: expected a shard index in 0..<count and a count ≥ 1\n",
            "\(outside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/y"))
    }
}
