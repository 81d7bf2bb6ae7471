import Foundation
import LabCore
import Testing

/// Hostile input through the binary: each case exits 2 with one line naming the file and the
/// field, and leaves the output folder empty (docs/bad-inputs.md lists them).
@Suite struct HostileInputTests {
    /// Runs `gslab arguments` and expects exit 2, exactly `message` on stderr and nothing in `out`.
    func expectRefused(_ arguments: [String], _ message: String, out: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try Run(arguments: arguments)
        #expect(run.status == 2, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr == "gslab: " + message + "\n", sourceLocation: sourceLocation)
        if let out {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
        }
    }

    /// The default scenario with `edit` applied to its text, written into `dir`.
    func scenario(in dir: String, _ edit: (String) -> String) throws -> String {
        let text = try String(contentsOfFile: Run.repository + "/scenarios/default.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../datasets/", with: Run.repository + "/datasets/")
        let path = dir + "/s.yaml"
        try edit(text).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Were integer-overflow traps (SIGILL and a backtrace), even in `scenario validate`.
    @Test func datesOutsideTheNanosecondRange() throws {
        let dir = scratch()
        let out = dir + "/out"
        let range = "is outside the supported range 1677-09-22 … 2262-04-11"
        let start = try scenario(in: dir) { $0.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  start: 0001-01-01\n") }
        try expectRefused(["scenario", "validate", start], "\(start):9:10: dataset.start: 0001-01-01 \(range)")
        let end = try scenario(in: dir) { $0.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  end: 2300-01-01\n") }
        try expectRefused(["run", end, "--out", out], "\(end):9:8: dataset.end: 2300-01-01 \(range)", out: out)
        let crash = try scenario(in: dir) { $0.replacingOccurrences(of: "at: 2008-10-06", with: "at: 9999-12-31") }
        try expectRefused(["run", crash, "--out", out], "\(crash):13:9: stress[0].steps[0]: stress.flash_crash: at: 9999-12-31 \(range)", out: out)
        // The last day timestamps hold is a valid end (its day after saturates, not traps).
        let last = try scenario(in: dir) { $0.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  end: 2262-04-11\n") }
        #expect(try Run("scenario", "validate", last).status == 0)
        try expectRefused(["dataset", "synth", "--start", "0001-01-01", "--out", out + "/x.h5"], "synth: start: 0001-01-01 \(range)")
        let csv = dir + "/far.csv"
        try "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n9999-01-01,1,1,1,1,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try expectRefused(["dataset", "import", csv, "--symbol", "A", "--out", dir + "/far.h5"], "\(csv):3: timestamp: 9999-01-01 \(range)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/far.h5"))
    }

    /// A FIFO blocked the read forever; a device named as the metrics file was replaced by a file.
    @Test func onlyRegularFilesAreReadOrReplaced() throws {
        let dir = scratch()
        let out = dir + "/out"
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        try expectRefused(["backtest", fifo, "--strategy", "sma_cross"], "\(fifo): is a FIFO (named pipe), not a regular file")
        try expectRefused(["scenario", "validate", fifo], "\(fifo): is a FIFO (named pipe), not a regular file")
        let onFifo = try scenario(in: dir) { $0.replacingOccurrences(of: Run.repository + "/datasets/GOOG.h5", with: fifo) }
        try expectRefused(["run", onFifo, "--out", out], "\(onFifo): dataset.path: \(fifo) is a FIFO (named pipe), not a regular file", out: out)
        let s = try scenario(in: dir) { $0 }
        try expectRefused(
            ["run", s, "--out", out, "--metrics-file", fifo], "\(fifo): is a FIFO (named pipe), not a regular file: it is not replaced", out: out)
        #expect(FileKind(path: fifo, followLinks: false) == .fifo)
        try expectRefused(["run", s, "--out", ""], "--out: an empty path names no folder")
        try expectRefused(["run", s, "--out", s], "--out: \(s) is a regular file, not a folder")
    }

    @Test func synthHonoursBarsAndRefusesBarsWithDays() throws {
        let dir = scratch()
        let run = try Run("dataset", "synth", "--kind", "intraday", "--bars", "1000", "--out", dir + "/i.h5")
        #expect(run.stdout == "wrote SYN (1000 bars) to \(dir)/i.h5\n", "\(run.stderr)")
        try expectRefused(["dataset", "synth", "--bars", "10", "--days", "3", "--out", dir + "/x.h5"], "synth: bars: give --bars or --days, not both")
        try expectRefused(
            ["dataset", "synth", "--kind", "intraday", "--bars", "9223372036854775807", "--out", dir + "/x.h5"],
            "synth: days: 23649671889371221 sessions from 2020-01-02 run past 2262-04-11, the last date of nanosecond timestamps")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5"))
    }

    @Test func backtestOnSeveralSymbolsNamesThem() throws {
        let dir = scratch()
        #expect(try Run("dataset", "synth", "--symbols", "A,B,C", "--bars", "300", "--out", dir + "/m.h5").status == 0)
        try expectRefused(["backtest", dir + "/m.h5", "--strategy", "sma_cross"], "--symbol: \(dir)/m.h5 holds 3 symbols (A, B, C); name one")
        #expect(try Run("backtest", dir + "/m.h5", "--strategy", "sma_cross", "--symbol", "B").status == 0)
    }

    /// A short row was padded with empty cells, so close and volume became NaN without a word.
    @Test func csvRowsWithMissingFieldsNameTheLine() throws {
        let dir = scratch()
        let csv = dir + "/short.csv"
        try "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try expectRefused(["dataset", "import", csv, "--symbol", "A", "--out", dir + "/a.h5"], "\(csv):3: row has 4 fields, the header has 6")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a.h5"))
    }
}

extension HostileInputTests {
    /// Whole numbers at 2^63 − 1 trapped (calibration horizon, fill latency); settings that cannot
    /// mean anything on the data gave a report of 0 trades and Sharpe NaN.
    @Test func wholeNumbersHaveAMaximumAndSettingsMustFitTheData() throws {
        let dir = scratch()
        let out = dir + "/out"
        let huge = "9223372036854775807"
        let latency = try scenario(in: dir) { $0.replacingOccurrences(of: "    timing: next_open\n", with: "    timing: next_open\n    latency: \(huge)\n") }
        let run = try Run("run", latency, "--out", out)
        #expect(run.status == 2 && run.stderr.contains("execution.fill.latency: expected bars ≥ 0, at most 2147483647, got \"\(huge)\""), "\(run.stderr)")
        let horizon = try scenario(in: dir) { $0.replacingOccurrences(of: "  horizon: 5\n", with: "  horizon: \(huge)\n") }
        #expect(try Run("scenario", "validate", horizon).stderr.contains("calibration.horizon: expected bars ≥ 1, at most 2147483647"))
        let window = try scenario(in: dir) { $0.replacingOccurrences(of: "slow: 30", with: "slow: \(huge)") }
        #expect(try Run("scenario", "validate", window).stderr.contains("slow: expected an integer ≤ 2147483647, got \"\(huge)\""))
        // Within the maximum but longer than the data: refused before any job, naming the field.
        let long = try scenario(in: dir) { $0.replacingOccurrences(of: "slow: 30", with: "slow: 100000000") }
        try expectRefused(
            ["run", long, "--out", out],
            "\(long): strategy.params: sma_cross needs 100000001 bars before its first signal, the data has 2148 bars: it cannot trade", out: out)
        let late = try scenario(in: dir) { $0.replacingOccurrences(of: "  horizon: 5\n", with: "  horizon: 5000\n") }
        try expectRefused(["run", late, "--out", out], "\(late): calibration.horizon: 5000 bars leaves no signal an outcome in 2148 bars", out: out)
    }

    /// A sweep where some combinations cannot trade still runs (the others are meaningful) and
    /// says so, in report.json and on the page; one where none can is refused.
    @Test func sweepCombinationsLongerThanTheDataAreAWarning() throws {
        let dir = scratch()
        let some = try scenario(in: dir) { $0 + "sweep:\n  grid:\n    slow: [30, 5000]\n" }
        let run = try Run("run", some, "--out", dir + "/out", "--no-history")
        #expect(run.status == 0, "\(run.stderr)")
        let path = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect((report["sweep_skipped"] as? [String: Any])?["cannot_trade"] as? Int == 1)
        let page = try String(contentsOfFile: path.replacingOccurrences(of: "report.json", with: "report.html"), encoding: .utf8)
        #expect(page.contains("Warning: 1 of 2 combinations cannot trade (their warm-up is as long as the data)"))
        let none = try scenario(in: dir) { $0 + "sweep:\n  grid:\n    slow: [3000, 5000]\n" }
        try expectRefused(
            ["run", none, "--out", dir + "/out2"],
            "\(none): strategy.params: every combination of the sweep needs at least 3001 bars before its first signal, the data has 2148 bars: it cannot trade",
            out: dir + "/out2")
    }

    /// A misspelt row limit would have been ignored (the default in force without a word).
    @Test func aMisspeltRowLimitIsRefused() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Run.binary)
        process.arguments = ["dataset", "inspect", "datasets/GOOG.h5"]
        process.currentDirectoryURL = URL(fileURLWithPath: Run.repository)
        process.environment = ProcessInfo.processInfo.environment.merging(["GSLAB_MAX_ROWS": "2e6"]) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(text == "gslab: GSLAB_MAX_ROWS: expected a whole number ≥ 1, got \"2e6\"\n")
    }

