import Foundation
import LabCore
import Testing

@testable import LabData

@Suite struct HDF5ReadWriteTests {
    @Test func bundledGOOGDatasetMatchesTheCSV() throws {
        // datasets/GOOG.h5 is what `gslab dataset import` made from the CSV; the same import here must agree.
        let (series, sources) = try CSVImport.read(Fixture.path("GOOG_daily.csv"), symbol: "GOOG", timezone: "America/New_York")
        #expect(series.count == 2148)
        #expect(CivilTime.iso8601(series.timestamps.first!) == "2004-08-19")
        #expect(CivilTime.iso8601(series.timestamps.last!) == "2013-03-01")
        #expect(series.open.first == 100 && series.close.first == 100.34 && series.volume.first == 22_351_900)
        #expect(series.close.last == 806.19 && series.high.last == 807.14 && series.low.last == 796.15)
        #expect(series.close.max() == 806.85)
        #expect(series.frequency == .day && series.timezone == "America/New_York")
        #expect(sources[.timestamp] == "(index)" && sources[.close] == "Close")
    }

    @Test(arguments: [(0, 0), (64, 0), (0, 6), (1000, 9)])
    func plainLayoutRoundTripIsBitExact(chunkRows: Int, gzip: Int) throws {
        var a = try cleanDaily(500, seed: 3)
        a.close[7] = .nan  // NaN and signed zero survive bit for bit
        a.volume[8] = -0.0
        a.metadata = ["source": "unit test", "currency": "USD"]
        a.spread = (0..<a.count).map { 0.0005 + Double($0) * 1e-7 }
        let b = try SyntheticBars.intraday(symbol: "MIN", startDay: 18_300, days: 2, seed: 4)
        let path = Fixture.scratch() + "/roundtrip.h5"
        try HDF5BarStore.write([a, b], to: path, options: HDF5WriteOptions(chunkRows: chunkRows, gzipLevel: gzip))
        let back = try HDF5BarStore.read(path)
        #expect(back.map(\.series.symbol) == ["MIN", "SYN"])
        for (original, loaded) in [(a, back[1]), (b, back[0])] {
            let s = loaded.series
            #expect(loaded.layout == .plain)
            #expect(s.timestamps == original.timestamps)
            for (x, y) in [(s.open, original.open), (s.high, original.high), (s.low, original.low), (s.close, original.close), (s.volume, original.volume)] {
                #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
            }
            #expect(s.timezone == original.timezone && s.frequency == original.frequency)
            #expect(s.spread?.map(\.bitPattern) == original.spread?.map(\.bitPattern))
        }
        #expect(back[1].series.metadata["currency"] == "USD" && back[1].series.metadata["source"] == "unit test")
        #expect(try HDF5BarStore.read(path, symbol: "SYN").series.count == 500)
        // Deterministic bytes: writing the same bars again gives an identical file.
        let again = Fixture.scratch() + "/roundtrip.h5"
        try HDF5BarStore.write([a, b], to: again, options: HDF5WriteOptions(chunkRows: chunkRows, gzipLevel: gzip))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }

    @Test func writeRejectsBadOptionsAndLeavesNoFile() throws {
        let dir = Fixture.scratch()
        let path = dir + "/x.h5"
        #expect(throws: LabDataError.invalidParameter(owner: "hdf5 writer", field: "gzipLevel", reason: "must be 0…9, got 12")) {
            try HDF5BarStore.write([try cleanDaily(10)], to: path, options: HDF5WriteOptions(gzipLevel: 12))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(throws: LabDataError.writeFailed(path: "/nonexistent/dir/x.h5", detail: "folder /nonexistent/dir does not exist")) {
            try HDF5BarStore.write([try cleanDaily(10)], to: "/nonexistent/dir/x.h5")
        }
    }

    @Test(arguments: ["pandas_fixed.h5", "pandas_table.h5", "pandas_table_utc.h5", "plain_h5py.h5"])
    func pandasAndH5pyFilesReadToTheValuesWritten(name: String) throws {
        let loaded = try HDF5BarStore.read(Fixture.path(name), symbol: "GOOG")
        let s = loaded.series
        let expected = Fixture.googRows.prefix(300)
        #expect(s.count == 300)
        #expect(s.timestamps == expected.map { Fixture.midnightUTC($0.date) })
        #expect(s.open == expected.map(\.open) && s.high == expected.map(\.high) && s.low == expected.map(\.low))
        #expect(s.close == expected.map(\.close) && s.volume == expected.map(\.volume))
        #expect(s.frequency == .day)
        #expect(loaded.columnSources[.close] == (name.hasPrefix("plain") ? "close" : "Close"))
    }

