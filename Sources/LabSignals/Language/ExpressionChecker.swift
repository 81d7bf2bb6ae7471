import Foundation
import LabCore

/// A number fixed for the whole run: a literal, a declared parameter, or arithmetic of them. Windows,
/// lags and constants such as Bollinger's `k` are fixed numbers; their value is known once the
/// parameters are (a sweep gives each combination its own).
public indirect enum FixedNumber: Sendable, Equatable, Hashable {
    /// A number written in the expression.
    case literal(Double)
    /// A parameter of the strategy, by name.
    case parameter(String)
    /// Its negation.
    case negate(FixedNumber)
    /// Arithmetic (`+ − * / ^`) of two fixed numbers.
    case binary(BinaryOperator, FixedNumber, FixedNumber)

    /// The value under the parameters `values` (every parameter it names must be there).
    public func value(_ values: [String: Double]) -> Double {
        switch self {
        case let .literal(v): return v
        case let .parameter(p): return values[p] ?? .nan
        case let .negate(x): return -x.value(values)
        case let .binary(op, a, b):
            let x = a.value(values), y = b.value(values)
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .power: return Foundation.pow(x, y)
            default: preconditionFailure("FixedNumber: \(op) is not arithmetic")
            }
        }
    }
}

/// A fixed argument of a call (a window, a count of bars, a constant), with its place in the text.
public struct FixedArgument: Sendable, Equatable, Hashable {
    /// Its value.
    public var number: FixedNumber
    /// What the argument must be.
    public var kind: ExpressionFunction.Argument
    /// Where it is written (Unicode scalars from the expression's start).
    public var offset: Int

    /// The value under `values`, or the reason it is not acceptable (not finite, not whole, below the
    /// minimum; a negative lag).
    public func resolve(_ values: [String: Double], in function: String) -> Result<Double, ExpressionError> {
        let v = number.value(values)
        let shown = "\(function)'s \(kind.name)\(Self.origin(number, values))"
        guard v.isFinite else { return .failure(ExpressionError(at: offset, "\(shown) is not a finite number")) }
        switch kind {
        case let .window(_, minimum):
            guard v == v.rounded(), v >= Double(minimum), v <= Double(ParameterReader.maximumInteger) else {
                return .failure(ExpressionError(at: offset, "\(shown) must be a whole number of bars ≥ \(minimum), got \(fmt(v))"))
            }
        case .bars:
            guard v >= 0 else {
                return .failure(ExpressionError(at: offset, "\(shown) must be ≥ 0 bars (a negative lag would read a later bar), got \(fmt(v))"))
            }
            guard v == v.rounded(), v <= Double(ParameterReader.maximumInteger) else {
                return .failure(ExpressionError(at: offset, "\(shown) must be a whole number of bars, got \(fmt(v))"))
            }
        case .constant, .value: break
        }
        return .success(v)
    }

    /// ` (parameter slow)` when the argument is a parameter, to say where a bad value comes from.
    static func origin(_ n: FixedNumber, _ values: [String: Double]) -> String {
        if case let .parameter(p) = n { return " (parameter \(p))" }
        return ""
    }
}

/// An expression whose names are resolved and whose types are checked: what the planner compiles.
public indirect enum TypedExpression: Sendable, Equatable, Hashable {
    /// A number fixed for the run.
    case fixed(FixedNumber)
    /// `true` or `false`.
    case truth(Bool)
    /// A bar field.
    case field(PriceField)
    /// A prefix operator.
    case unary(UnaryOperator, TypedExpression)
    /// An infix operator.
    case binary(BinaryOperator, TypedExpression, TypedExpression)
    /// A function's output `output` (0 for a single one) of the value arguments and fixed arguments.
    case call(function: String, output: Int, values: [TypedExpression], fixed: [FixedArgument])
    /// A cross-sectional operator of `value` (``CrossSectionalFunction``), within groups when
    /// `grouped` (`group_rank`), with its count k for `cs_top`/`cs_bottom`.
    case crossSection(function: String, grouped: Bool, value: TypedExpression, count: FixedArgument?)

    /// Whether a cross-sectional operator appears anywhere in the expression.
    public var containsCrossSection: Bool {
        nodes.contains { if case .crossSection = $0 { true } else { false } }
    }

    /// The expression and every sub-expression below it, parents before their operands (what a
    /// question about the whole tree walks).
    public var nodes: [TypedExpression] {
        var out: [TypedExpression] = []
        var stack = [self]
        while let e = stack.popLast() {
            out.append(e)
            switch e {
            case .fixed, .truth, .field: break
            case let .unary(_, x): stack.append(x)
            case let .binary(_, a, b): stack += [b, a]
            case let .call(_, _, values, _): stack += values.reversed()
            case let .crossSection(_, _, x, _): stack.append(x)
            }
        }
        return out
    }
}

