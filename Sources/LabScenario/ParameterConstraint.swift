import Foundation
import LabCore

/// `sweep.constraint`: a boolean expression over a sweep's parameters (`fast < slow`,
/// `slow >= 2 * fast and fast != 7`), checked before any data is read; combinations it rejects
/// are left out of the sweep and counted in the report.
///
/// Grammar (lowest precedence first): `or`, `and`, `not`, comparisons (`<`, `<=`, `>`, `>=`,
/// `==`, `!=`; not chained), `+ -`, `* /`, unary `-`, then numbers, parameter names, `true`,
/// `false` and parentheses. Numbers and names are numeric; `and`, `or`, `not` take booleans, and
/// the whole expression must be boolean. A parameter whose value is not a number (`allow_short:
/// true`) compares as 1 for true and 0 for false.
public struct ParameterConstraint: Sendable, CustomStringConvertible {
    indirect enum Node: Sendable {
        case number(Double)
        case boolean(Bool)
        case name(String)
        case negate(Node)
        case not(Node)
        case binary(String, Node, Node)
    }

    /// The expression as written.
    public let text: String
    let root: Node

    public var description: String { text }

    /// Parses `text`; every name must be one of `parameters`.
    /// - Throws: a one-line reason (``ScenarioError``'s caller adds the file and key).
    public init(_ text: String, parameters: Set<String>) throws {
        var parser = Parser(tokens: try Self.tokens(text))
        let root = try parser.or()
        guard parser.position == parser.tokens.count else { throw Failure("unexpected \"\(parser.tokens[parser.position])\"") }
        func check(_ node: Node) throws -> Bool {  // true: boolean
            switch node {
            case .number: return false
            case .boolean: return true
            case let .name(n):
                guard parameters.contains(n) else {
                    let hint = NameSuggestion.closest(to: n, in: Array(parameters)).map { " (did you mean \"\($0)\"?)" } ?? ""
                    throw Failure("unknown parameter \"\(n)\"\(hint); parameters: \(parameters.sorted().joined(separator: ", "))")
                }
                return false
            case let .negate(x):
                if try check(x) { throw Failure("- needs a number") }
                return false
            case let .not(x):
                if !(try check(x)) { throw Failure("not needs a boolean") }
                return true
            case let .binary(op, a, b):
                let (x, y) = (try check(a), try check(b))
                switch op {
                case "and", "or":
                    guard x && y else { throw Failure("\(op) needs booleans on both sides") }
                    return true
                case "<", "<=", ">", ">=", "==", "!=":
                    guard !x && !y else { throw Failure("\(op) compares numbers") }
                    return true
                default:
                    guard !x && !y else { throw Failure("\(op) needs numbers") }
                    return false
                }
            }
        }
        guard try check(root) else { throw Failure("\"\(text)\" is not a boolean expression (e.g. fast < slow)") }
        self.text = text
        self.root = root
    }

    /// Whether the parameter set `values` (name → text) satisfies the constraint.
    public func accepts(_ values: [String: String]) -> Bool {
        func number(_ text: String?) -> Double {
            guard let t = text?.trimmingCharacters(in: .whitespaces) else { return .nan }
            if let v = Double(t) { return v }
            switch t.lowercased() {
            case "true", "yes": return 1
            case "false", "no": return 0
            default: return .nan
            }
        }
        func value(_ n: Node) -> Double {
            switch n {
            case let .number(v): return v
            case let .boolean(b): return b ? 1 : 0
            case let .name(s): return number(values[s])
            case let .negate(x): return -value(x)
            case let .not(x): return value(x) != 0 ? 0 : 1
            case let .binary(op, a, b):
                let x = value(a), y = value(b)
                switch op {
                case "+": return x + y
                case "-": return x - y
                case "*": return x * y
                case "/": return x / y
                case "<": return x < y ? 1 : 0
                case "<=": return x <= y ? 1 : 0
                case ">": return x > y ? 1 : 0
                case ">=": return x >= y ? 1 : 0
                case "==": return x == y ? 1 : 0
                case "!=": return x != y ? 1 : 0
                case "and": return x != 0 && y != 0 ? 1 : 0
                default: return x != 0 || y != 0 ? 1 : 0
                }
            }
        }
        return value(root) == 1
    }

    /// A parse or type error's reason.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func tokens(_ text: String) throws -> [String] {
        var out: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count
                    && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E"
                        || ((chars[j] == "-" || chars[j] == "+") && j > i && (chars[j - 1] == "e" || chars[j - 1] == "E")))
                { j += 1 }
                out.append(String(chars[i..<j]))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                out.append(String(chars[i..<j]))
                i = j
            } else if "<>=!".contains(c) && i + 1 < chars.count && chars[i + 1] == "=" {
                out.append(String(chars[i...i + 1]))
                i += 2
            } else if "<>+-*/()".contains(c) {
                out.append(String(c))
                i += 1
            } else if c == "&" || c == "|" {
                throw Failure("write and / or, not \(c)\(c)")
            } else {
                throw Failure("unexpected character \"\(c)\"")
            }
        }
        guard !out.isEmpty else { throw Failure("the constraint is empty") }
        return out
    }

    struct Parser {
        let tokens: [String]
        var position = 0
        var peek: String? { position < tokens.count ? tokens[position] : nil }
        mutating func take() -> String? {
            defer { position += 1 }
            return peek
        }

        mutating func or() throws -> Node {
            var left = try and()
            while peek == "or" { _ = take(); left = .binary("or", left, try and()) }
            return left
        }
        mutating func and() throws -> Node {
            var left = try not()
            while peek == "and" { _ = take(); left = .binary("and", left, try not()) }
            return left
        }
        mutating func not() throws -> Node {
            if peek == "not" { _ = take(); return .not(try not()) }
            return try comparison()
        }
        mutating func comparison() throws -> Node {
            let left = try sum()
            if let op = peek, ["<", "<=", ">", ">=", "==", "!="].contains(op) {
                _ = take()
                let right = try sum()
                if let again = peek, ["<", "<=", ">", ">=", "==", "!="].contains(again) {
                    throw Failure("comparisons do not chain (write a < b and b < c)")
                }
                return .binary(op, left, right)
            }
            return left
        }
        mutating func sum() throws -> Node {
            var left = try product()
            while let op = peek, op == "+" || op == "-" { _ = take(); left = .binary(op, left, try product()) }
            return left
        }
        mutating func product() throws -> Node {
            var left = try unary()
            while let op = peek, op == "*" || op == "/" { _ = take(); left = .binary(op, left, try unary()) }
            return left
        }
        mutating func unary() throws -> Node {
            if peek == "-" { _ = take(); return .negate(try unary()) }
            return try atom()
        }
        mutating func atom() throws -> Node {
            guard let t = take() else { throw Failure("the expression ends too early") }
            if t == "(" {
                let inner = try or()
                guard take() == ")" else { throw Failure("missing )") }
                return inner
            }
            if let v = Double(t) { return .number(v) }
            if t == "true" || t == "false" { return .boolean(t == "true") }
            if ["and", "or", "not"].contains(t) || !(t.first!.isLetter || t.first == "_") { throw Failure("unexpected \"\(t)\"") }
            return .name(t)
        }
    }
}
