import Foundation
import LabCore
import LabMetrics
import Testing

@testable import LabExecution

/// backtesting.py 0.6.6's SmaCross(10, 20) on GOOG, replayed through the simulator: every trade,
/// the equity at every bar, and every statistic, to 1e-9 relative.
@Suite struct SimulatorParityTests {
    static func fixture(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func goog() throws -> BarSeries {
        let lines = try String(contentsOf: fixture("GOOG_daily.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let f = lines.map { $0.split(separator: ",").map(String.init) }
        return try BarSeries(
            symbol: "GOOG", timestamps: f.map { CivilTime.parseISO8601(Substring($0[0]))! },
            open: f.map { Double($0[1])! }, high: f.map { Double($0[2])! }, low: f.map { Double($0[3])! },
            close: f.map { Double($0[4])! }, volume: f.map { Double($0[5])! })
    }

    /// Simple moving average, NaN during the warm-up (window − 1 bars).
    static func sma(_ x: [Double], _ window: Int) -> [Double] {
        (0..<x.count).map { i in i < window - 1 ? .nan : x[(i - window + 1)...i].reduce(0, +) / Double(window) }
    }

    /// backtesting.py's `crossover(a, b)`: `a[-2] < b[-2] and a[-1] > b[-1]`, both strict.
    static func smaCrossTargets(_ close: [Double], fast: Int, slow: Int) -> [TargetDirection?] {
        let f = sma(close, fast), s = sma(close, slow)
        return (0..<close.count).map { i in
            guard i >= 1 else { return nil }
            if f[i - 1] < s[i - 1] && f[i] > s[i] { return .long }
            if s[i - 1] < f[i - 1] && s[i] > f[i] { return .short }
            return nil
        }
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(b), 1) }

    @Test func tradesEquityAndStatsMatchBacktestingPy() throws {
        let bars = try Self.goog()
        let targets = Self.smaCrossTargets(bars.close, fast: 10, slow: 20)
        // backtesting.py starts the loop at 1 + warm-up (SMA(20) is defined from bar 19).
        let result = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.002)).run(bars, targets: targets, start: 20)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture("backtesting_py_goog_smacross.json"))) as! [String: Any]
        let reference = json["trades"] as! [[String: Any]]
        #expect(result.trades.count == reference.count)
        var tradeMismatches: [String] = []
        for (k, (ours, theirs)) in zip(result.trades, reference).enumerated() {
            let d = { (key: String) in (theirs[key] as! NSNumber).doubleValue }
            if ours.entryBar != theirs["EntryBar"] as! Int || ours.exitBar != theirs["ExitBar"] as! Int || ours.size != d("Size")
                || !close(ours.entryPrice, d("EntryPrice")) || !close(ours.exitPrice, d("ExitPrice")) || !close(ours.pnl, d("PnL"))
                || !close(ours.returnPct, d("ReturnPct")) || !close(ours.commission, d("Commission"))
            {
                tradeMismatches.append("trade \(k): ours \(ours), backtesting.py \(theirs)")
            }
        }
        #expect(tradeMismatches.isEmpty, "\(tradeMismatches.prefix(3))")
        // The 94th trade (long) is still open at the end and not in the table.
        #expect(result.openPosition?.units ?? 0 > 0)

        let equityRows = try String(contentsOf: Self.fixture("backtesting_py_goog_smacross_equity.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[1])! }
        #expect(equityRows.count == result.equity.count)
        let badBars = zip(result.equity, equityRows).enumerated().filter { !close($0.element.0, $0.element.1) }.map(\.offset)
        #expect(badBars.isEmpty, "equity differs at bars \(badBars.prefix(5))")

        let stats = try PerformanceStats.compute(
            .init(
                equity: result.equity, timestamps: bars.timestamps, close: bars.close, trades: result.trades, buyAndHoldStart: 19))
        let expected = json["stats"] as! [String: Any]
        let n = { (key: String) in (expected[key] as! NSNumber).doubleValue }
        #expect(close(stats.totalReturn * 100, n("Return [%]")) && close(stats.sharpe, n("Sharpe Ratio")))
        #expect(close(stats.maxDrawdown * 100, n("Max. Drawdown [%]")) && close(stats.sqn, n("SQN")))
        #expect(close(stats.commissions, n("Commissions [$]")) && close(stats.exposureTime * 100, n("Exposure Time [%]")))
    }
}

