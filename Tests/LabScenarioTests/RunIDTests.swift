import Foundation
import LabCore
import LabData
import Testing

@testable import LabScenario

/// The bars' hash behind every run id: the same bars give the same hash, and any change to a
/// value, its place or a symbol's name gives another.
@Suite struct RunIDTests {
    static let bars = try! SyntheticUniverse.make(symbols: 3, days: 403, startDay: CivilTime.daysFromCivil(year: 2020, month: 1, day: 2), seed: 5)

    @Test func theSameBarsGiveTheSameHashAndAnyChangeAnother() {
        let base = RunID.hash(series: Self.bars)
        #expect(base.count == 16 && base == RunID.hash(series: Self.bars))
        var seen: Set<String> = [base]
        func differs(_ change: (inout [BarSeries]) -> Void, _ what: String) {
            var changed = Self.bars
            change(&changed)
            #expect(seen.insert(RunID.hash(series: changed)).inserted, "\(what)")
        }
        differs({ $0[1].close[7] = $0[1].close[7].nextUp }, "one bit of one close")
        differs({ $0[2].volume[$0[2].count - 1] += 1 }, "the last value of a column (the lanes' tail)")
        differs({ $0[0].close.swapAt(0, 1) }, "two closes in two lanes swapped")
        differs({ $0[0].close.swapAt(0, 4) }, "two closes in one lane swapped")
        differs({ $0[0].timestamps[0] -= 1 }, "a timestamp")
        differs({ $0.swapAt(0, 1) }, "the symbols' order")
        differs({ $0[0].symbol = "T000" }, "a symbol's name")
        differs({ ($0[1].open, $0[1].high) = ($0[1].high, $0[1].open) }, "two columns swapped")
    }
}
