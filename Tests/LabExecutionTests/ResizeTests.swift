import Foundation
import LabCore
import Testing

@testable import LabExecution

/// Orders that resize a held position (a target fraction of equity): the difference is traded,
/// sized on the equity at the fill; by hand.
@Suite struct ResizeTests {
    /// Equal to 1e-9 relative, element by element.
    func near(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) } }

    static let config: ExecutionSimulator.Config = {
        var c = ExecutionSimulator.Config(cash: 1000, commissionRate: 0)
        c.fractionalUnits = true
        return c
    }()

    @Test func aResizeTradesTheDifference() throws {
        // Opens 10, 10, 20, 20, 10; closes equal to the opens.
        let b = try bars("T", open: [10, 10, 20, 20, 10, 10], close: [10, 10, 20, 20, 10, 10])
        let simulator = try ExecutionSimulator(config: Self.config)
        var orders = [EntryOrder?](repeating: nil, count: b.count)
        orders[0] = EntryOrder(.long, sizeScale: 0.5, resizes: true)  // fills bar 1 at 10: 50 units (half of 1000)
        orders[1] = EntryOrder(.long, sizeScale: 1, resizes: true)  // bar 2 at 20: equity 1000 + 50·10 = 1500 → 75 units, buy 25
        orders[3] = EntryOrder(.long, sizeScale: 0.2, resizes: true)  // bar 4 at 10: equity 1500 + 25·… see below
        let r = try simulator.run(b, orders: orders)
        #expect(r.fills.map(\.bar) == [1, 2, 4])
        #expect(near(r.fills.map(\.units).prefix(2).map { $0 }, [50, 25]) && r.fills[0].price == 10 && r.fills[1].price == 20)
        // Bar 4 open 10: 75 units bought at an average of (50·10 + 25·20)/75; equity = 1000 + 75·(10 − 13.33…) = 750
        // → 0.2 · 750 / 10 = 15 units wanted: sell 60.
        #expect(near([r.fills[2].units], [-60]) && r.fills[2].price == 10)
        #expect(near([r.openPosition?.units ?? 0], [15]))
        // Nothing was closed: no trade yet, the realised loss is in the cash.
        #expect(r.trades.isEmpty)
        #expect(near([r.equity.last!], [750]))
    }

    @Test func withoutAPositionOrOnTheOtherSideItOpensAsAnyOrder() throws {
        let b = try bars("T", open: [10, 10, 10, 10], close: [10, 10, 10, 10])
        let simulator = try ExecutionSimulator(config: Self.config)
        var orders = [EntryOrder?](repeating: nil, count: b.count)
        orders[0] = EntryOrder(.long, sizeScale: 0.5, resizes: true)
        orders[1] = EntryOrder(.short, sizeScale: 0.25, resizes: true)  // closes the 50 long, opens 25 short
        let r = try simulator.run(b, orders: orders)
        #expect(near(r.fills.map(\.units), [50, -50, -25]))
        #expect(r.trades.count == 1 && near([r.openPosition?.units ?? 0], [-25]))
        // The same orders without resizes: a repeated long re-opens instead of resizing.
        var plain = orders
        plain[0] = EntryOrder(.long, sizeScale: 0.5)
        plain[1] = EntryOrder(.long, sizeScale: 1)
        #expect(near(try simulator.run(b, orders: plain).fills.map(\.units), [50, -50, 100]))
        plain[1] = EntryOrder(.long, sizeScale: 1, resizes: true)
        #expect(near(try simulator.run(b, orders: plain).fills.map(\.units), [50, 50]))
    }
}
