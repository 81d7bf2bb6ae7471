import Foundation
import LabCore

/// A strategy's targets as events: the bars with a target, in bar order, and the target at each
/// (the sparse form of ``SignalStrategy/fillTargets(_:into:)``'s array).
public struct TargetEvents: Sendable, Equatable {
    /// Bars with a target, ascending.
    public var bars: [Int32] = []
    /// The target at each of `bars`.
    public var directions: [TargetDirection] = []

    /// No events.
    public init() {}

    /// Writes the events into `targets` (every other bar nil).
    public func write(into targets: UnsafeMutableBufferPointer<TargetDirection?>) {
        for i in targets.indices { targets[i] = nil }
        for k in bars.indices { targets[Int(bars[k])] = directions[k] }
    }
}

/// Strategies of one type whose sweep combinations share work: a sweep of many parameter sets
/// computes their targets together (each indicator column once, not once per combination), giving
/// for each strategy exactly what its own ``SignalStrategy/fillTargets(_:into:)`` gives.
public protocol BatchedTargets: SignalStrategy {
    /// The targets of each strategy of `batch` over `bars`, in batch order.
    static func batchTargets(_ batch: [Self], bars: BarSeries) -> [TargetEvents]
}

extension MovingAverageCross: BatchedTargets {
    /// Simple averages over closes without missing values: each distinct window's mean is one
    /// ``SlidingMean`` pass (the one pass's bits, as the crossover kernel's), advanced block by
    /// block for every window at once so the block's means stay in cache while each strategy's
    /// crossings are read from them. Otherwise each strategy's own kernel.
    public static func batchTargets(_ batch: [MovingAverageCross], bars: BarSeries) -> [TargetEvents] {
        let n = bars.count
        let finite = bars.close.allSatisfy(\.isFinite)
        guard finite, batch.allSatisfy({ $0.average == .sma }), n > 0 else {
            var targets = [TargetDirection?](repeating: nil, count: n)
            return batch.map { s in
                targets.withUnsafeMutableBufferPointer { s.fillTargets(bars, into: $0) }
                var e = TargetEvents()
                for i in 0..<n { if let d = targets[i] { e.bars.append(Int32(i)); e.directions.append(d) } }
                return e
            }
        }
        let windows = Array(Set(batch.flatMap { [$0.fast, $0.slow] })).sorted()
        let slot = Dictionary(uniqueKeysWithValues: windows.enumerated().map { ($1, $0) })
        let block = 4096, stride = block + 1
        var means = windows.map { SlidingMean(window: $0) }
        // Row w holds window w's means for the block, after the previous block's last mean.
        var rows = [Double](repeating: .nan, count: windows.count * stride)
        var out = [TargetEvents](repeating: TargetEvents(), count: batch.count)
        let pairs = batch.map { (slot[$0.fast]! * stride, slot[$0.slow]! * stride, $0.allowShort ? TargetDirection.short : .flat) }
        var start = 0
        while start < n {
            let count = min(block, n - start)
            rows.withUnsafeMutableBufferPointer { rows in
                bars.close.withUnsafeBufferPointer { close in
                    for w in windows.indices {
                        let row = w * stride
                        rows[row] = rows[row + block]  // the previous block's last mean (NaN at first)
                        var mean = means[w]
                        for j in 0..<count { rows[row + 1 + j] = mean.next(close, start + j) }
                        means[w] = mean
                        if count < block { rows[row + block] = rows[row + count] }
                    }
                }
            }
            rows.withUnsafeBufferPointer { rows in
                for k in pairs.indices {
                    let (f, s, down) = pairs[k]
                    var events = TargetEvents()
                    swap(&events, &out[k])
                    // Four bars at a time: backtesting.py's crossover as lane masks (NaN compares
                    // false), the rare bars with a cross then taken in order.
                    let base = UnsafeRawPointer(rows.baseAddress!)
                    func lanes(_ at: Int) -> SIMD4<Double> { base.loadUnaligned(fromByteOffset: at * 8, as: SIMD4<Double>.self) }
                    var j = 0
                    while j + 4 <= count {
                        let fp = lanes(f + j), sp = lanes(s + j), fc = lanes(f + j + 1), sc = lanes(s + j + 1)
                        let up = (fp .< sp) .& (fc .> sc), dn = (sp .< fp) .& (sc .> fc)
                        if any(up .| dn) {
                            for t in 0..<4 where up[t] || dn[t] {
                                events.bars.append(Int32(start + j + t))
                                events.directions.append(up[t] ? .long : down)
                            }
                        }
                        j += 4
                    }
                    while j < count {
                        let code = crossing(rows[f + j], rows[s + j], rows[f + j + 1], rows[s + j + 1])
                        if code != 0 {
                            events.bars.append(Int32(start + j))
                            events.directions.append(code == 1 ? .long : down)
                        }
                        j += 1
                    }
                    swap(&events, &out[k])
                }
            }
            start += count
        }
        return out
    }
}
