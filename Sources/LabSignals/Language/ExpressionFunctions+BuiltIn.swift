import Foundation
import LabCore

extension ExpressionFunctions {
    /// The built-in functions: element-wise math, the indicators of ``Indicators`` (the same
    /// kernels, definitions and warm-ups), and the time-series operators. docs/strategies.md lists
    /// each with its definition; every one is causal.
    public static let builtIn: [ExpressionFunction] = elementwise + indicators + timeSeries

    // MARK: Element-wise

    static let elementwise: [ExpressionFunction] = [
        unary("abs", "absolute value", Swift.abs),
        unary("log", "natural logarithm (NaN below 0, −∞ at 0)", Foundation.log),
        unary("exp", "e to the power x", Foundation.exp),
        unary("sqrt", "square root (NaN below 0)", { $0.squareRoot() }),
        unary("sign", "−1, 0 or +1 by the sign of x (NaN stays NaN)", { $0.isNaN ? .nan : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }),
        ExpressionFunction(
            "min", summary: "the smaller of a and b (NaN when either is missing)", arguments: [.value(.number, name: "a"), .value(.number, name: "b")],
            result: .number, warmUp: { v, _ in [v.max()!] }, evaluate: { i in [ColumnMath.zip(i.values[0], i.values[1], count: i.count, ColumnMath.smaller)] }
        ),
        ExpressionFunction(
            "max", summary: "the larger of a and b (NaN when either is missing)", arguments: [.value(.number, name: "a"), .value(.number, name: "b")],
            result: .number, warmUp: { v, _ in [v.max()!] }, evaluate: { i in [ColumnMath.zip(i.values[0], i.values[1], count: i.count, ColumnMath.larger)] }
        ),
        ExpressionFunction(
            "clip", summary: "x limited to [lower, upper]: min(max(x, lower), upper)",
            arguments: [.value(.number, name: "x"), .value(.number, name: "lower"), .value(.number, name: "upper")], result: .number,
            warmUp: { v, _ in [v.max()!] },
            evaluate: { i in
                let low = ColumnMath.zip(i.values[0], i.values[1], count: i.count, ColumnMath.larger)
                return [ColumnMath.zip(low, i.values[2], count: i.count, ColumnMath.smaller)]
            }),
        ExpressionFunction(
            "fill_nan", summary: "x where it has a value, else value (NaN: a warm-up, a missing input, 0 / 0)",
            arguments: [.value(.number, name: "x"), .value(.number, name: "value")], result: .number,
            warmUp: { v, _ in [v[1]] }, evaluate: { i in [ColumnMath.zip(i.values[0], i.values[1], count: i.count) { $0.isNaN ? $1 : $0 }] }),
        ExpressionFunction(
            "where", summary: "a where the condition is true, else b (a and b of one type)",
            arguments: [.value(.boolean, name: "condition"), .value(nil, name: "a"), .value(nil, name: "b")], result: nil,
            warmUp: { v, _ in [v.max()!] }, evaluate: { i in [choose(i.values[0], i.values[1], i.values[2], count: i.count)] }),
    ]

    static func unary(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) -> ExpressionFunction {
        ExpressionFunction(
            name, summary: summary, arguments: [.value(.number, name: "x")], result: .number, warmUp: { v, _ in v },
            evaluate: { i in [ColumnMath.map(i.values[0], f)] })
    }

    static func choose(_ c: Column, _ a: Column, _ b: Column, count n: Int) -> Column {
        if case let .boolean(fixed) = c { return fixed ? a : b }
        let condition = c.booleans(count: n)
        switch (a, b) {
        case (.number, .number), (.numbers, .number), (.number, .numbers), (.numbers, .numbers):
            let x = a.numbers(count: n), y = b.numbers(count: n)
            return .numbers(condition.indices.map { condition[$0] ? x[$0] : y[$0] })
        default:
            let x = a.booleans(count: n), y = b.booleans(count: n)
            return .booleans(condition.indices.map { condition[$0] ? x[$0] : y[$0] })
        }
    }

    // MARK: Indicators

