import Foundation
import LabCore
import Testing

@testable import LabData

/// A universe reads to the same bars whatever layout pandas users stored it in: a key per symbol,
/// one long table with a symbol data column, or the same with the symbol in a values block and the
/// rows shuffled; bad long tables are named.
@Suite struct UniverseLayoutTests {
    /// GOOG's first 120 rows scaled per symbol, with the spans the fixture script gives them.
    static let expected: [String: (first: Int, last: Int, scale: Double, missing: Int?)] = [
        "AAA": (0, 120, 1, nil), "BB": (10, 120, 0.5, 20), "CCCC": (0, 90, 2, nil), "D": (30, 100, 0.1, nil),
    ]

    @Test func everyLayoutReadsTheSameBars() throws {
        let keys = try HDF5BarStore.read(Fixture.path("universe_keys.h5"))
        let long = try LongTable.read(Fixture.path("universe_long.h5"), key: nil, symbolColumn: "symbol")
        let shuffled = try LongTable.read(Fixture.path("universe_long_nodc.h5"), key: "bars", symbolColumn: "symbol")
        #expect(keys.map(\.series.symbol) == ["AAA", "BB", "CCCC", "D"])
        #expect(long.map(\.series.symbol) == ["AAA", "BB", "CCCC", "D"])
        for ((a, b), c) in zip(zip(keys, long), shuffled) {
            #expect(a.series.timestamps == b.series.timestamps && b.series.timestamps == c.series.timestamps, "\(a.series.symbol)")
            #expect(a.series.close == b.series.close && b.series.close == c.series.close)
            #expect(a.series.open == c.series.open && a.series.volume == c.series.volume && a.series.high == c.series.high)
            #expect(!b.columns.contains("symbol"))
        }
        // Against the CSV, parsed independently: spans, scale, the missing bar.
        for loaded in long {
            let e = Self.expected[loaded.series.symbol]!
            var rows = Array(e.first..<e.last)
            if let m = e.missing { rows.remove(at: m) }
            #expect(loaded.series.timestamps == rows.map { Fixture.midnightUTC(Fixture.googRows[$0].date) })
            #expect(zip(loaded.series.close, rows).allSatisfy { abs($0 - Fixture.googRows[$1].close * e.scale) <= 1e-9 * $0 })
        }
        // The four symbols on one calendar: 120 dates, D listed at row 30 and delisted after 99.
        let universe = try Universe(long.map(\.series))
        #expect(universe.length == 120)
        #expect(universe.firstRows == [0, 10, 0, 30] && universe.lastRows == [119, 119, 89, 99])
    }

    @Test func badLongTablesAreNamed() {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        let duplicate = message { _ = try LongTable.read(Fixture.path("universe_long_duplicate.h5"), key: nil, symbolColumn: "symbol") }
        #expect(duplicate.contains("bars.symbol: ") && duplicate.contains("has two rows at"), "\(duplicate)")
        let column = message { _ = try LongTable.read(Fixture.path("universe_long.h5"), key: nil, symbolColumn: "ticker") }
        #expect(column.contains("column ticker is missing"), "\(column)")
        let key = message { _ = try LongTable.read(Fixture.path("universe_long.h5"), key: "prices", symbolColumn: "symbol") }
        #expect(key.contains("symbol \"prices\" not found (present: bars)"), "\(key)")
        let several = message { _ = try LongTable.read(Fixture.path("universe_keys.h5"), key: nil, symbolColumn: "symbol") }
        #expect(several.contains("holds 4 pandas tables (AAA, BB, CCCC, D); name one with dataset.table"), "\(several)")
    }

    /// Symbol selections: all, a list, a pattern; nothing matching and too many are one line.
    @Test func selectionsResolve() throws {
        let names = ["AAA", "AAB", "BBB"]
        #expect(try SymbolSelection.all.resolve(in: names, file: "f") == names)
        #expect(try SymbolSelection.glob("AA*").resolve(in: names, file: "f") == ["AAA", "AAB"])
        #expect(try SymbolSelection.list(["BBB", "AAA"]).resolve(in: names, file: "f") == ["BBB", "AAA"])
        #expect(throws: LabDataError.self) { try SymbolSelection.glob("Z*").resolve(in: names, file: "f") }
        #expect(throws: LabDataError.self) { try SymbolSelection.all.resolve(in: names, file: "f", maxSymbols: 2) }
        #expect(throws: LabDataError.self) { try SymbolSelection.list(["ZZZ"]).resolve(in: names, file: "f") }
    }
}
