import Foundation
import LabCore
import LabData
import LabReport

/// Writes a run's files under `<out>/<scenario>/<run id>/`: report.html, timings.json (wall clock)
/// and report.json (deterministic).
///
/// Nothing half-written is ever visible: the files go into a hidden staging folder beside the run
/// folder (`.staging-<run id>-<pid>`), which ``Staged/publish()`` renames into place in one step (an
/// earlier run of the same id is moved aside first and then removed). A failure removes the staging
/// folder; staging or replaced folders left by a process that was killed are removed by the next
/// write into the same scenario folder. `gslab run` publishes inside the history's two-step record
/// (``RunHistory/record(_:scenarioText:reportPath:seconds:publish:)``), so a kill at any point
/// leaves the report and its history row both visible or neither. Failures to create, write or
/// rename are I/O errors (exit 3) naming the path and the system's reason.
public enum ReportWriter {
    /// A run's files written into their staging folder, not yet visible.
    public struct Staged {
        /// The hidden folder holding the files.
        public let staging: URL
        /// The run folder they become.
        public let folder: URL
        /// Where report.json will be once published.
        public var reportPath: String { folder.appendingPathComponent("report.json").path }

        /// Renames the staging folder into place (replacing an earlier run of the same id).
        public func publish() throws {
            let fm = FileManager.default
            var replaced: URL?
            if fm.fileExists(atPath: folder.path) {
                let aside = folder.deletingLastPathComponent().appendingPathComponent(".replaced-\(folder.lastPathComponent)-\(getpid())")
                try ReportWriter.rename(folder, aside)
                replaced = aside
            }
            try ReportWriter.rename(staging, folder)
            if let replaced { try? fm.removeItem(at: replaced) }
        }

        /// Removes the staging folder (after a failure).
        public func discard() { try? FileManager.default.removeItem(at: staging) }
    }

    /// Writes the run and returns the report's path. A shard's partial result goes to
    /// `shard-I-of-N.json` in the same folder instead (for `gslab merge`).
    public static func write(_ outcome: ScenarioRunner.Outcome, to out: String) throws -> String {
        try write(outcome.report, timings: outcome.timings, to: out)
    }

    /// Writes `report` (and, when given, the wall-clock `timings` — a merge of shards has none of
    /// its own), publishes it and returns the report's path.
    public static func write(_ report: RunReport, timings: [String: Double]?, to out: String) throws -> String {
        if report.shard != nil { return try writeShard(report, to: out) }
        let staged = try stage(report, timings: timings, to: out)
        do { try staged.publish() } catch {
            staged.discard()
            throw error
        }
        return staged.reportPath
    }

    /// Writes the run's files into a staging folder; nothing is visible until ``Staged/publish()``.
    public static func stage(_ report: RunReport, timings: [String: Double]?, to out: String) throws -> Staged {
        let folder = try runFolder(report, out: out)
        let parent = folder.deletingLastPathComponent()
        try makeFolder(parent)
        removeAbandoned(in: parent)
        let staging = parent.appendingPathComponent(".staging-\(folder.lastPathComponent)-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        try makeFolder(staging)
        let staged = Staged(staging: staging, folder: folder)
        do {
            // The JSON encoded while the page renders (two cores, two independent passes).
            let json = BackgroundValue { Result { try LabJSON.encode(report, compact: true) } }
            try AtomicFile.write(Data(HTMLReport.render(report).utf8), to: staging.appendingPathComponent("report.html").path)
            if let timings { try AtomicFile.write(try LabJSON.encode(timings), to: staging.appendingPathComponent("timings.json").path) }
            try AtomicFile.write(try json.value.get(), to: staging.appendingPathComponent("report.json").path)
        } catch {
            staged.discard()
            throw error
        }
        return staged
    }

    /// A shard's partial result, written straight into the run folder that every shard shares.
    static func writeShard(_ report: RunReport, to out: String) throws -> String {
        let folder = try runFolder(report, out: out)
        try makeFolder(folder)
        let shard = report.shard!
        let path = folder.appendingPathComponent("shard-\(shard.index)-of-\(shard.count).json").path
        try AtomicFile.write(try LabJSON.encode(report, compact: true), to: path)
        return path
    }

    /// `<out>/<scenario>/<run id>`, refused when it would leave `out`.
    static func runFolder(_ report: RunReport, out: String) throws -> URL {
        let folder = URL(fileURLWithPath: out).appendingPathComponent(report.scenario.name).appendingPathComponent(report.run_id)
        // The scenario name is checked to be a plain file name, but refuse anything that would leave `out`.
        let root = URL(fileURLWithPath: out).standardized.path
        guard folder.standardized.path.hasPrefix(root + "/") else {
            throw ScenarioError.run("\(out): report path \(folder.path) would escape the output directory")
        }
        return folder
    }

    /// Creates `folder` and its missing parents (`mkdir -p`), failing with the system's reason.
    static func makeFolder(_ folder: URL) throws {
        var path = folder.path.hasPrefix("/") ? "" : "."
        for component in folder.path.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw LabDataError.writeFailed(path: folder.path, detail: "cannot create the report folder: \(String(cString: strerror(errno)))")
            }
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw LabDataError.writeFailed(path: folder.path, detail: "the report folder is not writable")
        }
    }

    static func rename(_ from: URL, _ to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw LabDataError.writeFailed(path: to.path, detail: "cannot move \(from.lastPathComponent) into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the staging and replaced folders of processes that no longer run (killed mid-write).
    static func removeAbandoned(in parent: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(".staging-") || name.hasPrefix(".replaced-") {
            guard let pid = name.split(separator: "-").last.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(at: parent.appendingPathComponent(name)) }
        }
    }
}
