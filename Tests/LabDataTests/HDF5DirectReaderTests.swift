import Foundation
import LabCore
import Testing

@testable import LabData

/// The direct reader (object headers and data read with `pread`) against the HDF5 library's path:
/// the same `LoadedSymbol` wherever the direct reader reads, and the library wherever it does not.
@Suite struct HDF5DirectReaderTests {
    /// Each plain-layout symbol of `path`: what the direct reader gives (nil: left to the library)
    /// and what the library path gives.
    func bothPaths(_ path: String) throws -> [(symbol: String, direct: LoadedSymbol?, library: LoadedSymbol)] {
        let file = try HDF5File.openForReading(path)
        return try HDF5BarStore.discover(in: file.root).filter { $0.layout == .plain }.map { entry in
            let direct = file.direct.flatMap { reader in file.directPlan(entry.symbol).flatMap { reader.read($0, overrides: [:]) } }
            return (entry.symbol, direct, try HDF5BarStore.read(entry: entry, file: file, overrides: [:], direct: false))
        }
    }

    /// The root group's links by name, from its symbol table read directly.
    func rootLinks(_ file: HDF5File, _ reader: HDF5DirectReader) -> [String: UInt64] {
        let links = file.root.address.flatMap { reader.links(ofGroupAt: UInt64($0)) } ?? []
        return Dictionary(links.map { ($0.name, $0.address) }, uniquingKeysWith: { a, _ in a })
    }

    func same(_ a: LoadedSymbol, _ b: LoadedSymbol) -> Bool {
        a.series == b.series && a.layout == b.layout && a.columns == b.columns && a.columnSources == b.columnSources
    }

    @Test func readsH5pyFilesAsTheLibraryDoesAndLeavesTheRestToIt() throws {
        let symbols = try bothPaths(Fixture.path("direct_h5py.h5"))
        #expect(symbols.map(\.symbol) == ["EXTRAS", "FIXED", "FLOAT32", "VLEN", "nested/GOOG"])
        for s in symbols {
            if ["FLOAT32", "VLEN"].contains(s.symbol) {
                #expect(s.direct == nil, "\(s.symbol): float32 prices and variable-length strings are the library's")
            } else {
                let direct = try #require(s.direct, "\(s.symbol) should be read directly")
                #expect(same(direct, s.library), "\(s.symbol)")
            }
        }
        // The values themselves, against the CSV: seconds to nanoseconds, int64 volume to Double,
        // fixed-length string attributes as metadata; the sub-group and the soft link are not columns.
        let fixed = try #require(symbols.first { $0.symbol == "FIXED" }?.direct)
        let rows = Fixture.googRows.prefix(200)
        #expect(fixed.series.timestamps == rows.map { Fixture.midnightUTC($0.date) })
        #expect(fixed.series.close == rows.map(\.close))
        #expect(fixed.series.volume == rows.map(\.volume))
        #expect(fixed.series.timezone == "America/New_York")
        #expect(fixed.series.metadata == ["source": "h5py direct fixture", "sector": "Communication"])
        let extras = try #require(symbols.first { $0.symbol == "EXTRAS" }?.direct)
        #expect(extras.columns == ["close", "high", "low", "open", "timestamp", "volume"])
    }

    @Test func versionTwoObjectHeadersAreTheLibrarys() throws {
        let symbols = try bothPaths(Fixture.path("direct_h5py_latest.h5"))
        #expect(symbols.count == 1 && symbols[0].direct == nil)
        #expect(try HDF5BarStore.read(Fixture.path("direct_h5py_latest.h5"))[0].series == symbols[0].library.series)
    }

    @Test func theWritersContiguousFilesAreReadDirectlyAndItsChunkedOnesByTheLibrary() throws {
        let dir = Fixture.scratch()
        var series = try cleanDaily(250)
        series.metadata = ["sector": "Energy", "note": "é ü"]
        series.spread = series.close.map { _ in 0.0005 }
        for (name, options) in [("contiguous", HDF5WriteOptions()), ("chunked", HDF5WriteOptions(chunkRows: 64)), ("gzip", HDF5WriteOptions(gzipLevel: 4))] {
            let path = "\(dir)/\(name).h5"
            try HDF5BarStore.write([series], to: path, options: options)
            let both = try bothPaths(path)
            #expect(both.count == 1 && both[0].library.series == series, "\(name)")
            if name == "contiguous" {
                let file = try HDF5File.openForReading(path)
                let reader = try #require(file.direct)
                let plan = try #require(reader.plan("SYN", root: rootLinks(file, reader)))
                #expect(plan.links.map(\.name) == ["close", "high", "low", "open", "spread", "timestamp", "volume"])
                let direct = try #require(both[0].direct)
                #expect(same(direct, both[0].library))
            } else {
                #expect(both[0].direct == nil, "\(name) storage is the library's")
            }
            #expect(try HDF5BarStore.read(path)[0].series == series, "\(name)")
        }
    }

