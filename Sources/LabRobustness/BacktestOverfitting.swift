import Foundation

/// The probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation
/// (Bailey, Borwein, López de Prado and Zhu, "The Probability of Backtest Overfitting", 2017).
///
/// The T × N matrix of the N combinations' period returns is cut into S contiguous blocks of rows
/// (block s holds rows `s·T/S ..< (s+1)·T/S`, integer division). Each of the C(S, S/2) ways to pick
/// S/2 blocks is one split: those blocks are in sample, the others out of sample. In each split the
/// combination with the best in-sample Sharpe ratio n* is found (ties: the lowest index); ω is the
/// average rank (1 … N, ties averaged) of its out-of-sample Sharpe ratio among all N, divided by
/// N + 1, and its logit is λ = ln(ω / (1 − ω)). PBO is the share of splits with λ ≤ 0: how often
/// the in-sample winner is at or below the median out of sample.
///
/// Sharpe ratios are per period (mean / sample standard deviation, ddof 1, no risk-free rate; see
/// ``SharpeInference``); a set of returns with no variance has Sharpe 0 when its mean is 0 (a flat
/// combination) and ±∞ otherwise. Only per-block sums are kept (count, Σr, Σr² per combination and
/// block), so the matrix itself is never needed at once: a sweep streams each combination's returns.
public struct BacktestOverfitting: Sendable, Equatable {
    /// Number of blocks S (even, ``blockRange``).
    public let blocks: Int
    /// Number of combinations N.
    public let combinations: Int
    /// Number of rows T (periods).
    public let periods: Int
    /// The logit λ of every split, in split order (splits enumerated as ascending bit masks of
    /// in-sample blocks).
    public let logits: [Double]
    /// In-sample Sharpe ratio of each split's winner.
    public let inSampleSharpe: [Double]
    /// Its out-of-sample Sharpe ratio.
    public let outOfSampleSharpe: [Double]

    /// The blocks S that can be asked for: even numbers in 4 … 20 (C(20, 10) = 184 756 splits).
    public static let blockRange = 4...20

    /// The per-block sums of one combination's returns.
    public struct BlockSums: Sendable, Equatable {
        /// Σr of each block.
        public var sum: [Double]
        /// Σr² of each block.
        public var squares: [Double]

        /// The sums of `returns` (T values) over `blocks` blocks.
        public init(returns: [Double], blocks: Int) {
            let t = returns.count
            sum = [Double](repeating: 0, count: blocks)
            squares = sum
            for b in 0..<blocks {
                var s = 0.0, q = 0.0
                for i in (b * t / blocks)..<((b + 1) * t / blocks) {
                    s += returns[i]
                    q += returns[i] * returns[i]
                }
                sum[b] = s
                squares[b] = q
            }
        }
    }

    /// Why an estimate cannot be made (a note in the report, not an error).
    public enum Shortfall: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than 2 combinations.
        case tooFewCombinations(Int)
        /// Fewer than 2 periods in some block.
        case tooFewPeriods(periods: Int, blocks: Int)

