import Foundation
import LabCore
import Testing

@testable import LabExecution

/// The simulator's tight loop for quiet stretches (`Book.quietStretch`) gives, bit for bit, what the
/// general bar loop gives: equity curve, trades, costs, cancellations, bankruptcy — over random bars,
/// random orders and random settings, with the tight loop on and off.
@Suite struct QuietStretchTests {
    /// Bars `step` ns apart (daily by default) with gaps and wicks: open = previous close · e^(gap),
    /// high/low beyond both.
    func bars(_ rng: inout SeededRNG, count: Int, step: Int64 = CivilTime.nanosPerDay) throws -> BarSeries {
        var open: [Double] = [], high: [Double] = [], low: [Double] = [], close: [Double] = []
        var previous = 100.0
        let volatility = 0.005 + 0.04 * rng.nextUniform()
        for _ in 0..<count {
            let o = previous * exp(0.3 * volatility * rng.nextGaussian())
            let c = o * exp(volatility * rng.nextGaussian())
            open.append(o)
            close.append(c)
            high.append(max(o, c) * (1 + 0.01 * rng.nextUniform()))
            low.append(min(o, c) * (1 - 0.01 * rng.nextUniform()))
            previous = c
        }
        let volume = (0..<count).map { _ in rng.nextUniform() < 0.05 ? 0 : Double(100 + rng.nextInt(below: 10_000)) }
        return try BarSeries(
            symbol: "Q", timestamps: (0..<count).map { Int64($0) * step }, open: open, high: high, low: low, close: close,
            volume: volume)
    }

    func config(_ rng: inout SeededRNG) -> ExecutionSimulator.Config {
        func maybe(_ p: Double) -> Bool { rng.nextUniform() < p }
        let timings: [FillTiming] = [.nextOpen(), .nextOpen(latency: 2), .thisClose, .nextTypical(), .nextTypical(latency: 1)]
        let slippages: [SlippageModel] = [.none, .fixedBasisPoints(5), .halfSpread(fallback: 0.001), .corwinSchultz, .squareRootImpact(k: 0.5, window: 10)]
        let sizings: [PositionSizing] = [.allAvailable, .fractionOfEquity(0.5), .volatilityTarget(annualVolatility: 0.2, window: 10)]
        let leverage = maybe(0.3) ? 1 + 2 * rng.nextUniform() : 1
        var exits = ExecutionSimulator.ProtectiveExits()
        if maybe(0.2) { exits.stopLoss = 0.02 + 0.05 * rng.nextUniform() }
        if maybe(0.1) { exits.trailingStop = 0.05 }
        return ExecutionSimulator.Config(
            cash: 1_000 + 20_000 * rng.nextUniform(),
            commission: CommissionModel(rate: maybe(0.7) ? 0.002 * rng.nextUniform() : 0, perShare: maybe(0.2) ? 0.01 : 0, minimum: maybe(0.2) ? 1 : 0),
            slippage: slippages[rng.nextInt(below: slippages.count)], fillTiming: timings[rng.nextInt(below: timings.count)],
            borrowRate: maybe(0.4) ? 0.03 : 0, participationCap: maybe(0.3) ? 0.05 : nil, unfilled: maybe(0.5) ? .carryOver : .cancel,
            exits: exits, sizing: sizings[rng.nextInt(below: sizings.count)], fractionalUnits: maybe(0.3), maxLeverage: leverage,
            maxUnits: maybe(0.1) ? 50 : nil, financingRate: maybe(0.4) ? 0.05 : 0)
    }

    func same(_ a: ExecutionSimulator.Result, _ b: ExecutionSimulator.Result) -> Bool {
        a.equity.map(\.bitPattern) == b.equity.map(\.bitPattern) && a.finalEquity.bitPattern == b.finalEquity.bitPattern
            && a.trades == b.trades && a.fills == b.fills && a.costs == b.costs && a.tradedValue.bitPattern == b.tradedValue.bitPattern
            && a.cancelledOrders == b.cancelledOrders && a.bankruptAt == b.bankruptAt
            && a.openPosition.map { [$0.units, Double($0.entryBar), $0.entryPrice] } == b.openPosition.map { [$0.units, Double($0.entryBar), $0.entryPrice] }
    }