@Suite struct SimulatorHandComputedTests {
    /// Five bars, one long trade, costs written out by hand.
    @Test func oneTradeByHand() throws {
        let day = CivilTime.nanosPerDay
        let bars = try BarSeries(
            symbol: "X", timestamps: (0..<5).map { Int64($0) * day }, open: [10, 10, 11, 12, 13], high: [10, 11, 12, 13, 13],
            low: [10, 9, 11, 11, 12], close: [10, 11, 12, 12, 13], volume: [1, 1, 1, 1, 1])
        // Go long after bar 0 (fills at open 10 of bar 1), flat after bar 2 (fills at open 12 of bar 3).
        let result = try ExecutionSimulator(config: .init(cash: 1000, commissionRate: 0.01))
            .run(bars, targets: [.long, nil, .flat, nil, nil])
        // Units: floor(1000·f / (10·1.01)) = 99. Entry fee 9.9 → cash 990.1.
        // Bar 1 equity: 990.1 + 99·(11 − 10) = 1089.1; bar 2: 990.1 + 99·2 = 1188.1.
        // Exit at 12: fee 11.88; cash = 990.1 + 99·2 − 11.88 = 1176.22; commission 21.78; PnL 198 − 21.78 = 176.22.
        #expect(result.trades.count == 1)
        let t = result.trades[0]
        #expect(t.size == 99 && t.entryBar == 1 && t.exitBar == 3 && t.entryPrice == 10 && t.exitPrice == 12)
        #expect(abs(t.commission - 21.78) < 1e-12 && abs(t.pnl - 176.22) < 1e-12)
        #expect(abs(t.returnPct - (0.2 - 21.78 / 990)) < 1e-15)
        let expected: [Double] = [1000, 1089.1, 1188.1, 1176.22, 1176.22]
        #expect(zip(result.equity, expected).allSatisfy { abs($0 - $1) < 1e-9 })
        // The fills: 99 bought at 10 (fee 9.9) on bar 1, 99 sold at 12 (fee 11.88) on bar 3.
        #expect(result.fills.map(\.bar) == [1, 3] && result.fills.map(\.units) == [99, -99] && result.fills.map(\.price) == [10, 12])
        #expect(abs(result.fills[0].commission - 9.9) < 1e-12 && abs(result.fills[1].commission - 11.88) < 1e-12)
        #expect(result.fills.allSatisfy { $0.slippage == 0 && $0.reason == .signal } && result.fills[1].time == 3 * day)
        // Units after each bar, and cash: 1000 − 990 − 9.9 = 0.1 while 99 units are held.
        #expect(result.positions == [0, 99, 99, 0, 0])
        let cash: [Double] = [1000, 0.1, 0.1, 1176.22, 1176.22]
        #expect(zip(result.cash, cash).allSatisfy { abs($0 - $1) < 1e-9 })
        // Held through bars 1 and 2 (it leaves at bar 3's open): low 9 → −10 %, high 12 → +20 %.
        #expect(abs(t.maxAdverseExcursion - (-0.1)) < 1e-15 && abs(t.maxFavorableExcursion - 0.2) < 1e-15)
    }

    /// The fills are the ledger: cash replayed from them (−units × price − commission each) plus the
    /// units held × close is the equity at every bar; their commissions, slippage and traded value
    /// add up to the run's; without slippage every fill price lies in its bar's [low, high] (a gap
    /// fills at the open, which is inside the bar) — over random series, orders, costs and exits.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func fillsAreTheLedger(seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        let n = 400
        let bars = try gappedWalk(symbol: "L", count: n, gap: 0.01, move: 0.02, wick: 0.01, rng: &rng) { 1_000 + 1e4 * $0.nextUniform() }
        let (h, l, c) = (bars.high, bars.low, bars.close)
        let targets: [TargetDirection?] = (0..<n).map { _ in rng.nextInt(below: 12) == 0 ? [.long, .short, .flat][rng.nextInt(below: 3)] : nil }
        for slipped in [false, true] {
            let config = ExecutionSimulator.Config(
                cash: 10_000, commission: CommissionModel(rate: 0.001, perShare: 0.01, minimum: 1),
                slippage: slipped ? .fixedBasisPoints(8) : .none, participationCap: seed % 2 == 0 ? 0.05 : nil,
                exits: .init(stopLoss: seed % 3 == 0 ? 0.03 : nil, takeProfit: seed % 3 == 1 ? 0.04 : nil),
                fractionalUnits: seed % 3 == 0)
            let r = try ExecutionSimulator(config: config).run(bars, targets: targets)
            #expect(r.fills.count >= 2 * r.trades.count && r.trades.count > 5)
            var cash = config.cash, units = 0.0, k = 0
            let positions = r.positions
            for i in 0..<n {
                while k < r.fills.count && r.fills[k].bar == i {
                    let f = r.fills[k]
                    cash -= f.units * f.price + f.commission
                    units += f.units
                    if !slipped { #expect(f.price >= l[i] && f.price <= h[i], "fill \(k) at \(f.price) outside [\(l[i]), \(h[i])]") }
                    k += 1
                }
                #expect(abs(cash + units * c[i] - r.equity[i]) <= 1e-9 * r.equity[i], "bar \(i)")
                #expect(positions[i] == units)
            }
            #expect(k == r.fills.count && units == (r.openPosition?.units ?? 0))
            #expect(abs(r.fills.reduce(0) { $0 + $1.commission } - r.costs.commission) <= 1e-9 * r.costs.commission)
            #expect(abs(r.fills.reduce(0) { $0 + $1.slippage } - r.costs.slippage) <= 1e-9 * max(1, r.costs.slippage))
            #expect(abs(r.fills.reduce(0) { $0 + abs($1.units * $1.price) } - r.tradedValue) <= 1e-9 * r.tradedValue)
            #expect(slipped == (r.costs.slippage > 0))
            // No margin (maxLeverage 1): cash never goes below 0.
            let lowest = r.cash.min()!
            #expect(lowest >= -1e-9, "cash fell to \(lowest)")
            // Without the equity curve the fills are not kept either.
            let light = try ExecutionSimulator(config: config).run(bars, targets: targets, recordEquity: false)
            #expect(light.fills.isEmpty && light.positions.isEmpty && light.cash.isEmpty && light.trades == r.trades)
        }
    }

