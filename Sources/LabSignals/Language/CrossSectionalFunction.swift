import Foundation
import LabCore

/// A cross-sectional operator of the strategy language: at each bar it reads one value per symbol
/// that has a bar then (the cross-section) and gives one value per symbol — `cs_rank(x)` ranks x
/// across the universe. Every operator `cs_name` also exists as `group_name`, which applies it
/// within each group (sector) separately.
///
/// Conventions (docs/strategies.md, "Cross-sectional operators"):
/// - The cross-section at bar t is the symbols with a bar at t; a symbol without one gets NaN
///   (false) and takes no part. A value that is missing (NaN) takes no part either and gets NaN
///   (false), except for `cs_count` and `cs_sum`, whose result every symbol of the cross-section gets.
/// - Only values at t are read, so an operator adds no look-ahead to its argument.
/// - Ties: ranks are averaged (pandas `rank(pct=True)`); `cs_top`/`cs_bottom` take, among equal
///   values, the symbol that comes first in the universe's order.
///
/// A Swift user adds one with ``CrossSectionalFunctions/register(_:)`` before a scenario is read.
public struct CrossSectionalFunction: Sendable {
    /// Name as written, `cs_` followed by a snake_case word (`cs_rank`); `group_` + the word is
    /// its grouped variant.
    public let name: String
    /// One line: what it computes and its units.
    public let summary: String
    /// The type of the argument x; nil: either (booleans are read as 1 and 0, never missing).
    public let input: ValueType?
    /// Whether a second, fixed argument k (a whole number ≥ 1: `cs_top(x, k)`) follows x.
    public let takesCount: Bool
    /// The type of the result.
    public let result: ValueType
    /// The kernel: `values` of the cross-section (NaN where missing), `k` (0 without a count);
    /// returns one value per input, booleans as 1 and 0.
    public let evaluate: @Sendable (_ values: [Double], _ k: Int) -> [Double]

    /// An operator; see the properties.
    public init(
        _ name: String, summary: String, input: ValueType?, takesCount: Bool = false, result: ValueType,
        evaluate: @escaping @Sendable (_ values: [Double], _ k: Int) -> [Double]
    ) {
        self.name = name
        self.summary = summary
        self.input = input
        self.takesCount = takesCount
        self.result = result
        self.evaluate = evaluate
    }

    /// The word after `cs_` (`rank`).
    public var word: String { String(name.dropFirst(3)) }

    /// The signature as docs and messages write it: `cs_top(x, k)`.
    public var signature: String { "\(name)(x\(takesCount ? ", k" : ""))" }
}

/// The cross-sectional operators expressions may call: the built-ins and those a Swift user registers.
public enum CrossSectionalFunctions {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var table: [String: CrossSectionalFunction] = Dictionary(
        uniqueKeysWithValues: builtIn.map { ($0.name, $0) })

    /// The operator named `name` (`cs_rank`, or its grouped form `group_rank`), and whether the
    /// name is the grouped form.
    public static func named(_ name: String) -> (function: CrossSectionalFunction, grouped: Bool)? {
        lock.lock()
        defer { lock.unlock() }
        if let f = table[name] { return (f, false) }
        if name.hasPrefix("group_"), let f = table["cs_" + name.dropFirst(6)] { return (f, true) }
        return nil
    }

    /// Every operator (built in or registered), by name.
    public static var all: [CrossSectionalFunction] {
        lock.lock()
        defer { lock.unlock() }
        return table.values.sorted { $0.name < $1.name }
    }

    /// Every name, `cs_` and `group_` forms, sorted.
    public static var names: [String] {
        lock.lock()
        defer { lock.unlock() }
        return table.values.flatMap { [$0.name, "group_" + $0.word] }.sorted()
    }