    @Test func everyFixtureGivesTheSameBarsBothWays() throws {
        let folder = Fixture.path("")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".h5") }.sorted()
        #expect(files.count > 10)
        var direct = 0, listed = 0, tables = 0
        for name in files {
            // Files the library refuses (bad inputs) are the library's to word: nothing to compare.
            guard let file = try? HDF5File.openForReading(folder + "/" + name) else { continue }
            if let reader = file.direct, let entries = HDF5BarStore.discoverDirectly(file, reader) {
                listed += 1
                #expect(entries == HDF5BarStore.discover(in: file.root), "\(name): the symbols listed")
                // Each group's symbol table read directly lists the links the library lists.
                for entry in entries {
                    guard let plan = reader.plan(entry.symbol, root: rootLinks(file, reader)) else { continue }
                    tables += 1
                    #expect(plan.links.map(\.name) == file.hardLinks(entry.symbol)?.map(\.name), "\(name): \(entry.symbol)")
                    #expect(plan.links.map(\.address) == file.hardLinks(entry.symbol)?.map(\.address), "\(name): \(entry.symbol)")
                    #expect(plan.group == file.directPlan(entry.symbol)?.group)
                }
            }
            guard let symbols = try? bothPaths(folder + "/" + name) else { continue }
            for s in symbols {
                guard let d = s.direct else { continue }
                direct += 1
                #expect(same(d, s.library), "\(name): \(s.symbol)")
            }
        }
        #expect(direct >= 3 && listed >= 10 && tables >= 10)
    }

    @Test func aBatchOnTwoThreadsEqualsTheLibraryOneByOne() throws {
        let dir = Fixture.scratch()
        let path = "\(dir)/universe.h5"
        let universe = try SyntheticUniverse.make(symbols: 40, days: 300, startDay: CivilTime.daysFromCivil(year: 2015, month: 1, day: 2), seed: 3)
        try HDF5BarStore.write(universe, to: path)
        let entries = try HDF5BarStore.symbols(in: path)
        let file = try HDF5File.openForReading(path)
        #expect(entries == HDF5BarStore.discover(in: file.root) && entries.count == 40)
        let batch = try HDF5BarStore.read(path, entries: entries, workers: 2)
        let library = try entries.map { try HDF5BarStore.read(entry: $0, file: file, overrides: [:], direct: false) }
        #expect(batch.count == 40)
        #expect(zip(batch, library).allSatisfy { same($0, $1) })
        #expect(batch.map(\.series) == universe)
    }

    @Test func aDamagedHeaderIsLeftToTheLibrary() throws {
        let dir = Fixture.scratch()
        let path = "\(dir)/damaged.h5"
        try HDF5BarStore.write([try cleanDaily(100)], to: path)
        let file = try HDF5File.openForReading(path)
        let plan = try #require(file.directPlan("SYN"))
        let close = try #require(plan.links.first { $0.name == "close" })
        // A version byte the parser does not know, then a message running past its block.
        for (offset, byte) in [(0, UInt8(7)), (16 + 2, UInt8(0xFF))] {
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            let original = try #require(HDF5RawFile(path: path)?.bytes(at: close.address + UInt64(offset), count: 1)?.u8(0))
            try handle.seek(toOffset: close.address + UInt64(offset))
            handle.write(Data([byte]))
            #expect(HDF5DirectReader(path: path)!.read(plan, overrides: [:]) == nil, "byte \(offset)")
            try handle.seek(toOffset: close.address + UInt64(offset))
            handle.write(Data([original]))
            try handle.close()
        }
        #expect(HDF5DirectReader(path: path)!.read(plan, overrides: [:]) != nil)
    }

    @Test func boundsAreChecked() {
        let bytes = HDF5Bytes([1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(bytes.u64(0) == 0x0807_0605_0403_0201)
        #expect(bytes.u64(2) == nil && bytes.u8(9) == nil && bytes.u16(-1) == nil)
        #expect(bytes.slice(8, 1)?.u8(0) == 9 && bytes.slice(8, 2) == nil && bytes.slice(-1, 1) == nil)
        #expect(HDF5ObjectHeader.Dataspace(HDF5Bytes([1, 1, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]))?.dims == [5])
        #expect(HDF5ObjectHeader.Dataspace(HDF5Bytes([1, 2, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0])) == nil)  // rank 2, one dimension
    }
}
