import Foundation
import LabBacktest
import LabCore
import LabExecution
import LabSignals
import Testing

extension SeededRNG {
    /// A uniform draw in [0, 1) (53 bits).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// A small universe with listings, delistings and gaps, for the tests.
enum SmallUniverse {
    /// `symbols` daily random walks on the NYSE-like weekday calendar of `days` days from 2015-01-05;
    /// symbol k lists at a random day of the first third (some at 0), delists at a random day of
    /// the last third (some never), and misses about 2 % of its bars.
    static func make(symbols: Int = 30, days: Int = 600, seed: UInt64 = 7) throws -> Universe {
        var rng = SeededRNG(seed: seed)
        let start = CivilTime.daysFromCivil(year: 2015, month: 1, day: 5)
        var calendar: [Int64] = []
        var day = start
        while calendar.count < days {
            let weekday = ((day % 7) + 7 + 3) % 7  // 0 = Monday
            if weekday < 5 { calendar.append(day * CivilTime.nanosPerDay) }
            day += 1
        }
        var series: [BarSeries] = []
        for k in 0..<symbols {
            let first = k % 3 == 0 ? 0 : Int(rng.uniform() * Double(days / 3))
            let last = k % 4 == 0 ? days - 1 : days - 1 - Int(rng.uniform() * Double(days / 3))
            var ts: [Int64] = [], o: [Double] = [], h: [Double] = [], l: [Double] = [], c: [Double] = [], v: [Double] = []
            var price = 20 + 80 * rng.uniform()
            let drift = (rng.uniform() - 0.5) * 0.002
            for i in first...last {
                let open = price * (1 + 0.005 * (rng.uniform() - 0.5))
                price = open * exp(drift + 0.02 * (rng.uniform() - 0.5) * 3.4)
                if i != first && i != last && rng.uniform() < 0.02 { continue }  // a gap
                ts.append(calendar[i])
                o.append(open)
                c.append(price)
                h.append(max(open, price) * 1.004)
                l.append(min(open, price) * 0.996)
                v.append(1e5 + 1e6 * rng.uniform())
            }
            series.append(try BarSeries(symbol: String(format: "S%02d", k), timestamps: ts, open: o, high: h, low: l, close: c, volume: v))
        }
        return try Universe(series)
    }
}

@Suite struct UniverseBacktestTests {
    static let momentum = "cs_top(ts_mean(returns, 20) - ts_mean(returns, 5), 5)"

    static func program(_ text: String, lets: [(String, String)] = []) throws -> WeightsProgram {
        try WeightsProgram(
            parameters: [], lets: lets.map { ($0.0, .init(key: "let.\($0.0)", text: $0.1)) }, weights: .init(key: "weights", text: text))
    }

    static func backtest(
        _ text: String, commission: Double = 0.001, slippageBps: Double = 5, gross: Double = 0.95, schedule: RebalanceSchedule = .monthly
    ) throws -> UniverseBacktest {
        let simulator = try UniverseSimulator(
            config: .init(
                cash: 100_000, commission: CommissionModel(rate: commission), slippage: slippageBps > 0 ? .fixedBasisPoints(slippageBps) : .none,
                fractionalUnits: true))
        return UniverseBacktest(
            simulator: simulator, program: try program(text), schedule: schedule, constraints: WeightConstraints(longOnly: true, grossLeverage: gross))
    }

