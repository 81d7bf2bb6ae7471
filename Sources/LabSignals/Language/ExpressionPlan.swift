import LabCore

/// Typed expressions compiled under known parameter values into a graph of column operations in
/// which every distinct sub-expression is one node: `sma(close, 20)` written in two rules, or in
/// every combination of a sweep with `slow = 20`, is computed once.
///
/// Nodes are added children first, so ids are a topological order. Evaluation runs the kernels
/// over whole columns (nothing is interpreted per bar) and frees each column after its last use.
public struct ExpressionPlan: Sendable {
    /// What a node computes.
    public enum Operation: Sendable, Hashable {
        /// A bar field.
        case field(PriceField)
        /// A fixed number (its bit pattern, so that equal numbers share a node).
        case number(UInt64)
        /// A fixed truth value.
        case truth(Bool)
        /// A prefix operator of input 0.
        case unary(UnaryOperator)
        /// An infix operator of inputs 0 and 1.
        case binary(BinaryOperator)
        /// Output `output` of a function of the inputs, with these fixed arguments.
        case call(String, output: Int, fixed: [Double])
    }

    /// One node: an operation of earlier nodes.
    public struct Node: Sendable, Hashable {
        /// What it computes.
        public var operation: Operation
        /// The nodes it reads (ids smaller than its own).
        public var inputs: [Int]
    }

    /// The nodes, in a topological order.
    public private(set) var nodes: [Node] = []
    /// Leading bars without a defined value of each node, on clean input.
    public private(set) var warmUps: [Int] = []
    private var index: [Node: Int] = [:]

    /// An empty plan.
    public init() {}

    /// The node of `e` with the parameters `values`, added with the sub-expressions it needs (or
    /// the existing node when the plan already computes the same thing).
    /// - Throws: ``ExpressionError`` when a fixed argument is out of its range under `values`
    ///   (a window of 0 from a sweep combination, MACD's fast ≥ slow).
    public mutating func add(_ e: TypedExpression, values: [String: Double]) throws(ExpressionError) -> Int {
        switch e {
        case let .fixed(n): return node(.number(n.value(values).bitPattern), [], warmUp: 0)
        case let .truth(b): return node(.truth(b), [], warmUp: 0)
        case let .field(f): return node(.field(f), [], warmUp: f.warmUp)
        case let .unary(op, x):
            let a = try add(x, values: values)
            return node(.unary(op), [a], warmUp: warmUps[a])
        case let .binary(op, x, y):
            let a = try add(x, values: values), b = try add(y, values: values)
            return node(.binary(op), [a, b], warmUp: max(warmUps[a], warmUps[b]))
        case .call("cross_above", 0, let args, []), .call("cross_below", 0, let args, []):
            // Both directions of a pair are one pass (`crossing`), shared when a strategy reads both.
            guard case let .call(name, _, _, _) = e else { preconditionFailure() }
            return try add(.call(function: "crossing", output: name == "cross_above" ? 0 : 1, values: args, fixed: []), values: values)
        case .crossSection:
            preconditionFailure("ExpressionPlan: a cross-sectional operator is evaluated by UniverseEvaluator, over a universe")
        case let .call(name, output, args, fixedArgs):
            guard let f = ExpressionFunctions.named(name) else { preconditionFailure("ExpressionPlan: \(name) was checked but is not registered") }
            var inputs: [Int] = []
            for arg in args { inputs.append(try add(arg, values: values)) }
            var fixed: [Double] = []
            for a in fixedArgs {
                switch a.resolve(values, in: name) {
                case let .success(v): fixed.append(v)
                case let .failure(error): throw error
                }
            }
            if let reason = f.check(fixed) { throw ExpressionError(at: fixedArgs.first?.offset ?? 0, reason) }
            let warm = f.warmUp(inputs.map { warmUps[$0] }, fixed)
            return node(.call(name, output: output, fixed: fixed), inputs, warmUp: warm[output])
        }
    }

    private mutating func node(_ operation: Operation, _ inputs: [Int], warmUp: Int) -> Int {
        let n = Node(operation: operation, inputs: inputs)
        if let id = index[n] { return id }
        nodes.append(n)
        warmUps.append(warmUp)
        index[n] = nodes.count - 1
        return nodes.count - 1
    }

