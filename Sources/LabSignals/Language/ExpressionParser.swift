/// Reads the text of one expression into an ``Expression`` tree (a precedence-climbing parser over
/// a hand-written tokenizer), or throws an ``ExpressionError`` at the first mistake.
///
/// Grammar (precedence from loosest to tightest, see ``BinaryOperator``):
/// ```
/// expression := or
/// or         := and ("or" and)*
/// and        := not ("and" not)*
/// not        := "not" not | comparison
/// comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
/// sum        := product (("+" | "-") product)*
/// product    := unary (("*" | "/") unary)*
/// unary      := "-" unary | power
/// power      := postfix ("^" unary)?
/// postfix    := primary ("." name)*
/// primary    := number | name | name "(" (expression ("," expression)*)? ")" | "(" expression ")"
/// ```
/// Names are `[A-Za-z_][A-Za-z0-9_]*`; numbers start with a digit (`0.5`, `1e-3`). Limits, so that
/// no input can exhaust the stack or the time: at most ``maximumLength`` characters and
/// ``maximumDepth`` nested sub-expressions.
public enum ExpressionParser {
    /// The longest expression text accepted, in Unicode scalars.
    public static let maximumLength = 10_000
    /// The deepest nesting of sub-expressions accepted.
    public static let maximumDepth = 64