    /// The momentum portfolio re-implemented in plain loops (no shared code): weights at every
    /// rebalance and equity at every bar agree to 1e-9 on 30 symbols with listings, delistings and gaps.
    @Test(arguments: [UInt64(7), 11]) func independentReimplementationAgrees(seed: UInt64) throws {
        let universe = try SmallUniverse.make(seed: seed)
        let result = try Self.backtest(Self.momentum).run(universe)

        // --- The re-implementation ---
        let n = universe.count
        var calendar = Set<Int64>()
        for s in universe.symbols { calendar.formUnion(s.timestamps) }
        let rows = calendar.sorted()
        let T = rows.count
        // Each symbol's bar at each row (index or -1), its score at each of its own bars.
        var barAt = [[Int]](repeating: [Int](repeating: -1, count: T), count: n)
        var score = [[Double]](repeating: [], count: n)
        for (s, bars) in universe.symbols.enumerated() {
            var t = 0
            for (j, time) in bars.timestamps.enumerated() {
                while rows[t] != time { t += 1 }
                barAt[s][t] = j
            }
            var sc = [Double](repeating: .nan, count: bars.count)
            for j in 0..<bars.count where j >= 20 {
                var long = 0.0, short = 0.0
                for i in (j - 19)...j { long += bars.close[i] / bars.close[i - 1] - 1 }
                for i in (j - 4)...j { short += bars.close[i] / bars.close[i - 1] - 1 }
                sc[j] = long / 20 - short / 5
            }
            score[s] = sc
        }
        func month(_ t: Int) -> Int {
            let (y, m, _) = CivilTime.civilFromDays(rows[t] / CivilTime.nanosPerDay)
            return y * 12 + m
        }
        var decisions: [Int: [Double]] = [:]
        for t in 0..<T where t == T - 1 || month(t) != month(t + 1) {
            var candidates: [(Double, Int)] = []
            for s in 0..<n where barAt[s][t] >= 0 && !score[s][barAt[s][t]].isNaN { candidates.append((score[s][barAt[s][t]], s)) }
            if candidates.isEmpty { continue }
            candidates.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            let picked = candidates.prefix(5)
            var w = [Double](repeating: 0, count: n)
            for (_, s) in picked { w[s] = 0.95 / Double(picked.count) }
            decisions[t] = w
        }
        var cash = 100_000.0
        var units = [Double](repeating: 0, count: n)
        var lastClose = [Double](repeating: 0, count: n)
        var equity = [Double](repeating: 0, count: T)
        var heldWeights: [[Double]] = []
        let lastRow = (0..<n).map { s in (0..<T).last { barAt[s][$0] >= 0 }! }
        func trade(_ s: Int, _ q: Double, at reference: Double) {
            let price = q > 0 ? reference * 1.0005 : reference * 0.9995
            cash -= q * price + 0.001 * abs(q) * price
            units[s] += q
        }
        for t in 0..<T {
            if t > 0, let w = decisions[t - 1] {
                var mark = [Double](repeating: 0, count: n)
                var e = cash
                for s in 0..<n {
                    mark[s] = barAt[s][t] >= 0 ? universe.symbols[s].open[barAt[s][t]] : lastClose[s]
                    e += units[s] * mark[s]
                }
                var delta = [Double](repeating: 0, count: n)
                for s in 0..<n where barAt[s][t] >= 0 { delta[s] = w[s] * e / mark[s] - units[s] }
                for s in 0..<n where delta[s] < 0 { trade(s, delta[s], at: mark[s]) }
                // Buys cost q·p·(1 + slippage)(1 + commission): scaled together so that cash stays ≥ 0
                // (a held symbol without a bar here cannot be sold and still takes its share).
                var buying = 0.0
                for s in 0..<n where delta[s] > 0 { buying += delta[s] * mark[s] * 1.0005 * 1.001 }
                let scale = buying > cash ? cash / buying : 1
                for s in 0..<n where delta[s] > 0 { trade(s, delta[s] * scale, at: mark[s]) }
                #expect(cash >= -1e-6)
                var after = cash
                for s in 0..<n { after += units[s] * mark[s] }
                heldWeights.append((0..<n).map { units[$0] * mark[$0] / after })
            }
            for s in 0..<n where barAt[s][t] >= 0 { lastClose[s] = universe.symbols[s].close[barAt[s][t]] }
            for s in 0..<n where units[s] != 0 && lastRow[s] == t && t < T - 1 { trade(s, -units[s], at: lastClose[s]) }
            var value = 0.0
            for s in 0..<n { value += units[s] * lastClose[s] }
            equity[t] = cash + value
        }
        // --- Agreement ---
        #expect(universe.calendar == rows)
        #expect(result.execution.rebalances.count == heldWeights.count)
        #expect(result.execution.rebalances.map(\.bar) == decisions.keys.sorted().map { $0 + 1 }.filter { $0 < T })
        for (a, b) in zip(result.execution.rebalances, heldWeights) {
            for s in 0..<n { #expect(abs(a.weights[s] - b[s]) <= 1e-9, "weights at row \(a.bar), \(universe.names[s])") }
        }
        for t in 0..<T { #expect(abs(result.execution.equity[t] - equity[t]) <= 1e-9 * equity[t], "equity at row \(t)") }
        #expect(result.execution.delistingCloses > 0)
        #expect(result.decisions > 10)
        // The contributions add up to the profit (no financing here).
        let profit = result.execution.contribution.reduce(0, +)
        #expect(abs(profit - (result.execution.equity.last! - 100_000)) <= 1e-6)
    }

    /// Truncating the data after row t changes no score and no equity at or before t.
    @Test func truncationChangesNothingBefore() throws {
        let universe = try SmallUniverse.make(seed: 5)
        let text = "cs_rank(ts_mean(returns, 10)) - 0.5 * group_zscore(delta(close, 3)) + cs_demean(lag(cs_zscore(volume), 2))"
        let program = try Self.program(text)
        let full = try UniverseEvaluator(universe: universe).evaluate(program.checked)
        let fullRun = try Self.backtest("cs_top(ts_mean(returns, 10), 4)", schedule: .weekly).run(universe)
        for cut in [150, 333, 480] {
            let cutTime = universe.calendar[cut]
            let truncated = try Universe(
                universe.symbols.compactMap { s -> BarSeries? in
                    let keep = s.timestamps.filter { $0 <= cutTime }.count
                    return keep == 0 ? nil : s[bars: 0..<keep].materialize()
                })
            let part = try UniverseEvaluator(universe: truncated).evaluate(program.checked)
            for (k, s) in truncated.symbols.enumerated() {
                let i = universe.names.firstIndex(of: s.symbol)!
                for j in 0..<s.count {
                    let a = part[k].value(at: j), b = full[i].value(at: j)
                    #expect(a == b || (a.isNaN && b.isNaN), "\(s.symbol) bar \(j) with data to row \(cut)")
                }
            }
            let partRun = try Self.backtest("cs_top(ts_mean(returns, 10), 4)", schedule: .weekly).run(truncated)
            #expect(Array(partRun.execution.equity[0...cut]) == Array(fullRun.execution.equity[0...cut]))
        }
    }

    /// Costs only ever lower the final equity.
    @Test(arguments: [UInt64(3), 4, 5]) func costsOnlyLowerFinalEquity(seed: UInt64) throws {
        let universe = try SmallUniverse.make(seed: seed)
        let free = try Self.backtest(Self.momentum, commission: 0, slippageBps: 0).run(universe).execution.equity.last!
        var previous = free
        for (commission, bps) in [(0.0005, 0.0), (0.001, 5.0), (0.003, 20.0)] {
            let paid = try Self.backtest(Self.momentum, commission: commission, slippageBps: bps).run(universe).execution
            #expect(paid.equity.last! < previous)
            #expect(paid.costs.commission + paid.costs.slippage > 0)
            previous = paid.equity.last!
        }
    }

    /// Hand-computed cross-sections: ranks with ties, z-scores, top and bottom with ties to the
    /// earlier symbol, counts of true values, missing values left out.
    @Test func crossSectionalKernels() {
        let v = [3, 1, .nan, 3, 2.0]
        func kernel(_ name: String) -> @Sendable ([Double], Int) -> [Double] { CrossSectionalFunctions.named(name)!.function.evaluate }
        #expect(kernel("cs_rank")(v, 0).map { $0.isNaN ? -1 : $0 } == [0.875, 0.25, -1, 0.875, 0.5])
        #expect(kernel("cs_top")(v, 2) == [1, 0, 0, 1, 0])
        #expect(kernel("cs_bottom")(v, 2) == [0, 1, 0, 0, 1])
        #expect(kernel("cs_top")(v, 9) == [1, 1, 0, 1, 1])
        let z = kernel("cs_zscore")(v, 0)
        // mean 2.25, sample σ = sqrt((0.5625·2 + 1.5625 + 0.0625) / 3) = sqrt(2.75/3)
        #expect(abs(z[0] - 0.75 / (2.75 / 3).squareRoot()) < 1e-15)
        #expect(z[2].isNaN)
        let count = kernel("cs_count")([1, 0, 1, 1], 0)
        #expect(count == [3, 3, 3, 3])
    }

    /// Score normalisation: gross, net exposure per side, the weight cap with redistribution.
    @Test func constraintsNormaliseAsDocumented() throws {
        #expect(WeightConstraints().weights([1, 1, 0, 2]) == [0.25, 0.25, 0, 0.5])
        let neutral = WeightConstraints(grossLeverage: 2, netExposure: 0).weights([2, 2, -1, -3])
        #expect(neutral == [0.5, 0.5, -0.25, -0.75])
        let capped = WeightConstraints(maxWeight: 0.4).weights([6, 2, 2])
        #expect(capped.map { ($0 * 1e12).rounded() / 1e12 } == [0.4, 0.3, 0.3])
        let short = WeightConstraints(maxWeight: 0.3).weights([1, 1])
        #expect(short == [0.3, 0.3])  // nowhere to put the rest: cash
        #expect(throws: (any Error).self) { try WeightConstraints(maxWeight: 2).check() }
    }

    /// Bad scores name the symbol and the bar; cross-sectional operators outside a universe are refused.
    @Test func badScoresAreNamed() throws {
        let universe = try SmallUniverse.make(seed: 9)
        #expect(throws: UniverseBacktestError.self) { try Self.backtest("1 / (close - close)").run(universe) }
        do {
            _ = try Self.backtest("ts_mean(returns, 5)").run(universe)
            Issue.record("negative scores under long_only ran")
        } catch let error as UniverseBacktestError {
            #expect("\(error)".contains("negative under long_only"))
        }
        let strategy = try? StrategyProgram(parameters: [], rules: [.enter_long: .init(key: "rules.enter_long", text: "cs_rank(close) > 0.5")])
        #expect(strategy == nil)
    }
}

@Suite struct UniverseEquivalenceTests {
    /// A universe of one symbol with weight 1 (on change: bought once, held) is the
    /// single-instrument backtest of `target: 1` with the same costs: equity at every bar to 1e-9.
    @Test func oneSymbolWithWeightOneIsTheSingleBacktest() throws {
        let bars = Bars.daily
        let commission = CommissionModel(rate: 0.001)
        let single = try Backtest(
            simulator: try ExecutionSimulator(config: .init(cash: 10_000, commission: commission, slippage: .fixedBasisPoints(3), fractionalUnits: true)),
            source: .strategy(try RuleStrategy(try StrategyProgram(parameters: [], target: .init(key: "target", text: "1")), values: [:]))
        ).run(bars)
        let universe = try UniverseBacktest(
            simulator: try UniverseSimulator(config: .init(cash: 10_000, commission: commission, slippage: .fixedBasisPoints(3), fractionalUnits: true)),
            program: try UniverseBacktestTests.program("1"), schedule: .onChange, constraints: WeightConstraints()
        ).run(try Universe([bars]))
        #expect(universe.execution.fillCount == 1)
        #expect(single.execution.equity.count == universe.execution.equity.count)
        for (i, (a, b)) in zip(single.execution.equity, universe.execution.equity).enumerated() {
            #expect(abs(a - b) <= 1e-9 * a, "bar \(i): single \(a), universe \(b)")
        }
    }

    /// After the warm-up, a decision at which no symbol has a score goes to cash, with a count: A
    /// trades rows 0–4, B lists at row 5 and needs 3 bars of its own before `lag(close, 3)` has a
    /// value, so rows 5–7 hold no scored symbol.
    @Test func aDecisionWithoutScoresGoesToCash() throws {
        func series(_ name: String, rows: Range<Int>) throws -> BarSeries {
            let c = rows.map { 10 + Double($0) }
            return try BarSeries(
                symbol: name, timestamps: rows.map { Int64($0 + 16_000) * CivilTime.nanosPerDay }, open: c, high: c, low: c, close: c,
                volume: c.map { _ in 1e6 })
        }
        let universe = try Universe([try series("A", rows: 0..<5), try series("B", rows: 5..<10)])
        let run = try UniverseBacktest(
            simulator: try UniverseSimulator(config: .init(cash: 1_000, fractionalUnits: true)), program: try UniverseBacktestTests.program("lag(close, 3)"),
            schedule: .everyBars(1), constraints: WeightConstraints(longOnly: true)
        ).run(universe)
        #expect(run.emptyDecisions == 3)
        // B's first three bars are its warm-up: counted, not held, no error.
        #expect(run.missingScores == 6 && run.firstMissing?.symbol == "A")
        // A, bought at row 4's open, is closed at its last bar (row 4); B is bought at row 9's open.
        #expect(run.execution.holdings == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] && run.execution.delistingCloses == 1)
    }

    /// A fill reads the opens of the symbols held or wanted only: a bad open of a symbol neither
    /// held nor wanted trades nothing and stops nothing; the same open on a wanted symbol is an
    /// error naming it.
    @Test func aBadOpenStopsTheRunOnlyWhereTheAccountReadsIt() throws {
        func series(_ name: String, level: Double, badOpenAt row: Int?) throws -> BarSeries {
            let c = (0..<8).map { level + Double($0) }
            var o = c
            if let row { o[row] = 0 }
            return try BarSeries(
                symbol: name, timestamps: (0..<8).map { Int64($0 + 16_000) * CivilTime.nanosPerDay }, open: o, high: c, low: o, close: c,
                volume: c.map { _ in 1e6 })
        }
        let universe = try Universe([try series("A", level: 20, badOpenAt: nil), try series("B", level: 10, badOpenAt: 4)])
        func run(_ weights: String) throws -> UniverseBacktestResult {
            try UniverseBacktest(
                simulator: try UniverseSimulator(config: .init(cash: 1_000, fractionalUnits: true)), program: try UniverseBacktestTests.program(weights),
                schedule: .everyBars(1), constraints: WeightConstraints(longOnly: true)
            ).run(universe)
        }
        // Only A wanted (cs_top gives B a weight of 0): B's open of 0 at row 4 is never read.
        let onlyA = try run("cs_top(close, 1)")
        #expect(onlyA.execution.fillCount > 0 && onlyA.execution.fills.allSatisfy { $0.symbol == "A" })
        // Both wanted: the account reads B's open at row 4 and stops there, naming B.
        #expect(throws: LabExecutionError.badFillPrice(symbol: "B", bar: 4, field: "open", value: 0)) { _ = try run("close") }
    }

    /// A NaN score past the symbol's warm-up (here sqrt of a negative number) is an error naming the
    /// first symbol and bar; fill_nan(x, 0) turns such scores into "not held".
    @Test func aNaNWeightPastTheWarmUpIsAnError() throws {
        let closes = [10.0, 15, 25, 30, 28, 22, 18, 12, 11, 10]
        func series(_ name: String, _ scale: Double) throws -> BarSeries {
            let c = closes.map { $0 * scale }
            return try BarSeries(
                symbol: name, timestamps: (0..<c.count).map { Int64($0 + 16_000) * CivilTime.nanosPerDay }, open: c, high: c, low: c, close: c,
                volume: c.map { _ in 1e6 })
        }
        let universe = try Universe([try series("A", 1), try series("B", 1.05)])
        func backtest(_ expression: String) throws -> UniverseBacktest {
            try UniverseBacktest(
                simulator: try UniverseSimulator(config: .init(cash: 1_000, fractionalUnits: true)), program: try UniverseBacktestTests.program(expression),
                schedule: .everyBars(1), constraints: WeightConstraints(longOnly: true))
        }
        #expect(throws: UniverseBacktestError.missingScore(symbol: "A", time: 16_000 * CivilTime.nanosPerDay, warmUp: 0)) {
            try backtest("sqrt(close - 20)").run(universe)
        }
        let filled = try backtest("fill_nan(sqrt(close - 20), 0)").run(universe)
        #expect(filled.missingScores == 0 && filled.execution.holdings[3] == 2 && filled.execution.holdings[7] == 0)
        #expect(filled.execution.equity[9] == filled.execution.cash[9])
    }
}

@Suite struct CrossSectionalRegistryTests {
    /// A Swift user's operator is one registry entry: its `cs_` and `group_` forms check and
    /// evaluate like the built-ins; a taken or malformed name is refused.
    @Test func aRegisteredOperatorWorksInBothForms() throws {
        let spread = CrossSectionalFunction(
            "cs_range_test", summary: "largest minus smallest value (test)", input: .number, result: .number,
            evaluate: { v, _ in
                let present = v.filter { !$0.isNaN }
                return v.map { _ in (present.max() ?? .nan) - (present.min() ?? .nan) }
            })
        try CrossSectionalFunctions.register(spread)
        #expect(throws: (any Error).self) { try CrossSectionalFunctions.register(spread) }
        #expect(throws: (any Error).self) {
            try CrossSectionalFunctions.register(.init("rank_test", summary: "", input: .number, result: .number, evaluate: { v, _ in v }))
        }
        let universe = try SmallUniverse.make(symbols: 6, days: 60, seed: 2)
        let plain = try UniverseEvaluator(universe: universe).evaluate(try UniverseBacktestTests.program("cs_range_test(close)").checked)
        let grouped = try UniverseEvaluator(universe: universe).evaluate(try UniverseBacktestTests.program("group_range_test(close)").checked)
        // One group (no sectors): both forms agree, and at the first row every symbol listed gets max − min.
        var cursor = UniverseCursor(universe)
        cursor.move(to: 0)
        let listed = (0..<6).filter { cursor.bar[$0] >= 0 }
        let closes = listed.map { universe.symbols[$0].close[0] }
        for s in listed {
            #expect(plain[s].value(at: 0) == closes.max()! - closes.min()!)
            #expect(grouped[s].value(at: 0) == plain[s].value(at: 0))
        }
        #expect(CrossSectionalFunctions.names.contains("group_range_test"))
    }
}
