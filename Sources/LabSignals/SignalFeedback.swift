import Foundation
import LabCore

/// Outcomes of signals: forward returns over a horizon, and the P&L of the trades they opened.
public enum SignalOutcomes {
    /// The outcome over `horizon` bars of every directional signal whose horizon ends inside the
    /// series (see ``SignalOutcome`` for the conventions), in signal order.
    public static func compute(_ signals: [Signal], close: [Double], horizon: Int) -> [SignalOutcome] {
        precondition(horizon >= 1, "outcomes: horizon must be ≥ 1")
        var out: [SignalOutcome] = []
        out.reserveCapacity(signals.count)
        for s in signals where s.direction != .flat && s.bar + horizon < close.count {
            let r = close[s.bar + horizon] / close[s.bar] - 1
            guard r.isFinite else { continue }
            out.append(
                SignalOutcome(
                    bar: s.bar, resolvedBar: s.bar + horizon, strategy: s.strategy, direction: s.direction,
                    confidence: s.confidence, forwardReturn: r))
        }
        return out
    }

    /// Sets `realisedPnL` on the outcomes of traded signals: a trade belongs to the last signal in
    /// `traded` (the signals that passed the filters, in bar order) at or before its entry bar with
    /// the trade's direction; outcomes of signals that opened no trade keep nil.
    public static func attach(_ trades: [TradeRecord], traded: [Signal], to outcomes: inout [SignalOutcome]) {
        var pnlBySignalBar: [Int: Double] = [:]
        var k = 0
        var lastByDirection: [TargetDirection: Int] = [:]
        for t in trades.sorted(by: { $0.entryBar < $1.entryBar }) {
            while k < traded.count && traded[k].bar <= t.entryBar {
                lastByDirection[traded[k].direction] = traded[k].bar
                k += 1
            }
            if let bar = lastByDirection[t.size > 0 ? .long : .short] { pnlBySignalBar[bar, default: 0] += t.pnl }
        }
        for i in outcomes.indices { outcomes[i].realisedPnL = pnlBySignalBar[outcomes[i].bar] }
    }
}

/// The feedback loop: recalibrates each signal's confidence from the realised outcomes of earlier
/// signals, online and without look-ahead.
///
/// Method: binned isotonic calibration with shrinkage. Raw confidences fall into `buckets` equal
/// bins of [0, 1]. A signal at bar t sees only outcomes that resolved by then (`bar + horizon ≤ t`:
/// the forward return ends at a close the signal's own close does not precede). For each bin b
/// with `n` resolved signals, `h` hits and mean raw confidence `c̄` (the bin's centre when empty),
/// `p_b = (h + m·c̄) / (n + m)` (m = `priorStrength`: a bin with few outcomes stays near the raw
/// value), then the pool-adjacent-violators algorithm makes `p` non-decreasing across bins
/// (weights `n + m`). The signal's confidence becomes `p` of its raw confidence's bin. Until
/// `minimumOutcomes` outcomes have resolved the raw confidence is kept. Exits are not calibrated.
public struct ConfidenceCalibrator: Sendable, Equatable {
    /// Confidence bins over [0, 1].
    public var buckets = 10
    /// Prior weight m, in pseudo-outcomes, pulling a bin toward its raw confidence.
    public var priorStrength = 10.0
    /// Resolved outcomes needed before any confidence is adjusted.
    public var minimumOutcomes = 20
    /// Horizon in bars of the outcome that counts as a hit (the forward return's sign).
    public var horizon = 5

    /// A calibrator at `horizon` bars with 10 bins, prior 10 and 20 outcomes before it acts.
    public init(horizon: Int = 5) { self.horizon = horizon }

    func validate() throws {
        func bad(_ field: String, _ reason: String) -> LabSignalsError { .invalidParameter(owner: "calibration", field: field, reason: reason) }
        guard buckets >= 1, buckets <= 100 else { throw bad("buckets", "must be in 1...100, got \(buckets)") }
        guard priorStrength >= 0, priorStrength.isFinite else { throw bad("prior_strength", "must be ≥ 0, got \(priorStrength)") }
        guard minimumOutcomes >= 0 else { throw bad("minimum_outcomes", "must be ≥ 0, got \(minimumOutcomes)") }
        guard horizon >= 1 else { throw bad("horizon", "must be ≥ 1 bar, got \(horizon)") }
    }

    /// Returns `signals` (in bar order) with calibrated confidences.
    public func calibrate(_ signals: [Signal], close: [Double]) -> [Signal] {
        var out = signals
        calibrate(&out, close: close)
        return out
    }

    /// Calibrates the confidences of `signals` (in bar order) in place.
    public func calibrate(_ out: inout [Signal], close: [Double]) {
        var count = [Double](repeating: 0, count: buckets)
        var hits = [Double](repeating: 0, count: buckets)
        var rawSum = [Double](repeating: 0, count: buckets)
        var resolved = 0
        // Directional signals waiting for their horizon, in resolution order (bar + horizon rises with bar).
        var pending: [(resolves: Int, bucket: Int, raw: Double, hit: Bool)] = []
        var head = 0
        for k in out.indices {
            let (bar, direction, raw) = (out[k].bar, out[k].direction, out[k].rawConfidence)
            while head < pending.count && pending[head].resolves <= bar {
                let p = pending[head]
                count[p.bucket] += 1
                hits[p.bucket] += p.hit ? 1 : 0
                rawSum[p.bucket] += p.raw
                resolved += 1
                head += 1
            }
            guard direction != .flat else { continue }
            let b = bucket(raw)
            if resolved >= minimumOutcomes {
                out[k].confidence = calibrated(bucket: b, count: count, hits: hits, rawSum: rawSum)
            }
            if bar + horizon < close.count {
                let r = Double(direction.rawValue) * (close[bar + horizon] / close[bar] - 1)
                if r.isFinite { pending.append((bar + horizon, b, raw, r > 0)) }
            }
        }
    }

    func bucket(_ c: Double) -> Int { min(buckets - 1, max(0, Int(c * Double(buckets)))) }

    /// Shrunk bin hit rates made monotone by pool-adjacent-violators; the value of bin `b`.
    func calibrated(bucket b: Int, count: [Double], hits: [Double], rawSum: [Double]) -> Double {
        withUnsafeTemporaryAllocation(of: (level: Double, weight: Double, size: Int).self, capacity: buckets) { blocks in
            var top = 0  // blocks[0..<top] is the stack of pooled blocks
            for j in 0..<buckets {
                let prior = count[j] > 0 ? rawSum[j] / count[j] : (Double(j) + 0.5) / Double(buckets)
                var w = max(count[j] + priorStrength, 1e-12)
                var p = (hits[j] + priorStrength * prior) / (count[j] + priorStrength == 0 ? 1 : count[j] + priorStrength)
                if count[j] + priorStrength == 0 { p = prior }
                var n = 1
                while top > 0 && blocks[top - 1].level > p {  // pool with the previous block
                    let last = blocks[top - 1]
                    p = (last.level * last.weight + p * w) / (last.weight + w)
                    w += last.weight
                    n += last.size
                    top -= 1
                }
                blocks[top] = (p, w, n)
                top += 1
            }
            var first = 0
            for k in 0..<top {
                if b < first + blocks[k].size { return blocks[k].level }
                first += blocks[k].size
            }
            return blocks[top - 1].level
        }
    }
}
