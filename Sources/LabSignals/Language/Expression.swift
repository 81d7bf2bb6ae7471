/// An expression of the strategy language as written: a tree of literals, names, calls, member
/// selections (`macd(close, 12, 26, 9).hist`) and operators, each node with its place in the
/// source text.
///
/// Places are offsets in Unicode scalars from the start of the expression's text, so that an error
/// can point a caret at the character (see ``ExpressionError``). The tree says nothing about types
/// or meaning yet: ``ExpressionChecker`` resolves names, arities and types.
public struct Expression: Sendable, Equatable {
    /// What the node is.
    public indirect enum Kind: Sendable, Equatable {
        /// A number literal (`14`, `0.5`, `1e-3`).
        case number(Double)
        /// A bare name: a field (`close`), a parameter, a `let` name, `true`/`false`, or a function
        /// that takes no argument (`vwap`).
        case name(String)
        /// A function applied to arguments, `sma(close, 20)`.
        case call(String, [Expression])
        /// One output of a function with several, `bollinger(close, 20, 2).upper`.
        case member(Expression, String)
        /// A prefix operator.
        case unary(UnaryOperator, Expression)
        /// An infix operator.
        case binary(BinaryOperator, Expression, Expression)
    }

    /// The node.
    public var kind: Kind
    /// Where it starts in the source text (Unicode scalars from the start).
    public var offset: Int

    /// Where the node's text begins: `offset`, or for an infix operator and a member selection, the
    /// start of their left operand (where an error about the whole node should point).
    public var start: Int {
        switch kind {
        case let .binary(_, a, _): a.start
        case let .member(base, _): base.start
        default: offset
        }
    }

    /// A node at `offset` (an infix operator's node sits at the operator, a member's at its dot).
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}

/// The prefix operators: `-x` and `not c`.
public enum UnaryOperator: String, Sendable, Equatable, CaseIterable {
    /// Arithmetic negation of a number.
    case negate = "-"
    /// Logical negation of a true/false value.
    case not
}

/// The infix operators, from the loosest binding to the tightest:
/// `or` < `and` < comparisons (not chained) < `+ −` < `* /` < `^` (right-associative, and tighter
/// than a prefix minus: `-x^2` is `-(x^2)`, as in Python).
public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    /// Logical or of two true/false values.
    case or
    /// Logical and of two true/false values.
    case and
    /// Less than (false when either side is missing, as every comparison).
    case less = "<"
    /// Less than or equal.
    case lessOrEqual = "<="
    /// Greater than.
    case greater = ">"
    /// Greater than or equal.
    case greaterOrEqual = ">="
    /// Equal (exactly, as doubles).
    case equal = "=="
    /// Not equal (true when either side is missing).
    case notEqual = "!="
    /// Sum.
    case add = "+"
    /// Difference.
    case subtract = "-"
    /// Product.
    case multiply = "*"
    /// Quotient (IEEE: x/0 is ±∞ or NaN).
    case divide = "/"
    /// Power, `pow(x, y)`.
    case power = "^"

    /// Binding strength: a larger number binds tighter.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide: 6
        case .power: 8
        }
    }

    /// Whether the operator compares two numbers (giving true/false).
    public var isComparison: Bool { precedence == 4 }
    /// Whether the operator combines two true/false values.
    public var isLogical: Bool { self == .and || self == .or }
}

extension Expression: CustomStringConvertible {
    /// The expression written back, fully parenthesised (what tests and messages compare).
    public var description: String {
        switch kind {
        case let .number(v): return fmt(v)
        case let .name(n): return n
        case let .call(f, args): return "\(f)(\(args.map(\.description).joined(separator: ", ")))"
        case let .member(base, m): return "\(base).\(m)"
        case let .unary(.negate, x): return "(-\(x))"
        case let .unary(.not, x): return "(not \(x))"
        case let .binary(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        }
    }
}

/// A mistake in an expression, at a place in its text: what the parser and the checker throw.
/// ``render(source:)`` gives the message with the expression and a caret under the place.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the expression's text (Unicode scalars from its start).
    public var offset: Int
    /// What is wrong, one line.
    public var reason: String

    /// An error at `offset`.
    public init(at offset: Int, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// The reason alone.
    public var description: String { reason }

    /// Two lines to print under the one-line message: the expression (on one line) and a caret
    /// under the offending character, both indented by two spaces.
    public func render(source: String) -> String {
        // One character per column: control characters (line breaks, tabs, escapes) become spaces.
        let flat = String(String.UnicodeScalarView(source.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let column = min(max(0, offset), flat.unicodeScalars.count)
        return "  \(flat)\n  \(String(repeating: " ", count: column))^"
    }
}
