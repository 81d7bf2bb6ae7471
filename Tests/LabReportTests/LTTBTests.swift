import Foundation
import Testing

@testable import LabReport

@Suite struct LTTBTests {
    @Test func largestTriangleThreeBucketsKeepsEndsAndExtremes() {
        let y = (0..<1000).map { i -> Double in i == 500 ? 100 : sin(Double(i) / 50) }
        let keep = LTTB.indices(y, threshold: 50)
        #expect(keep.count == 50 && keep.first == 0 && keep.last == 999)
        #expect(keep.contains(500))
        #expect(zip(keep, keep.dropFirst()).allSatisfy { $0 < $1 })
        #expect(LTTB.indices([1, 2, 3], threshold: 10) == [0, 1, 2])
    }
}