    static let indicators: [ExpressionFunction] = [
        windowed("sma", "simple moving average of the last window values (pandas rolling mean)", warmUp: { $0 - 1 }) { Indicators.sma($0, window: $1) },
        windowed("ema", "exponential moving average, α = 2/(window + 1), pandas ewm(span, adjust=False)", warmUp: { $0 - 1 }) {
            Indicators.ema($0, span: $1)
        },
        windowed("wma", "linearly weighted moving average (weights window…1, newest heaviest)", warmUp: { $0 - 1 }) { Indicators.wma($0, window: $1) },
        windowed("rsi", "Wilder's relative strength index over window changes, 0–100", minimum: 2, warmUp: { $0 }) { Indicators.rsi($0, window: $1) },
        windowed("zscore", "(x − rolling mean) / rolling sample σ over the window", minimum: 2, warmUp: { $0 - 1 }) {
            Indicators.zScore($0, window: $1)
        },
        windowed("roc", "rate of change x / x[window bars ago] − 1, a fraction (pandas pct_change)", warmUp: { $0 }) {
            Indicators.rateOfChange($0, window: $1)
        },
        windowed("volatility", "sample σ (ddof 1) of the last window log returns of x, per bar (not annualised)", minimum: 2, warmUp: { $0 }) {
            Indicators.rollingVolatility($0, window: $1, periodsPerYear: 1)
        },
        ExpressionFunction(
            "macd", summary: "MACD: line = EMA(fast) − EMA(slow), signal = EMA(line, signal), hist = line − signal",
            arguments: [.value(.number, name: "x"), .window(name: "fast"), .window(name: "slow"), .window(name: "signal")],
            outputs: ["line", "signal", "hist"], result: .number,
            warmUp: { v, f in
                let slow = Int(f[1]), signal = Int(f[2])
                return [v[0] + slow - 1, v[0] + slow + signal - 2, v[0] + slow + signal - 2]
            },
            check: { f in f[0] < f[1] ? nil : "macd needs fast < slow, got \(fmt(f[0])) and \(fmt(f[1]))" },
            evaluate: { i in
                let m = Indicators.macd(i.numbers(0), fast: i.whole(0), slow: i.whole(1), signal: i.whole(2))
                return [.numbers(m.line), .numbers(m.signal), .numbers(m.histogram)]
            }),
        ExpressionFunction(
            "bollinger", summary: "Bollinger bands: SMA ± k × population σ of the window; pctb = (x − lower) / (upper − lower)",
            arguments: [.value(.number, name: "x"), .window(name: "window", minimum: 2), .constant(name: "k")],
            outputs: ["upper", "mid", "lower", "pctb"], result: .number,
            warmUp: { v, f in [Int](repeating: v[0] + Int(f[0]) - 1, count: 4) },
            check: { f in f[1] > 0 ? nil : "bollinger needs k > 0, got \(fmt(f[1]))" },
            evaluate: { i in
                let b = Indicators.bollinger(i.numbers(0), window: i.whole(0), k: i.fixed[1])
                return [.numbers(b.upper), .numbers(b.middle), .numbers(b.lower), .numbers(b.percentB)]
            }),
        ExpressionFunction(
            "atr", summary: "average true range with Wilder's smoothing, price units", arguments: [.window(name: "window")], result: .number,
            warmUp: { _, f in [Int(f[0]) - 1] },
            evaluate: { i in [.numbers(Indicators.atr(high: i.bars.high, low: i.bars.low, close: i.bars.close, window: i.whole(0)))] }),
        ExpressionFunction(
            "donchian", summary: "Donchian channel: highest high, mid-point and lowest low of the last window bars (this one included)",
            arguments: [.window(name: "window")], outputs: ["upper", "mid", "lower"], result: .number,
            warmUp: { _, f in [Int](repeating: Int(f[0]) - 1, count: 3) },
            evaluate: { i in
                let d = Indicators.donchian(high: i.bars.high, low: i.bars.low, window: i.whole(0))
                return [.numbers(d.upper), .numbers(d.middle), .numbers(d.lower)]
            }),
        ExpressionFunction(
            "vwap", summary: "volume-weighted typical price since the session (local trading day) began", arguments: [], result: .number,
            warmUp: { _, _ in [0] },
            evaluate: { i in
                let b = i.bars
                return [.numbers(Indicators.sessionVWAP(high: b.high, low: b.low, close: b.close, volume: b.volume, session: b.localDayNumbers()))]
            }),
    ]

    static func windowed(
        _ name: String, _ summary: String, minimum: Int = 1, warmUp extra: @escaping @Sendable (Int) -> Int,
        _ kernel: @escaping @Sendable ([Double], Int) -> [Double]
    ) -> ExpressionFunction {
        ExpressionFunction(
            name, summary: summary, arguments: [.value(.number, name: "x"), .window(name: "window", minimum: minimum)], result: .number,
            warmUp: { v, f in [v[0] + extra(Int(f[0]))] }, evaluate: { i in [.numbers(kernel(i.numbers(0), i.whole(0)))] })
    }

    // MARK: Time series

