import Foundation
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
        #expect(FileKindProbe.isFIFO(fifo))
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

/// File-type checks for the assertions (the product's own check is what is under test).
enum FileKindProbe {
    static func isFIFO(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO
    }
}
