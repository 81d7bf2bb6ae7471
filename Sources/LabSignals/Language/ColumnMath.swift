import Foundation

/// Element-by-element arithmetic, comparison and logic on ``Column``s, keeping fixed values fixed
/// (a fixed operand is never expanded into a column). Missing values follow IEEE: arithmetic on NaN
/// is NaN, and every comparison with NaN is false except `!=`.
enum ColumnMath {
    /// `f` of every value.
    @inline(__always) static func map(_ a: Column, _ f: (Double) -> Double) -> Column {
        switch a {
        case let .number(v): .number(f(v))
        case let .numbers(x): .numbers(x.map(f))
        default: preconditionFailure("ColumnMath.map: a number was expected (the checker guarantees it)")
        }
    }

    /// `f` of every pair of values (a fixed operand paired with every bar).
    @inline(__always) static func zip(_ a: Column, _ b: Column, count: Int, _ f: (Double, Double) -> Double) -> Column {
        switch (a, b) {
        case let (.number(x), .number(y)): return .number(f(x, y))
        case let (.numbers(x), .number(y)): return .numbers(x.map { f($0, y) })
        case let (.number(x), .numbers(y)): return .numbers(y.map { f(x, $0) })
        case let (.numbers(x), .numbers(y)):
            return .numbers(
                [Double](unsafeUninitializedCapacity: count) { out, n in
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                    n = count
                })
        default: preconditionFailure("ColumnMath.zip: numbers were expected (the checker guarantees it)")
        }
    }

    /// The comparison `f` of every pair of values.
    @inline(__always) static func compare(_ a: Column, _ b: Column, count: Int, _ f: (Double, Double) -> Bool) -> Column {
        switch (a, b) {
        case let (.number(x), .number(y)): return .boolean(f(x, y))
        case let (.numbers(x), .number(y)): return .booleans(x.map { f($0, y) })
        case let (.number(x), .numbers(y)): return .booleans(y.map { f(x, $0) })
        case let (.numbers(x), .numbers(y)):
            return .booleans(
                [Bool](unsafeUninitializedCapacity: count) { out, n in
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                    n = count
                })
        default: preconditionFailure("ColumnMath.compare: numbers were expected (the checker guarantees it)")
        }
    }

    /// The logical combination `f` of every pair of truth values.
    @inline(__always) static func logic(_ a: Column, _ b: Column, count: Int, _ f: (Bool, Bool) -> Bool) -> Column {
        switch (a, b) {
        case let (.boolean(x), .boolean(y)): return .boolean(f(x, y))
        case let (.booleans(x), .boolean(y)): return .booleans(x.map { f($0, y) })
        case let (.boolean(x), .booleans(y)): return .booleans(y.map { f(x, $0) })
        case let (.booleans(x), .booleans(y)):
            return .booleans(
                [Bool](unsafeUninitializedCapacity: count) { out, n in
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                    n = count
                })
        default: preconditionFailure("ColumnMath.logic: truth values were expected (the checker guarantees it)")
        }
    }

    /// `not` of every truth value.
    static func not(_ a: Column) -> Column {
        switch a {
        case let .boolean(b): .boolean(!b)
        case let .booleans(b): .booleans(b.map { !$0 })
        default: preconditionFailure("ColumnMath.not: truth values were expected (the checker guarantees it)")
        }
    }

    /// The binary operator `op` of `a` and `b`.
    static func apply(_ op: BinaryOperator, _ a: Column, _ b: Column, count: Int) -> Column {
        switch op {
        case .add: zip(a, b, count: count, +)
        case .subtract: zip(a, b, count: count, -)
        case .multiply: zip(a, b, count: count, *)
        case .divide: zip(a, b, count: count, /)
        case .power: zip(a, b, count: count, pow)
        case .less: compare(a, b, count: count, <)
        case .lessOrEqual: compare(a, b, count: count, <=)
        case .greater: compare(a, b, count: count, >)
        case .greaterOrEqual: compare(a, b, count: count, >=)
        case .equal: compare(a, b, count: count, ==)
        case .notEqual: compare(a, b, count: count, !=)
        case .and: logic(a, b, count: count) { $0 && $1 }
        case .or: logic(a, b, count: count) { $0 || $1 }
        }
    }

    /// The prefix operator `op` of `a`.
    static func apply(_ op: UnaryOperator, _ a: Column) -> Column {
        switch op {
        case .negate: map(a) { -$0 }
        case .not: not(a)
        }
    }

    /// The smaller of two numbers, NaN when either is (a missing value stays missing).
    @inline(__always) static func smaller(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
    /// The larger of two numbers, NaN when either is.
    @inline(__always) static func larger(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
}
