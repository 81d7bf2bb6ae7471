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
