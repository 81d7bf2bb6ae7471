import Foundation
import LabCore

/// The two types of value in the strategy language. A value is either fixed for the whole run (a
/// literal, a parameter, arithmetic of them) or a series with one value per bar; numbers and
/// true/false never mix (`and` of numbers and `+` of comparisons are type errors).
public enum ValueType: String, Sendable, Equatable, Hashable {
    /// A real number (a price, a return, an indicator value); NaN where it is missing.
    case number
    /// True or false (a comparison, a cross, `and`/`or`/`not`).
    case boolean

    /// How messages name the type.
    public var phrase: String { self == .number ? "a number" : "true/false" }
}

/// One evaluated value: a series of numbers or of true/false values (one per bar), or one number
/// or one truth value for every bar.
public enum Column: Sendable, Equatable {
    /// A number per bar (NaN where missing or in the warm-up).
    case numbers([Double])
    /// A truth value per bar (false where any input is missing or in the warm-up).
    case booleans([Bool])
    /// One number for every bar.
    case number(Double)
    /// One truth value for every bar.
    case boolean(Bool)

    /// The numbers, `count` long (a fixed number repeated; true/false as 1/0).
    public func numbers(count: Int) -> [Double] {
        switch self {
        case let .numbers(v): v
        case let .number(v): [Double](repeating: v, count: count)
        case let .booleans(b): b.map { $0 ? 1 : 0 }
        case let .boolean(b): [Double](repeating: b ? 1 : 0, count: count)
        }
    }

    /// The truth values, `count` long (a fixed value repeated; a number is true when non-zero and not NaN).
    public func booleans(count: Int) -> [Bool] {
        switch self {
        case let .booleans(b): b
        case let .boolean(b): [Bool](repeating: b, count: count)
        case let .numbers(v): v.map { $0 != 0 && !$0.isNaN }
        case let .number(v): [Bool](repeating: v != 0 && !v.isNaN, count: count)
        }
    }
}

/// A function of the strategy language: its name, its arguments, what it returns, its warm-up and
/// its kernel. The built-ins are in ``ExpressionFunctions``; a Swift user adds one with
/// ``ExpressionFunctions/register(_:)`` before a scenario is read, and it is checked, planned and
/// shared between sweep combinations like every other.
///
/// Kernels must be causal: the value at bar t may read inputs at bars 0…t only (the language's
/// no-look-ahead guarantee rests on it; the property test of the language checks the built-ins).
public struct ExpressionFunction: Sendable {
    /// One argument.
    public enum Argument: Sendable, Equatable, Hashable {
        /// A value of the type (a series, or a fixed value repeated on every bar); nil: either type
        /// (the result then has the first such argument's type).
        case value(ValueType?, name: String)
        /// A window length in bars: a whole number ≥ `minimum` (1 unless given), fixed for the run
        /// (a literal, a parameter or arithmetic of them).
        case window(name: String, minimum: Int = 1)
        /// A count of bars ≥ 0, fixed for the run (`lag`).
        case bars(name: String)
        /// A number fixed for the run (Bollinger's `k`).
        case constant(name: String)

        /// The name the signature shows.
        public var name: String {
            switch self {
            case let .value(_, name), let .window(name, _), let .bars(name), let .constant(name): name
            }
        }

        /// Whether the argument is fixed for the run (a window, a count or a constant).
        public var isFixed: Bool {
            if case .value = self { return false }
            return true
        }
    }

    /// What a kernel is given: the bars, the series arguments (in order), the fixed arguments'
    /// values (in order: windows and counts as whole numbers).
    public struct Inputs {
        /// The bars the strategy runs on (fields, sessions, timestamps).
        public let bars: BarSeries
        /// The value arguments, in the order of the signature.
        public let values: [Column]
        /// The fixed arguments, in the order of the signature.
        public let fixed: [Double]

        /// Bars in the series.
        public var count: Int { bars.count }

        /// The fixed argument `k` as a whole number (windows and counts are checked to be whole).
        public func whole(_ k: Int) -> Int { Int(fixed[k]) }

        /// Value argument `k` as numbers.
        public func numbers(_ k: Int) -> [Double] { values[k].numbers(count: count) }

        /// Value argument `k` as truth values.
        public func booleans(_ k: Int) -> [Bool] { values[k].booleans(count: count) }

        /// Inputs for a kernel (tests and user kernels).
        public init(bars: BarSeries, values: [Column], fixed: [Double]) {
            self.bars = bars
            self.values = values
            self.fixed = fixed
        }
    }

    /// Name as written in expressions (`sma`).
    public let name: String
    /// One line: what it computes, its units and its source.
    public let summary: String
    /// The arguments, in order.
    public let arguments: [ExpressionFunction.Argument]
    /// Defaults of trailing fixed arguments that may be left out (`delta(x)` is `delta(x, 1)`).
    public let defaults: [Double]
    /// Names of the outputs for a function with several (`macd`: line, signal, hist), selected with
    /// `.name`; empty for a function with one output.
    public let outputs: [String]
    /// The type of the result; nil: the type of the first value argument.
    public let result: ValueType?
    /// Leading bars without a defined value, on clean input: from the warm-ups of the value
    /// arguments (in order) and the fixed arguments' values (in order), for each output.
    public let warmUp: @Sendable (_ values: [Int], _ fixed: [Double]) -> [Int]
    /// A relation the fixed arguments must satisfy beyond their own ranges (MACD's fast < slow):
    /// the reason they do not, or nil.
    public let check: @Sendable (_ fixed: [Double]) -> String?
    /// The outputs over the whole series (one column per output, `inputs.count` long).
    public let evaluate: @Sendable (_ inputs: Inputs) -> [Column]

