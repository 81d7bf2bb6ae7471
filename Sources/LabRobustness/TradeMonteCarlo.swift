import Foundation
import LabCore

/// Monte Carlo of a backtest's trades: the trades' returns on equity resampled with replacement
/// and compounded, giving the distribution of the final equity and of the maximum drawdown a
/// strategy with the same trades could have had in another order and mix.
///
/// Conventions: a trade's return is its P&L (after costs) over the equity before its entry bar
/// (``returnOnEquity(trades:equity:startingCash:)``); a path draws as many trades as the run closed,
/// uniformly with replacement, and compounds them, `E = Π(1 + r)` from 1; its maximum drawdown is
/// taken over the trade-by-trade path (after each trade, not bar by bar). Path k draws from stream
/// k of the seed.
public struct TradeMonteCarlo: Sendable, Equatable {
    /// Paths drawn.
    public let paths: Int
    /// Trades per path (the run's closed trades).
    public let trades: Int
    /// The fraction of equity whose loss ``probabilityOfLoss`` measures (0.2: losing 20 % or more).
    public let lossFraction: Double
    /// Final equity over starting equity of every path, ascending.
    public let finalEquity: [Double]
    /// Maximum drawdown (fraction ≥ 0) of every path, ascending.
    public let maxDrawdown: [Double]

    /// Why the Monte Carlo cannot run (a note in the report).
    public enum Shortfall: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than 2 closed trades.
        case tooFewTrades(Int)

        /// One line for the report.
        public var description: String {
            switch self {
            case let .tooFewTrades(n): "the trade Monte Carlo needs at least 2 closed trades, the run has \(n)"
            }
        }
    }

    /// Each trade's P&L over the equity before its entry bar (`startingCash` for a trade entered on
    /// bar 0), in trade order.
    public static func returnOnEquity(trades: [TradeRecord], equity: [Double], startingCash: Double) -> [Double] {
        trades.map { trade in
            let before = trade.entryBar > 0 && trade.entryBar - 1 < equity.count ? equity[trade.entryBar - 1] : startingCash
            return trade.pnl / before
        }
    }

    /// `paths` resamples of `returns` (fractions, each > −1 for a path to stay solvent; a return
    /// ≤ −1 ends a path at 0), seeded by `seed`, shared among `workers` threads.
    public static func simulate(returns: [Double], paths: Int, lossFraction: Double, seed: UInt64, workers: Int = 1) -> Result<TradeMonteCarlo, Shortfall> {
        let n = returns.count
        guard n >= 2 else { return .failure(.tooFewTrades(n)) }
        precondition(paths >= 1, "paths must be ≥ 1")
        var final = [Double](repeating: 0, count: paths), drawdown = final
        let streams = SeededRNG(seed: seed).streams(paths)
        let parts = max(1, min(workers, paths))
        // Growth factors, a loss beyond −100 % ending the path at 0.
        let factors = returns.map { max(0, 1 + $0) }
        factors.withUnsafeBufferPointer { r in
            final.withUnsafeMutableBufferPointer { fe in
                drawdown.withUnsafeMutableBufferPointer { dd in
                    let r = UnsafeSendable(r), fe = UnsafeSendable(fe), dd = UnsafeSendable(dd)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        for k in (paths * part / parts)..<(paths * (part + 1) / parts) {
                            var rng = streams[k]
                            // The deepest point of each stretch under one peak is its lowest
                            // equity: one division per new peak, not one a trade.
                            var equity = 1.0, peak = 1.0, low = 1.0, worst = 0.0
                            for _ in 0..<n {
                                equity *= r.value[rng.nextInt(below: n)]
                                if equity > peak {
                                    worst = max(worst, 1 - low / peak)
                                    peak = equity
                                    low = equity
                                } else if equity < low {
                                    low = equity
                                }
                            }
                            fe.value[k] = equity
                            dd.value[k] = max(worst, 1 - low / peak)
                        }
                    }
                }
            }
        }
        final.sort()
        drawdown.sort()
        return .success(TradeMonteCarlo(paths: paths, trades: n, lossFraction: lossFraction, finalEquity: final, maxDrawdown: drawdown))
    }

    /// The q-quantile (0 … 1) of ascending `values`, linear between order statistics (numpy's default).
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let h = Double(values.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, values.count - 1)
        return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
    }

    /// The share of paths that end with at least ``lossFraction`` of the equity lost.
    public var probabilityOfLoss: Double { Double(finalEquity.filter { $0 <= 1 - lossFraction }.count) / Double(paths) }

    /// The share of paths that end below their starting equity.
    public var probabilityBelowStart: Double { Double(finalEquity.filter { $0 < 1 }.count) / Double(paths) }
}