    /// `scenario validate` said "ok" for a scenario whose data file does not exist.
    @Test func validateChecksThatTheDatasetExistsAndHoldsTheSymbol() throws {
        let dir = scratch()
        let missing = try scenario(in: dir) { $0.replacingOccurrences(of: "/datasets/GOOG.h5", with: "/datasets/NOPE.h5") }
        try expectRefused(
            ["scenario", "validate", missing],
            "\(missing): dataset.path: no such file \(Run.repository)/datasets/NOPE.h5 (resolved to \(Run.repository)/datasets/NOPE.h5)")
        let symbol = try scenario(in: dir) { $0.replacingOccurrences(of: "symbol: GOOG", with: "symbol: MSFT") }
        try expectRefused(["scenario", "validate", symbol], "\(Run.repository)/datasets/GOOG.h5: symbol \"MSFT\" not found (present: GOOG)")
        let fine = try Run("scenario", "validate", try scenario(in: dir) { $0 })
        #expect(fine.status == 0 && fine.stdout.hasSuffix(": ok (default: 1 parameter set; GOOG: 2148 bars 2004-08-19 … 2013-03-01)\n"))
        // The data is read: a date range the file does not cover, or too short for the strategy,
        // is a one-line error (exit 2); --no-data skips the bars.
        let later = try scenario(in: dir) { $0.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  start: 2030-01-01\n  end: 2030-12-31\n") }
        try expectRefused(
            ["scenario", "validate", later],
            "\(later): dataset.start/end: no GOOG bars in the date range 2030-01-01 … 2030-12-31 in \(Run.repository)/datasets/GOOG.h5 (it holds 2004-08-19 … 2013-03-01)"
        )
        let skipped = try Run("scenario", "validate", later, "--no-data")
        #expect(skipped.status == 0 && skipped.stdout == "\(later): ok (default: 1 parameter set)\n")
        let short = try scenario(in: dir) { $0.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  start: 2013-02-20\n") }
        try expectRefused(
            ["scenario", "validate", short], "\(short): strategy.params: sma_cross needs 31 bars before its first signal, the data has 8 bars: it cannot trade")
    }

    /// A grid of seven lists of 700 values is 700^7 ≈ 8 · 10^19 combinations: more than an Int holds.
    @Test func sweepSizesAreCheckedWithoutOverflow() throws {
        let dir = scratch()
        let values = "[" + (1...700).map(String.init).joined(separator: ", ") + "]"
        let axes = (0..<7).map { "    p\($0): \(values)" }.joined(separator: "\n")
        let grid = try scenario(in: dir) { $0 + "sweep:\n  grid:\n\(axes)\n" }
        let run = try Run("scenario", "validate", grid)
        #expect(run.status == 2 && run.stderr.hasSuffix("sweep.grid: more than 9223372036854775807 combinations exceed the cap of 10000\n"), "\(run.stderr)")
        let random = try scenario(in: dir) { $0 + "sweep:\n  random:\n    samples: 5\n    ranges: {fast: [1, 9223372036854775807]}\n" }
        let drawn = try Run("scenario", "validate", random)
        #expect(
            drawn.status == 2 && drawn.stderr.hasSuffix("whole-number bounds must lie within ±2147483647, got [1, 9223372036854775807]\n"),
            "\(drawn.stderr)")
    }

    @Test func namesLongInBytesAndHugeOrExplodingFilesAreRefused() throws {
        let dir = scratch()
        let letters = String(repeating: "𝒜", count: 64)  // 64 letters, 256 bytes: longer than a file name may be
        let name = try scenario(in: dir) { $0.replacingOccurrences(of: "name: default", with: "name: \(letters)") }
        try expectRefused(
            ["scenario", "validate", name], "\(name):3:7: name: expected letters, digits, _ or - (at most 64, and 128 bytes of UTF-8), got \"\(letters)\"")
        let big = dir + "/big.yaml"
        try String(repeating: "#", count: 2 << 20).write(toFile: big, atomically: true, encoding: .utf8)
        try expectRefused(["scenario", "validate", big], "\(big): is 2097152 bytes, more than the limit of 1048576 bytes")
        // A "billion laughs": nine levels of ten aliases.
        var lines = ["name: bomb", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...8 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let bomb = dir + "/bomb.yaml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: bomb, atomically: true, encoding: .utf8)
        try expectRefused(["scenario", "validate", bomb], "\(bomb): more than 200000 YAML nodes once aliases are expanded (an alias bomb?)")
    }

    /// `bootstrap_paths: 100000` reached 7.7 GB and `stress suite --paths 1000000` 5.8 GB in 20 s.
    @Test func plansBeyondTheMemoryBudgetAreRefusedBeforeTheyStart() throws {
        let dir = scratch()
        let out = dir + "/out"
        let suite = try String(contentsOfFile: Run.repository + "/scenarios/stress-suite.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../datasets/", with: Run.repository + "/datasets/")
            .replacingOccurrences(of: "bootstrap_paths: 3", with: "bootstrap_paths: 100000")
        let path = dir + "/suite.yaml"
        try suite.write(toFile: path, atomically: true, encoding: .utf8)
        try expectRefused(
            ["run", path, "--out", out, "--memory-limit", "4000"],
            "\(path): memory_cap_mb: the run holds about 9833.6 MB of bars (2148 bars × 100008 variants), over the cap of 4000 MB (--memory-limit, memory_cap_mb)",
            out: out)
        try expectRefused(
            ["stress", "suite", "datasets/GOOG.h5", "--paths", "1000000", "--memory-limit", "4000"],
            "--paths: 1000008 scenarios of 2148 bars hold about 98329 MB, over the budget of 4000 MB (--memory-limit)")
    }
}

extension HostileInputTests {
    /// The report echoed the scenario path as typed, and a relative dataset path was resolved
    /// lexically past a symbolic link to the scenario's folder.
    @Test func oneReportWhateverPathNamedTheScenario() throws {
        let dir = scratch()
        let link = dir + "/linked"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Run.repository + "/scenarios")
        let spellings: [(arguments: [String], directory: String)] = [
            (["scenarios/default.yaml"], Run.repository),
            (["./default.yaml"], Run.repository + "/scenarios"),
            ([Run.repository + "/scenarios//default.yaml"], dir),
            ([link + "/default.yaml"], dir),
        ]
        var reports: [Data] = []
        for (k, spelling) in spellings.enumerated() {
            let run = try Run(arguments: ["run"] + spelling.arguments + ["--out", dir + "/out\(k)", "--no-history"], directory: spelling.directory)
            #expect(run.status == 0, "\(spelling.arguments): \(run.stderr)")
            let path = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
            reports.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(Set(reports).count == 1)
    }
}
