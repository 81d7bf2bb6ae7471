import LabCore

/// The four rules of an expression strategy, each a true/false expression read at the close of
/// every bar.
public enum RuleKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// Go long (from flat, or reversing a short).
    case enter_long
    /// Close a long.
    case exit_long
    /// Go short (from flat, or reversing a long).
    case enter_short
    /// Close a short.
    case exit_short

    /// The position the rule leads to.
    public var direction: TargetDirection {
        switch self {
        case .enter_long: .long
        case .enter_short: .short
        case .exit_long, .exit_short: .flat
        }
    }
}

/// What an entry rule that fires while its position is already held does.
public enum Reentry: String, Sendable, Equatable, CaseIterable, Codable {
    /// Nothing: the position is kept (the default).
    case hold
    /// Close the position and open a new one at the next fill, as backtesting.py's
    /// `position.close(); self.buy()` does and the built-in crossing strategies do on a repeated cross.
    case reopen
}

/// A strategy written in the strategy language: declared parameters, named sub-expressions
/// (`let`), rules and an optional confidence — parsed and type-checked when it is made, before any
/// data is read. ``RuleStrategy`` runs it under a parameter set.
///
/// Names a strategy may use, in the order they are looked up: `true`/`false`, the bar fields, the
/// `let` names defined above the expression, the parameters, then the functions.
public struct StrategyProgram: Sendable, Equatable {
    /// One expression as written, with the key that holds it (`rules.enter_long`, `let.trend`,
    /// `confidence`).
    public struct Source: Sendable, Equatable {
        /// Key path below `strategy`, e.g. `rules.enter_long`.
        public var key: String
        /// The expression's text.
        public var text: String

        /// A source.
        public init(key: String, text: String) {
            self.key = key
            self.text = text
        }
    }

    /// A declared parameter and its value (the default a sweep overrides).
    public struct Parameter: Sendable, Equatable {
        /// Name, as expressions and sweep grids write it.
        public var name: String
        /// Declared value.
        public var value: Double

        /// A parameter.
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// Why a program was refused: the key that holds the mistake, and, inside an expression, the
    /// place (render it with ``ExpressionError/render(source:)`` on `text`).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Key path below `strategy` (`rules.enter_long`, `params.fast`, `rules`).
        public var key: String
        /// The expression's text, when the mistake is in one.
        public var text: String?
        /// The mistake; its offset points into `text` (0 without one).
        public var error: ExpressionError

        /// `key: reason`.
        public var description: String { "\(key): \(error.reason)" }
    }

    /// Parameters in declaration order.
    public let parameters: [Parameter]
    /// Named sub-expressions in definition order (each may use those above it).
    public let lets: [(name: String, source: Source)]
    /// The rules given (at least one entry), or none with a target.
    public let rules: [RuleKind: Source]
    /// The wanted position per bar as a fraction of equity (clipped to [−1, 1]; `hold` or NaN
    /// keeps the current one), instead of rules.
    public let target: Source?
    /// The entry confidence, a number clipped to [0, 1]; nil: every signal carries confidence 1.
    public let confidence: Source?
    /// What a repeated entry does.
    public let reentry: Reentry

    /// The checked rules and confidence (the `let`s are inlined).
    let checkedRules: [RuleKind: TypedExpression]
    let checkedTarget: TypedExpression?
    let checkedConfidence: TypedExpression?