    /// Adds `function`.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` when the name is not
    ///   `cs_` + a snake_case word, or is taken.
    public static func register(_ function: CrossSectionalFunction) throws {
        let word = function.word
        guard function.name.hasPrefix("cs_"), let first = word.unicodeScalars.first, first.properties.isLowercase, first.isASCII,
            word.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "_") })
        else {
            throw LabSignalsError.invalidParameter(
                owner: "cross-sectional function", field: "name", reason: "expected cs_ and a snake_case word, got \"\(function.name)\"")
        }
        let clash = ExpressionFunctions.named(function.name) != nil || ExpressionFunctions.named("group_" + word) != nil
        lock.lock()
        defer { lock.unlock() }
        guard table[function.name] == nil, !clash else {
            throw LabSignalsError.invalidParameter(owner: "cross-sectional function", field: "name", reason: "\"\(function.name)\" is taken")
        }
        table[function.name] = function
    }

    /// The built-in operators.
    public static let builtIn: [CrossSectionalFunction] = [
        CrossSectionalFunction(
            "cs_rank", summary: "percentile rank of x across the symbols, in (0, 1], ties averaged (pandas rank(axis=1, pct=True))",
            input: .number, result: .number, evaluate: { v, _ in rank(v) }),
        CrossSectionalFunction(
            "cs_zscore", summary: "(x − cross-sectional mean) / cross-sectional sample σ (ddof 1); NaN with fewer than 2 values or σ = 0",
            input: .number, result: .number,
            evaluate: { v, _ in
                let (n, mean, sd) = moments(v)
                guard n >= 2, sd > 0 else { return v.map { _ in .nan } }
                return v.map { ($0 - mean) / sd }
            }),
        CrossSectionalFunction(
            "cs_demean", summary: "x − the cross-sectional mean", input: .number, result: .number,
            evaluate: { v, _ in
                let mean = moments(v).mean
                return v.map { $0 - mean }
            }),
        CrossSectionalFunction(
            "cs_mean", summary: "the cross-sectional mean of x (every symbol with a bar gets it)", input: .number, result: .number,
            evaluate: { v, _ in [Double](repeating: moments(v).mean, count: v.count) }),
        CrossSectionalFunction(
            "cs_sum", summary: "the sum of x over the symbols with a value (every symbol with a bar gets it)", input: .number, result: .number,
            evaluate: { v, _ in [Double](repeating: v.reduce(0) { $1.isNaN ? $0 : $0 + $1 }, count: v.count) }),
        CrossSectionalFunction(
            "cs_count", summary: "how many symbols have a value of x (a number) or have x true (every symbol with a bar gets it)", input: nil,
            result: .number, evaluate: { v, _ in [Double](repeating: Double(v.reduce(0) { $1.isNaN || $1 == 0 ? $0 : $0 + 1 }), count: v.count) }),
        CrossSectionalFunction(
            "cs_top", summary: "true for the k symbols with the largest x (all of them when fewer have a value)", input: .number, takesCount: true,
            result: .boolean, evaluate: { v, k in select(v, k, largest: true) }),
        CrossSectionalFunction(
            "cs_bottom", summary: "true for the k symbols with the smallest x (all of them when fewer have a value)", input: .number,
            takesCount: true, result: .boolean, evaluate: { v, k in select(v, k, largest: false) }),
    ]

    /// Count, mean and sample σ of the values that are not NaN (mean NaN with none, σ NaN with < 2).
    static func moments(_ v: [Double]) -> (count: Int, mean: Double, sd: Double) {
        var n = 0, sum = 0.0
        for x in v where !x.isNaN {
            n += 1
            sum += x
        }
        guard n > 0 else { return (0, .nan, .nan) }
        let mean = sum / Double(n)
        var ss = 0.0
        for x in v where !x.isNaN { ss += (x - mean) * (x - mean) }
        return (n, mean, n > 1 ? (ss / Double(n - 1)).squareRoot() : .nan)
    }

    /// Average-tie percentile ranks of the values that are not NaN (rank / count, in (0, 1]).
    static func rank(_ v: [Double]) -> [Double] {
        let order = v.indices.filter { !v[$0].isNaN }.sorted { v[$0] < v[$1] }
        var out = [Double](repeating: .nan, count: v.count)
        let n = Double(order.count)
        var a = 0
        while a < order.count {
            var b = a
            while b + 1 < order.count && v[order[b + 1]] == v[order[a]] { b += 1 }
            let r = (Double(a + 1) + Double(b + 1)) / 2 / n
            for k in a...b { out[order[k]] = r }
            a = b + 1
        }
        return out
    }

    /// 1 for the k largest (smallest) values that are not NaN, ties to the earlier index; 0 otherwise.
    static func select(_ v: [Double], _ k: Int, largest: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        let present = v.indices.filter { !v[$0].isNaN }
        guard present.count > k else {
            for i in present { out[i] = 1 }
            return out
        }
        let order = present.sorted { a, b in v[a] == v[b] ? a < b : (largest ? v[a] > v[b] : v[a] < v[b]) }
        for i in order.prefix(k) { out[i] = 1 }
        return out
    }
}
