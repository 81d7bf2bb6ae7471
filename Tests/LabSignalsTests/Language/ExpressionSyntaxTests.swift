import LabCore
import Testing

@testable import LabSignals

/// The parser and the checker of the strategy language: precedence, and every mistake a user can
/// make, with the message and the place the caret points at.
struct ExpressionSyntaxTests {
    func parsed(_ text: String) throws -> String { try ExpressionParser.parse(text).description }

    func parseError(_ text: String) -> ExpressionError? {
        do {
            _ = try ExpressionParser.parse(text)
            return nil
        } catch { return error }
    }

    func checkError(_ text: String, parameters: [String: Double] = ["fast": 10, "slow": 50, "half": 2.5]) -> ExpressionError? {
        do {
            _ = try ExpressionChecker(parameters: parameters).check(try ExpressionParser.parse(text))
            return nil
        } catch { return error }
    }

    @Test func precedenceAndAssociativity() throws {
        #expect(try parsed("a or b and not c > 1") == "(a or (b and (not (c > 1))))")
        #expect(try parsed("1 + 2 * 3 - 4 / 5") == "((1 + (2 * 3)) - (4 / 5))")
        #expect(try parsed("-x ^ 2") == "(-(x ^ 2))")
        #expect(try parsed("2 ^ 3 ^ 2") == "(2 ^ (3 ^ 2))")
        #expect(try parsed("a - b - c") == "((a - b) - c)")
        #expect(try parsed("macd(close, 12, 26, 9).hist > 0") == "(macd(close, 12, 26, 9).hist > 0)")
        #expect(try parsed("not not x") == "(not (not x))")
        #expect(try parsed("1e-3 * (close + 2.5)") == "(0.001 * (close + 2.5))")
        #expect(try parsed("vwap()") == "vwap()")
    }

    @Test func syntaxErrorsPointAtTheMistake() {
        let cases: [(String, Int, String)] = [
            ("sma(close, 20", 3, "unbalanced parentheses: this '(' is never closed"),
            ("(close > 1", 0, "unbalanced parentheses: this '(' is never closed"),
            ("close > 1)", 9, "unbalanced parentheses: this ')' closes nothing"),
            ("close >", 7, "the expression ends where a value is expected (a trailing operator?)"),
            ("close +", 7, "the expression ends where a value is expected (a trailing operator?)"),
            ("close = open", 6, "'=' is not an operator: write == to compare"),
            ("close > open & 1", 13, "'&' is not an operator: write and"),
            ("close $ 2", 6, "unexpected character '$'"),
            ("close open", 6, "unexpected 'open' after a complete expression (a missing operator?)"),
            ("1 < 2 < 3", 6, "comparisons do not chain: write (a < b) and (b < c)"),
            ("", 0, "the expression is empty"),
            ("sma(close 20)", 10, "expected ',' or ')', got number 20.0"),
            ("x and", 5, "the expression ends where a value is expected (a trailing operator?)"),
            ("and x", 0, "'and' needs a value on its left"),
            ("macd(close, 1, 2, 3).", 21, "expected the name of an output after '.', got end of expression"),
            ("20close", 2, "a number runs into a name here (write an operator between them)"),
            (".5 * close", 0, "a number starts with a digit: write 05… instead of .5…"),
        ]
        for (text, offset, reason) in cases {
            let e = parseError(text)
            #expect(e == ExpressionError(at: offset, reason), "\(text)")
        }
    }

    @Test func nestingAndLengthAreBounded() {
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(parseError(deep)?.reason == "the expression nests deeper than 64 levels")
        #expect(parseError(String(repeating: "-", count: 100) + "1")?.reason == "the expression nests deeper than 64 levels")
        #expect(parseError(String(repeating: "1+", count: 6000) + "1")?.reason.hasPrefix("the expression is 12001 characters long") == true)
    }