    /// A function; `warmUp` returns one count per output (one for a single output).
    public init(
        _ name: String, summary: String, arguments: [ExpressionFunction.Argument], defaults: [Double] = [], outputs: [String] = [],
        result: ValueType?, warmUp: @escaping @Sendable (_ values: [Int], _ fixed: [Double]) -> [Int],
        check: @escaping @Sendable (_ fixed: [Double]) -> String? = { _ in nil },
        evaluate: @escaping @Sendable (_ inputs: Inputs) -> [Column]
    ) {
        self.name = name
        self.summary = summary
        self.arguments = arguments
        self.defaults = defaults
        self.outputs = outputs
        self.result = result
        self.warmUp = warmUp
        self.check = check
        self.evaluate = evaluate
    }

    /// The signature as the docs and messages write it: `sma(x, window)`.
    public var signature: String {
        let required = arguments.count - defaults.count
        let args = arguments.enumerated().map { k, a in k < required ? a.name : "\(a.name) = \(fmt(defaults[k - required]))" }
        return "\(name)(\(args.joined(separator: ", ")))" + (outputs.isEmpty ? "" : ".{\(outputs.joined(separator: ", "))}")
    }
}

/// The functions expressions may call: the built-ins (``ExpressionFunctions/builtIn``) and those a
/// Swift user registers.
public enum ExpressionFunctions {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var table: [String: ExpressionFunction] = Dictionary(
        uniqueKeysWithValues: builtIn.map { ($0.name, $0) })

    /// The function named `name`, if any.
    public static func named(_ name: String) -> ExpressionFunction? {
        lock.lock()
        defer { lock.unlock() }
        return table[name]
    }

    /// The names of the functions a Swift user registered (not built in), sorted.
    public static var registeredNames: [String] {
        let builtInNames = Set(builtIn.map(\.name))
        return names.filter { !builtInNames.contains($0) }
    }

    /// Every function's name, sorted.
    public static var names: [String] {
        lock.lock()
        defer { lock.unlock() }
        return table.keys.sorted()
    }

    /// Adds `function`.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` when the name is taken
    ///   (by a function, a field or a word of the language), not a snake_case word, or the defaults
    ///   do not fit the arguments.
    public static func register(_ function: ExpressionFunction) throws {
        let name = function.name
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isLowercase,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "_") })
        else {
            throw LabSignalsError.invalidParameter(owner: "expression function", field: "name", reason: "expected a snake_case word, got \"\(name)\"")
        }
        guard function.defaults.count <= function.arguments.count,
            function.arguments.suffix(function.defaults.count).allSatisfy(\.isFixed)
        else {
            throw LabSignalsError.invalidParameter(
                owner: "expression function", field: "defaults", reason: "\(name): defaults must belong to trailing fixed arguments")
        }
        let crossSectional = CrossSectionalFunctions.named(name) != nil
        lock.lock()
        defer { lock.unlock() }
        guard table[name] == nil, !crossSectional, PriceField(rawValue: name) == nil, !ExpressionChecker.reservedWords.contains(name) else {
            throw LabSignalsError.invalidParameter(owner: "expression function", field: "name", reason: "\"\(name)\" is taken")
        }
        table[name] = function
    }
}

/// The bar fields an expression reads by name.
public enum PriceField: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Opening price of the bar.
    case open
    /// Highest price of the bar.
    case high
    /// Lowest price of the bar.
    case low
    /// Closing price of the bar.
    case close
    /// Volume traded in the bar (units).
    case volume
    /// Simple return of the close, `close / close[1 bar ago] − 1` (NaN at bar 0).
    case returns
    /// Log return of the close, `ln(close / close[1 bar ago])` (NaN at bar 0).
    case log_returns
    /// Typical price `(high + low + close) / 3`.
    case typical

    /// Leading bars without a value: 1 for the returns, 0 otherwise.
    public var warmUp: Int { self == .returns || self == .log_returns ? 1 : 0 }

    /// The column over `bars`.
    public func column(_ bars: BarSeries) -> [Double] {
        switch self {
        case .open: return bars.open
        case .high: return bars.high
        case .low: return bars.low
        case .close: return bars.close
        case .volume: return bars.volume
        case .returns:
            let c = bars.close
            return (0..<c.count).map { (i: Int) -> Double in i == 0 ? Double.nan : c[i] / c[i - 1] - 1 }
        case .log_returns: return Indicators.map(bars.close) { Indicators.logReturns($0, into: $1) }
        case .typical:
            let h = bars.high, l = bars.low, c = bars.close
            return (0..<bars.count).map { (i: Int) -> Double in (h[i] + l[i] + c[i]) / 3 }
        }
    }
}
