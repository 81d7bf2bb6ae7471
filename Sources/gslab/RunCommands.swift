import ArgumentParser
import Foundation
import LabCore
import LabData
import LabReport
import LabScenario

/// `gslab run SCENARIO…`: runs scenario files and writes their reports.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files and write report.json under the output folder.",
        discussion: """
            Each scenario's jobs (stress variant × parameter set) run on a worker pool; the same scenario, \
            data and seed give a byte-identical report.json whatever the number of workers. Reports go to \
            OUT/<scenario>/<run id>/ (run id: a hash of scenario, data and seed). Ctrl-C stops between jobs \
            and writes nothing.
            """)

    @Argument(help: "Scenario files (YAML).")
    var scenarios: [String]

    @Option(help: "Output folder (default: the config's reports, else reports).")
    var out: String?

    @Option(help: "Workers (default: the config's, else the number of cores).")
    var workers: Int?

    @Option(help: "Config file (default: gslab.yaml when present); GSLAB_* variables override it.")
    var config: String?

    @Option(help: "Seed overriding the scenarios' own.")
    var seed: UInt64?

    @Option(help: "Run history database (SQLite); default the config's history, else OUT/history.sqlite.")
    var history: String?

    @Flag(name: .customLong("no-history"), help: "Do not record the runs in the history.")
    var noHistory = false

    @Flag(help: "Check each report against its scenario's baseline; exit 1 on a regression.")
    var check = false

    @Flag(name: .customLong("across-scenarios"), help: "With --check: accept a baseline taken from another text of the scenario on purpose.")
    var acrossScenarios = false

    @Option(
        help:
            "Run the I-th of N slices of the jobs (0-based) and write a partial result for gslab merge; default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + GSLAB_SHARD_COUNT."
    )
    var shard: String?

    @Option(
        name: .customLong("memory-limit"),
        help: "Memory budget in MB for the bars a run holds, checked before it starts (default: the config's memory_cap_mb, else a quarter of physical memory)."
    )
    var memoryLimit: Int?

    @Option(name: .customLong("metrics-file"), help: "Write Prometheus text exposition of the run here (atomically); default the config's metrics_file.")
    var metricsFile: String?

    func run() throws {
        if let workers, workers < 1 { throw ValidationError("--workers: must be ≥ 1, got \(workers)") }
        if let memoryLimit, memoryLimit < 1 { throw ValidationError("--memory-limit: must be ≥ 1 MB, got \(memoryLimit)") }
        let settings = try LabConfig.load(file: config)
        let out = self.out ?? settings.reports
        let workers = self.workers ?? (settings.workers > 0 ? settings.workers : nil)
        // Parse everything first: a bad file fails before any work.
        let loaded = try scenarios.map { try Scenario.load($0, seed: seed) }
        var baselines: [String: Baseline] = [:]
        if check {
            for s in loaded {
                guard let path = s.baseline else { throw ValidationError("--check: \(s.file) names no baseline (add baseline: FILE)") }
                let baseline = try BaselineFile.read(path)
                if let why = baseline.mismatch(scenario: s.name, hash: RunHistory.hash(s.text), acrossScenarios: acrossScenarios) {
                    throw BaselineError.incompatible(why)
                }
                baselines[s.file] = baseline
            }
        }
        // Every output path and the shard checked before anything is written.
        guard !out.isEmpty else { throw ValidationError("--out: an empty path names no folder") }
        switch FileKind(path: out) {
        case .missing, .directory: break
        case let other: throw ValidationError("--out: \(out) is \(other.phrase), not a folder")
        }
        let metricsPath = metricsFile ?? (settings.metricsFile.isEmpty ? nil : settings.metricsFile)
        if let metricsPath { try AtomicFile.checkDestination(metricsPath) }
        let shardSpec = try ShardSpec.resolve(shard, environment: ProcessInfo.processInfo.environment)
        if shardSpec != nil && check { throw ValidationError("--check: a shard holds part of the jobs; check the merged report") }
        let historyPath = settings.historyPath(explicit: history, reports: out)
        // The history is opened when the first report is there to record.
        var store: RunHistory?
        var regressions = 0
        let cancellation = ScenarioRunner.Cancellation()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { cancellation.cancel() }
        source.resume()
        var runner = ScenarioRunner(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, cancellation: cancellation)
        runner.memoryCapMB = memoryLimit ?? (settings.memoryCapMB > 0 ? settings.memoryCapMB : MemoryBudget.defaultMB)
        runner.shard = shardSpec
        let terminal = isatty(2) == 1
        var entries: [RunMetrics.Entry] = []
        func writeMetrics(failures: Int) throws {
            guard let metricsPath else { return }
            try AtomicFile.write(Data(RunMetrics.exposition(entries, failures: failures).utf8), to: metricsPath)
        }
        do {
            for scenario in loaded {
                let started = Date()
                let outcome = try runner.run(scenario) { done, total in
                    let elapsed = Date().timeIntervalSince(started)
                    let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
                    if terminal {
                        let width = 30, filled = width * done / max(total, 1)
                        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                        FileHandle.standardError.write(Data(String(format: "\r%@ [%@] %d/%d  ETA %.0fs ", scenario.name, bar, done, total, eta).utf8))
                        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                    } else {
                        FileHandle.standardError.write(Data("\(scenario.name): job \(done)/\(total)\n".utf8))
                    }
                }
                if let s = outcome.report.shard {
                    let path = try ReportWriter.write(outcome, to: out)
                    emit("\(scenario.name): shard \(s.index) of \(s.count), \(outcome.report.jobs.count) jobs\n  partial  \(path)\n")
                    continue
                }
                // The report is staged, its history row written as pending, the report moved into
                // place, the row committed: a kill leaves both or neither (see RunHistory.record).
                let staged = try ReportWriter.stage(outcome.report, timings: outcome.timings, to: out)
                let path = staged.reportPath
                do {
                    if store == nil && !noHistory { store = try RunHistory(path: historyPath) }
                    if let store {
                        try store.record(outcome.report, scenarioText: scenario.text, reportPath: path, seconds: outcome.timings["total"]) {
                            try staged.publish()
                        }
                    } else {
                        try staged.publish()
                    }
                } catch {
                    staged.discard()
                    throw error
                }
                let html = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("report.html").path
                emit("\(scenario.name): \(outcome.report.jobs.count) jobs\n  report.json  \(path)\n  report.html  \(html)\n")
                var found: Int?
                if let baseline = baselines[scenario.file] {
                    let comparison = try BaselineComparison(report: outcome.report, baseline: baseline, acrossScenarios: acrossScenarios)
                    emit(comparison.rendered())
                    regressions += comparison.regressions
                    found = comparison.regressions
                }
                entries.append(RunMetrics.Entry(report: outcome.report, seconds: outcome.timings["total"] ?? 0, regressions: found))
            }
        } catch {
            try? writeMetrics(failures: 1)
            throw error
        }
        try writeMetrics(failures: 0)
        if regressions > 0 { throw ExitCode(1) }
    }
}