    @Test func tightLoopEqualsGeneralLoop() throws {
        var quietBars = 0
        for seed in 0..<300 {
            var rng = SeededRNG(seed: UInt64(seed))
            let series = try bars(&rng, count: 50 + rng.nextInt(below: 400))
            let density = [0.01, 0.05, 0.3][rng.nextInt(below: 3)]
            let directions: [TargetDirection] = [.long, .short, .flat]
            let targets: [TargetDirection?] = (0..<series.count).map { _ in
                rng.nextUniform() < density ? directions[rng.nextInt(below: 3)] : nil
            }
            let fast = try ExecutionSimulator(config: config(&rng))
            var general = fast
            general.quietStretches = false
            let start = rng.nextInt(below: 20)
            for record in [true, false] {
                let a = try fast.run(series, targets: targets, start: start, recordEquity: record)
                let b = try general.run(series, targets: targets, start: start, recordEquity: record)
                #expect(same(a, b), "seed \(seed), recordEquity \(record)")
            }
            // Orders with a size scale, through the other order source.
            let orders: [EntryOrder?] = targets.map { $0.map { EntryOrder($0, sizeScale: 0.25 + 0.75 * rng.nextUniform()) } }
            #expect(same(try fast.run(series, orders: orders), try general.run(series, orders: orders)), "seed \(seed), orders")
            quietBars += series.count
        }
        #expect(quietBars > 50_000)
    }

    /// On a series larger than the caches the loop prefetches the bars orders fill on (no effect on
    /// results): a 600 000-bar run equals the general loop's, which prefetches nothing.
    @Test func largeSeriesWithPrefetchingEqualsGeneralLoop() throws {
        var rng = SeededRNG(seed: 42)
        let series = try bars(&rng, count: 600_000, step: 60_000_000_000)  // minute bars (600 000 days would pass 2262)
        let directions: [TargetDirection] = [.long, .short, .flat]
        let targets: [TargetDirection?] = (0..<series.count).map { _ in rng.nextUniform() < 0.03 ? directions[rng.nextInt(below: 3)] : nil }
        let fast = try ExecutionSimulator(config: .init(cash: 10_000, commission: CommissionModel(rate: 0.001), fractionalUnits: true))
        var general = fast
        general.quietStretches = false
        for record in [true, false] {
            let a = try fast.run(series, targets: targets, recordEquity: record)
            #expect(a.trades.count > 10_000)
            #expect(same(a, try general.run(series, targets: targets, recordEquity: record)))
        }
    }

    /// `nextOrder` of market targets (eight at a time while all are nil) finds what a bar-by-bar
    /// search finds, from every start, near the ends too.
    @Test func nextOrderFindsTheFirstOrder() {
        var rng = SeededRNG(seed: 9)
        for density in [0.0, 0.02, 0.3, 1.0] {
            let n = 1 + rng.nextInt(below: 300)
            let targets: [TargetDirection?] = (0..<n).map { _ in rng.nextUniform() < density ? .long : nil }
            targets.withUnsafeBufferPointer { t in
                let orders = TargetOrders(targets: t)
                for start in 0...n {
                    for end in [n, max(start, n - 5)] {
                        let expected = (start..<end).first { t[$0] != nil } ?? end
                        #expect(orders.nextOrder(from: start, before: end) == expected, "density \(density), start \(start), end \(end)")
                    }
                }
            }
        }
    }

    /// A position that loses everything inside a quiet stretch: the tight loop hands the bar to the
    /// general loop, which closes it at that close (bankruptcy) exactly as without the tight loop.
    @Test func bankruptcyInsideAQuietStretch() throws {
        let n = 30
        let close = (0..<n).map { $0 < 10 ? 100.0 : max(1, 100 - 30 * Double($0 - 9)) }
        let series = try BarSeries(
            symbol: "B", timestamps: (0..<n).map { Int64($0) * CivilTime.nanosPerDay }, open: close, high: close.map { $0 * 1.01 },
            low: close.map { $0 * 0.99 }, close: close, volume: Array(repeating: 1e6, count: n))
        var targets = [TargetDirection?](repeating: nil, count: n)
        targets[2] = .long
        let fast = try ExecutionSimulator(config: .init(cash: 10_000, maxLeverage: 3))
        var general = fast
        general.quietStretches = false
        let a = try fast.run(series, targets: targets, start: 2)
        let b = try general.run(series, targets: targets, start: 2)
        #expect(a.bankruptAt == 11)  // 299 units from 100: 10 000 − 299·60 < 0 at the close of 40
        #expect(same(a, b))
        // The curve is written once per bar, not filled beforehand: the bars before `start` hold the
        // starting cash, the bars from the bankruptcy on hold 0.
        #expect(a.equity.count == n && a.equity[0..<2].allSatisfy { $0 == 10_000 } && a.equity[11...].allSatisfy { $0 == 0 })
        #expect(a.equity[2..<11].allSatisfy { $0 > 0 })
    }
}