/// Resolves names and checks arities and types of an ``Expression``, before any data is read.
///
/// Type rules: arithmetic (`+ − * / ^`, unary `−`) takes numbers and gives a number; comparisons take
/// numbers and give true/false; `and`, `or`, `not` take true/false. A fixed number stands for the
/// same value on every bar wherever a series is expected, but a window, a lag or a constant must be
/// fixed (a literal, a parameter, or arithmetic of them) and in its range — checked here with the
/// declared values, and again for every sweep combination when it is planned.
public struct ExpressionChecker {
    /// Words with a meaning of their own, never names of functions or parameters.
    public static let reservedWords: Set<String> = ["and", "or", "not", "true", "false", "hold"]

    /// The declared parameters and their values (defaults, or a sweep combination's).
    public var parameters: [String: Double]
    /// The `let` names defined so far, with their checked expressions and types.
    public var lets: [String: (TypedExpression, ValueType)] = [:]
    /// Whether `hold` (keep the current position: NaN) may be used — in a target expression.
    public var allowsHold = false
    /// Whether cross-sectional operators (`cs_rank`, `group_rank`, …) may be used — in a
    /// universe portfolio's `weights:` and its `let` names.
    public var allowsCrossSection = false
    /// `let` names bound to a function with several outputs (`band: bollinger(close, 20, 2)`),
    /// read as `band.upper`: the call as written.
    public var records: [String: (function: String, arguments: [Expression], offset: Int)] = [:]

    /// A checker over the declared parameters.
    public init(parameters: [String: Double]) { self.parameters = parameters }

    /// The checked form of `e` and its type.
    public func check(_ e: Expression) throws(ExpressionError) -> (TypedExpression, ValueType) {
        switch e.kind {
        case let .number(v):
            return (.fixed(.literal(v)), .number)
        case let .name(n):
            return try name(n, at: e.offset)
        case let .call(f, args):
            return try call(f, args, output: nil, at: e.offset)
        case let .member(base, member):
            if case let .name(n) = base.kind, let r = records[n] {
                return try call(r.function, r.arguments, output: member, at: r.offset, memberOffset: e.offset)
            }
            guard case let .call(f, args) = base.kind else {
                if case let .name(n) = base.kind, let function = ExpressionFunctions.named(n), function.outputs.contains(member) {
                    return try call(n, [], output: member, at: base.offset, memberOffset: e.offset)
                }
                throw ExpressionError(at: e.offset, "'.\(member)' selects an output of a function with several (macd, bollinger, donchian)")
            }
            return try call(f, args, output: member, at: base.offset, memberOffset: e.offset)
        case let .unary(op, x):
            let (t, type) = try check(x)
            switch op {
            case .negate:
                guard type == .number else { throw ExpressionError(at: e.offset, "'-' needs a number; its operand is true/false") }
                if case let .fixed(n) = t { return (.fixed(.negate(n)), .number) }
                return (.unary(.negate, t), .number)
            case .not:
                guard type == .boolean else {
                    throw ExpressionError(at: e.offset, "'not' needs true/false; its operand is a number (compare it first, e.g. x > 0)")
                }
                return (.unary(.not, t), .boolean)
            }
        case let .binary(op, a, b):
            let (ta, ya) = try check(a), (tb, yb) = try check(b)
            let needed: ValueType = op.isLogical ? .boolean : .number
            for (side, type) in [("left", ya), ("right", yb)] where type != needed {
                let hint = needed == .boolean ? " (compare it first, e.g. x > 0)" : " (use where(condition, a, b) to turn a condition into numbers)"
                throw ExpressionError(
                    at: e.offset,
                    "'\(op.rawValue)' needs \(needed == .boolean ? "true/false" : "numbers") on both sides; its \(side) side is \(type.phrase)\(hint)")
            }
            if !op.isLogical, !op.isComparison, case let .fixed(x) = ta, case let .fixed(y) = tb { return (.fixed(.binary(op, x, y)), .number) }
            return (.binary(op, ta, tb), op.isLogical || op.isComparison ? .boolean : .number)
        }
    }

