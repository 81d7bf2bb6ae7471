import Foundation
import LabCore
import Testing

@testable import LabData

/// `gslab dataset synth --symbols N`: seeded, clean, correlated through its factors, with listings,
/// delistings, halts and sectors in the stated proportions.
@Suite struct SyntheticUniverseTests {
    static let start = CivilTime.daysFromCivil(year: 2015, month: 1, day: 2)

    @Test func seededCleanAndRealistic() throws {
        let a = try SyntheticUniverse.make(symbols: 200, days: 750, startDay: Self.start, seed: 9)
        let b = try SyntheticUniverse.make(symbols: 200, days: 750, startDay: Self.start, seed: 9)
        #expect(a == b)
        #expect(try SyntheticUniverse.make(symbols: 200, days: 750, startDay: Self.start, seed: 10) != a)
        #expect(a.first?.symbol == "S000" && a.last?.symbol == "S199")
        for s in a { #expect(try DataQuality.validate(s).isClean, "\(s.symbol)") }
        let universe = try Universe(a)
        #expect(universe.length == 750)
        // 60 % listed on the first day, a fifth delisted (± sampling error of 200 draws).
        let listedAtStart = universe.firstRows.filter { $0 == 0 }.count, delisted = universe.lastRows.filter { $0 < 749 }.count
        #expect((95...145).contains(listedAtStart) && (20...60).contains(delisted), "\(listedAtStart) listed at the start, \(delisted) delisted")
        // About one bar in 500 missing between listing and delisting.
        let span = zip(universe.firstRows, universe.lastRows).reduce(0) { $0 + $1.1 - $1.0 + 1 }
        let missing = Double(span - universe.barCount) / Double(span)
        #expect(missing > 0.0005 && missing < 0.005, "\(missing)")
        // Sectors as attributes; returns correlated through the market factor.
        #expect(Set(a.compactMap { $0.metadata["sector"] }).isSubset(of: Set(SyntheticUniverse.sectors)) && a.allSatisfy { $0.metadata["sector"] != nil })
        let full = a.filter { $0.count == 750 }.prefix(20).map { s in (1..<s.count).map { log(s.close[$0] / s.close[$0 - 1]) } }
        var sum = 0.0, pairs = 0
        for i in full.indices { for j in full.indices where j > i { sum += correlation(full[i], full[j]); pairs += 1 } }
        #expect(sum / Double(pairs) > 0.1 && sum / Double(pairs) < 0.6, "mean pairwise correlation \(sum / Double(pairs))")
        // Volume levels differ by symbol (log-uniform 1e5 … 1e7).
        let levels = a.map { $0.volume.reduce(0, +) / Double($0.count) }
        #expect(levels.max()! / levels.min()! > 20)
    }

    @Test func theSharedCalendarDoesNotDependOnTheWorkers() throws {
        let symbols = try SyntheticUniverse.make(symbols: 37, days: 400, startDay: Self.start, seed: 4)
        let one = try Universe(symbols)
        for workers in [2, 3, 64] {
            let many = try Universe(symbols, workers: workers)
            #expect(many.calendar == one.calendar && many.rows == one.rows, "\(workers) workers")
        }
        // The first symbol out of order (in the universe's order) is the one named, whatever the split.
        var bad = symbols
        for k in [5, 30] { bad[k].timestamps.swapAt(10, 11) }
        for workers in [1, 2, 3] {
            #expect(throws: LabCoreError.timestampsNotIncreasing(symbol: "S05", row: 11)) { try Universe(bad, workers: workers) }
        }
    }

    @Test func theCursorFindsEachSymbolsBarWhateverTheRowsSkipped() throws {
        let universe = try Universe(try SyntheticUniverse.make(symbols: 25, days: 600, startDay: Self.start, seed: 6))
        var rng = SeededRNG(seed: 2)
        for _ in 0..<20 {
            var cursor = UniverseCursor(universe)
            var t = -1
            while true {
                t += 1 + rng.nextInt(below: rng.nextUniform() < 0.5 ? 2 : 60)
                guard t < universe.length else { break }
                cursor.move(to: t)
                for s in 0..<universe.count {
                    // The plain answer: the symbol's bar at row t, and its latest bar at or before t.
                    let rows = universe.rows[s]
                    #expect(cursor.bar[s] == (rows.firstIndex(of: Int32(t)) ?? -1), "symbol \(s), row \(t)")
                    #expect(cursor.latest[s] == (rows.lastIndex { $0 <= Int32(t) } ?? -1), "symbol \(s), row \(t)")
                }
            }
        }
    }

    @Test func badSizesAreRefused() {
        #expect(throws: LabDataError.self) { try SyntheticUniverse.make(symbols: 0, days: 500, startDay: Self.start, seed: 1) }
        #expect(throws: LabDataError.self) { try SyntheticUniverse.make(symbols: 5, days: 50, startDay: Self.start, seed: 1) }
        // Days past 2262-04-11 (the last nanosecond timestamp) are refused, not overflowed.
        #expect(throws: LabDataError.self) {
            try SyntheticUniverse.make(symbols: 2, days: 2_000, startDay: CivilTime.daysFromCivil(year: 2260, month: 1, day: 4), seed: 1)
        }
    }

    func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
