import Testing

@testable import LabCore

/// `Robust.select` (Floyd–Rivest) and `Robust.median` against sorting.
@Suite struct RobustTests {
    /// Arrays of the shapes selection has trouble with: random, many ties, sorted, reversed, constant.
    static func arrays(_ n: Int, seed: UInt64) -> [[Double]] {
        var rng = SeededRNG(seed: seed)
        let random = (0..<n).map { _ in rng.nextNormal() }
        let ties = (0..<n).map { _ in Double(rng.nextInt(below: 7)) }
        return [random, ties, random.sorted(), random.sorted(by: >), [Double](repeating: 2.5, count: n)]
    }

    @Test func selectPutsTheKthSmallestInPlaceAndPartitionsAroundIt() {
        for n in [1, 2, 3, 10, 601, 602, 1_500, 5_000] {
            for (shape, values) in Self.arrays(n, seed: UInt64(n)).enumerated() {
                let sorted = values.sorted()
                let ks = n <= 10 ? Array(0..<n) : [0, 1, n / 3, n / 2, n / 2 - 1, n - 2, n - 1]
                for k in ks {
                    var a = values
                    a.withUnsafeMutableBufferPointer { Robust.select(&$0, k) }
                    #expect(a[k] == sorted[k], "n \(n), shape \(shape), k \(k)")
                    #expect(a[..<k].allSatisfy { $0 <= a[k] } && a[(k + 1)...].allSatisfy { $0 >= a[k] }, "n \(n), shape \(shape), k \(k)")
                    #expect(a.sorted() == sorted, "a permutation")
                }
            }
        }
    }

    @Test func medianIsTheMiddleOrTheMeanOfTheTwoMiddleValues() {
        var odd = [5.0, 1, 4, 2, 3]
        #expect(Robust.median(&odd) == 3)
        var even = [4.0, 1, 3, 2]
        #expect(Robust.median(&even) == 2.5)
        for n in [999, 1_000, 4_999, 5_000] {
            var values = Self.arrays(n, seed: 7)[0]
            let sorted = values.sorted()
            let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            #expect(Robust.median(&values) == expected, "n \(n)")
        }
    }
}
