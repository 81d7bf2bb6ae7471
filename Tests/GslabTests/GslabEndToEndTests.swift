import Foundation
import LabCore
import LabData
import Testing

/// Runs the built `gslab` executable and checks exit status, stdout and the one-line stderr.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The `gslab` binary next to the test bundle (SwiftPM builds executables the tests depend on).
    static let binary: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("gslab").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".build/debug/gslab").path
    }()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    init(_ arguments: String...) throws {
        try self.init(arguments: arguments)
    }

    init(executable: String = Run.binary, arguments: [String], directory: String = Run.repository) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }
}

func scratch() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gslab-e2e-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct GslabEndToEndTests {
    @Test func validateTheBundledGOOGDataset() throws {
        let dir = scratch()
        let run = try Run("dataset", "validate", "datasets/GOOG.h5", "--output", dir + "/quality.json")
        #expect(run.status == 0)
        #expect(run.stdout.contains("GOOG  2148 bars  2004-08-19 … 2013-03-01  frequency 1d  calendar NYSE"))
        #expect(run.stdout.contains("quality score 100.00 / 100"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/quality.json"))) as! [String: Any]
        #expect(json["schema_version"] as? Int == 1)
        // The JSON is deterministic: a second run writes the same bytes.
        let again = try Run("dataset", "validate", "datasets/GOOG.h5", "--json")
        #expect(again.stdout == (try String(contentsOfFile: dir + "/quality.json", encoding: .utf8)))
    }

    @Test func errorFindingsExitWithOneAndBadInputWithTwo() throws {
        let dir = scratch()
        var s = try SyntheticBars.daily(symbol: "BAD", startDay: 18_000, bars: 50, seed: 1)
        s.close[10] = .nan
        try HDF5BarStore.write([s], to: dir + "/bad.h5")
        let findings = try Run("dataset", "validate", dir + "/bad.h5", "--output", dir + "/r.json")
        #expect(findings.status == 1)
        #expect(findings.stdout.contains("non_finite"))
        #expect(FileManager.default.fileExists(atPath: dir + "/r.json"))

        let missing = try Run("dataset", "validate", dir + "/nope.h5", "--output", dir + "/nope.json")
        #expect(missing.status == 2)
        #expect(missing.stderr == "gslab: \(dir)/nope.h5: no such file\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/nope.json"))  // nothing half-written

        let symbol = try Run("dataset", "validate", "datasets/GOOG.h5", "--symbol", "MSFT")
        #expect(symbol.status == 2 && symbol.stderr == "gslab: datasets/GOOG.h5: symbol \"MSFT\" not found (present: GOOG)\n")

        let calendar = try Run("dataset", "validate", "datasets/GOOG.h5", "--calendar", "LSE")
        #expect(
            calendar.status == 2
                && calendar.stderr
                    == "gslab: validate: calendar: expected NYSE, NASDAQ, FX_24x5, CRYPTO_24x7 or CME_GLOBEX, got \"LSE\" (did you mean NYSE?)\n"
        )

        let usage = try Run("dataset", "validate")
        #expect(usage.status == 2 && usage.stderr.split(separator: "\n").count == 1)
    }

    @Test func importInspectAndSynth() throws {
        let dir = scratch()
        try "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,0.5,1.6,100\n2020-01-06,1,2,0.5,1.7,100\n"
            .write(toFile: dir + "/ok.csv", atomically: true, encoding: .utf8)
        let imported = try Run("dataset", "import", dir + "/ok.csv", "--symbol", "OK", "--out", dir + "/ok.h5")
        #expect(imported.status == 0 && imported.stdout.hasPrefix("imported 3 bars of OK"))
        let inspect = try Run("dataset", "inspect", dir + "/ok.h5", "--json")
        #expect(inspect.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [[String: Any]]
        #expect(summary[0]["rows"] as? Int == 3 && summary[0]["last"] as? String == "2020-01-06" && summary[0]["layout"] as? String == "plain")

        try "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-32,1,2,0.5,1.6,100\n"
            .write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try Run("dataset", "import", dir + "/bad.csv", "--symbol", "B", "--out", dir + "/bad.h5")
        #expect(bad.status == 2)
        #expect(bad.stderr == "gslab: \(dir)/bad.csv:3: timestamp: \"2020-01-32\" is not an ISO 8601 date or an epoch number\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.h5"))

        let synth = try Run(
            "dataset", "synth", "--kind", "intraday", "--symbols", "A,B", "--days", "2", "--start", "2024-01-02", "--seed", "3", "--out", dir + "/s.h5")
        #expect(synth.status == 0 && synth.stdout == "wrote A (780 bars), B (780 bars) to \(dir)/s.h5\n")
        let tooMany = try Run("dataset", "synth", "--bars", "1000000", "--out", dir + "/big.h5")
        #expect(tooMany.status == 2 && tooMany.stderr.hasPrefix("gslab: synth: bars: 1000000 daily bars from 2020-01-02 run past 2262-04-11"))
        let synthBad = try Run("dataset", "synth", "--volatility=-1", "--out", dir + "/v.h5")
        #expect(synthBad.status == 2 && synthBad.stderr == "gslab: synth: volatility: must be ≥ 0, got -1.0\n")
    }
}

