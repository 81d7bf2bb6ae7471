import Foundation
import LabData
import LabReport

/// Writes a run's files under `<out>/<scenario>/<run id>/`: report.html, timings.json (wall clock)
/// and report.json (deterministic), each atomically (temporary file, then rename); report.json last,
/// so a folder with a report.json is complete.
public enum ReportWriter {
    /// Writes the run and returns the report's path. A shard's partial result goes to
    /// `shard-I-of-N.json` in the same folder instead (for `gslab merge`).
    public static func write(_ outcome: ScenarioRunner.Outcome, to out: String) throws -> String {
        try write(outcome.report, timings: outcome.timings, to: out)
    }

    /// Writes `report` (and, when given, the wall-clock `timings` — a merge of shards has none of
    /// its own) and returns the report's path.
    public static func write(_ report: RunReport, timings: [String: Double]?, to out: String) throws -> String {
        let folder = URL(fileURLWithPath: out).appendingPathComponent(report.scenario.name).appendingPathComponent(report.run_id)
        // The scenario name is checked to be a plain file name, but refuse anything that would leave `out`.
        let root = URL(fileURLWithPath: out).standardized.path
        guard folder.standardized.path.hasPrefix(root + "/") else {
            throw ScenarioError.run("\(out): report path \(folder.path) would escape the output directory")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ScenarioError.run("\(out): cannot create the report folder \(folder.path) (\(error.localizedDescription))")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw ScenarioError.run("\(out): the report folder \(folder.path) is not writable")
        }
        if let shard = report.shard {
            let path = folder.appendingPathComponent("shard-\(shard.index)-of-\(shard.count).json").path
            try AtomicFile.write(try LabJSON.encode(report, compact: true), to: path)
            return path
        }
        try AtomicFile.write(Data(HTMLReport.render(report).utf8), to: folder.appendingPathComponent("report.html").path)
        if let timings { try AtomicFile.write(try LabJSON.encode(timings), to: folder.appendingPathComponent("timings.json").path) }
        let path = folder.appendingPathComponent("report.json").path
        try AtomicFile.write(try LabJSON.encode(report, compact: true), to: path)
        return path
    }
}