    /// The tree of `text`.
    /// - Throws: ``ExpressionError`` at the first mistake (unbalanced parentheses, a trailing
    ///   operator, an unexpected character …).
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maximumLength else {
            throw ExpressionError(at: 0, "the expression is \(scalars.count) characters long; at most \(maximumLength) are accepted")
        }
        var parser = Parser(tokens: try tokenize(scalars), end: scalars.count)
        guard parser.peek.kind != .end else { throw ExpressionError(at: 0, "the expression is empty") }
        let e = try parser.expression()
        guard parser.peek.kind == .end else {
            let t = parser.peek
            if t.kind == .symbol(")") { throw ExpressionError(at: t.offset, "unbalanced parentheses: this ')' closes nothing") }
            throw ExpressionError(at: t.offset, "unexpected \(t.described) after a complete expression (a missing operator?)")
        }
        return e
    }

    // MARK: Tokens

    struct Token: Equatable {
        enum Kind: Equatable {
            case number(Double)
            case name(String)
            case symbol(String)
            case end
        }
        var kind: Kind
        var offset: Int

        var described: String {
            switch kind {
            case let .number(v): "number \(v)"
            case let .name(n): "'\(n)'"
            case let .symbol(s): "'\(s)'"
            case .end: "end of expression"
            }
        }
    }

    static func tokenize(_ s: [Unicode.Scalar]) throws(ExpressionError) -> [Token] {
        var out: [Token] = []
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || c == "_") }
        func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            let start = i
            if isDigit(c) {
                while i < s.count && isDigit(s[i]) { i += 1 }
                if i < s.count && s[i] == "." && i + 1 < s.count && isDigit(s[i + 1]) {
                    i += 1
                    while i < s.count && isDigit(s[i]) { i += 1 }
                }
                if i < s.count && (s[i] == "e" || s[i] == "E") {
                    var j = i + 1
                    if j < s.count && (s[j] == "+" || s[j] == "-") { j += 1 }
                    if j < s.count && isDigit(s[j]) {
                        i = j
                        while i < s.count && isDigit(s[i]) { i += 1 }
                    }
                }
                if i < s.count && isNameStart(s[i]) {
                    throw ExpressionError(at: i, "a number runs into a name here (write an operator between them)")
                }
                let text = String(String.UnicodeScalarView(s[start..<i]))
                guard let v = Double(text), v.isFinite else { throw ExpressionError(at: start, "the number \(text) is too large") }
                out.append(Token(kind: .number(v), offset: start))
                continue
            }
            if isNameStart(c) {
                while i < s.count && isNameChar(s[i]) { i += 1 }
                out.append(Token(kind: .name(String(String.UnicodeScalarView(s[start..<i]))), offset: start))
                continue
            }
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            switch c {
            case "<", ">", "!", "=":
                if next == "=" {
                    out.append(Token(kind: .symbol(String(c) + "="), offset: start))
                    i += 2
                    continue
                }
                if c == "=" { throw ExpressionError(at: start, "'=' is not an operator: write == to compare") }
                if c == "!" { throw ExpressionError(at: start, "'!' is not an operator: write != to compare, or not for negation") }
                out.append(Token(kind: .symbol(String(c)), offset: start))
            case "+", "-", "*", "/", "^", "(", ")", ",":
                out.append(Token(kind: .symbol(String(c)), offset: start))
            case ".":
                if let next, isDigit(next) {
                    throw ExpressionError(at: start, "a number starts with a digit: write 0\(String(next))… instead of .\(String(next))…")
                }
                out.append(Token(kind: .symbol("."), offset: start))
            case "&", "|":
                throw ExpressionError(at: start, "'\(c)' is not an operator: write \(c == "&" ? "and" : "or")")
            default:
                throw ExpressionError(at: start, "unexpected character '\(c.escaped(asASCII: true))'")
            }
            i += 1
        }
        out.append(Token(kind: .end, offset: s.count))
        return out
    }

    // MARK: Parser

    struct Parser {
        let tokens: [Token]
        let end: Int
        var position = 0
        var depth = 0

        init(tokens: [Token], end: Int) {
            self.tokens = tokens
            self.end = end
        }

        var peek: Token { tokens[position] }

        mutating func advance() -> Token {
            let t = tokens[position]
            if position < tokens.count - 1 { position += 1 }
            return t
        }

        func isSymbol(_ s: String) -> Bool { peek.kind == .symbol(s) }
        func isWord(_ w: String) -> Bool { peek.kind == .name(w) }

        mutating func nested<T>(_ body: (inout Parser) throws(ExpressionError) -> T) throws(ExpressionError) -> T {
            depth += 1
            defer { depth -= 1 }
            guard depth <= ExpressionParser.maximumDepth else {
                throw ExpressionError(at: peek.offset, "the expression nests deeper than \(ExpressionParser.maximumDepth) levels")
            }
            return try body(&self)
        }

        mutating func expression() throws(ExpressionError) -> Expression { try nested { p throws(ExpressionError) in try p.logical(.or) } }

        /// `or` and `and` chains (left-associative).
        mutating func logical(_ op: BinaryOperator) throws(ExpressionError) -> Expression {
            var left = op == .or ? try logical(.and) : try negation()
            while isWord(op.rawValue) {
                let t = advance()
                let right = op == .or ? try logical(.and) : try negation()
                left = Expression(.binary(op, left, right), at: t.offset)
            }
            return left
        }

        mutating func negation() throws(ExpressionError) -> Expression {
            guard isWord("not") else { return try comparison() }
            let t = advance()
            let operand = try nested { p throws(ExpressionError) in try p.negation() }
            return Expression(.unary(.not, operand), at: t.offset)
        }

        mutating func comparison() throws(ExpressionError) -> Expression {
            let left = try sum()
            guard case let .symbol(s) = peek.kind, let op = BinaryOperator(rawValue: s), op.isComparison else { return left }
            let t = advance()
            let right = try sum()
            if case let .symbol(s2) = peek.kind, let op2 = BinaryOperator(rawValue: s2), op2.isComparison {
                throw ExpressionError(at: peek.offset, "comparisons do not chain: write (a \(s) b) and (b \(s2) c)")
            }
            return Expression(.binary(op, left, right), at: t.offset)
        }

        mutating func sum() throws(ExpressionError) -> Expression {
            var left = try product()
            while isSymbol("+") || isSymbol("-") {
                let t = advance()
                let right = try product()
                left = Expression(.binary(t.kind == .symbol("+") ? .add : .subtract, left, right), at: t.offset)
            }
            return left
        }

        mutating func product() throws(ExpressionError) -> Expression {
            var left = try unary()
            while isSymbol("*") || isSymbol("/") {
                let t = advance()
                let right = try unary()
                left = Expression(.binary(t.kind == .symbol("*") ? .multiply : .divide, left, right), at: t.offset)
            }
            return left
        }

        mutating func unary() throws(ExpressionError) -> Expression {
            guard isSymbol("-") else { return try power() }
            let t = advance()
            let operand = try nested { p throws(ExpressionError) in try p.unary() }
            return Expression(.unary(.negate, operand), at: t.offset)
        }

        mutating func power() throws(ExpressionError) -> Expression {
            let base = try postfix()
            guard isSymbol("^") else { return base }
            let t = advance()
            let exponent = try nested { p throws(ExpressionError) in try p.unary() }
            return Expression(.binary(.power, base, exponent), at: t.offset)
        }

        mutating func postfix() throws(ExpressionError) -> Expression {
            var e = try primary()
            while isSymbol(".") {
                let dot = advance()
                guard case let .name(member) = peek.kind else {
                    throw ExpressionError(at: peek.offset, "expected the name of an output after '.', got \(peek.described)")
                }
                _ = advance()
                e = Expression(.member(e, member), at: dot.offset)
            }
            return e
        }

        mutating func primary() throws(ExpressionError) -> Expression {
            let t = advance()
            switch t.kind {
            case let .number(v):
                return Expression(.number(v), at: t.offset)
            case let .name(n):
                if ["and", "or", "not"].contains(n) {
                    throw ExpressionError(at: t.offset, "'\(n)' needs a value on its \(n == "not" ? "right" : "left")")
                }
                guard isSymbol("(") else { return Expression(.name(n), at: t.offset) }
                let open = advance()
                var args: [Expression] = []
                if !isSymbol(")") {
                    while true {
                        args.append(try expression())
                        if isSymbol(",") {
                            _ = advance()
                            continue
                        }
                        break
                    }
                }
                guard isSymbol(")") else { throw unclosed(open, got: peek) }
                _ = advance()
                return Expression(.call(n, args), at: t.offset)
            case .symbol("("):
                let e = try expression()
                guard isSymbol(")") else { throw unclosed(t, got: peek) }
                _ = advance()
                return e
            case .end:
                throw ExpressionError(at: t.offset, "the expression ends where a value is expected (a trailing operator?)")
            case let .symbol(s):
                if s == ")" { throw ExpressionError(at: t.offset, "expected a value before ')'") }
                throw ExpressionError(at: t.offset, "expected a value, got '\(s)'")
            }
        }

        func unclosed(_ open: Token, got: Token) -> ExpressionError {
            if got.kind == .end { return ExpressionError(at: open.offset, "unbalanced parentheses: this '(' is never closed") }
            return ExpressionError(at: got.offset, "expected ',' or ')', got \(got.described)")
        }
    }
}