    /// Parses and checks a program.
    /// - Throws: ``Failure`` naming the key and, inside an expression, the place: a bad name, an
    ///   unknown function or name (with a did-you-mean), a wrong arity, a type error, a window that is
    ///   not a whole number ≥ its minimum, a negative lag, no entry rule, an exit without its entry.
    public init(
        parameters: [Parameter], lets: [(name: String, source: Source)] = [], rules: [RuleKind: Source] = [:], target: Source? = nil,
        confidence: Source? = nil, reentry: Reentry = .hold
    ) throws(Failure) {
        var seen: Set<String> = []
        for p in parameters {
            try Self.checkName(p.name, key: "params.\(p.name)", seen: seen)
            guard p.value.isFinite else { throw Failure(key: "params.\(p.name)", error: ExpressionError(at: 0, "must be a finite number")) }
            seen.insert(p.name)
        }
        var checker = ExpressionChecker(parameters: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) }))
        for (name, source) in lets {
            try Self.checkName(name, key: source.key, seen: seen)
            if let record = try Self.record(source, with: checker) {
                checker.records[name] = record
            } else {
                checker.lets[name] = try Self.check(source, with: checker)
            }
            seen.insert(name)
        }
        if let target {
            guard rules.isEmpty else { throw Failure(key: target.key, error: ExpressionError(at: 0, "takes target: or rules:, not both")) }
        } else {
            guard rules[.enter_long] != nil || rules[.enter_short] != nil else {
                throw Failure(key: "rules", error: ExpressionError(at: 0, "needs enter_long or enter_short (or both)"))
            }
        }
        for (exit, entry) in [(RuleKind.exit_long, RuleKind.enter_long), (.exit_short, .enter_short)] where rules[exit] != nil && rules[entry] == nil {
            throw Failure(key: rules[exit]!.key, error: ExpressionError(at: 0, "has no position to close without \(entry.rawValue)"))
        }
        var typed: [RuleKind: TypedExpression] = [:]
        for rule in RuleKind.allCases {
            guard let source = rules[rule] else { continue }
            let (t, type) = try Self.check(source, with: checker)
            guard type == .boolean else {
                throw Failure(
                    key: source.key, text: source.text, error: ExpressionError(at: 0, "a rule must be true/false (a comparison, a cross …), got a number"))
            }
            typed[rule] = t
        }
        var typedTarget: TypedExpression?
        if let target {
            var holding = checker
            holding.allowsHold = true
            let (t, type) = try Self.check(target, with: holding)
            guard type == .number else {
                throw Failure(
                    key: target.key, text: target.text,
                    error: ExpressionError(at: 0, "a target must be a number in [−1, 1] (a fraction of equity), got true/false"))
            }
            typedTarget = t
        }
        var typedConfidence: TypedExpression?
        if let confidence {
            let (t, type) = try Self.check(confidence, with: checker)
            guard type == .number else {
                throw Failure(
                    key: confidence.key, text: confidence.text, error: ExpressionError(at: 0, "confidence must be a number in [0, 1], got true/false"))
            }
            typedConfidence = t
        }
        self.parameters = parameters
        self.lets = lets
        self.rules = rules
        self.confidence = confidence
        self.reentry = reentry
        self.target = target
        self.checkedTarget = typedTarget
        self.checkedRules = typed
        self.checkedConfidence = typedConfidence
    }

    /// A `let` bound to a call of a function with several outputs (checked through its first
    /// output), or nil for any other expression.
    static func record(_ source: Source, with checker: ExpressionChecker) throws(Failure) -> (function: String, arguments: [Expression], offset: Int)? {
        do {
            let e = try ExpressionParser.parse(source.text)
            guard case let .call(name, args) = e.kind, let f = ExpressionFunctions.named(name), f.outputs.count > 1 else { return nil }
            _ = try checker.call(name, args, output: f.outputs[0], at: e.offset)
            return (name, args, e.offset)
        } catch {
            throw Failure(key: source.key, text: source.text, error: error)
        }
    }

    static func check(_ source: Source, with checker: ExpressionChecker) throws(Failure) -> (TypedExpression, ValueType) {
        do {
            return try checker.check(try ExpressionParser.parse(source.text))
        } catch {
            throw Failure(key: source.key, text: source.text, error: error)
        }
    }

    static func checkName(_ name: String, key: String, seen: Set<String>) throws(Failure) {
        func fail(_ reason: String) -> Failure { Failure(key: key, error: ExpressionError(at: 0, reason)) }
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_",
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
        else { throw fail("'\(name)' is not a name (letters, digits and _, not starting with a digit)") }
        if ExpressionChecker.reservedWords.contains(name) { throw fail("'\(name)' is a word of the language") }
        if PriceField(rawValue: name) != nil { throw fail("'\(name)' is a bar field") }
        if ExpressionFunctions.named(name) != nil { throw fail("'\(name)' is a function") }
        if seen.contains(name) { throw fail("'\(name)' is defined twice") }
    }

    /// The expressions by key and the re-entry rule, as reports echo them.
    public var echo: [String: String] {
        var out = ["reentry": reentry.rawValue]
        for (_, source) in lets { out[source.key] = source.text }
        for source in rules.values { out[source.key] = source.text }
        if let target { out[target.key] = target.text }
        if let confidence { out[confidence.key] = confidence.text }
        return out
    }

    public static func == (a: StrategyProgram, b: StrategyProgram) -> Bool {
        a.parameters == b.parameters && a.lets.map(\.name) == b.lets.map(\.name) && a.lets.map(\.source) == b.lets.map(\.source)
            && a.rules == b.rules && a.target == b.target && a.confidence == b.confidence && a.reentry == b.reentry
    }
}