        /// One line for the report.
        public var description: String {
            switch self {
            case let .tooFewCombinations(n): "PBO needs at least 2 combinations, the run has \(n)"
            case let .tooFewPeriods(t, s): "PBO with \(s) blocks needs at least \(2 * s) periods (2 a block), the run has \(t)"
            }
        }
    }

    /// The estimate from each combination's block sums (all over the same `periods` rows and
    /// `blocks` blocks), the splits shared among `workers` threads (the result does not depend on
    /// it). `blocks` must be in ``blockRange`` and even (checked by the caller: a scenario refuses
    /// others).
    public static func estimate(sums: [BlockSums], periods: Int, blocks: Int, workers: Int = 1) -> Result<BacktestOverfitting, Shortfall> {
        precondition(blocks % 2 == 0 && blockRange.contains(blocks), "blocks must be even in \(blockRange)")
        let n = sums.count
        guard n >= 2 else { return .failure(.tooFewCombinations(n)) }
        guard periods / blocks >= 2 else { return .failure(.tooFewPeriods(periods: periods, blocks: blocks)) }
        let counts = (0..<blocks).map { b in Double((b + 1) * periods / blocks - b * periods / blocks) }
        // Block-major sums: s[b·N + k], q[b·N + k].
        var s = [Double](repeating: 0, count: blocks * n), q = s
        for (k, c) in sums.enumerated() {
            for b in 0..<blocks {
                s[b * n + k] = c.sum[b]
                q[b * n + k] = c.squares[b]
            }
        }
        var totalS = [Double](repeating: 0, count: n), totalQ = totalS
        for b in 0..<blocks { for k in 0..<n { totalS[k] += s[b * n + k]; totalQ[k] += q[b * n + k] } }
        let masks = Self.splits(blocks)
        let (blockSum, blockSquares, allSum, allSquares) = (s, q, totalS, totalQ)
        // A split and its complement share their sums (one's in-sample is the other's out of
        // sample): the splits holding block 0 are computed, each giving its complement too.
        let position = {
            var out = [Int32](repeating: -1, count: 1 << blocks)
            for (j, m) in masks.enumerated() { out[m] = Int32(j) }
            return out
        }()
        let full = (1 << blocks) - 1
        let pairs = masks.filter { $0 & 1 != 0 }
        var logits = [Double](repeating: 0, count: masks.count), isSR = logits, oosSR = logits
        let parts = max(1, min(workers, pairs.count))
        logits.withUnsafeMutableBufferPointer { lg in
            isSR.withUnsafeMutableBufferPointer { ins in
                oosSR.withUnsafeMutableBufferPointer { oos in
                    let lg = UnsafeSendable(lg), ins = UnsafeSendable(ins), oos = UnsafeSendable(oos)
                    DispatchQueue.concurrentPerform(iterations: parts) { p in
                        var aS = [Double](repeating: 0, count: n), aQ = aS, aScore = aS, bScore = aS
                        for pair in (pairs.count * p / parts)..<(pairs.count * (p + 1) / parts) {
                            let mask = pairs[pair]
                            for k in 0..<n { aS[k] = 0; aQ[k] = 0 }
                            var aCount = 0.0
                            for b in 0..<blocks where mask & (1 << b) != 0 {
                                aCount += counts[b]
                                let base = b * n
                                for k in 0..<n { aS[k] += blockSum[base + k]; aQ[k] += blockSquares[base + k] }
                            }
                            let bCount = Double(periods) - aCount
                            // Ranked by a monotone transform of the Sharpe ratio (no square root).
                            for k in 0..<n {
                                aScore[k] = order(sum: aS[k], squares: aQ[k], count: aCount)
                                bScore[k] = order(sum: allSum[k] - aS[k], squares: allSquares[k] - aQ[k], count: bCount)
                            }
                            // Split `mask` (in sample: a) and its complement (in sample: b).
                            for (j, inScore, outScore) in [(Int(position[mask]), aScore, bScore), (Int(position[full ^ mask]), bScore, aScore)] {
                                var best = 0
                                for k in 1..<n where inScore[k] > inScore[best] { best = k }
                                let winner = outScore[best]
                                var below = 0, equal = 0
                                for k in 0..<n {
                                    below += outScore[k] < winner ? 1 : 0
                                    equal += outScore[k] == winner ? 1 : 0
                                }
                                let omega = (Double(below) + Double(equal + 1) / 2) / Double(n + 1)
                                lg.value[j] = log(omega / (1 - omega))
                                let inA = j == Int(position[mask])
                                let aSharpe = sharpe(sum: aS[best], squares: aQ[best], count: aCount)
                                let bSharpe = sharpe(sum: allSum[best] - aS[best], squares: allSquares[best] - aQ[best], count: bCount)
                                ins.value[j] = inA ? aSharpe : bSharpe
                                oos.value[j] = inA ? bSharpe : aSharpe
                            }
                        }
                    }
                }
            }
        }
        return .success(BacktestOverfitting(blocks: blocks, combinations: n, periods: periods, logits: logits, inSampleSharpe: isSR, outOfSampleSharpe: oosSR))
    }

    /// The estimate from each combination's `returns` (equal lengths).
    public static func estimate(returns: [[Double]], blocks: Int, workers: Int = 1) -> Result<BacktestOverfitting, Shortfall> {
        let periods = returns.first?.count ?? 0
        precondition(returns.allSatisfy { $0.count == periods }, "every combination needs the same periods")
        return estimate(sums: returns.map { BlockSums(returns: $0, blocks: blocks) }, periods: periods, blocks: blocks, workers: workers)
    }

    /// The per-period Sharpe ratio from sums over `count` returns: mean / sample standard
    /// deviation; with no variance 0 for a zero mean, else ±∞.
    @inline(__always) static func sharpe(sum: Double, squares: Double, count: Double) -> Double {
        let mean = sum / count
        let variance = (squares - count * mean * mean) / (count - 1)
        if variance > 0 { return mean / variance.squareRoot() }
        return mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity)
    }

    /// `SR·|SR|·(count − 1)` from the same sums: mean·|mean| over the sum of squared deviations, in
    /// the Sharpe ratio's order (ties where it ties), without its square root; 0 or ±∞ with no variance.
    @inline(__always) static func order(sum: Double, squares: Double, count: Double) -> Double {
        let mean = sum / count
        let deviations = squares - count * mean * mean
        if deviations > 0 { return mean * abs(mean) / deviations }
        return mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity)
    }

    /// Every choice of `blocks / 2` of `blocks` blocks as a bit mask, ascending.
    static func splits(_ blocks: Int) -> [Int] {
        (0..<(1 << blocks)).filter { $0.nonzeroBitCount == blocks / 2 }
    }

    /// Number of splits C(S, S/2).
    public var splits: Int { logits.count }

    /// PBO: the share of splits whose logit is ≤ 0.
    public var probability: Double { Double(logits.filter { $0 <= 0 }.count) / Double(logits.count) }

    /// The share of splits whose winner has an out-of-sample Sharpe ratio below 0.
    public var probabilityOfLoss: Double { Double(outOfSampleSharpe.filter { $0 < 0 }.count) / Double(splits) }

    /// The performance degradation: the least-squares line `oos = intercept + slope · is` through
    /// the winners' (in-sample, out-of-sample) Sharpe ratios over the splits (finite pairs only);
    /// a slope below 0 says a better in-sample result foretells a worse one out of sample.
    public var degradation: (slope: Double, intercept: Double) {
        let pairs = zip(inSampleSharpe, outOfSampleSharpe).filter { $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { return (.nan, .nan) }
        let m = Double(pairs.count)
        let mx = pairs.reduce(0) { $0 + $1.0 } / m, my = pairs.reduce(0) { $0 + $1.1 } / m
        var sxy = 0.0, sxx = 0.0
        for (x, y) in pairs {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        let slope = sxx > 0 ? sxy / sxx : .nan
        return (slope, my - slope * mx)
    }

    /// The logits as a histogram of bins `width` wide aligned on multiples of `width` (at most
    /// `maxBins`; wider bins when the logits spread further): the left edges and the counts.
    public func histogram(width: Double = 0.5, maxBins: Int = 40) -> (edges: [Double], counts: [Int], width: Double) {
        let finite = logits.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return ([], [], width) }
        var w = width
        while ((hi / w).rounded(.down) - (lo / w).rounded(.down) + 1) > Double(maxBins) { w *= 2 }
        let first = (lo / w).rounded(.down)
        let bins = Int((hi / w).rounded(.down) - first) + 1
        var counts = [Int](repeating: 0, count: bins)
        for x in finite { counts[min(bins - 1, Int((x / w).rounded(.down) - first))] += 1 }
        return ((0..<bins).map { (first + Double($0)) * w }, counts, w)
    }
}

/// A buffer handed to concurrent workers that write disjoint elements.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
