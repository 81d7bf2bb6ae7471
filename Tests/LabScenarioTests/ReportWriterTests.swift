import Foundation
import LabReport
import Testing

@testable import LabScenario

/// Nothing half-written is visible: reports are staged and moved into place, what a killed process
/// left is cleaned up, and a report and its history row are visible together or not at all.
@Suite struct ReportWriterTests {
    func scratch() -> String { LabScenarioTests.scratch("gslab-writer") }

    /// The pid of a process that has exited (no process has it now).
    func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    static let outcome: ScenarioRunner.Outcome = try! ScenarioRunner(workers: 1).run(try! parse(scenarioText()))

    @Test func stagedFilesAreInvisibleUntilPublishedAndRemovedWhenDiscarded() throws {
        let out = scratch()
        let staged = try ReportWriter.stage(Self.outcome.report, timings: nil, to: out)
        #expect(!FileManager.default.fileExists(atPath: staged.folder.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged.staging.path).sorted() == ["report.html", "report.json"])
        staged.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/t") == [])
        // A second run of the same id replaces the first, leaving nothing aside.
        let first = try ReportWriter.write(Self.outcome, to: out)
        let second = try ReportWriter.write(Self.outcome, to: out)
        #expect(first == second && FileManager.default.fileExists(atPath: second))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/t") == [Self.outcome.report.run_id])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out + "/t/" + Self.outcome.report.run_id).sorted() == [
                "report.html", "report.json", "timings.json",
            ])
    }

    @Test func whatAKilledWriterLeftIsRemovedByTheNextWrite() throws {
        let out = scratch()
        let dead = try deadPID()
        let id = Self.outcome.report.run_id
        for name in [".staging-\(id)-\(dead)", ".replaced-\(id)-\(dead)", ".staging-\(id)-\(getppid())"] {
            try FileManager.default.createDirectory(atPath: out + "/t/" + name, withIntermediateDirectories: true)
            try Data("partial".utf8).write(to: URL(fileURLWithPath: out + "/t/" + name + "/.report.json.1.2.tmp"))
        }
        _ = try ReportWriter.write(Self.outcome, to: out)
        // The dead writer's folders are gone; a live process's (the parent's pid) is left alone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/t").sorted() == [".staging-\(id)-\(getppid())", id])
    }

    @Test func aReportAndItsHistoryRowAreVisibleTogetherOrNotAtAll() throws {
        let dir = scratch()
        let history = try RunHistory(path: dir + "/h.sqlite")
        let report = Self.outcome.report
        // A publish that fails leaves no row.
        struct Failed: Error {}
        #expect(throws: Failed.self) { try history.record(report, scenarioText: "x", reportPath: dir + "/r.json", seconds: nil) { throw Failed() } }
        #expect(try history.count() == 0)
        // A live writer's pending row is not read (and not touched by another opener).
        _ = try history.insert(report, scenarioText: "x", reportPath: dir + "/r.json", seconds: nil, committed: false, writer: getpid())
        #expect(try RunHistory(path: dir + "/h.sqlite").count() == 0)
        // Rows a killed writer left pending: the one whose report is in place is committed on the
        // next open, the one whose report never arrived is removed.
        let dead = try deadPID()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/arrived.json"))
        _ = try history.insert(report, scenarioText: "x", reportPath: dir + "/arrived.json", seconds: nil, committed: false, writer: dead)
        _ = try history.insert(report, scenarioText: "x", reportPath: dir + "/lost.json", seconds: nil, committed: false, writer: dead)
        let reopened = try RunHistory(path: dir + "/h.sqlite")
        #expect(try reopened.runs().map(\.reportPath) == [dir + "/arrived.json"])
        // The two steps around a publish that succeeds.
        try history.record(report, scenarioText: "x", reportPath: dir + "/r.json", seconds: 1) {}
        #expect(try history.count() == 2)
    }
}
