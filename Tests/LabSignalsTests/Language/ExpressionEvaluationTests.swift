import Foundation
import LabCore
import Testing

@testable import LabSignals

/// The functions of the strategy language by hand on small series, their warm-ups, the sharing of
/// sub-expressions, and the identity of the indicator functions with the kernels.
struct ExpressionEvaluationTests {
    /// Seven daily bars with closes 1, 3, 2, 5, 4, 4, 6 (high = close + 1, low = close − 1).
    static let small: BarSeries = {
        let close: [Double] = [1, 3, 2, 5, 4, 4, 6]
        return try! BarSeries(
            symbol: "T", timestamps: (0..<7).map { Int64($0) * CivilTime.nanosPerDay }, open: close, high: close.map { $0 + 1 },
            low: close.map { $0 - 1 }, close: close, volume: [Double](repeating: 100, count: 7))
    }()

    /// The value of `text` over `bars` and its derived warm-up.
    static func evaluate(_ text: String, _ bars: BarSeries = small, parameters: [String: Double] = [:]) throws -> (Column, Int) {
        let (t, _) = try ExpressionChecker(parameters: parameters).check(try ExpressionParser.parse(text))
        var plan = ExpressionPlan()
        let id = try plan.add(t, values: parameters)
        var out: Column?
        plan.evaluate(bars, groups: [[id]]) { _, columns in out = columns[0] }
        return (out!, plan.warmUps[id])
    }

    static func numbers(_ text: String) throws -> [Double] { try evaluate(text).0.numbers(count: small.count) }
    static func truths(_ text: String) throws -> [Bool] { try evaluate(text).0.booleans(count: small.count) }