    /// ` (did you mean 'x'?)` for a close candidate, or nothing; names shorter than three letters
    /// get no suggestion (any short word is "close" to them).
    static func suggestion(for name: String, in candidates: [String], prefix: String = "") -> String {
        guard name.count >= 3, let c = NameSuggestion.closest(to: name, in: candidates) else { return "" }
        return " (did you mean '\(prefix)\(c)'?)"
    }

    func name(_ n: String, at offset: Int) throws(ExpressionError) -> (TypedExpression, ValueType) {
        if n == "true" || n == "false" { return (.truth(n == "true"), .boolean) }
        if let field = PriceField(rawValue: n) { return (.field(field), .number) }
        if let l = lets[n] { return l }
        if let r = records[n], let f = ExpressionFunctions.named(r.function) {
            throw ExpressionError(at: offset, "\(n) has several outputs; pick one: \(f.outputs.map { "\(n).\($0)" }.joined(separator: ", "))")
        }
        if parameters[n] != nil { return (.fixed(.parameter(n)), .number) }
        if let f = ExpressionFunctions.named(n) {
            guard f.arguments.isEmpty else { throw ExpressionError(at: offset, "\(n) is a function: write \(f.signature)") }
            return try call(n, [], output: nil, at: offset)
        }
        if n == "hold" {
            guard allowsHold else { throw ExpressionError(at: offset, "'hold' keeps the current position and belongs to a target: expression") }
            return (.fixed(.literal(.nan)), .number)
        }
        let candidates = PriceField.allCases.map(\.rawValue) + Array(lets.keys) + Array(parameters.keys) + ExpressionFunctions.names + ["true", "false"]
        let hint = Self.suggestion(for: n, in: candidates)
        let declared = ExpressionFunctions.named(n) == nil ? "; a parameter must be declared under params" : ""
        throw ExpressionError(at: offset, "unknown name '\(n)'\(hint)\(hint.isEmpty ? declared : "")")
    }

