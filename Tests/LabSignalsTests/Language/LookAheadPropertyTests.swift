import Foundation
import LabCore
import LabExecution
import Testing

@testable import LabSignals

/// No look-ahead, by test: random well-typed expressions drawn from the grammar, evaluated over GOOG
/// and over GOOG cut after bar t, agree at every bar up to t; and so do the signals and the fills
/// of random rule strategies.
struct LookAheadPropertyTests {
    /// Draws well-typed expressions from the grammar (every function, operator and field).
    struct Generator {
        var rng: SeededRNG

        mutating func pick<T>(_ xs: [T]) -> T { xs[rng.nextInt(below: xs.count)] }
        mutating func window() -> String { String(2 + rng.nextInt(below: 30)) }

        mutating func number(_ depth: Int) -> String {
            if depth <= 0 { return pick(PriceField.allCases.map(\.rawValue) + ["1.5", "100", "vwap", "p"]) }
            let x = number(depth - 1)
            switch rng.nextInt(below: 24) {
            case 0: return "sma(\(x), \(window()))"
            case 1: return "ema(\(x), \(window()))"
            case 2: return "wma(\(x), \(window()))"
            case 3: return "rsi(\(x), \(window()))"
            case 4: return "zscore(\(x), \(window()))"
            case 5: return "roc(\(x), \(window()))"
            case 6: return "volatility(\(x), \(window()))"
            case 7: return "macd(\(x), 3, \(4 + rng.nextInt(below: 20)), 5).\(pick(["line", "signal", "hist"]))"
            case 8: return "bollinger(\(x), \(window()), 1.5).\(pick(["upper", "mid", "lower", "pctb"]))"
            case 9: return "atr(\(window())) + \(x)"
            case 10: return "donchian(\(window())).\(pick(["upper", "mid", "lower"])) - \(x)"
            case 11: return "lag(\(x), \(rng.nextInt(below: 5)))"
            case 12: return "delta(\(x), \(1 + rng.nextInt(below: 4)))"
            case 13: return "\(pick(["ts_min", "ts_max", "ts_sum", "ts_mean", "ts_std", "ts_rank", "ts_argmin", "ts_argmax"]))(\(x), \(window()))"
            case 14: return "ts_corr(\(x), \(number(depth - 1)), \(window()))"
            case 15: return "cum_sum(\(x))"
            case 16: return "bars_since(\(boolean(depth - 1)))"
            case 17: return "where(\(boolean(depth - 1)), \(x), \(number(depth - 1)))"
            case 18: return "clip(\(x), \(number(depth - 1)), 200)"
            case 19: return "\(pick(["abs", "log", "exp", "sqrt", "sign"]))(\(x))"
            case 20: return "\(pick(["min", "max"]))(\(x), \(number(depth - 1)))"
            case 21: return "(\(x) \(pick(["+", "-", "*", "/"])) \(number(depth - 1)))"
            case 22: return "-\(x)"
            default: return "(\(x) ^ 0.5)"
            }
        }

        mutating func boolean(_ depth: Int) -> String {
            if depth <= 0 { return "\(number(0)) > \(number(0))" }
            switch rng.nextInt(below: 6) {
            case 0: return "(\(number(depth - 1)) \(pick(["<", "<=", ">", ">=", "==", "!="])) \(number(depth - 1)))"
            case 1: return "\(pick(["cross_above", "cross_below"]))(\(number(depth - 1)), \(number(depth - 1)))"
            case 2: return "(\(boolean(depth - 1)) \(pick(["and", "or"])) \(boolean(depth - 1)))"
            case 3: return "not \(boolean(depth - 1))"
            case 4: return "lag(\(boolean(depth - 1)), \(rng.nextInt(below: 4)))"
            default: return "where(\(boolean(depth - 1)), \(boolean(depth - 1)), true)"
            }
        }
    }

    @Test func truncatingTheFutureChangesNoValueBefore() throws {
        let bars = try Fixtures.goog()
        var g = Generator(rng: SeededRNG(seed: 2026))
        for k in 0..<300 {
            let text = k % 2 == 0 ? g.number(1 + g.rng.nextInt(below: 3)) : g.boolean(1 + g.rng.nextInt(below: 3))
            let t = 30 + g.rng.nextInt(below: bars.count - 60)
            let cut = bars[bars: 0..<(t + 1)].materialize()
            let full = try ExpressionEvaluationTests.evaluate(text, bars, parameters: ["p": 7]).0
            let part = try ExpressionEvaluationTests.evaluate(text, cut, parameters: ["p": 7]).0
            let a = full.numbers(count: bars.count), b = part.numbers(count: cut.count)
            let first = (0...t).first { !(a[$0].bitPattern == b[$0].bitPattern || (a[$0].isNaN && b[$0].isNaN)) }
            #expect(first == nil, "\(text) cut after \(t): first difference at bar \(first ?? -1)")
        }
    }

    @Test func truncatingTheFutureChangesNoSignalOrFillBefore() throws {
        let bars = try Fixtures.goog()
        var g = Generator(rng: SeededRNG(seed: 7))
        let simulator = try ExecutionSimulator(config: .init(cash: 10_000, commissionRate: 0.001))
        for _ in 0..<40 {
            let program =
                g.rng.nextInt(below: 3) == 0
                ? try StrategyProgram(
                    parameters: [.init(name: "p", value: 7)],
                    target: .init(key: "target", text: "where(\(g.boolean(1)), clip(\(g.number(1)) / 100, -1, 1), hold)"),
                    confidence: .init(key: "confidence", text: g.number(1)))
                : try RuleStrategyTests.program(
                    [.enter_long: g.boolean(2), .exit_long: g.boolean(1), .enter_short: g.boolean(2), .exit_short: g.boolean(1)],
                    parameters: ["p": 7], confidence: g.number(2), reentry: g.pick([.hold, .reopen]))
            let s = try RuleStrategy(program, values: ["p": 7])
            let t = 100 + g.rng.nextInt(below: bars.count - 200)
            let cut = bars[bars: 0..<(t + 1)].materialize()
            let a = s.signals(for: bars), b = s.signals(for: cut)
            #expect(a.filter { $0.bar <= t } == b, "\(program.echo)")
            func orders(_ signals: [Signal], _ n: Int) -> [EntryOrder?] {
                var out = [EntryOrder?](repeating: nil, count: n)
                for s in signals { out[s.bar] = EntryOrder(s.direction, sizeScale: s.sizeScale, resizes: s.resizes) }
                return out
            }
            let fullRun = try simulator.run(bars, orders: orders(a, bars.count), start: s.warmUp)
            let cutRun = try simulator.run(cut, orders: orders(b, cut.count), start: s.warmUp)
            #expect(Array(fullRun.equity[0...t]) == cutRun.equity)
            #expect(fullRun.trades.filter { $0.exitBar < t } == cutRun.trades.filter { $0.exitBar < t })
        }
    }
}
