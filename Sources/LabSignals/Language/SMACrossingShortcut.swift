import LabCore

/// Crossings of two simple moving averages of one bar field — `cross_above(sma(close, fast),
/// sma(close, slow))`, the language's most common rule — computed by the crossover kernels of the
/// built-in `sma_cross` (``MovingAverageCross/batchTargets(_:bars:)``: every window of a sweep at
/// once, block by block in cache) instead of two SMA columns and a crossing pass. The kernels'
/// means have the bits of ``Indicators/sma(_:window:into:)`` on a series without missing values
/// (tested with the built-ins' equivalence), and over missing values the kernels' one pass is the
/// SMA's own (a window holding one gives no mean), so the crossings are the same on any data.
struct SMACrossingShortcut {
    /// The plan nodes it provides: `crossing(sma(x, a), sma(x, b))` outputs, by node id → (pair, above?).
    let provided: [Int: (pair: Int, above: Bool)]
    /// The crossing events of each pair: bars where `a` crosses above `b` (`long`) or below (`short`).
    let events: [TargetEvents]

    /// The shortcut for the crossing nodes of `plan` over `bars`, or nil when the plan has none.
    init?(_ plan: ExpressionPlan, bars: BarSeries) {
        // (field, window a, window b) of each crossing node, when both inputs are SMAs of one field.
        var byField: [PriceField: [(id: Int, output: Int, a: Int, b: Int)]] = [:]
        for (id, node) in plan.nodes.enumerated() {
            guard case let .call("crossing", output, fixed) = node.operation, fixed.isEmpty, node.inputs.count == 2 else { continue }
            let (x, y) = (plan.nodes[node.inputs[0]], plan.nodes[node.inputs[1]])
            guard case let .call("sma", 0, fa) = x.operation, case let .call("sma", 0, fb) = y.operation, x.inputs == y.inputs,
                x.inputs.count == 1, case let .field(field) = plan.nodes[x.inputs[0]].operation
            else { continue }
            byField[field, default: []].append((id, output, Int(fa[0]), Int(fb[0])))
        }
        var provided: [Int: (pair: Int, above: Bool)] = [:]
        var events: [TargetEvents] = []
        for field in byField.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            var series = bars
            series.close = field.column(bars)
            // One crossover per distinct pair, fast < slow; a pair given slow first has its
            // directions swapped, and a window against itself never crosses.
            var pairIndex: [[Int]: Int] = [:]
            var crossovers: [MovingAverageCross] = []
            for c in byField[field]! where c.a != c.b {
                let key = [min(c.a, c.b), max(c.a, c.b)]
                if pairIndex[key] == nil, let m = try? MovingAverageCross(fast: key[0], slow: key[1]) {
                    pairIndex[key] = events.count + crossovers.count
                    crossovers.append(m)
                }
            }
            if crossovers.count == 1 {
                // One pair: the single crossover's lanes (what `sma_cross` itself runs) beat the blocks.
                var targets = [TargetDirection?](repeating: nil, count: series.count)
                targets.withUnsafeMutableBufferPointer { crossovers[0].fillTargets(series, into: $0) }
                events.append(Self.events(targets))
            } else if !crossovers.isEmpty {
                events += MovingAverageCross.batchTargets(crossovers, bars: series)
            }
            for c in byField[field]! {
                guard c.a != c.b else {
                    provided[c.id] = (-1, false)
                    continue
                }
                guard let pair = pairIndex[[min(c.a, c.b), max(c.a, c.b)]] else { continue }
                // Output 0 is `above`; with the windows swapped, above is the crossover's down.
                provided[c.id] = (pair, (c.output == 0) == (c.a < c.b))
            }
        }
        guard !provided.isEmpty else { return nil }
        self.provided = provided
        self.events = events
    }

    /// The bars with a target, skipping eight empty bars at a time (a target is one byte, nil one
    /// bit pattern, as the simulator's order scan reads them).
    static func events(_ targets: [TargetDirection?]) -> TargetEvents {
        var e = TargetEvents()
        e.bars.reserveCapacity(targets.count / 16)
        e.directions.reserveCapacity(targets.count / 16)
        targets.withUnsafeBufferPointer { t in
            let n = t.count
            var i = 0
            if MemoryLayout<TargetDirection?>.size == 1, let base = t.baseAddress {
                let none = UInt64(withUnsafeBytes(of: TargetDirection?.none) { $0[0] }) &* 0x0101_0101_0101_0101
                let bytes = UnsafeRawPointer(base)
                while i < n {
                    while i + 8 <= n && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) == none { i += 8 }
                    let end = min(i + 8, n)
                    while i < end {
                        if let d = t[i] {
                            e.bars.append(Int32(i))
                            e.directions.append(d)
                        }
                        i += 1
                    }
                }
            } else {
                for j in 0..<n { if let d = t[j] { e.bars.append(Int32(j)); e.directions.append(d) } }
            }
        }
        return e
    }

    /// The bars where node `id` is true, ascending.
    func bars(of id: Int) -> [Int32] {
        let (pair, above) = provided[id]!
        guard pair >= 0 else { return [] }
        let e = events[pair]
        let wanted: TargetDirection = above ? .long : .short
        return e.bars.indices.filter { e.directions[$0] == wanted }.map { e.bars[$0] }
    }

    /// The truth values of node `id` over `count` bars.
    func column(_ id: Int, count: Int) -> Column {
        var out = [Bool](repeating: false, count: count)
        let (pair, above) = provided[id]!
        guard pair >= 0 else { return .booleans(out) }
        let e = events[pair]
        let wanted: TargetDirection = above ? .long : .short
        for k in e.bars.indices where e.directions[k] == wanted && Int(e.bars[k]) < count { out[Int(e.bars[k])] = true }
        return .booleans(out)
    }
}