    /// Evaluates the plan over `bars` for groups of roots in turn (a strategy's rules; or, in a
    /// sweep, one group per combination), calling `consume(g, columns)` with group g's root columns
    /// in their order.
    ///
    /// Within a group every node it needs is computed once and freed after its last reader. A
    /// column a later group also needs is kept for it while the kept columns stay within
    /// `sharedBytes` (8 bytes a number, 1 a truth value, per bar); beyond that budget it is
    /// recomputed when needed again, so memory stays bounded whatever the number of groups.
    public func evaluate(_ bars: BarSeries, groups: [[Int]], sharedBytes: Int = 64 << 20, consume: (Int, [Column]) -> Void) {
        evaluate(bars, groups: groups, sharedBytes: sharedBytes, shortcut: SMACrossingShortcut(self, bars: bars), consume: consume)
    }

    /// ``evaluate(_:groups:sharedBytes:consume:)`` with the nodes `shortcut` provides taken from it
    /// (their inputs are then not computed unless another node reads them).
    func evaluate(_ bars: BarSeries, groups: [[Int]], sharedBytes: Int, shortcut: SMACrossingShortcut?, consume: (Int, [Column]) -> Void) {
        // The last group that may need each node.
        var lastGroup = [Int](repeating: -1, count: nodes.count)
        var mark = [Int](repeating: -1, count: nodes.count)
        /// The nodes reachable from `roots` without passing through `stop`, ids ascending (a
        /// topological order).
        func reachable(_ roots: [Int], tag: Int, stop: (Int) -> Bool) -> [Int] {
            var stack = roots, ids: [Int] = []
            while let id = stack.popLast() {
                guard mark[id] != tag else { continue }
                mark[id] = tag
                ids.append(id)
                if !stop(id) { stack += nodes[id].inputs }
            }
            return ids.sorted()
        }
        for (g, roots) in groups.enumerated() { for id in reachable(roots, tag: g, stop: { _ in false }) { lastGroup[id] = g } }
        var shared: [Int: Column] = [:]
        var kept = 0
        for g in groups.indices {
            // What this group computes: what it reads, down to the columns kept from earlier groups.
            let ids = reachable(groups[g], tag: groups.count + g, stop: { shared[$0] != nil || shortcut?.provided[$0] != nil })
            // Readers of each node within this group (its roots count as one more).
            var readers: [Int: Int] = [:]
            for id in ids where shared[id] == nil && shortcut?.provided[id] == nil { for input in nodes[id].inputs { readers[input, default: 0] += 1 } }
            for r in groups[g] { readers[r, default: 0] += 1 }
            var local: [Int: Column] = [:]
            var calls: [CallKey: [Column]] = [:]
            func column(_ id: Int) -> Column { shared[id] ?? local[id]! }
            for id in ids where shared[id] == nil {
                let provided = shortcut?.provided[id] != nil
                let value = provided ? shortcut!.column(id, count: bars.count) : compute(id, bars: bars, inputs: nodes[id].inputs.map(column), calls: &calls)
                for input in nodes[id].inputs where !provided {
                    readers[input]! -= 1
                    if readers[input] == 0 { local[input] = nil }
                }
                let size = value.byteCount
                if lastGroup[id] > g, kept + size <= sharedBytes {
                    shared[id] = value
                    kept += size
                } else {
                    local[id] = value
                }
            }
            consume(g, groups[g].map(column))
            for (id, value) in shared where lastGroup[id] == g {
                shared[id] = nil
                kept -= value.byteCount
            }
        }
    }

    /// A multi-output call computed once (within a group) for all its outputs.
    private struct CallKey: Hashable {
        var name: String
        var fixed: [Double]
        var inputs: [Int]
    }

    private func compute(_ id: Int, bars: BarSeries, inputs: [Column], calls: inout [CallKey: [Column]]) -> Column {
        let node = nodes[id]
        switch node.operation {
        case let .field(f): return .numbers(f.column(bars))
        case let .number(bits): return .number(Double(bitPattern: bits))
        case let .truth(b): return .boolean(b)
        case let .unary(op): return ColumnMath.apply(op, inputs[0])
        case let .binary(op): return ColumnMath.apply(op, inputs[0], inputs[1], count: bars.count)
        case let .call(name, output, fixed):
            let f = ExpressionFunctions.named(name)!
            guard f.outputs.count > 1 else { return f.evaluate(.init(bars: bars, values: inputs, fixed: fixed))[0] }
            let key = CallKey(name: name, fixed: fixed, inputs: node.inputs)
            if let outs = calls[key] { return outs[output] }
            let outs = f.evaluate(.init(bars: bars, values: inputs, fixed: fixed))
            calls[key] = outs
            return outs[output]
        }
    }
}

extension Column {
    /// Bytes the column holds: 8 a number, 1 a truth value, per bar; 0 for a fixed value.
    var byteCount: Int {
        switch self {
        case let .numbers(v): v.count * 8
        case let .booleans(b): b.count
        case .number, .boolean: 0
        }
    }
}
