import Foundation
import LabCore
import LabExecution
import Testing

@testable import LabSignals

/// Strategies written in the language: the built-ins re-expressed give the same orders, the rules
/// are read in the documented order, and no expression can look ahead.
struct RuleStrategyTests {
    /// A program from rule texts (keys `rules.<rule>`).
    static func program(
        _ rules: [RuleKind: String], parameters: [String: Double] = [:], lets: [(String, String)] = [], confidence: String? = nil,
        reentry: Reentry = .hold
    ) throws -> StrategyProgram {
        try StrategyProgram(
            parameters: parameters.keys.sorted().map { StrategyProgram.Parameter(name: $0, value: parameters[$0]!) },
            lets: lets.map { ($0.0, StrategyProgram.Source(key: "let.\($0.0)", text: $0.1)) },
            rules: Dictionary(uniqueKeysWithValues: rules.map { ($0.key, StrategyProgram.Source(key: "rules.\($0.key.rawValue)", text: $0.value)) }),
            confidence: confidence.map { StrategyProgram.Source(key: "confidence", text: $0) }, reentry: reentry)
    }

    static func targets(_ s: any SignalStrategy, _ bars: BarSeries) -> [TargetDirection?] {
        var t = [TargetDirection?](repeating: nil, count: bars.count)
        t.withUnsafeMutableBufferPointer { s.fillTargets(bars, into: $0) }
        return t
    }

    /// A geometric random walk of `n` hourly bars (seeded), with highs and lows around open and close.
    static func randomWalk(_ n: Int, seed: UInt64) throws -> BarSeries {
        var rng = SeededRNG(seed: seed)
        var close = [Double](repeating: 100, count: n), open = close, high = close, low = close, volume = close
        var p = 100.0
        for i in 0..<n {
            open[i] = p
            p *= exp(0.01 * rng.nextNormal())
            close[i] = p
            high[i] = max(open[i], p) * (1 + 0.003 * rng.nextUniform())
            low[i] = min(open[i], p) * (1 - 0.003 * rng.nextUniform())
            volume[i] = 1000 + 500 * rng.nextUniform()
        }
        return try BarSeries(
            symbol: "RW", timestamps: (0..<n).map { Int64($0) * 3_600 * CivilTime.nanosPerSecond }, open: open, high: high, low: low, close: close,
            volume: volume)
    }

    /// Each built-in with its re-expression in the language.
    static func builtInsAndRules() throws -> [(String, any SignalStrategy, any SignalStrategy)] {
        let rsi = "rsi(close, 14)", prev = "lag(rsi(close, 14), 1)"
        let b = "bollinger(close, 20, 2)"
        return [
            (
                "sma_cross", try MovingAverageCross(fast: 10, slow: 20),
                try RuleStrategy(
                    try program(
                        [.enter_long: "cross_above(sma(close, fast), sma(close, slow))", .enter_short: "cross_below(sma(close, fast), sma(close, slow))"],
                        parameters: ["fast": 10, "slow": 20], reentry: .reopen), values: ["fast": 10, "slow": 20])
            ),
            (
                "ema_cross", try MovingAverageCross(fast: 5, slow: 30, average: .ema),
                try RuleStrategy(
                    try program(
                        [.enter_long: "cross_above(ema(close, 5), ema(close, 30))", .enter_short: "cross_below(ema(close, 5), ema(close, 30))"],
                        reentry: .reopen),
                    values: [:])
            ),
            (
                "rsi_reversion", try RSIReversion(),
                try RuleStrategy(
                    try program([
                        .enter_long: "\(prev) >= 30 and \(rsi) < 30", .enter_short: "\(prev) <= 70 and \(rsi) > 70",
                        .exit_long: "\(prev) < 50 and \(rsi) >= 50", .exit_short: "\(prev) > 50 and \(rsi) <= 50",
                    ]), values: [:])
            ),
            (
                "bollinger", try BollingerStrategy(window: 20, k: 2, mode: .reversion),
                try RuleStrategy(
                    try program(
                        [
                            .enter_long: "lag(close, 1) >= lag(b.lower, 1) and close < b.lower",
                            .enter_short: "lag(close, 1) <= lag(b.upper, 1) and close > b.upper",
                            .exit_long: "lag(close, 1) <= lag(b.mid, 1) and close > b.mid", .exit_short: "lag(close, 1) >= lag(b.mid, 1) and close < b.mid",
                        ], lets: [("b", b)]), values: [:])
            ),
            (
                "macd", try MACDMomentum(),
                try RuleStrategy(
                    try program(
                        [.enter_long: "cross_above(macd(close, 12, 26, 9).hist, 0)", .enter_short: "cross_below(macd(close, 12, 26, 9).hist, 0)"],
                        reentry: .reopen),
                    values: [:])
            ),
            (
                "donchian", try DonchianBreakout(window: 20, exitWindow: 10),
                try RuleStrategy(
                    try program(
                        [
                            .enter_long: "close > lag(donchian(20).upper, 1)", .enter_short: "close < lag(donchian(20).lower, 1)",
                            .exit_long: "close < lag(donchian(10).lower, 1)", .exit_short: "close > lag(donchian(10).upper, 1)",
                        ], lets: []), values: [:])
            ),
        ]
    }

