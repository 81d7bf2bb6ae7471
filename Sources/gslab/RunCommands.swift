import ArgumentParser
import Foundation
import LabCore
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

    @Option(help: "Output folder.")
    var out = "reports"

    @Option(help: "Workers (default: the number of cores).")
    var workers: Int?

    @Option(help: "Seed overriding the scenarios' own.")
    var seed: UInt64?

    func run() throws {
        if let workers, workers < 1 { throw ValidationError("--workers: must be ≥ 1, got \(workers)") }
        // Parse everything first: a bad file fails before any work.
        var loaded = try scenarios.map { try Scenario.load($0) }
        if let seed { for i in loaded.indices { loaded[i].seed = seed } }
        let cancellation = ScenarioRunner.Cancellation()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { cancellation.cancel() }
        source.resume()
        let runner = ScenarioRunner(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, cancellation: cancellation)
        let terminal = isatty(2) == 1
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
            let path = try ReportWriter.write(outcome, to: out)
            let html = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("report.html").path
            emit("\(scenario.name): \(outcome.report.jobs.count) jobs\n  report.json  \(path)\n  report.html  \(html)\n")
        }
    }
}

/// `gslab scenario validate FILE…`.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Work with scenario files.", subcommands: [Validate.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check scenario files without running them.")

        @Argument(help: "Scenario files (YAML).")
        var files: [String]

        func run() throws {
            for file in files {
                let s = try Scenario.load(file)
                emit("\(file): ok (\(s.name): \(s.parameterSets.count) parameter set\(s.parameterSets.count == 1 ? "" : "s"))\n")
            }
        }
    }
}