    static let timeSeries: [ExpressionFunction] = [
        ExpressionFunction(
            "lag", summary: "the value k bars ago (k ≥ 0; NaN or false for the first k bars)", arguments: [.value(nil, name: "x"), .bars(name: "k")],
            result: nil, warmUp: { v, f in [v[0] + Int(f[0])] },
            evaluate: { i in
                switch i.values[0] {
                case .number, .boolean: return [i.values[0]]
                case let .numbers(x): return [.numbers(TimeSeriesKernels.lag(x, i.whole(0)))]
                case let .booleans(x): return [.booleans(TimeSeriesKernels.lag(x, i.whole(0)))]
                }
            }),
        ExpressionFunction(
            "delta", summary: "x − x[k bars ago]", arguments: [.value(.number, name: "x"), .bars(name: "k")], defaults: [1], result: .number,
            warmUp: { v, f in [v[0] + Int(f[0])] },
            evaluate: { i in
                let x = i.numbers(0)
                return [.numbers(ColumnMath.zip(.numbers(x), .numbers(TimeSeriesKernels.lag(x, i.whole(0))), count: i.count, -).numbers(count: i.count))]
            }),
        windowed("ts_min", "lowest of the last window values", warmUp: { $0 - 1 }) { Indicators.rollingExtreme($0, window: $1, greatest: false) },
        windowed("ts_max", "highest of the last window values", warmUp: { $0 - 1 }) { Indicators.rollingExtreme($0, window: $1, greatest: true) },
        windowed("ts_sum", "sum of the last window values", warmUp: { $0 - 1 }) { TimeSeriesKernels.sum($0, window: $1) },
        windowed("ts_mean", "mean of the last window values (the same as sma)", warmUp: { $0 - 1 }) { Indicators.sma($0, window: $1) },
        windowed("ts_std", "sample standard deviation (ddof 1) of the last window values", minimum: 2, warmUp: { $0 - 1 }) {
            Indicators.rollingMoments($0, window: $1, ddof: 1).std
        },
        windowed("ts_rank", "percentile rank of x among the last window values, in (0, 1] (pandas rank(pct=True))", warmUp: { $0 - 1 }) {
            TimeSeriesKernels.rank($0, window: $1)
        },
        windowed("ts_argmin", "bars since the lowest of the last window values (0: this bar)", warmUp: { $0 - 1 }) {
            TimeSeriesKernels.barsSinceExtreme($0, window: $1, greatest: false)
        },
        windowed("ts_argmax", "bars since the highest of the last window values (0: this bar)", warmUp: { $0 - 1 }) {
            TimeSeriesKernels.barsSinceExtreme($0, window: $1, greatest: true)
        },
        ExpressionFunction(
            "ts_corr", summary: "Pearson correlation of x and y over the last window bars",
            arguments: [.value(.number, name: "x"), .value(.number, name: "y"), .window(name: "window", minimum: 2)], result: .number,
            warmUp: { v, f in [v.max()! + Int(f[0]) - 1] },
            evaluate: { i in [.numbers(TimeSeriesKernels.correlation(i.numbers(0), i.numbers(1), window: i.whole(0)))] }),
        ExpressionFunction(
            "cum_sum", summary: "running sum since the first bar (missing values skipped)", arguments: [.value(.number, name: "x")], result: .number,
            warmUp: { v, _ in v }, evaluate: { i in [.numbers(TimeSeriesKernels.cumulativeSum(i.numbers(0)))] }),
        ExpressionFunction(
            "bars_since", summary: "bars since the condition was last true (0 on a true bar; NaN before the first)",
            arguments: [.value(.boolean, name: "condition")], result: .number, warmUp: { v, _ in v },
            evaluate: { i in [.numbers(TimeSeriesKernels.barsSince(i.booleans(0)))] }),
        ExpressionFunction(
            "cross_above", summary: "a strictly below b on the bar before and strictly above it now (backtesting.py's crossover)",
            arguments: [.value(.number, name: "a"), .value(.number, name: "b")], result: .boolean, warmUp: { v, _ in [v.max()! + 1] },
            evaluate: { i in [.booleans(TimeSeriesKernels.crossings(i.values[0], i.values[1], count: i.count).above)] }),
        ExpressionFunction(
            "cross_below", summary: "a strictly above b on the bar before and strictly below it now",
            arguments: [.value(.number, name: "a"), .value(.number, name: "b")], result: .boolean, warmUp: { v, _ in [v.max()! + 1] },
            evaluate: { i in [.booleans(TimeSeriesKernels.crossings(i.values[0], i.values[1], count: i.count).below)] }),
        ExpressionFunction(
            "crossing", summary: "cross_above(a, b) and cross_below(a, b) in one pass, as .above and .below (what those two are planned as)",
            arguments: [.value(.number, name: "a"), .value(.number, name: "b")], outputs: ["above", "below"], result: .boolean,
            warmUp: { v, _ in [v.max()! + 1, v.max()! + 1] },
            evaluate: { i in
                let c = TimeSeriesKernels.crossings(i.values[0], i.values[1], count: i.count)
                return [.booleans(c.above), .booleans(c.below)]
            }),
    ]
}