    @Test func layoutsAreDetected() throws {
        #expect(try HDF5BarStore.symbols(in: Fixture.path("pandas_fixed.h5")).map(\.layout) == [.pandasFixed])
        #expect(try HDF5BarStore.symbols(in: Fixture.path("pandas_table.h5")).map(\.symbol) == ["GOOG", "GOOG2"])
        #expect(try HDF5BarStore.symbols(in: Fixture.path("pandas_table.h5")).map(\.layout) == [.pandasTable, .pandasTable])
        #expect(try HDF5BarStore.symbols(in: Fixture.path("plain_h5py.h5")).map(\.layout) == [.plain])
    }

    @Test func timezoneAwareIndexIsKeptAndDatesStayDates() throws {
        // Written by pandas with a tz-aware America/New_York index in ns, under the nested key equities/GOOG.
        let loaded = try HDF5BarStore.read(Fixture.path("pandas_fixed_tz.h5"))
        #expect(loaded.map(\.series.symbol) == ["equities/GOOG"])
        let s = loaded[0].series
        #expect(s.timezone == "America/New_York")
        #expect(s.timestamps.first == Fixture.midnightUTC("2004-08-19"))  // local midnight → date label
        #expect(s.close.last == Fixture.googRows[299].close)
        #expect(try HDF5BarStore.read(Fixture.path("pandas_table_utc.h5"))[0].series.timezone == "UTC")
    }

    @Test func severalSymbolsAndSubsets() throws {
        let both = try HDF5BarStore.read(Fixture.path("pandas_table.h5"))
        #expect(zip(both[0].series.close, both[1].series.close).allSatisfy { $1 == 2 * $0 })
        let one = try HDF5BarStore.read(Fixture.path("pandas_table.h5"), symbols: ["GOOG2"])
        #expect(one.count == 1 && one[0].series.symbol == "GOOG2" && one[0].series.volume[0] == 2 * 22_351_900)
    }

    @Test(arguments: ["pandas_aliases.h5", "pandas_aliases_table.h5"])
    func aliasedColumnsAreMatchedAndReported(name: String) throws {
        let loaded = try HDF5BarStore.read(Fixture.path(name), symbol: "GOOG")
        #expect(loaded.columnSources == [.timestamp: "index", .open: "OPEN", .high: "high", .low: "Low", .close: "Adj Close", .volume: "vol"])
        #expect(loaded.columns == ["index", "OPEN", "high", "Low", "Adj Close", "vol", "note"])
        let s = loaded.series
        #expect(s.count == 40)
        #expect(s.open == Fixture.googRows.prefix(40).map { Double(Float($0.open)) })  // float32 column, converted exactly
        #expect(s.close == Fixture.googRows.prefix(40).map(\.close))
        // An explicit mapping overrides the aliases.
        let overridden = try HDF5BarStore.read(Fixture.path(name), symbol: "GOOG", columnOverrides: [.close: "high"])
        #expect(overridden.series.close == s.high)
    }

    @Test func integerPriceColumnsAreConverted() throws {
        let path = Fixture.scratch() + "/ints.h5"
        try Fixture.writeRaw(path) { g in
            try g.write("timestamp", [Int64(0), CivilTime.nanosPerDay, 2 * CivilTime.nanosPerDay])
            for name in ["open", "high", "low", "close", "volume"] { try g.write(name, [Int64(10), 11, 12]) }
        }
        let s = try HDF5BarStore.read(path, symbol: "X").series
        #expect(s.close == [10, 11, 12] && s.volume == [10, 11, 12])
    }

    @Test func pickleSubsetParses() {
        #expect(PickleValue.parse("(lp0\nVHigh\np1\naVLow\np2\na.")?.stringList == ["High", "Low"])
        let info = PickleValue.parse("(dp0\nVindex\np1\n(dp2\nVtz\np3\nVAsia/Tokyo\np4\nss.")
        #expect(info?["index"]?["tz"] == .string("Asia/Tokyo"))
        #expect(PickleValue.parse("\u{80}\u{04}garbage") == nil)
        #expect(PickleValue.unescapeRawUnicode("caf\\u00e9") == "café")
    }
}
