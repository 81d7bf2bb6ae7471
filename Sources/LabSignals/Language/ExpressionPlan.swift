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
    /// in their order. A node is computed once, when the first group needs it, and kept only while
    /// a later group or node still reads it.
    public func evaluate(_ bars: BarSeries, groups: [[Int]], consume: (Int, [Column]) -> Void) {
        // The schedule: for each group, the nodes not computed before it, children first.
        var scheduledIn = [Int](repeating: -1, count: nodes.count)
        var schedule: [[Int]] = Array(repeating: [], count: groups.count)
        for (g, roots) in groups.enumerated() {
            var stack = roots.reversed().map { ($0, false) }
            while let (id, expanded) = stack.popLast() {
                if scheduledIn[id] >= 0 { continue }
                if expanded {
                    scheduledIn[id] = g
                    schedule[g].append(id)
                    continue
                }
                stack.append((id, true))
                for input in nodes[id].inputs.reversed() where scheduledIn[input] < 0 { stack.append((input, false)) }
            }
        }
        // The last group that reads each node (as a root or through a node computed in it).
        var lastGroup = scheduledIn
        for (g, roots) in groups.enumerated() { for r in roots { lastGroup[r] = max(lastGroup[r], g) } }
        for (g, ids) in schedule.enumerated() { for id in ids { for input in nodes[id].inputs { lastGroup[input] = max(lastGroup[input], g) } } }

        var columns = [Column?](repeating: nil, count: nodes.count)
        var calls: [CallKey: [Column]] = [:]
        for (g, ids) in schedule.enumerated() {
            for id in ids { columns[id] = compute(id, bars: bars, columns: columns, calls: &calls) }
            consume(g, groups[g].map { columns[$0]! })
            for id in 0..<nodes.count where lastGroup[id] == g { columns[id] = nil }
            calls = calls.filter { key, _ in key.users.contains { lastGroup[$0] > g } }
        }
    }

    /// A multi-output call computed once for all its outputs.
    private struct CallKey: Hashable {
        var name: String
        var fixed: [Double]
        var inputs: [Int]
        /// Nodes reading outputs of this call (not part of the identity).
        var users: [Int] = []

        static func == (a: CallKey, b: CallKey) -> Bool { a.name == b.name && a.fixed == b.fixed && a.inputs == b.inputs }
        func hash(into h: inout Hasher) {
            h.combine(name)
            h.combine(fixed)
            h.combine(inputs)
        }
    }

    private func compute(_ id: Int, bars: BarSeries, columns: [Column?], calls: inout [CallKey: [Column]]) -> Column {
        let node = nodes[id]
        let inputs = node.inputs.map { columns[$0]! }
        switch node.operation {
        case let .field(f): return .numbers(f.column(bars))
        case let .number(bits): return .number(Double(bitPattern: bits))
        case let .truth(b): return .boolean(b)
        case let .unary(op): return ColumnMath.apply(op, inputs[0])
        case let .binary(op): return ColumnMath.apply(op, inputs[0], inputs[1], count: bars.count)
        case let .call(name, output, fixed):
            let f = ExpressionFunctions.named(name)!
            guard f.outputs.count > 1 else { return f.evaluate(.init(bars: bars, values: inputs, fixed: fixed))[0] }
            var key = CallKey(name: name, fixed: fixed, inputs: node.inputs)
            if let outs = calls[key] { return outs[output] }
            let outs = f.evaluate(.init(bars: bars, values: inputs, fixed: fixed))
            key.users = nodes.indices.filter { u in
                if case let .call(n, _, fx) = nodes[u].operation { return n == name && fx == fixed && nodes[u].inputs == node.inputs }
                return false
            }
            calls[key] = outs
            return outs[output]
        }
    }
}