    /// Equal element by element, NaN equal to NaN, to `tolerance` absolute.
    static func same(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : abs($0 - $1) <= tolerance }
    }

    let n = Double.nan

    @Test func timeSeriesOperatorsByHand() throws {
        #expect(Self.same(try Self.numbers("ts_sum(close, 3)"), [n, n, 6, 10, 11, 13, 14]))
        #expect(Self.same(try Self.numbers("ts_mean(close, 3)"), [n, n, 2, 10.0 / 3, 11.0 / 3, 13.0 / 3, 14.0 / 3]))
        #expect(Self.same(try Self.numbers("ts_min(close, 3)"), [n, n, 1, 2, 2, 4, 4]))
        #expect(Self.same(try Self.numbers("ts_max(close, 3)"), [n, n, 3, 5, 5, 5, 6]))
        #expect(
            Self.same(
                try Self.numbers("ts_std(close, 3)"), [n, n, 1, (7.0 / 3).squareRoot(), (7.0 / 3).squareRoot(), (1.0 / 3).squareRoot(), (4.0 / 3).squareRoot()])
        )
        // Average ranks of ties, divided by the window (pandas rank(pct=True)).
        #expect(Self.same(try Self.numbers("ts_rank(close, 3)"), [n, n, 2.0 / 3, 1, 2.0 / 3, 0.5, 1]))
        // Bars since the extreme, the most recent on a tie.
        #expect(Self.same(try Self.numbers("ts_argmax(close, 3)"), [n, n, 1, 0, 1, 2, 0]))
        #expect(Self.same(try Self.numbers("ts_argmin(close, 3)"), [n, n, 2, 1, 2, 0, 1]))
        #expect(Self.same(try Self.numbers("lag(close, 2)"), [n, n, 1, 3, 2, 5, 4]))
        #expect(Self.same(try Self.numbers("lag(close, 0)"), [1, 3, 2, 5, 4, 4, 6]))
        #expect(Self.same(try Self.numbers("delta(close)"), [n, 2, -1, 3, -1, 0, 2]))
        #expect(Self.same(try Self.numbers("delta(close, 3)"), [n, n, n, 4, 1, 2, 1]))
        #expect(Self.same(try Self.numbers("bars_since(close > 4)"), [n, n, n, 0, 1, 2, 0]))
        #expect(Self.same(try Self.numbers("cum_sum(delta(close))"), [n, 2, 1, 4, 3, 3, 5]))
        #expect(Self.same(try Self.numbers("returns"), [n, 2, -1.0 / 3, 1.5, -0.2, 0, 0.5]))
        #expect(Self.same(try Self.numbers("typical"), [1, 3, 2, 5, 4, 4, 6]))
        #expect(Self.same(try Self.numbers("ts_corr(close, 2 * close + 1, 3)"), [n, n, 1, 1, 1, 1, 1]))
        #expect(Self.same(try Self.numbers("ts_corr(close, -close, 3)"), [n, n, -1, -1, -1, -1, -1]))
        #expect(Self.same(try Self.numbers("ts_corr(close, volume, 3)"), [n, n, n, n, n, n, n]))  // constant volume
        #expect(try Self.truths("cross_above(close, 3.5)") == [false, false, false, true, false, false, false])
        #expect(try Self.truths("cross_below(close, 4.5)") == [false, false, false, false, true, false, false])
        #expect(try Self.truths("lag(close > 2, 1)") == [false, false, true, false, true, true, true])
    }

    @Test func elementwiseMathAndLogic() throws {
        #expect(Self.same(try Self.numbers("where(close > 3, close, -close)"), [-1, -3, -2, 5, 4, 4, 6]))
        #expect(Self.same(try Self.numbers("clip(close, 2, 4)"), [2, 3, 2, 4, 4, 4, 4]))
        #expect(Self.same(try Self.numbers("min(close, 3) + max(close, 5)"), [6, 8, 7, 8, 8, 8, 9]))
        #expect(Self.same(try Self.numbers("sign(delta(close))"), [n, 1, -1, 1, -1, 0, 1]))
        #expect(Self.same(try Self.numbers("abs(delta(close)) ^ 2 / 2"), [n, 2, 0.5, 4.5, 0.5, 0, 2]))
        #expect(Self.same(try Self.numbers("sqrt(close * close) - exp(log(close))"), [0, 0, 0, 0, 0, 0, 0], tolerance: 1e-12))
        #expect(try Self.truths("close >= 4 and not (close == 5) or close < 2") == [true, false, false, false, true, true, true])
        #expect(try Self.truths("delta(close) != 0") == [true, true, true, true, true, false, true])  // NaN != 0
        #expect(try Self.truths("where(close > 3, true, close < 2)") == [true, false, false, true, true, true, true])
        // Fixed values stay fixed.
        #expect(try Self.evaluate("2 * 3 + 1").0 == .number(7))
        #expect(try Self.evaluate("1 < 2 and true").0 == .boolean(true))
    }

    @Test func warmUpsFollowTheLookBackChain() throws {
        #expect(try Self.evaluate("sma(close, 3)").1 == 2)
        #expect(try Self.evaluate("cross_above(sma(close, 3), sma(close, 5))").1 == 5)
        #expect(try Self.evaluate("lag(rsi(close, 2), 1) > 50").1 == 3)
        #expect(try Self.evaluate("sma(returns, 3)").1 == 3)
        #expect(try Self.evaluate("macd(close, 2, 4, 3).hist").1 == 5)
        #expect(try Self.evaluate("macd(close, 2, 4, 3).line").1 == 3)
        #expect(try Self.evaluate("ts_corr(lag(close, 2), close, 3)").1 == 4)
        #expect(try Self.evaluate("close > 1").1 == 0)
        // The derived warm-up is the count of leading missing values on clean data.
        let bars = try Fixtures.goog()
        for text in ["sma(ema(close, 5), 7)", "volatility(close, 20)", "zscore(roc(close, 3), 10)", "lag(atr(14), 2)", "bollinger(close, 20, 2).pctb"] {
            let (column, warm) = try Self.evaluate(text, bars)
            let values = column.numbers(count: bars.count)
            #expect(values.prefix(warm).allSatisfy(\.isNaN) && values[warm].isFinite, "\(text)")
        }
    }

    @Test func indicatorFunctionsAreTheKernels() throws {
        let bars = try Fixtures.goog()
        let c = bars.close
        let cases: [(String, [Double])] = [
            ("sma(close, 20)", Indicators.sma(c, window: 20)),
            ("ema(close, 12)", Indicators.ema(c, span: 12)),
            ("wma(close, 9)", Indicators.wma(c, window: 9)),
            ("rsi(close, 14)", Indicators.rsi(c, window: 14)),
            ("zscore(close, 20)", Indicators.zScore(c, window: 20)),
            ("roc(close, 5)", Indicators.rateOfChange(c, window: 5)),
            ("volatility(close, 20)", Indicators.rollingVolatility(c, window: 20, periodsPerYear: 1)),
            ("macd(close, 12, 26, 9).signal", Indicators.macd(c, fast: 12, slow: 26, signal: 9).signal),
            ("bollinger(close, 20, 2).lower", Indicators.bollinger(c, window: 20, k: 2).lower),
            ("atr(14)", Indicators.atr(high: bars.high, low: bars.low, close: c, window: 14)),
            ("donchian(20).upper", Indicators.donchian(high: bars.high, low: bars.low, window: 20).upper),
            ("vwap", Indicators.sessionVWAP(high: bars.high, low: bars.low, close: c, volume: bars.volume, session: bars.localDayNumbers())),
            ("log_returns", Indicators.map(c) { Indicators.logReturns($0, into: $1) }),
        ]
        for (text, expected) in cases {
            let got = try Self.evaluate(text, bars).0.numbers(count: bars.count)
            #expect(zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(text)")
        }
    }

    @Test func commonSubExpressionsAreOneNode() throws {
        let c = ExpressionChecker(parameters: ["fast": 10, "slow": 20])
        var plan = ExpressionPlan()
        let a = try plan.add(try c.check(try ExpressionParser.parse("cross_above(sma(close, fast), sma(close, slow))")).0, values: ["fast": 10, "slow": 20])
        let before = plan.nodes.count
        let b = try plan.add(try c.check(try ExpressionParser.parse("cross_below(sma(close, fast), sma(close, 20))")).0, values: ["fast": 10, "slow": 20])
        #expect(plan.nodes.count == before + 1)  // only the new cross
        #expect(a != b)
        // Another combination of a sweep (fast = 5) adds its own fast average and cross, shares the slow one.
        _ = try plan.add(try c.check(try ExpressionParser.parse("cross_above(sma(close, fast), sma(close, slow))")).0, values: ["fast": 5, "slow": 20])
        #expect(plan.nodes.count == before + 3)
        // Outputs of one call are computed together and agree with separate evaluations.
        let bars = try Fixtures.goog()
        var p = ExpressionPlan()
        let line = try p.add(try c.check(try ExpressionParser.parse("macd(close, 12, 26, 9).line")).0, values: [:])
        let hist = try p.add(try c.check(try ExpressionParser.parse("macd(close, 12, 26, 9).hist")).0, values: [:])
        var got: [Column] = []
        p.evaluate(bars, groups: [[line], [hist]]) { _, columns in got += columns }
        let m = Indicators.macd(bars.close, fast: 12, slow: 26, signal: 9)
        #expect(Self.same(got[0].numbers(count: bars.count), m.line, tolerance: 0))
        #expect(Self.same(got[1].numbers(count: bars.count), m.histogram, tolerance: 0))
    }

    /// Crossings of two SMAs of a field come from the crossover kernels: the same truth values as
    /// the general path (SMA columns and a crossing pass), windows in either order, equal ones,
    /// other fields, several pairs at once, and over missing values.
    @Test func smaCrossingsThroughTheCrossoverKernelsAreTheGeneralPath() throws {
        let goog = try Fixtures.goog()
        let c = ExpressionChecker(parameters: [:])
        var plan = ExpressionPlan()
        let texts = [
            "cross_above(sma(close, 10), sma(close, 20))", "cross_below(sma(close, 10), sma(close, 20))", "cross_above(sma(close, 30), sma(close, 5))",
            "cross_below(sma(close, 30), sma(close, 5))", "cross_above(sma(close, 7), sma(close, 7))", "cross_above(sma(open, 3), sma(open, 9))",
            "cross_above(sma(close, 10), sma(close, 20)) and close > sma(close, 20)",
        ]
        let roots = try texts.map { [try plan.add(try c.check(try ExpressionParser.parse($0)).0, values: [:])] }
        var holed = goog
        holed.close[500] = .nan
        holed.open[900] = .infinity
        for bars in [goog, holed, try RuleStrategyTests.randomWalk(50_000, seed: 3)] {
            let shortcut = try #require(SMACrossingShortcut(plan, bars: bars))
            #expect(shortcut.provided.count == 6)
            var fast: [[Bool]] = [], general: [[Bool]] = []
            plan.evaluate(bars, groups: roots, sharedBytes: 1 << 30, shortcut: shortcut) { _, col in fast.append(col[0].booleans(count: bars.count)) }
            plan.evaluate(bars, groups: roots, sharedBytes: 1 << 30, shortcut: nil) { _, col in general.append(col[0].booleans(count: bars.count)) }
            #expect(fast == general)
            #expect(fast[0].filter { $0 }.count > 10 && fast[4].allSatisfy { !$0 })
        }
    }

    @Test func aSweepValueOutOfRangeIsRefusedWhenPlanned() throws {
        let (t, _) = try ExpressionChecker(parameters: ["w": 5]).check(try ExpressionParser.parse("sma(close, w)"))
        var plan = ExpressionPlan()
        #expect(throws: ExpressionError(at: 11, "sma's window (parameter w) must be a whole number of bars ≥ 1, got 0")) {
            _ = try plan.add(t, values: ["w": 0])
        }
    }

    @Test func userFunctionsRegisterWithoutAFork() throws {
        let f = ExpressionFunction(
            "test_double_lag", summary: "2·x one bar ago", arguments: [.value(.number, name: "x")], result: .number, warmUp: { v, _ in [v[0] + 1] },
            evaluate: { i in [.numbers(TimeSeriesKernels.lag(i.numbers(0), 1).map { 2 * $0 })] })
        try ExpressionFunctions.register(f)
        #expect(Self.same(try Self.numbers("test_double_lag(close)"), [n, 2, 6, 4, 10, 8, 8]))
        #expect(try Self.evaluate("test_double_lag(sma(close, 2))").1 == 2)
        #expect(throws: LabSignalsError.invalidParameter(owner: "expression function", field: "name", reason: "\"sma\" is taken")) {
            try ExpressionFunctions.register(
                ExpressionFunction("sma", summary: "", arguments: [], result: .number, warmUp: { _, _ in [0] }, evaluate: { _ in [] }))
        }
        #expect(throws: LabSignalsError.invalidParameter(owner: "expression function", field: "name", reason: "\"close\" is taken")) {
            try ExpressionFunctions.register(
                ExpressionFunction("close", summary: "", arguments: [], result: .number, warmUp: { _, _ in [0] }, evaluate: { _ in [] }))
        }
    }
}

/// docs/strategies.md documents every built-in function.
struct StrategyLanguageDocsTests {
    @Test func everyBuiltInFunctionIsDocumented() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: repository.appendingPathComponent("docs/strategies.md"), encoding: .utf8)
        let missing = ExpressionFunctions.builtIn.map(\.name).filter { !doc.contains("`\($0)(") && !doc.contains("`\($0)`") }
        #expect(missing.isEmpty, "not in docs/strategies.md: \(missing)")
        let fields = PriceField.allCases.map(\.rawValue).filter { !doc.contains($0) }
        #expect(fields.isEmpty)
    }
}