/// Every malformed input ends with exit status 2 and exactly one line on stderr that names the file
/// (HDF5's own diagnostic stack is never printed).
@Suite struct BadInputEndToEndTests {
    static let fixtures = URL(fileURLWithPath: Run.repository).appendingPathComponent("Tests/LabDataTests/Fixtures").path

    @Test(arguments: [
        ("pandas_multiindex.h5", "GOOG: pandas MultiIndex frames are not supported"),
        ("pandas_string_close.h5", "GOOG: column Close has type object (strings), expected numbers"),
        ("pandas_float_index.h5", "GOOG: timestamp: index has type float64"),
        ("pandas_series.h5", "GOOG: pandas object of type series is not a DataFrame"),
        ("GOOG_daily.csv", "not an HDF5 file"),
    ])
    func malformedFixture(name: String, message: String) throws {
        let path = Self.fixtures + "/" + name
        for command in [["dataset", "inspect", path], ["dataset", "validate", path]] {
            let run = try Run(arguments: command)
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix("gslab: \(path): \(message)"))
            #expect(run.stderr.filter { $0 == "\n" }.count == 1)
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func truncatedAndDirectory() throws {
        let dir = scratch()
        let data = try Data(contentsOf: URL(fileURLWithPath: Run.repository + "/datasets/intraday_2sym.h5"))
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: dir + "/cut.h5"))
        let cut = try Run("dataset", "validate", dir + "/cut.h5")
        #expect(cut.status == 2 && cut.stderr == "gslab: \(dir)/cut.h5: truncated HDF5 file (ends before its declared size)\n")
        let folder = try Run("dataset", "inspect", dir)
        #expect(folder.status == 2 && folder.stderr == "gslab: \(dir): is a directory, expected an HDF5 file\n")
    }

    /// Root reads any file, so the permission check runs the binary as `nobody` when the tests run as root.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") || getuid() != 0))
    func unreadableFile() throws {
        let dir = scratch()
        let path = dir + "/secret.h5"
        try HDF5BarStore.write([try SyntheticBars.daily(symbol: "S", startDay: 18_000, bars: 10, seed: 1)], to: path)
        chmod(dir, 0o755)
        chmod(path, 0)
        // A copy of the binary in the scratch folder, so `nobody` can run it wherever the clone lives.
        let binary = dir + "/gslab"
        try FileManager.default.copyItem(atPath: Run.binary, toPath: binary)
        chmod(binary, 0o755)
        let run =
            getuid() == 0
            // (LLVM_PROFILE_FILE: an instrumented build, `swift test --enable-code-coverage`, would
            // otherwise try to write its profile where `nobody` may not.)
            ? try Run(
                executable: "/usr/bin/env",
                arguments: [
                    "LLVM_PROFILE_FILE=/dev/null", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary, "dataset", "validate", path,
                ])
            : try Run("dataset", "validate", path)
        #expect(run.status == 2)
        #expect(run.stderr == "gslab: \(path): permission denied (cannot read the file)\n")
    }
}

@Suite struct StressSuiteEndToEndTests {
    @Test func suiteWritesTheSameSummaryAndChartForTheSameSeed() throws {
        let dir = scratch()
        let a = try Run("stress", "suite", "datasets/intraday_2sym.h5", "--paths", "1", "--seed", "7", "--json", dir + "/a.json", "--svg", dir + "/a.svg")
        let b = try Run("stress", "suite", "datasets/intraday_2sym.h5", "--paths", "1", "--seed", "7", "--json", dir + "/b.json", "--svg", dir + "/b.svg")
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout.contains("correlation_breakdown AAA"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.json")) == Data(contentsOf: URL(fileURLWithPath: dir + "/b.json")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.svg")) == Data(contentsOf: URL(fileURLWithPath: dir + "/b.svg")))
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/a.json"))) as! [String: Any]
        let names = (doc["scenarios"] as! [[String: Any]]).map { $0["scenario"] as! String }
        #expect(names.first == "baseline" && names.contains("flash_crash") && names.last == "bootstrap_1")
        let other = try Run("stress", "suite", "datasets/intraday_2sym.h5", "--paths", "1", "--seed", "8", "--json", dir + "/c.json")
        #expect(other.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.json")) != Data(contentsOf: URL(fileURLWithPath: dir + "/c.json")))
    }

    @Test func badInputIsOneLine() throws {
        let run = try Run("stress", "suite", "datasets/GOOG.h5", "--paths=-1")
        #expect(run.status == 2 && run.stderr == "gslab: stress suite: paths: must be ≥ 0, got -1\n")
        let missing = try Run("stress", "suite", "datasets/GOOG.h5", "--symbol", "AAPL")
        #expect(missing.status == 2 && missing.stderr == "gslab: datasets/GOOG.h5: symbol \"AAPL\" not found (present: GOOG)\n")
    }
}