    func call(
        _ name: String, _ args: [Expression], output member: String?, at offset: Int, memberOffset: Int? = nil
    ) throws(ExpressionError) -> (TypedExpression, ValueType) {
        if let (cs, grouped) = CrossSectionalFunctions.named(name) {
            return try crossSection(cs, grouped: grouped, name: name, args, at: offset, member: member, memberOffset: memberOffset)
        }
        guard let f = ExpressionFunctions.named(name) else {
            if PriceField(rawValue: name) != nil {
                throw ExpressionError(at: offset, "\(name) is a field, not a function (an earlier value is lag(\(name), k))")
            }
            if parameters[name] != nil || lets[name] != nil { throw ExpressionError(at: offset, "\(name) is a value, not a function") }
            let hint = Self.suggestion(for: name, in: ExpressionFunctions.names + (allowsCrossSection ? CrossSectionalFunctions.names : []))
            throw ExpressionError(at: offset, "unknown function '\(name)'\(hint)")
        }
        let required = f.arguments.count - f.defaults.count
        guard args.count >= required, args.count <= f.arguments.count else {
            let expected = f.defaults.isEmpty ? "\(f.arguments.count)" : "\(required) to \(f.arguments.count)"
            let noun = f.arguments.count == 1 && f.defaults.isEmpty ? "argument" : "arguments"
            throw ExpressionError(at: offset, "\(name) takes \(expected) \(noun), \(f.signature), got \(args.count)")
        }
        var output = 0
        if let member {
            guard let k = f.outputs.firstIndex(of: member) else {
                let at = memberOffset ?? offset
                if f.outputs.isEmpty { throw ExpressionError(at: at, "\(name) has a single output; '.\(member)' selects nothing") }
                let hint = Self.suggestion(for: member, in: f.outputs, prefix: ".")
                throw ExpressionError(
                    at: at, "'.\(member)' is not an output of \(name)\(hint); its outputs are \(f.outputs.map { "." + $0 }.joined(separator: ", "))")
            }
            output = k
        } else if !f.outputs.isEmpty {
            throw ExpressionError(at: offset, "\(name) has several outputs; pick one: \(f.outputs.map { "\(name)(…).\($0)" }.joined(separator: ", "))")
        }
        var values: [TypedExpression] = [], fixed: [FixedArgument] = []
        var polymorphic: ValueType?
        var fixedValues: [Double] = []
        for (k, argument) in f.arguments.enumerated() {
            guard k < args.count else {
                let d = f.defaults[k - required]
                fixed.append(FixedArgument(number: .literal(d), kind: argument, offset: offset))
                fixedValues.append(d)
                continue
            }
            let arg = args[k]
            let (t, type) = try check(arg)
            switch argument {
            case let .value(wanted, argName):
                if let wanted, type != wanted {
                    throw ExpressionError(at: arg.start, "\(name)'s \(argName) must be \(wanted.phrase), got \(type.phrase)")
                }
                if wanted == nil {
                    if let p = polymorphic, p != type {
                        throw ExpressionError(at: arg.start, "\(name)'s \(argName) must be \(p.phrase) like the argument before, got \(type.phrase)")
                    }
                    polymorphic = type
                }
                values.append(t)
            case .window, .bars, .constant:
                guard case let .fixed(n) = t else {
                    throw ExpressionError(
                        at: arg.start, "\(name)'s \(argument.name) must be fixed for the run (a number, a parameter, or arithmetic of them), not a series")
                }
                let a = FixedArgument(number: n, kind: argument, offset: arg.start)
                switch a.resolve(parameters, in: name) {
                case let .success(v): fixedValues.append(v)
                case let .failure(error): throw error
                }
                fixed.append(a)
            }
        }
        if let reason = f.check(fixedValues) { throw ExpressionError(at: offset, reason) }
        let result = f.result ?? polymorphic ?? .number
        return (.call(function: name, output: output, values: values, fixed: fixed), result)
    }

    func crossSection(
        _ f: CrossSectionalFunction, grouped: Bool, name: String, _ args: [Expression], at offset: Int, member: String?, memberOffset: Int?
    ) throws(ExpressionError) -> (TypedExpression, ValueType) {
        guard allowsCrossSection else {
            throw ExpressionError(
                at: offset, "\(name) works across the symbols of a universe: it belongs in portfolio.weights (a strategy trades one symbol)")
        }
        if let member { throw ExpressionError(at: memberOffset ?? offset, "\(name) has a single output; '.\(member)' selects nothing") }
        let arity = f.takesCount ? 2 : 1
        let shown = grouped ? "group_\(f.word)(x\(f.takesCount ? ", k" : ""))" : f.signature
        guard args.count == arity else {
            throw ExpressionError(at: offset, "\(name) takes \(arity) argument\(arity == 1 ? "" : "s"), \(shown), got \(args.count)")
        }
        let (x, type) = try check(args[0])
        if let wanted = f.input, type != wanted {
            throw ExpressionError(at: args[0].start, "\(name)'s x must be \(wanted.phrase), got \(type.phrase)")
        }
        var count: FixedArgument?
        if f.takesCount {
            guard case let .fixed(n) = try check(args[1]).0 else {
                throw ExpressionError(at: args[1].start, "\(name)'s k must be fixed for the run (a number, a parameter, or arithmetic of them), not a series")
            }
            let a = FixedArgument(number: n, kind: .window(name: "k"), offset: args[1].start)
            if case let .failure(error) = a.resolve(parameters, in: name) { throw error }
            count = a
        }
        return (.crossSection(function: f.name, grouped: grouped, value: x, count: count), f.result)
    }
}