    @Test func builtInsReExpressedGiveTheSameOrders() throws {
        for bars in [try Fixtures.goog(), try Self.randomWalk(1_000_000, seed: 5)] {
            for (name, builtIn, rules) in try Self.builtInsAndRules() {
                let a = Self.targets(builtIn, bars), b = Self.targets(rules, bars)
                let first = a.indices.first { a[$0] != b[$0] }
                #expect(first == nil, "\(name) on \(bars.count) bars: first difference at bar \(first ?? -1)")
                #expect(a.compactMap { $0 }.count > 10, "\(name) trades")
                #expect(builtIn.warmUp == rules.warmUp, "\(name) warm-up")
            }
        }
    }

    @Test func longOnlyCrossTradesLikeTheBuiltIn() throws {
        // sma_cross without shorts also sends flat targets while flat; the trades are the same.
        let bars = try Fixtures.goog()
        let builtIn = try MovingAverageCross(fast: 10, slow: 20, allowShort: false)
        let rules = try RuleStrategy(
            try Self.program(
                [.enter_long: "cross_above(sma(close, 10), sma(close, 20))", .exit_long: "cross_below(sma(close, 10), sma(close, 20))"], reentry: .reopen),
            values: [:])
        let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.002))
        let a = try simulator.run(bars, targets: Self.targets(builtIn, bars), start: 20)
        let b = try simulator.run(bars, targets: Self.targets(rules, bars), start: 20)
        #expect(a.trades == b.trades && a.equity == b.equity && a.trades.count > 20)
    }

    @Test func crossConfidenceWrittenInTheLanguageMatchesTheBuiltIn() throws {
        let bars = try Fixtures.goog()
        let gap = "sma(close, 10) - sma(close, 20)"
        let rules = try RuleStrategy(
            try Self.program(
                [.enter_long: "cross_above(sma(close, 10), sma(close, 20))", .enter_short: "cross_below(sma(close, 10), sma(close, 20))"],
                lets: [("noise", "ts_std(log_returns, 20) * close")], confidence: "1 - exp(-abs(delta(\(gap))) / noise)", reentry: .reopen),
            values: [:])
        let a = try MovingAverageCross(fast: 10, slow: 20).signals(for: bars), b = rules.signals(for: bars)
        #expect(a.map(\.bar) == b.map(\.bar) && a.map(\.direction) == b.map(\.direction))
        let worst = zip(a, b).map { abs($0.confidence - $1.confidence) }.max() ?? 1
        #expect(worst < 1e-9)
        #expect(b.map(\.reason).prefix(2).allSatisfy { $0 == "enter_long" || $0 == "enter_short" })
    }

    @Test func rulesAreReadInTheDocumentedOrder() throws {
        // Closes 1, 3, 2, 5, 4, 4, 6.
        let bars = ExpressionEvaluationTests.small
        func run(_ rules: [RuleKind: String], reentry: Reentry = .hold) throws -> [String] {
            try RuleStrategy(try Self.program(rules, reentry: reentry), values: [:]).signals(for: bars).map { "\($0.bar):\($0.reason)" }
        }
        // Long above 2.5, exit below 4.5: in at bar 1, out at 2, in at 3, out at 4, in again at 5.
        #expect(
            try run([.enter_long: "close > 2.5", .exit_long: "close < 4.5"]) == ["1:enter_long", "2:exit_long", "3:enter_long", "4:exit_long", "5:enter_long"])
        // An opposite entry reverses, and beats the exit firing on the same bar.
        #expect(try run([.enter_long: "close == 3", .enter_short: "close == 5", .exit_long: "close >= 5"]) == ["1:enter_long", "3:enter_short"])
        // Re-entry: hold ignores a repeated entry, reopen re-opens at every bar it fires.
        #expect(try run([.enter_long: "close > 3"]) == ["3:enter_long"])
        #expect(try run([.enter_long: "close > 3"], reentry: .reopen) == ["3:enter_long", "4:enter_long", "5:enter_long", "6:enter_long"])
        // No rule is read before the derived warm-up (3 bars here), even one that is true from the start.
        #expect(try run([.enter_long: "not (close < lag(close, 3))"]) == ["3:enter_long"])
        #expect(try RuleStrategy(try Self.program([.enter_long: "close > lag(close, 3)"]), values: [:]).warmUp == 3)
    }

    @Test func confidenceIsClippedAndExitsCarryOne() throws {
        let bars = ExpressionEvaluationTests.small
        let s = try RuleStrategy(try Self.program([.enter_long: "close > 2.5", .exit_long: "close < 4.5"], confidence: "close - 3.5"), values: [:])
        #expect(s.signals(for: bars).map(\.confidence) == [0, 1, 1, 1, 0.5])
        let none = try RuleStrategy(try Self.program([.enter_long: "close > 2.5"], confidence: "lag(close, 9)"), values: [:])
        #expect(none.signals(for: bars).isEmpty)  // the confidence's warm-up (9) is the strategy's
        let missing = try RuleStrategy(try Self.program([.enter_long: "close > 2.5"], confidence: "log(close - 3)"), values: [:])
        #expect(missing.signals(for: bars).map(\.confidence) == [0])  // log of 0: −∞, clipped to 0
    }

    @Test func programMistakesNameTheKey() {
        func failure(_ body: () throws -> StrategyProgram) -> String? {
            do {
                _ = try body()
                return nil
            } catch { return "\(error)" }
        }
        #expect(failure { try Self.program([.exit_long: "close > 1"]) } == "rules: needs enter_long or enter_short (or both)")
        #expect(
            failure { try Self.program([.enter_short: "close > 1", .exit_long: "close < 1"]) } == "rules.exit_long: has no position to close without enter_long"
        )
        #expect(
            failure { try Self.program([.enter_long: "sma(close, 5)"]) }
                == "rules.enter_long: a rule must be true/false (a comparison, a cross …), got a number")
        #expect(
            failure { try Self.program([.enter_long: "close > 1"], confidence: "close > 2") }
                == "confidence: confidence must be a number in [0, 1], got true/false")
        #expect(failure { try Self.program([.enter_long: "close > 1"], parameters: ["sma": 3]) } == "params.sma: 'sma' is a function")
        #expect(failure { try Self.program([.enter_long: "close > 1"], parameters: ["close": 3]) } == "params.close: 'close' is a bar field")
        #expect(failure { try Self.program([.enter_long: "close > t"], lets: [("t", "sma(close, 3)"), ("t", "close")]) } == "let.t: 't' is defined twice")
        #expect(
            failure { try Self.program([.enter_long: "close > t"], lets: [("u", "t + 1"), ("t", "close")]) }
                == "let.u: unknown name 't'; a parameter must be declared under params")
        #expect(failure { try Self.program([.enter_long: "close > 1"], lets: [("and", "close")]) } == "let.and: 'and' is a word of the language")
        #expect(
            failure { try Self.program([.enter_long: "close > b"], lets: [("b", "bollinger(close, 20, 2)")]) }
                == "rules.enter_long: b has several outputs; pick one: b.upper, b.mid, b.lower, b.pctb")
        #expect(
            failure { try Self.program([.enter_long: "close > b.top"], lets: [("b", "bollinger(close, 20, 2)")]) }
                == "rules.enter_long: '.top' is not an output of bollinger; its outputs are .upper, .mid, .lower, .pctb")
        #expect(
            failure { try Self.program([.enter_long: "close > b.mid"], lets: [("b", "bollinger(close, 0, 2)")]) }
                == "let.b: bollinger's window must be a whole number of bars ≥ 2, got 0")
    }

    @Test func sweepCombinationsAreBuiltThroughTheCatalog() throws {
        let p = try Self.program([.enter_long: "cross_above(sma(close, fast), sma(close, slow))"], parameters: ["fast": 10, "slow": 20])
        var spec = StrategySpec(program: p)
        #expect(spec.name == "rules" && spec.parameters == ["fast": "10", "slow": "20"])
        spec.parameters["fast"] = "5"
        let s = try StrategyCatalog.make(spec) as! RuleStrategy
        #expect(s.values == ["fast": 5, "slow": 20] && s.warmUp == 20)
        spec.parameters["fast"] = "0"
        #expect(
            throws: LabSignalsError.invalidParameter(
                owner: "strategy", field: "rules.enter_long", reason: "sma's window (parameter fast) must be a whole number of bars ≥ 1, got 0")
        ) {
            _ = try StrategyCatalog.make(spec)
        }
        spec.parameters["fats"] = "3"
        #expect(throws: (any Error).self) { _ = try StrategyCatalog.make(spec) }
    }

    @Test func aSweepBatchGivesEachCombinationsOwnTargets() throws {
        let bars = try Fixtures.goog()
        let p = try Self.program(
            [
                .enter_long: "cross_above(sma(close, fast), sma(close, slow)) and rsi(close, 14) < 70",
                .exit_long: "close < lag(ts_min(low, fast), 1)", .enter_short: "cross_below(ema(close, fast), sma(close, slow))",
            ], parameters: ["fast": 10, "slow": 50], reentry: .reopen)
        let batch = try [5, 10, 20].flatMap { f in try [30, 50, 80].map { s in try RuleStrategy(p, values: ["fast": Double(f), "slow": Double(s)]) } }
        let events = RuleStrategy.batchTargets(batch, bars: bars)
        for (s, e) in zip(batch, events) {
            var t = [TargetDirection?](repeating: nil, count: bars.count)
            t.withUnsafeMutableBufferPointer { e.write(into: $0) }
            #expect(t == Self.targets(s, bars), "\(s.values)")
        }
        // Kept columns or recomputed ones (a budget of nothing): the same values.
        var plan = ExpressionPlan()
        let roots = try batch.map { s in [try plan.add(p.checkedRules[.enter_long]!, values: s.values)] }
        var kept: [[Bool]] = [], recomputed: [[Bool]] = []
        plan.evaluate(bars, groups: roots) { _, c in kept.append(c[0].booleans(count: bars.count)) }
        plan.evaluate(bars, groups: roots, sharedBytes: 0) { _, c in recomputed.append(c[0].booleans(count: bars.count)) }
        #expect(kept == recomputed && kept.count == 9)
    }

    @Test func aTargetSetsDirectionAndSizeAndHoldKeepsIt() throws {
        // Closes 1, 3, 2, 5, 4, 4, 6.
        let bars = ExpressionEvaluationTests.small
        let p = try StrategyProgram(
            parameters: [], target: .init(key: "target", text: "where(close > 3, 0.5, where(close < 2, -3, hold))"),
            confidence: .init(key: "confidence", text: "close / 10"))
        let s = try RuleStrategy(p, values: [:])
        #expect(s.sizesPositions)
        let signals = s.signals(for: bars)
        #expect(signals.map(\.bar) == [0, 3])
        #expect(signals.map(\.direction) == [.short, .long])
        #expect(signals.map(\.sizeScale) == [1, 0.5])  // −3 is clipped to −1
        #expect(signals.map(\.resizes) == [true, true] && signals.map(\.reason) == ["target", "target"])
        #expect(signals.map(\.confidence) == [0.1, 0.5])
        // A change of size on the same side is a signal; 0 is flat.
        let q = try RuleStrategy(
            try StrategyProgram(parameters: [], target: .init(key: "target", text: "where(close > 4, 1, where(close > 2, 0.25, 0))")), values: [:])
        let t = q.signals(for: bars)
        #expect(t.map(\.bar) == [1, 2, 3, 4, 6] && t.map(\.sizeScale) == [0.25, 1, 1, 0.25, 1])
        #expect(t.map(\.direction) == [.long, .flat, .long, .long, .long] && t.map(\.resizes) == [true, false, true, true, true])
        #expect(Self.targets(q, bars) == [nil, .long, .flat, .long, .long, nil, .long])
    }

    @Test func targetMistakes() {
        func failure(_ body: () throws -> StrategyProgram) -> String? {
            do {
                _ = try body()
                return nil
            } catch { return "\(error)" }
        }
        #expect(
            failure { try StrategyProgram(parameters: [], target: .init(key: "target", text: "close > 1")) }
                == "target: a target must be a number in [−1, 1] (a fraction of equity), got true/false")
        #expect(
            failure {
                try StrategyProgram(
                    parameters: [], rules: [.enter_long: .init(key: "rules.enter_long", text: "close > 1")], target: .init(key: "target", text: "1"))
            } == "target: takes target: or rules:, not both")
        #expect(
            failure { try StrategyProgram(parameters: [], target: .init(key: "target", text: "sma(close, hold)")) }
                == "target: sma's window is not a finite number")
    }
}