/// `gslab scenario validate FILE…`.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Work with scenario files.", subcommands: [Validate.self, Models.self])

    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the strategies, stress transforms, filters and execution models a scenario can name, with their parameters (Markdown).")

        func run() throws { emit(try ModelCatalog.markdown(builtIn: false)) }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Check scenario files without running them: every key; that the dataset exists and holds the symbols; \
                and, reading the data, the date range, the data-quality policy, signals files and the settings that need the data.
                """)

        @Argument(help: "Scenario files (YAML).")
        var files: [String]

        @Flag(name: .customLong("no-data"), help: "Do not read the bars: only the keys, the file and its symbols.")
        var noData = false

        func run() throws {
            for file in files {
                let s = try Scenario.load(file)
                try ScenarioRunner.checkDataset(s)
                let spans = noData ? [] : try ScenarioRunner(workers: 1).validateData(s)
                emit(
                    "\(file): ok (\(s.name): \(s.parameterSets.count) parameter set\(s.parameterSets.count == 1 ? "" : "s")"
                        + spans.map { "; \($0)" }.joined() + ")\n")
            }
        }
    }
}

/// Which run history a `gslab report` command reads: `--history`, else the config's rule
/// (``LabConfig/historyPath(explicit:reports:)``), the same as `gslab run` records into.
struct HistoryOptions: ParsableArguments {
    @Option(help: "Run history database (default: the config's history, else history.sqlite in its reports folder).") var history: String?
    @Option(help: "Config file (default: gslab.yaml when present); GSLAB_* variables override it.") var config: String?

    /// The history path and the settings it came from.
    func resolve() throws -> (path: String, settings: LabConfig) {
        let settings = try LabConfig.load(file: config)
        return (settings.historyPath(explicit: history), settings)
    }
}

/// `gslab report list|diff|open|dashboard`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Past runs.", subcommands: [List.self, Diff.self, Open.self, Dashboard.self])

    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the monitoring dashboard across runs (one HTML page) from the history.")
        @OptionGroup var store: HistoryOptions
        @Option(help: "Page to write (default: dashboard.html in the config's reports folder).") var out: String?

        func run() throws {
            let (history, settings) = try store.resolve()
            let out = self.out ?? URL(fileURLWithPath: settings.reports).appendingPathComponent("dashboard.html").path
            guard FileManager.default.fileExists(atPath: history) else {
                throw ScenarioError.file(history, reason: "no run history yet (gslab run records one)")
            }
            let page = DashboardPage.render(try RunHistory(path: history).trends(), generatedFrom: history)
            try AtomicFile.write(Data(page.utf8), to: out)
            emit("dashboard written to \(out)\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded runs, newest first.")
        @OptionGroup var store: HistoryOptions
        @Option(help: "Only this scenario.") var scenario: String?
        @Option(help: "How many.") var limit = 20

        func run() throws {
            let history = try store.resolve().path
            guard FileManager.default.fileExists(atPath: history) else {
                throw ScenarioError.file(history, reason: "no run history yet (gslab run records one)")
            }
            let runs = try RunHistory(path: history).runs(scenario: scenario, limit: limit)
            for r in runs {
                emit(
                    "\(r.recordedAt)  \(r.scenario.padding(toLength: 20, withPad: " ", startingAt: 0))  \(r.runID)  seed \(r.seed)  \(String(format: "%.2fs", r.seconds ?? .nan))  \(r.reportPath)\n"
                )
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The metrics of two reports side by side (what moved).")
        @Argument(help: "First report.json.") var a: String
        @Argument(help: "Second report.json.") var b: String

        func run() throws {
            let comparison = try BaselineComparison(
                report: try BaselineFile.report(b), baseline: Baseline(report: try BaselineFile.report(a)), default: Tolerance(absolute: 0, relative: 0),
                acrossScenarios: true)  // two reports named on purpose
            emit(comparison.rendered())
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the report.html of a run (the latest of a scenario) and open it when a desktop is there.")
        @Argument(help: "Scenario name or run id.") var which: String
        @OptionGroup var store: HistoryOptions

        func run() throws {
            let history = try store.resolve().path
            guard FileManager.default.fileExists(atPath: history) else {
                throw ScenarioError.file(history, reason: "no run history yet (gslab run records one)")
            }
            let runs = try RunHistory(path: history).runs(limit: 10_000)
            guard let hit = runs.first(where: { $0.scenario == which || $0.runID == which }) else {
                throw ScenarioError.run("\(history): no run of scenario or id \"\(which)\"")
            }
            let html = URL(fileURLWithPath: hit.reportPath).deletingLastPathComponent().appendingPathComponent("report.html").path
            emit(html + "\n")
            if ProcessInfo.processInfo.environment["DISPLAY"] != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/xdg-open") {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/xdg-open")
                p.arguments = [html]
                try? p.run()
            }
        }
    }
}

/// `gslab config show`: the effective per-installation settings and where each came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Per-installation settings.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective settings and the source of each (default, the config file, or a GSLAB_* variable).",
            discussion: "Precedence, lowest first: defaults, the config file (--config, else gslab.yaml when present), GSLAB_* variables, command-line flags.")
        @Option(help: "Config file.") var config: String?

        func run() throws { emit(try LabConfig.load(file: config).rendered()) }
    }
}

/// The shard of a run: `--shard I/N`, else the cluster's array index — Slurm job arrays
/// (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`) or Kubernetes
/// Indexed Jobs (`JOB_COMPLETION_INDEX`, of `GSLAB_SHARD_COUNT`, the Job's completions).
enum ShardSpec {
    static func resolve(_ flag: String?, environment env: [String: String]) throws -> RunReport.Shard? {
        func make(_ index: Int?, _ count: Int?, _ source: String) throws -> RunReport.Shard {
            guard let index, let count, count >= 1, index >= 0, index < count else {
                throw ValidationError("\(source): expected a shard index in 0..<count and a count ≥ 1")
            }
            return RunReport.Shard(index: index, count: count)
        }
        if let flag {
            let parts = flag.split(separator: "/").map { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--shard: expected I/N, got \"\(flag)\"") }
            return try make(parts[0], parts[1], "--shard \(flag)")
        }
        if let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            let minimum = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            return try make(id - minimum, env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init), "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT")
        }
        if let index = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            return try make(index, env["GSLAB_SHARD_COUNT"].flatMap(Int.init), "JOB_COMPLETION_INDEX/GSLAB_SHARD_COUNT")
        }
        return nil
    }
}

/// `gslab merge PARTIAL…`: combines the shards of one run into its report.json and report.html.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Combine the partial results of gslab run --shard into the run's report (byte-identical to one machine's).")

    @Argument(help: "shard-I-of-N.json files, every shard once.")
    var partials: [String]

    @Option(help: "Output folder.")
    var out = "reports"

    func run() throws {
        let merged = try RunReport.merge(try partials.map { try BaselineFile.report($0) })
        let path = try ReportWriter.write(merged, timings: nil, to: out)
        emit("\(merged.scenario.name): \(merged.jobs.count) jobs from \(partials.count) shards\n  report.json  \(path)\n")
    }
}
