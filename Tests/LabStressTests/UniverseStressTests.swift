import Foundation
import LabCore
import LabData
import Testing

@testable import LabStress

/// Stress variants of a universe act on the shared calendar: an event hits every symbol listed
/// then at the same time, each symbol keeps its own bars and stays consistent, an aligned universe
/// is stressed exactly as the multi-symbol pipeline stresses its series.
@Suite struct UniverseStressTests {
    static let start = CivilTime.daysFromCivil(year: 2016, month: 1, day: 4)

    static func universe(symbols: Int = 40, days: Int = 600, seed: UInt64 = 4) throws -> Universe {
        try Universe(try SyntheticUniverse.make(symbols: symbols, days: days, startDay: start, seed: seed))
    }

    @Test func aCrashHitsEverySymbolListedThenAtOnce() throws {
        let u = try Self.universe()
        let at = u.calendar[300]
        let crash = FlashCrash(depth: 0.2, dropBars: 2, troughBars: 1, recoveryBars: 5, recovery: 0.5, placement: .time(at))
        let (stressed, notes) = try UniverseStress.apply([crash], to: u, seed: 1)
        #expect(notes.count == 1 && notes[0].start == 300 && notes[0].end == 308)
        #expect(stressed.names == u.names && stressed.calendar == u.calendar && stressed.groups == u.groups)
        var hit = 0
        for (s, (before, after)) in zip(u.symbols, stressed.symbols).enumerated() {
            #expect(after.timestamps == before.timestamps)
            #expect(try DataQuality.validate(after).errorRows == 0, "\(after.symbol)")
            // Bars before the crash are untouched; a symbol with a bar at its trough is 20 % lower there.
            let firstIn = u.rows[s].firstIndex { $0 >= 300 } ?? before.count
            #expect(Array(after.close[0..<firstIn]) == Array(before.close[0..<firstIn]))
            if let trough = u.rows[s].firstIndex(of: 302) {
                #expect(abs(after.close[trough] / before.close[trough] - 0.8) < 1e-12, "\(before.symbol)")
                hit += 1
            }
        }
        #expect(hit > 20)
    }

    @Test func anAlignedUniverseIsStressedAsThePipelineDoes() throws {
        let bars = try (0..<4).map { k in
            try SyntheticBars.daily(symbol: "A\(k)", startDay: Self.start, bars: 500, seed: 3, stream: k)
        }
        let u = try Universe(bars)
        #expect(u.isAligned)
        let steps: [any StressTransform] = [
            VolatilityScaling(factor: 1.7, window: .random(count: 120)), CorrelationBreakdown(target: .uniform(0.8), window: .random(count: 200)),
            StationaryBootstrap(meanBlock: 20),
        ]
        let (stressed, notes) = try UniverseStress.apply(steps, to: u, seed: 11)
        let direct = try StressPipeline(steps).apply(bars, seed: 11)
        #expect(stressed.symbols.map(\.close) == direct.series.map(\.close))
        #expect(stressed.symbols.map(\.open) == direct.series.map(\.open))
        #expect(notes.map(\.start) == direct.annotations.map(\.start))
    }

    @Test func aBreakdownCorrelatesTheSymbolsListedThroughItsWindow() throws {
        let u = try Self.universe(symbols: 30, days: 700, seed: 8)
        let breakdown = CorrelationBreakdown(target: .uniform(0.9), window: .bars(start: 400, count: 250))
        let (stressed, notes) = try UniverseStress.apply([breakdown], to: u, seed: 2)
        #expect(notes[0].detail.contains("of 30 symbols"))
        func meanCorrelation(_ v: Universe) -> Double {
            // Log returns over the window's rows of the symbols with a bar at every one of them.
            let full = v.symbols.indices.filter { s in v.rows[s].count { $0 >= 400 && $0 < 650 } == 250 }
            let r = full.map { s -> [Double] in
                let j0 = v.rows[s].firstIndex(of: 400)!
                return (j0..<(j0 + 250)).map { log(v.symbols[s].close[$0] / v.symbols[s].close[$0 - 1]) }
            }
            var sum = 0.0, n = 0
            for a in r.indices { for b in r.indices where b > a { sum += Self.correlation(r[a], r[b]); n += 1 } }
            return sum / Double(n)
        }
        let before = meanCorrelation(u), after = meanCorrelation(stressed)
        #expect(before < 0.6 && after > 0.85, "mean correlation \(before) → \(after)")
    }

    @Test func modelsThatWouldReadFlatRowsAreRefused() throws {
        let u = try Self.universe(symbols: 10, days: 300)
        #expect(!u.isAligned)
        for step in [StationaryBootstrap(meanBlock: 10) as any StressTransform, GARCHRegime()] {
            #expect(throws: LabStressError.self) { _ = try UniverseStress.apply([step], to: u, seed: 1) }
        }
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
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
