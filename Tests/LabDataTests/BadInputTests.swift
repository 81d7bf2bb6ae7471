import Foundation
import LabCore
import Testing

@testable import LabData

/// Every bad input gets one line naming the file, the symbol and the field, and the invalid-input category.
@Suite struct BadInputTests {
    func expectError(_ expected: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected an error: \(expected)", sourceLocation: sourceLocation)
        } catch let error as LabDataError {
            #expect(error.description == expected, sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            #expect(error.category == .invalidInput, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingPathAndDirectory() {
        expectError("/no/such/file.h5: no such file") { _ = try HDF5BarStore.read("/no/such/file.h5") }
        let dir = Fixture.scratch()
        expectError("\(dir): is a directory, expected an HDF5 file") { _ = try HDF5BarStore.read(dir) }
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file whatever its mode"))
    func unreadableFile() throws {
        let path = Fixture.scratch() + "/locked.h5"
        try HDF5BarStore.write([try cleanDaily(5)], to: path)
        chmod(path, 0)
        expectError("\(path): permission denied (cannot read the file)") { _ = try HDF5BarStore.read(path) }
    }

    @Test func textFileNamedH5AndTruncatedFile() throws {
        let dir = Fixture.scratch()
        try "Date,Open\n2020-01-01,1\n".write(toFile: dir + "/text.h5", atomically: true, encoding: .utf8)
        expectError("\(dir)/text.h5: not an HDF5 file") { _ = try HDF5BarStore.read(dir + "/text.h5") }
        let full = dir + "/full.h5"
        try HDF5BarStore.write([try cleanDaily(2000)], to: full)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.h5"))
        expectError("\(dir)/cut.h5: truncated HDF5 file (ends before its declared size)") { _ = try HDF5BarStore.read(dir + "/cut.h5") }
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.h5"))
        expectError("\(dir)/empty.h5: not an HDF5 file") { _ = try HDF5BarStore.read(dir + "/empty.h5") }
    }

    @Test func symbolMissingListsTheOnesPresent() {
        let path = Fixture.path("pandas_table.h5")
        expectError("\(path): symbol \"MSFT\" not found (present: GOOG, GOOG2)") { _ = try HDF5BarStore.read(path, symbols: ["MSFT"]) }
    }

    @Test func columnMissingNamesTheFieldAndTheColumns() throws {
        let path = Fixture.scratch() + "/novolume.h5"
        try Fixture.writeRaw(path) { g in
            try g.write("timestamp", [Int64(0), CivilTime.nanosPerDay])
            for name in ["open", "high", "low", "close"] { try g.write(name, [1.0, 2.0]) }
        }
        expectError("\(path): X: column volume is missing (columns: close, high, low, open, timestamp)") {
            _ = try HDF5BarStore.read(path)
        }
    }

    @Test func stringPriceColumnsAreRejected() {
        let fixed = Fixture.path("pandas_string_close.h5")
        expectError("\(fixed): GOOG: column Close has type object (strings), expected numbers") { _ = try HDF5BarStore.read(fixed) }
        let table = Fixture.path("pandas_string_close_table.h5")
        expectError("\(table): GOOG: column Close has type string, expected numbers") { _ = try HDF5BarStore.read(table) }
        let path = Fixture.scratch() + "/strings.h5"
        try? Fixture.writeRaw(path) { g in
            try g.write("timestamp", [Int64(0), CivilTime.nanosPerDay])
            for name in ["open", "high", "low", "volume"] { try g.write(name, [1.0, 2.0]) }
            try g.writeStrings("close", ["1.0", "2.0"])
        }
        expectError("\(path): X: column close has type string, expected numbers") { _ = try HDF5BarStore.read(path) }
    }

    @Test func columnsOfDifferentLengths() throws {
        let path = Fixture.scratch() + "/ragged.h5"
        try Fixture.writeRaw(path) { g in
            try g.write("timestamp", [Int64(0), CivilTime.nanosPerDay, 2 * CivilTime.nanosPerDay])
            for name in ["open", "high", "close", "volume"] { try g.write(name, [1.0, 2.0, 3.0]) }
            try g.write("low", [1.0, 2.0])
        }
        expectError("\(path): X: column low has 2 rows, expected 3") { _ = try HDF5BarStore.read(path) }
    }

    @Test func emptyDatasetAndOneRow() throws {
        let dir = Fixture.scratch()
        for (name, rows) in [("empty", 0), ("one", 1)] {
            try Fixture.writeRaw(dir + "/\(name).h5") { g in
                try g.write("timestamp", (0..<rows).map { Int64($0) })
                for column in ["open", "high", "low", "close", "volume"] { try g.write(column, [Double](repeating: 1, count: rows)) }
            }
        }
        expectError("\(dir)/empty.h5: X: dataset is empty (0 rows)") { _ = try HDF5BarStore.read(dir + "/empty.h5") }
        expectError("\(dir)/one.h5: X: dataset has 1 row, at least 2 bars are needed") { _ = try HDF5BarStore.read(dir + "/one.h5") }
    }

    @Test func timestampsNeitherIntegerNorDatetimeIndex() throws {
        let path = Fixture.scratch() + "/floattime.h5"
        try Fixture.writeRaw(path) { g in
            try g.write("timestamp", [0.5, 1.5])
            for column in ["open", "high", "low", "close", "volume"] { try g.write(column, [1.0, 1.0]) }
        }
        expectError("\(path): X: timestamp: column timestamp has type float64, expected int64 nanoseconds since the epoch") {
            _ = try HDF5BarStore.read(path)
        }
        let f = Fixture.path("pandas_float_index.h5")
        expectError("\(f): GOOG: timestamp: index has type float64 (kind float); expected integer or a pandas DatetimeIndex") {
            _ = try HDF5BarStore.read(f)
        }
        let s = Fixture.path("pandas_string_index_table.h5")
        expectError("\(s): GOOG: timestamp: index has type string (kind string); expected integer or a pandas DatetimeIndex") {
            _ = try HDF5BarStore.read(s)
        }
    }

    @Test func pandasMultiIndexAndSeriesAreRefused() {
        for name in ["pandas_multiindex.h5", "pandas_multiindex_table.h5"] {
            let p = Fixture.path(name)
            expectError("\(p): GOOG: pandas MultiIndex frames are not supported (reset_index() or select one level before to_hdf)") {
                _ = try HDF5BarStore.read(p)
            }
        }
        let p = Fixture.path("pandas_series.h5")
        expectError("\(p): GOOG: pandas object of type series is not a DataFrame") { _ = try HDF5BarStore.read(p) }
    }

    @Test func csvWithABadDateNamesTheLine() throws {
        let dir = Fixture.scratch()
        try "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,0.5,1.5,100\n2020-13-06,1,2,0.5,1.5,100\n"
            .write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        expectError("\(dir)/bad.csv:4: timestamp: \"2020-13-06\" is not an ISO 8601 date or an epoch number") {
            _ = try CSVImport.read(dir + "/bad.csv", symbol: "X")
        }
        try "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,ten,100\n".write(toFile: dir + "/num.csv", atomically: true, encoding: .utf8)
        expectError("\(dir)/num.csv:2: Close: \"ten\" is not a number") { _ = try CSVImport.read(dir + "/num.csv", symbol: "X") }
        try "Date,Open,High,Low,Close\n2020-01-02,1,2,0.5,1\n".write(toFile: dir + "/novol.csv", atomically: true, encoding: .utf8)
        expectError("\(dir)/novol.csv: column volume is missing (header: Date,Open,High,Low,Close)") {
            _ = try CSVImport.read(dir + "/novol.csv", symbol: "X")
        }
        expectError("\(dir)/none.csv: no such file") { _ = try CSVImport.read(dir + "/none.csv", symbol: "X") }
        expectError("csv import: timezone: unknown time zone \"Mars/Olympus\"") {
            _ = try CSVImport.read(Fixture.path("GOOG_daily.csv"), symbol: "X", timezone: "Mars/Olympus")
        }
    }

    @Test func csvEpochTimestampsAndLocalTimes() throws {
        let dir = Fixture.scratch()
        // 1577975400 s = 2020-01-02T14:30:00Z; the ms and ns forms of the next minutes.
        try "timestamp,open,high,low,close,volume\n1577975400,1,2,0.5,1.5,100\n1577975460000,1,2,0.5,1.5,100\n1577975520000000000,1,2,0.5,1.5,100\n"
            .write(toFile: dir + "/epoch.csv", atomically: true, encoding: .utf8)
        let (s, _) = try CSVImport.read(dir + "/epoch.csv", symbol: "X")
        let t0 = CivilTime.timestamp(year: 2020, month: 1, day: 2, hour: 14, minute: 30)
        #expect(s.timestamps == [t0, t0 + CivilTime.nanosPerMinute, t0 + 2 * CivilTime.nanosPerMinute])
        try "Datetime,Open,High,Low,Close,Volume\n2020-01-02 09:30:00,1,2,0.5,1.5,100\n2020-07-02 09:30:00,1,2,0.5,1.5,100\n"
            .write(toFile: dir + "/local.csv", atomically: true, encoding: .utf8)
        let (local, _) = try CSVImport.read(dir + "/local.csv", symbol: "X", timezone: "America/New_York")
        #expect(local.timestamps == [t0, CivilTime.timestamp(year: 2020, month: 7, day: 2, hour: 13, minute: 30)])  // EST, then EDT
    }
}

/// HDF5 keeps its error-printing switch per thread: every thread that opens a file must have it off,
/// or a failed open on a worker thread prints HDF5's diagnostic stack (seen in a parallel test run).
@Suite struct HDF5ErrorPrintingTests {
    @Test func everyThreadThatOpensAFileHasPrintingOff() throws {
        let path = Fixture.scratch() + "/text.h5"
        try "not hdf5".write(toFile: path, atomically: true, encoding: .utf8)
        final class Result: @unchecked Sendable { var printing = true; var error = "" }
        let result = Result()
        _ = try? HDF5BarStore.read(path)  // HDF5 initialised on this thread first
        let done = DispatchSemaphore(value: 0)
        // A fresh thread, on which nothing has touched HDF5 before.
        let thread = Thread {
            do { _ = try HDF5BarStore.read(path) } catch { result.error = String(describing: error) }
            result.printing = HDF5Library.printsErrorsOnThisThread
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(result.error == "\(path): not an HDF5 file")
        #expect(!result.printing)
    }
}
