import Foundation
import GRDB
import LabCore
import LabReport

#if canImport(Glibc)
    import Glibc
#endif

/// The run history: every `gslab run` recorded in a SQLite database (GRDB), so runs can be listed,
/// compared and trended across time.
///
/// Tables: `run` (one row per run: run id, scenario name, scenario hash, data hash, seed, gslab
/// version, when, report path, total seconds), `job_metric` (run,
/// job key, metric, value — the baseline metrics of every job) and `signal_outcome` (run, job key,
/// outcomes, hit rate, Brier, calibration error, IC, anomalies). WAL journal and a 30-second busy
/// timeout: concurrent `gslab run` processes writing to one file wait for each other instead of
/// failing, and a run is recorded in one transaction; opening (WAL switch, migrations) is serialised
/// across processes by a lock on `<path>.lock`.
public final class RunHistory: @unchecked Sendable {
    private let pool: DatabasePool
    /// Path of the SQLite file.
    public let path: String

    /// Opens (creating and migrating when needed) the history at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            var config = Configuration()
            config.busyMode = .timeout(30)
            // Opening switches the file to WAL and migrates it: two processes doing that at once on a
            // new file race (SQLite's busy handler does not cover the journal-mode switch), so
            // opening is serialised across processes by an exclusive lock on a sidecar file.
            let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
            guard lock >= 0 else { throw ScenarioError.file(path, reason: "run history: cannot open its lock file \(path).lock") }
            defer { close(lock) }
            flock(lock, LOCK_EX)
            defer { flock(lock, LOCK_UN) }
            pool = try DatabasePool(path: path, configuration: config)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.create(table: "run") { t in
                    t.autoIncrementedPrimaryKey("id")
                    t.column("run_id", .text).notNull()
                    t.column("scenario", .text).notNull().indexed()
                    t.column("scenario_hash", .text).notNull()
                    t.column("seed", .integer).notNull()
                    t.column("gslab_version", .text).notNull()
                    t.column("recorded_at", .text).notNull()
                    t.column("report_path", .text).notNull()
                    t.column("seconds", .double)
                }
                try db.create(table: "job_metric") { t in
                    t.column("run", .integer).notNull().references("run", onDelete: .cascade).indexed()
                    t.column("job", .text).notNull()
                    t.column("metric", .text).notNull()
                    t.column("value", .double)
                }
                try db.create(table: "signal_outcome") { t in
                    t.column("run", .integer).notNull().references("run", onDelete: .cascade).indexed()
                    t.column("job", .text).notNull()
                    t.column("outcomes", .integer).notNull()
                    t.column("hit_rate", .double)
                    t.column("brier", .double)
                    t.column("calibration_error", .double)
                    t.column("information_coefficient", .double)
                    t.column("anomalies", .integer).notNull()
                }
            }
            migrator.registerMigration("v2: data hash") { db in
                try db.alter(table: "run") { t in t.add(column: "data_hash", .text) }
            }
            migrator.registerMigration("v3: headline job") { db in
                try db.alter(table: "run") { t in t.add(column: "headline_job", .text) }
            }
            migrator.registerMigration("v4: committed") { db in
                try db.alter(table: "run") { t in
                    t.add(column: "committed", .boolean).notNull().defaults(to: true)
                    t.add(column: "writer_pid", .integer)
                }
            }
            try migrator.migrate(pool)
            try recover()
        } catch let error as DatabaseError {
            throw ScenarioError.file(path, reason: "run history: \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// One recorded run.
    public struct Run: Sendable, Equatable {
        public var id: Int64
        /// The run id (report folder name).
        public var runID: String
        /// Scenario name.
        public var scenario: String
        /// Seed of the run.
        public var seed: Int64
        /// Lab version that ran it.
        public var version: String
        /// When it was recorded, ISO 8601 UTC.
        public var recordedAt: String
        /// Path of its report.json.
        public var reportPath: String
        /// Wall-clock seconds of the run, when known.
        public var seconds: Double?
    }

    /// Rows that a process killed between its two steps left pending (its pid no longer runs on
    /// this machine): committed when their report.json is in place, removed otherwise.
    private func recover() throws {
        let pending = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, report_path, writer_pid FROM run WHERE committed = 0").compactMap { row -> (Int64, String)? in
                let pid = (row["writer_pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) } ?? 0
                guard pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH) else { return nil }
                return (row["id"], row["report_path"])
            }
        }
        guard !pending.isEmpty else { return }
        try pool.write { db in
            for (id, report) in pending {
                if FileManager.default.fileExists(atPath: report) {
                    try db.execute(sql: "UPDATE run SET committed = 1 WHERE id = ?", arguments: [id])
                } else {
                    try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
                }
            }
        }
    }

    /// Records `report` in two steps around `publish` (which puts its report.json at `reportPath`):
    /// the row is written as pending, `publish` runs, and the row is committed. Only committed rows
    /// are read; opening the history commits a pending row whose report is in place and removes one
    /// whose report is not — so a kill at any point leaves the report and its row both visible or
    /// neither. When `publish` throws, the pending row is removed. Returns the row id.
    @discardableResult
    public func record(
        _ report: RunReport, scenarioText: String, reportPath: String, seconds: Double?, publish: () throws -> Void
    ) throws -> Int64 {
        let id = try insert(report, scenarioText: scenarioText, reportPath: reportPath, seconds: seconds, committed: false, writer: getpid())
        do { try publish() } catch {
            try? pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id]) }
            throw error
        }
        do {
            try pool.write { db in try db.execute(sql: "UPDATE run SET committed = 1 WHERE id = ?", arguments: [id]) }
        } catch let error as DatabaseError {
            throw ScenarioError.file(path, reason: "run history: \(error.message ?? "\(error.resultCode)")")
        }
        return id
    }

    /// Records `report`, already at `reportPath`, in one transaction; returns the row id.
    @discardableResult
    public func record(_ report: RunReport, scenarioText: String, reportPath: String, seconds: Double?) throws -> Int64 {
        try insert(report, scenarioText: scenarioText, reportPath: reportPath, seconds: seconds, committed: true, writer: nil)
    }

    /// Inserts a row, committed or pending for the process `writer`.
    func insert(
        _ report: RunReport, scenarioText: String, reportPath: String, seconds: Double?, committed: Bool, writer: Int32?
    ) throws -> Int64 {
        let baseline = Baseline(report: report)
        let now = ISO8601DateFormatter().string(from: Date())
        do {
            return try pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO run (run_id, scenario, scenario_hash, data_hash, seed, gslab_version, recorded_at, report_path, seconds, headline_job, committed, writer_pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        report.run_id, report.scenario.name, Self.hash(scenarioText), report.data_quality.data_hash,
                        Int64(bitPattern: report.scenario.seed), report.environment.gslab_version, now, reportPath, seconds, report.headline.map(Baseline.key),
                        committed, writer.map { Int64($0) },
                    ])
                let run = db.lastInsertedRowID
                for (job, metrics) in baseline.metrics.sorted(by: { $0.key < $1.key }) {
                    for (metric, value) in metrics.sorted(by: { $0.key < $1.key }) {
                        try db.execute(
                            sql: "INSERT INTO job_metric (run, job, metric, value) VALUES (?, ?, ?, ?)",
                            arguments: [run, job, metric, value.isFinite ? value : nil])
                    }
                }
                for job in report.jobs {
                    let m = job.signals.monitoring
                    func v(_ x: Double) -> Double? { x.isFinite ? x : nil }
                    try db.execute(
                        sql:
                            "INSERT INTO signal_outcome (run, job, outcomes, hit_rate, brier, calibration_error, information_coefficient, anomalies) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [
                            run, Baseline.key(job), m.outcomes, v(m.hit_rate), v(m.brier_score), v(m.calibration_error), v(m.information_coefficient),
                            job.signals.anomalies.count,
                        ])
                }
                return run
            }
        } catch let error as DatabaseError {
            throw ScenarioError.file(path, reason: "run history: \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// Runs, newest first (optionally of one scenario).
    public func runs(scenario: String? = nil, limit: Int = 50) throws -> [Run] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM run WHERE committed = 1 \(scenario == nil ? "" : "AND scenario = ?") ORDER BY id DESC LIMIT ?",
                arguments: scenario.map { [$0, limit] } ?? [limit])
            return rows.map { r in
                Run(
                    id: r["id"], runID: r["run_id"], scenario: r["scenario"], seed: r["seed"], version: r["gslab_version"],
                    recordedAt: r["recorded_at"], reportPath: r["report_path"], seconds: r["seconds"])
            }
        }
    }

    /// Number of recorded runs.
    public func count() throws -> Int { try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run WHERE committed = 1") ?? 0 } }

    /// One metric of one job across the runs of a scenario, oldest first: (run row id, recorded at, value).
    public func trend(scenario: String, job: String, metric: String) throws -> [(run: Int64, at: String, value: Double?)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run.id AS id, run.recorded_at AS at, job_metric.value AS value FROM run
                    JOIN job_metric ON job_metric.run = run.id
                    WHERE run.committed = 1 AND run.scenario = ? AND job_metric.job = ? AND job_metric.metric = ? ORDER BY run.id
                    """, arguments: [scenario, job, metric]
            ).map { ($0["id"], $0["at"], $0["value"]) }
        }
    }

    /// For each scenario, the headline job of its latest run (runs recorded before headlines: its
    /// first baseline job) and every run's figures for that job, oldest first: the dashboard's data.
    public func trends() throws -> [DashboardPage.ScenarioTrend] {
        try pool.read { db in
            let scenarios = try String.fetchAll(db, sql: "SELECT DISTINCT scenario FROM run WHERE committed = 1 ORDER BY scenario")
            return try scenarios.compactMap { scenario -> DashboardPage.ScenarioTrend? in
                guard let latest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM run WHERE committed = 1 AND scenario = ?", arguments: [scenario]),
                    let job = try String.fetchOne(db, sql: "SELECT headline_job FROM run WHERE id = ?", arguments: [latest])
                        ?? String.fetchOne(
                            db, sql: "SELECT job FROM job_metric WHERE run = ? AND job LIKE 'baseline %' ORDER BY rowid LIMIT 1", arguments: [latest])
                else { return nil }
                let runs = try Row.fetchAll(
                    db, sql: "SELECT id, run_id, recorded_at FROM run WHERE committed = 1 AND scenario = ? ORDER BY id", arguments: [scenario])
                let points = try runs.map { run -> DashboardPage.RunPoint in
                    let id: Int64 = run["id"]
                    var metrics: [String: Double?] = [:]
                    for r in try Row.fetchAll(db, sql: "SELECT metric, value FROM job_metric WHERE run = ? AND job = ?", arguments: [id, job]) {
                        metrics[r["metric"]] = r["value"] as Double?
                    }
                    if let s = try Row.fetchOne(db, sql: "SELECT anomalies FROM signal_outcome WHERE run = ? AND job = ?", arguments: [id, job]) {
                        metrics["anomalies"] = Double(s["anomalies"] as Int)
                    }
                    return DashboardPage.RunPoint(runID: run["run_id"], recordedAt: run["recorded_at"], metrics: metrics)
                }
                return DashboardPage.ScenarioTrend(scenario: scenario, job: job, runs: points)
            }
        }
    }

    /// FNV-1a of a text, 16 hex digits (the scenario hash of the history and the report).
    public static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
