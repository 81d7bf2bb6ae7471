import Foundation
import LabCore

/// Evaluates a checked expression over a ``Universe``: one column per symbol, over that symbol's
/// own bars (column j is the value at its bar j).
///
/// A sub-expression without a cross-sectional operator is planned once (``ExpressionPlan``) and run
/// symbol by symbol over its own bars, symbols in parallel. A cross-sectional operator reads, at
/// each calendar row, the values of the symbols with a bar there (``CrossSectionalFunction``).
/// Operators above a cross-section run per symbol on the columns below them, over its own bars, as
/// everywhere else in the language. Nothing reads a later bar, so truncating the data after t
/// changes nothing at or before t.
public struct UniverseEvaluator: Sendable {
    /// The symbols and their calendar.
    public let universe: Universe
    /// Parameter values (declared or a sweep combination's).
    public let parameters: [String: Double]
    private let groupIndex: [Int]
    private let groupCount: Int

    /// An evaluator over `universe` with `parameters`.
    public init(universe: Universe, parameters: [String: Double] = [:]) {
        self.universe = universe
        self.parameters = parameters
        var ids: [String: Int] = [:]
        groupIndex = universe.groups.map { g in
            let key = g ?? ""
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
        groupCount = ids.count
    }

    /// The columns of `e`, one per symbol in the universe's order. Cross-sectional operators are
    /// computed at the calendar `rows` only (sorted; nil: every row) when nothing above them reads
    /// other rows; elsewhere their columns hold NaN (false).
    /// - Throws: ``ExpressionError`` when a fixed argument is out of range under the parameters.
    public func evaluate(_ e: TypedExpression, rows: [Int]? = nil) throws(ExpressionError) -> [Column] {
        var memo: [MemoKey: [Column]] = [:]
        return try evaluate(e, rows: rows, memo: &memo)
    }

    /// The bars of a symbol's own history `e` needs before it has a value (its warm-up): the
    /// time-series warm-ups of ``ExpressionPlan``, carried through the cross-sections (a symbol's
    /// cross-sectional value needs its own input) and the functions above them.
    /// - Throws: ``ExpressionError`` when a fixed argument is out of range under the parameters.
    public func warmUp(_ e: TypedExpression) throws(ExpressionError) -> Int {
        if !e.containsCrossSection {
            var plan = ExpressionPlan()
            let root = try plan.add(e, values: parameters)
            return plan.warmUps[root]
        }
        switch e {
        case let .crossSection(_, _, value, _): return try warmUp(value)
        case let .unary(_, x): return try warmUp(x)
        case let .binary(_, x, y): return max(try warmUp(x), try warmUp(y))
        case let .call(name, output, values, fixedArgs):
            var inputs: [Int] = []
            for v in values { inputs.append(try warmUp(v)) }
            var fixed: [Double] = []
            for a in fixedArgs {
                switch a.resolve(parameters, in: name) {
                case let .success(v): fixed.append(v)
                case let .failure(error): throw error
                }
            }
            return ExpressionFunctions.named(name)!.warmUp(inputs, fixed)[output]
        case .fixed, .truth, .field: return 0
        }
    }

    private struct MemoKey: Hashable {
        var expression: TypedExpression
        var rows: [Int]?
    }

    private func evaluate(_ e: TypedExpression, rows: [Int]?, memo: inout [MemoKey: [Column]]) throws(ExpressionError) -> [Column] {
        let key = MemoKey(expression: e, rows: rows)
        if let done = memo[key] { return done }
        let out: [Column]
        if !e.containsCrossSection {
            var plan = ExpressionPlan()
            let root = try plan.add(e, values: parameters)
            let frozen = plan
            out = perSymbol { s in
                var column = Column.number(.nan)
                frozen.evaluate(universe.symbols[s], groups: [[root]]) { _, c in column = c[0] }
                return column
            }
        } else {
            switch e {
            case let .crossSection(name, grouped, value, count):
                let input = try evaluate(value, rows: rows, memo: &memo)
                var k = 0
                if let count {
                    switch count.resolve(parameters, in: name) {
                    case let .success(v): k = Int(v)
                    case let .failure(error): throw error
                    }
                }
                out = crossSection(CrossSectionalFunctions.named(name)!.function, grouped: grouped, input, k: k, rows: rows)
            case let .unary(op, x):
                let a = try evaluate(x, rows: rows, memo: &memo)
                out = perSymbol { s in ColumnMath.apply(op, a[s]) }
            case let .binary(op, x, y):
                let a = try evaluate(x, rows: rows, memo: &memo), b = try evaluate(y, rows: rows, memo: &memo)
                out = perSymbol { s in ColumnMath.apply(op, a[s], b[s], count: universe.symbols[s].count) }
            case let .call(name, output, values, fixedArgs):
                // A function of time reads other rows of its inputs: they are needed at every row.
                var inputs: [[Column]] = []
                for v in values { inputs.append(try evaluate(v, rows: nil, memo: &memo)) }
                var fixed: [Double] = []
                for a in fixedArgs {
                    switch a.resolve(parameters, in: name) {
                    case let .success(v): fixed.append(v)
                    case let .failure(error): throw error
                    }
                }
                let f = ExpressionFunctions.named(name)!
                if let reason = f.check(fixed) { throw ExpressionError(at: fixedArgs.first?.offset ?? 0, reason) }
                let frozen = inputs, constants = fixed
                out = perSymbol { s in
                    f.evaluate(.init(bars: universe.symbols[s], values: frozen.map { $0[s] }, fixed: constants))[output]
                }
            case .fixed, .truth, .field:
                preconditionFailure("UniverseEvaluator: a leaf holds no cross-section")
            }
        }
        memo[key] = out
        return out
    }

    /// `body(s)` for every symbol, symbols shared among the cores.
    private func perSymbol(_ body: @Sendable (Int) -> Column) -> [Column] {
        let n = universe.count
        var out = [Column](repeating: .number(.nan), count: n)
        let chunks = min(n, ProcessInfo.processInfo.activeProcessorCount * 4)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let b = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for s in stride(from: c, to: n, by: chunks) { b[s] = body(s) }
            }
        }
        return out
    }

    /// `f` applied at each of `rows` (all when nil) to the symbols with a bar there (by group when `grouped`).
    private func crossSection(_ f: CrossSectionalFunction, grouped: Bool, _ input: [Column], k: Int, rows: [Int]?) -> [Column] {
        let n = universe.count
        var numbers = f.result == .number ? universe.symbols.map { [Double](repeating: .nan, count: $0.count) } : []
        var truths = f.result == .boolean ? universe.symbols.map { [Bool](repeating: false, count: $0.count) } : []
        var cursor = UniverseCursor(universe)
        var members: [[Int]] = Array(repeating: [], count: grouped ? groupCount : 1)
        for t in rows ?? Array(0..<universe.length) {
            cursor.move(to: t)
            for g in members.indices { members[g].removeAll(keepingCapacity: true) }
            for s in 0..<n where cursor.bar[s] >= 0 { members[grouped ? groupIndex[s] : 0].append(s) }
            for group in members where !group.isEmpty {
                let values = group.map { s in input[s].value(at: cursor.bar[s]) }
                let result = f.evaluate(values, k)
                for (m, s) in group.enumerated() {
                    let j = cursor.bar[s]
                    if f.result == .number { numbers[s][j] = result[m] } else { truths[s][j] = result[m] == 1 }
                }
            }
        }
        return f.result == .number ? numbers.map { .numbers($0) } : truths.map { .booleans($0) }
    }
}

extension Column {
    /// The value at bar `j` as a number (true/false as 1/0).
    public func value(at j: Int) -> Double {
        switch self {
        case let .numbers(v): v[j]
        case let .number(v): v
        case let .booleans(b): b[j] ? 1 : 0
        case let .boolean(b): b ? 1 : 0
        }
    }
}