    @Test func costsNeverMakeAResultBetter() throws {
        var rng = SeededRNG(seed: 3)
        let day = CivilTime.nanosPerDay
        let n = 400
        var price = 100.0
        var o: [Double] = [], h: [Double] = [], l: [Double] = [], c: [Double] = []
        for _ in 0..<n {
            let open = price
            price *= exp(0.02 * rng.nextGaussian())
            o.append(open); c.append(price); h.append(max(open, price) * 1.01); l.append(min(open, price) * 0.99)
        }
        let bars = try BarSeries(
            symbol: "R", timestamps: (0..<n).map { Int64($0) * day }, open: o, high: h, low: l, close: c,
            volume: Array(repeating: 1, count: n))
        for _ in 0..<20 {
            let targets: [TargetDirection?] = (0..<n).map { _ in rng.nextInt(below: 10) == 0 ? [.long, .short, .flat][rng.nextInt(below: 3)] : nil }
            let free = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0)).run(bars, targets: targets)
            let costly = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.001)).run(bars, targets: targets)
            #expect(costly.equity.last! <= free.equity.last! + 1e-9)
            // Truncating future bars never changes past fills.
            let cut = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.001))
                .run(bars[bars: 0..<300].materialize(), targets: Array(targets[0..<300]))
            let pastTrades = costly.trades.filter { $0.exitBar < 299 }
            #expect(Array(cut.trades.prefix(pastTrades.count)) == pastTrades)
            #expect(Array(cut.equity[0..<299]) == Array(costly.equity[0..<299]))
        }
    }

    /// Regression: a NaN close on a bar where nothing is held made that bar's equity NaN.
    @Test func aBadCloseWhileFlatDoesNotPoisonEquity() throws {
        let bars = try BarSeries(
            symbol: "F", timestamps: [0, 1, 2, 3], open: [1, 1, 1, 1], high: [1, 1, 1, 1], low: [1, 1, 1, 1],
            close: [1, .nan, 1, 1], volume: [1, 1, 1, 1])
        let r = try ExecutionSimulator(config: .init(cash: 100)).run(bars, targets: [nil, nil, nil, nil])
        #expect(r.equity == [100, 100, 100, 100])
    }

    @Test func badInputs() throws {
        #expect(throws: LabExecutionError.invalidParameter(field: "commission.rate", reason: "must be in [0, 0.1), got -0.1")) {
            try ExecutionSimulator(config: .init(cash: 100, commissionRate: -0.1))
        }
        let bars = try BarSeries(
            symbol: "N", timestamps: [0, 1, 2], open: [1, .nan, 1], high: [1, 1, 1], low: [1, 1, 1], close: [1, 1, 1], volume: [1, 1, 1])
        do {
            _ = try ExecutionSimulator(config: .init()).run(bars, targets: [.long, nil, nil])
            Issue.record("expected a fill-price error")
        } catch let error as LabExecutionError {
            #expect(error.description == "execution: N: bar 1: open nan cannot be filled at")
        }
        #expect(throws: LabExecutionError.lengthMismatch(field: "targets", expected: 3, actual: 1)) {
            try ExecutionSimulator(config: .init()).run(bars, targets: [.long])
        }
    }
}