    @Test func namesArityAndTypesAreChecked() {
        let cases: [(String, Int, String)] = [
            ("rsii(close, 14) < 70", 0, "unknown function 'rsii' (did you mean 'rsi'?)"),
            ("clsoe > 1", 0, "unknown name 'clsoe' (did you mean 'close'?)"),
            ("close > treshold", 8, "unknown name 'treshold'; a parameter must be declared under params"),
            ("sma(close, 20, 3) > 1", 0, "sma takes 2 arguments, sma(x, window), got 3"),
            ("sma(close) > 1", 0, "sma takes 2 arguments, sma(x, window), got 1"),
            ("delta(close, 1, 2)", 0, "delta takes 1 to 2 arguments, delta(x, k = 1), got 3"),
            ("close > 1 and volume", 10, "'and' needs true/false on both sides; its right side is a number (compare it first, e.g. x > 0)"),
            (
                "(close > 1) + 2", 12,
                "'+' needs numbers on both sides; its left side is true/false (use where(condition, a, b) to turn a condition into numbers)"
            ),
            ("not close", 0, "'not' needs true/false; its operand is a number (compare it first, e.g. x > 0)"),
            ("sma(close, 0)", 11, "sma's window must be a whole number of bars ≥ 1, got 0"),
            ("sma(close, -3)", 11, "sma's window must be a whole number of bars ≥ 1, got -3"),
            ("sma(close, 2.5)", 11, "sma's window must be a whole number of bars ≥ 1, got 2.5"),
            ("sma(close, half)", 11, "sma's window (parameter half) must be a whole number of bars ≥ 1, got 2.5"),
            ("rsi(close, 1)", 11, "rsi's window must be a whole number of bars ≥ 2, got 1"),
            ("lag(close, -1)", 11, "lag's k must be ≥ 0 bars (a negative lag would read a later bar), got -1"),
            ("lag(close, 0.5)", 11, "lag's k must be a whole number of bars, got 0.5"),
            ("sma(close, volume)", 11, "sma's window must be fixed for the run (a number, a parameter, or arithmetic of them), not a series"),
            ("sma(close > 1, 5)", 4, "sma's x must be a number, got true/false"),
            ("macd(close, 12, 26, 9) > 0", 0, "macd has several outputs; pick one: macd(…).line, macd(…).signal, macd(…).hist"),
            ("macd(close, 12, 26, 9).histo", 22, "'.histo' is not an output of macd (did you mean '.hist'?); its outputs are .line, .signal, .hist"),
            ("macd(close, 26, 12, 9).hist", 0, "macd needs fast < slow, got 26 and 12"),
            ("sma(close, 5).upper", 13, "sma has a single output; '.upper' selects nothing"),
            ("close.upper", 5, "'.upper' selects an output of a function with several (macd, bollinger, donchian)"),
            ("close(1)", 0, "close is a field, not a function (an earlier value is lag(close, k))"),
            ("fast(1)", 0, "fast is a value, not a function"),
            ("sma > 1", 0, "sma is a function: write sma(x, window)"),
            ("where(close > 1, close, close > 2)", 24, "where's b must be a number like the argument before, got true/false"),
            ("hold", 0, "'hold' keeps the current position and belongs to a target: expression"),
            ("bollinger(close, 20, 0).upper", 0, "bollinger needs k > 0, got 0"),
        ]
        for (text, offset, reason) in cases {
            #expect(checkError(text) == ExpressionError(at: offset, reason), "\(text)")
        }
    }

    @Test func fixedArithmeticStaysFixed() throws {
        let c = ExpressionChecker(parameters: ["slow": 50])
        let (t, type) = try c.check(try ExpressionParser.parse("sma(close, slow * 2 - 10)"))
        #expect(type == .number)
        guard case let .call(_, _, _, fixed) = t else { Issue.record("not a call"); return }
        #expect(fixed[0].number.value(["slow": 50]) == 90)
        #expect(checkError("sma(close, slow - 60)", parameters: ["slow": 50])?.reason == "sma's window must be a whole number of bars ≥ 1, got -10")
    }

    @Test func caretRendering() {
        let e = ExpressionError(at: 4, "unknown function 'rsii' (did you mean 'rsi'?)")
        #expect(e.render(source: "x > rsii(close,\n 14)") == "  x > rsii(close,  14)\n      ^")
    }

    /// 10 000 random strings over the language's alphabet: the parser and the checker return or
    /// throw, never crash or hang.
    @Test func randomStringsNeverCrashTheParser() {
        var rng = SeededRNG(seed: 13)
        let alphabet =
            Array("abcdeflmnorstwx_0123456789.,()+-*/^<>=! \t\n&|")
            + ["sma", "close", "lag", "and", "not", "macd", ".hist", "1e9", "1e400"].flatMap { Array($0) }
        let words = ["sma(", "close", "lag(", " and ", " or ", "not ", "macd(close,12,26,9)", ".hist", "1e9", ")", ",", "cross_above(", "where("]
        var parsed = 0
        for _ in 0..<10_000 {
            var s = ""
            for _ in 0..<rng.nextInt(below: 40) {
                if rng.nextInt(below: 3) == 0 { s += words[rng.nextInt(below: words.count)] } else { s.append(alphabet[rng.nextInt(below: alphabet.count)]) }
            }
            if let e = try? ExpressionParser.parse(s) {
                parsed += 1
                _ = try? ExpressionChecker(parameters: ["x": 1]).check(e)
            }
        }
        #expect(parsed > 0)
    }
}
