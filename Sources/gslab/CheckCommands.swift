import ArgumentParser
import Foundation
import LabCore
import LabData
import LabReport
import LabScenario

/// Reading and writing baseline and report files, with one-line errors.
enum BaselineFile {
    /// Largest baseline or report file read, in bytes.
    static let maximumBytes = 1 << 28

    /// The bytes of the baseline or report at `path` (`what` names it when missing).
    static func contents(_ path: String, _ what: String) throws -> Data {
        try ScenarioError.contents(of: path, what: what, maxBytes: maximumBytes)
    }

    static func read(_ path: String) throws -> Baseline {
        let data = try contents(path, "baseline")
        do { return try JSONDecoder().decode(Baseline.self, from: data) } catch {
            throw ScenarioError.file(path, reason: "not a baseline file (\(decodingReason(error)))")
        }
    }

    static func report(_ path: String) throws -> RunReport {
        let data = try contents(path, "report")
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let version = object["schema_version"] as? Int,
            version != RunReport.schemaVersion
        {
            throw ScenarioError.file(path, reason: "report schema version \(version), this gslab reads \(RunReport.schemaVersion)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(RunReport.self, from: data) } catch {
            throw ScenarioError.file(path, reason: "not a report.json (\(decodingReason(error)))")
        }
    }

    static func decodingReason(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context): return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// `gslab check REPORT --baseline FILE`: the CI gate.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare a report's metrics with a baseline and hold it to requirements; exit 1 on a regression or a failed requirement.",
        discussion: """
            Direction-aware: a lower Sharpe or return, a deeper drawdown, a higher volatility, cost drag, Brier score or \
            calibration error beyond the tolerance is a regression; the opposite move is an improvement; a changed trade \
            count is reported but passes. Tolerance: max(abs, rel·|baseline|), default rel 0.01, abs 1e-9. \
            Requirements (--require 'dsr >= 0.95', and those kept in the baseline) must all hold: one line each, exit 1 when \
            one fails (docs/robustness.md).
            """)

    @Argument(help: "report.json of the run to check.")
    var report: String

    @Option(help: "Baseline file (gslab baseline update); its own requirements are checked too.")
    var baseline: String?

    @Option(
        name: .customLong("require"),
        help: "A requirement NAME OP NUMBER (repeatable): a robustness figure (dsr, psr, pbo, spa_p_value, …) or a headline statistic, e.g. 'dsr >= 0.95'.")
    var requirements: [String] = []

    @Option(name: .customLong("tolerance"), help: "Per-metric tolerance METRIC=rel:0.05[,abs:0.1] (repeatable), or default=…")
    var tolerances: [String] = []

    @Option(help: "Config file (its tolerance_relative / tolerance_absolute are the defaults).")
    var config: String?

    @Flag(name: .customLong("across-scenarios"), help: "Compare with a baseline of another scenario on purpose (refused otherwise).")
    var acrossScenarios = false

    @Option(
        help: """
            Output: text (a table), junit (JUnit XML), github (::error annotations, and a Markdown summary appended to \
            $GITHUB_STEP_SUMMARY when set, else printed), json.
            """)
    var format: CheckFormat = .text

    func run() throws {
        let settings = try LabConfig.load(file: config)
        var byMetric: [String: Tolerance] = [:]
        var fallback = Tolerance(absolute: settings.toleranceAbsolute, relative: settings.toleranceRelative)
        for t in tolerances {
            guard let eq = t.lastIndex(of: "="), let tol = Tolerance(text: String(t[t.index(after: eq)...])) else {
                throw ValidationError("--tolerance: expected METRIC=rel:X[,abs:Y], got \"\(t)\"")
            }
            let metric = String(t[..<eq])
            if metric == "default" { fallback = tol } else { byMetric[try Baseline.metric(named: metric, field: "--tolerance")] = tol }
        }
        let required = try requirements.map { try Requirement($0, field: "--require") }
        guard baseline != nil || !required.isEmpty else { throw ValidationError("give --baseline FILE, --require 'NAME OP NUMBER', or both") }
        let summaryFile = format == .github ? ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"].flatMap { $0.isEmpty ? nil : $0 } : nil
        let report = try BaselineFile.report(self.report)
        let comparison = try baseline.map {
            try BaselineComparison(
                report: report, baseline: try BaselineFile.read($0), tolerances: byMetric, default: fallback, acrossScenarios: acrossScenarios,
                requirements: required)
        }
        let verdict = CheckVerdict(
            scenario: report.scenario.name, comparison: comparison, requirements: RequirementCheck(report: report, requirements: required))
        if let summaryFile {
            // Appended, as GitHub collects every step's summary from the file it names.
            emit(verdict.annotations())
            try CheckSummaryFile.append(verdict.summary(), to: summaryFile)
        } else {
            emit(verdict.rendered(format))
        }
        if verdict.failures > 0 { throw ExitCode(1) }
    }
}

extension CheckFormat: ExpressibleByArgument {}

/// `$GITHUB_STEP_SUMMARY`: Markdown appended to the file the runner names.
enum CheckSummaryFile {
    static func append(_ text: String, to path: String) throws {
        if let refusal = FileKind.readRefusal(path), FileKind(path: path) != .missing {
            throw ValidationError("GITHUB_STEP_SUMMARY: \(path) \(refusal)")
        }
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
        else { throw ValidationError("GITHUB_STEP_SUMMARY: cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// `gslab baseline update REPORT --out FILE`.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "baseline", abstract: "Manage baselines.", subcommands: [Update.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a baseline from a report (atomically).")

        @Argument(help: "report.json to take the metrics from.")
        var report: String

        @Option(help: "Baseline file to write.")
        var out: String

        @Option(
            name: .customLong("require"),
            help: "A requirement every checked report must meet, NAME OP NUMBER (repeatable; default: those of the file being replaced).")
        var requirements: [String] = []

        func run() throws {
            let required = try requirements.map { try Requirement($0, field: "--require") }
            var baseline = Baseline(report: try BaselineFile.report(report))
            if !required.isEmpty {
                baseline.requirements = requirements.map { $0.trimmingCharacters(in: .whitespaces) }
            } else if FileKind(path: out) == .regular, let old = try? BaselineFile.read(out) {
                baseline.requirements = old.requirements
            }
            try AtomicFile.write(try LabJSON.encode(baseline), to: out)
            emit("baseline for \(baseline.scenario) (\(baseline.metrics.keys.filter { $0 != Baseline.robustnessKey }.count) jobs) written to \(out)\n")
        }
    }
}
