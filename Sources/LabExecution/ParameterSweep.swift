import Foundation
import LabCore

/// Many backtests of one instrument over one shared, read-only series, on a pool of workers.
///
/// Each combination k gets its targets from `targets(k, buffer)` (the caller's strategy writes them
/// into a per-worker buffer that is reused for every combination, so a worker's memory is the
/// targets buffer plus, with `statistics: .curve`, one equity curve); combinations are dealt to
/// workers by stride (worker w runs k = w, w + W, …) and the outcomes are returned in combination
/// order, so the result does not depend on the number of workers.
public enum ParameterSweep {
    /// What each run reports.
    public enum Statistics: Sendable, Equatable {
        /// Final equity, return and trade counts (no equity curve kept: the fastest).
        case final
        /// Also the maximum drawdown and the Sharpe ratio of per-bar returns (an equity curve per worker).
        case curve
    }

    /// The outcome of one combination.
    public struct Outcome: Sendable, Equatable, Codable {
        /// The combination index k given to `targets` (outcomes come in this order).
        public var index: Int
        /// Equity after the last bar, account currency.
        public var finalEquity: Double
        /// finalEquity / cash − 1 (fraction).
        public var totalReturn: Double
        /// Closed trades.
        public var trades: Int
        /// Share of closed trades with a positive P&L (NaN without trades).
        public var winRate: Double
        /// Largest peak-to-trough fall of equity, a negative fraction (NaN with `.final`).
        public var maxDrawdown: Double
        /// mean / standard deviation (ddof 1) of the per-bar simple returns of equity from `start`,
        /// times √(periods per year) — a bar-level Sharpe with rf = 0 (NaN with `.final`).
        public var sharpe: Double
    }

    /// Runs `count` combinations. `start(k)` is the first decision bar of combination k (its
    /// strategy's warm-up). The first error, in combination order, is rethrown.
    public static func run(
        _ bars: BarSeries, simulator: ExecutionSimulator, count: Int, workers: Int, statistics: Statistics = .final,
        start: @escaping @Sendable (Int) -> Int,
        targets: @escaping @Sendable (Int, UnsafeMutableBufferPointer<TargetDirection?>) -> Void
    ) throws -> [Outcome] {
        guard count > 0 else { return [] }
        let pool = max(1, min(workers, count))
        let slots = ResultSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: pool) { w in
            var buffer = [TargetDirection?](repeating: nil, count: bars.count)
            for k in stride(from: w, to: count, by: pool) {
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in b.indices { b[i] = nil }
                    targets(k, b)
                }
                do {
                    let r = try simulator.run(bars, targets: buffer, start: start(k), recordEquity: statistics == .curve)
                    slots.set(k, .success(outcome(k, r, cash: simulator.config.cash, start: start(k), periodsPerYear: bars.periodsPerYear)))
                } catch {
                    slots.set(k, .failure(error))
                }
            }
        }
        return try slots.values.map { try $0!.get() }
    }

    static func outcome(_ k: Int, _ r: ExecutionSimulator.Result, cash: Double, start: Int, periodsPerYear: Double) -> Outcome {
        let wins = r.trades.filter { $0.pnl > 0 }.count
        var maxDrawdown = Double.nan, sharpe = Double.nan
        if !r.equity.isEmpty {
            var peak = r.equity[0], worst = 0.0
            var sum = 0.0, sumSq = 0.0, n = 0.0
            for i in r.equity.indices {
                let e = r.equity[i]
                if e > peak { peak = e } else if peak > 0 { worst = min(worst, e / peak - 1) }
                if i > max(start, 0) && r.equity[i - 1] > 0 {
                    let x = e / r.equity[i - 1] - 1
                    sum += x
                    sumSq += x * x
                    n += 1
                }
            }
            maxDrawdown = worst
            if n >= 2 {
                let mean = sum / n
                let sd = (max(0, sumSq - sum * mean) / (n - 1)).squareRoot()
                sharpe = sd > 0 ? mean / sd * periodsPerYear.squareRoot() : .nan
            }
        }
        return Outcome(
            index: k, finalEquity: r.finalEquity, totalReturn: r.finalEquity / cash - 1, trades: r.trades.count,
            winRate: r.trades.isEmpty ? .nan : Double(wins) / Double(r.trades.count), maxDrawdown: maxDrawdown, sharpe: sharpe)
    }
}

/// One result slot per combination; each worker writes only its own slots.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<ParameterSweep.Outcome, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ value: Result<ParameterSweep.Outcome, any Error>) {
        lock.lock()
        slots[k] = value
        lock.unlock()
    }

    var values: [Result<ParameterSweep.Outcome, any Error>?] { slots }
}
