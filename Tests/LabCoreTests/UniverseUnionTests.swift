import Testing

@testable import LabCore

/// `Universe.union`: the day bitmap for date labels and the pairwise merge otherwise give the
/// sorted union of the symbols' timestamps.
@Suite struct UniverseUnionTests {
    static func lists(_ count: Int, step: Int64, offset: Int64, seed: UInt64) -> [[Int64]] {
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in
            let start = Int64(rng.nextInt(below: 300))
            return (0..<Int64(200 + rng.nextInt(below: 400))).compactMap { k in rng.nextUniform() < 0.9 ? offset + (start + k) * step : nil }
        }
    }

    @Test func dateLabelsAndIntradayStampsGiveTheSortedUnion() {
        let day = CivilTime.nanosPerDay
        let cases = [
            Self.lists(30, step: day, offset: 0, seed: 1),  // date labels: the bitmap
            Self.lists(30, step: day, offset: -400 * day, seed: 2),  // before 1970
            Self.lists(30, step: 60 * 1_000_000_000, offset: 0, seed: 3),  // minutes: the merge
            Self.lists(5, step: day, offset: 0, seed: 4) + [[3 * day + 1]],  // one stamp off midnight: the merge
            [[], [day], []],
        ]
        for (k, lists) in cases.enumerated() {
            #expect(Universe.union(lists) == Set(lists.flatMap { $0 }).sorted(), "case \(k)")
        }
    }
}
