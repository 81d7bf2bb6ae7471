import Foundation
import LabCore

/// What a universe portfolio's job adds to its report (`jobs[].portfolio.universe`): size,
/// turnover, holdings over time, each traded symbol's contribution and costs, and the weights as a
/// downsampled heatmap.
///
/// Conventions: contributions and costs are account currency (the annual turnover is the job's
/// `Turnover [x/yr]` statistic); heatmap cells are the mean over the bucket's rows of the weights held right after the
/// last rebalance at or before each row (drift between rebalances not shown).
public struct UniverseSection: Sendable, Codable, Equatable {
    /// Symbols in the universe.
    public var symbols: Int
    /// Symbols held at some point.
    public var traded: Int
    /// Rows of the shared calendar.
    public var calendar_rows: Int
    /// Decisions that set a target.
    public var decisions: Int
    /// Mean number of symbols held over the rows.
    public var average_holdings: Double
    /// Symbols held, downsampled (time ISO 8601 UTC, count).
    public var holdings: HoldingsCurve
    /// Every symbol held at some point, by contribution (largest first).
    public var contributions: [Contribution]
    /// The weights of the largest contributors (by |contribution|) over time.
    public var heatmap: Heatmap
    /// Each executed rebalance: when, symbols held after it, and its turnover (value traded ÷
    /// equity before it).
    public var rebalances: [RebalanceRow]
    /// Things a reviewer should know (k larger than the universe, missing scores, skipped or
    /// capped orders, delisting closes), one line each.
    public var warnings: [String]

    /// Symbols held over time.
    public struct HoldingsCurve: Sendable, Codable, Equatable {
        /// Row times, ISO 8601 UTC.
        public var time: [String]
        /// Symbols held after that row.
        public var count: [Int]
    }

    /// One executed rebalance.
    public struct RebalanceRow: Sendable, Codable, Equatable {
        /// Fill row time, ISO 8601 UTC.
        public var time: String
        /// Symbols held right after it.
        public var held: Int
        /// Value traded ÷ equity before it.
        public var turnover: Double
    }

    /// One symbol's share of the result.
    public struct Contribution: Sendable, Codable, Equatable {
        /// The symbol.
        public var symbol: String
        /// Its group (sector), when known.
        public var sector: String?
        /// Profit: its fills' cash flows, borrow fees and final value, account currency.
        public var contribution: Double
        /// Commission, slippage and borrow it paid, account currency.
        public var costs: Double
    }

    /// Mean weights per symbol and time bucket.
    public struct Heatmap: Sendable, Codable, Equatable {
        /// The symbols shown (largest |contribution| first).
        public var symbols: [String]
        /// Each bucket's first row time, ISO 8601 UTC.
        public var time: [String]
        /// `weights[i][b]`: symbol i's mean weight in bucket b (fraction of equity).
        public var weights: [[Double]]
        /// Per bucket, the mean gross weight Σ|w| of the symbols not shown.
        public var others: [Double]
    }

    /// The section from a run's arrays.
    /// - Parameters:
    ///   - names: the symbols; `groups` their sectors (nil where unknown).
    ///   - times: the calendar (ns since the epoch).
    ///   - rebalances: each executed rebalance's row, the weights right after it and its turnover.
    ///   - contribution, costs: per symbol, account currency.
    ///   - holdings: symbols held after each row.
    ///   - points: at most this many holdings points and heatmap buckets; `shown` heatmap rows.
    public static func make(
        names: [String], groups: [String?], times: [Int64], rebalances: [(bar: Int, weights: [Double], turnover: Double)], contribution: [Double],
        costs: [Double],
        holdings: [Int], decisions: Int, warnings: [String], points: Int = 120,
        shown: Int = 15
    ) -> UniverseSection {
        let rows = times.count
        var traded = Set<Int>()
        for r in rebalances { for (s, w) in r.weights.enumerated() where w != 0 { traded.insert(s) } }
        for s in names.indices where contribution[s] != 0 || costs[s] != 0 { traded.insert(s) }
        let order = traded.sorted { contribution[$0] != contribution[$1] ? contribution[$0] > contribution[$1] : $0 < $1 }
        let keep = rows <= points ? Array(0..<rows) : (0..<points).map { $0 * (rows - 1) / (points - 1) }
        // Heatmap buckets of equal row counts; weights in effect at each row.
        let buckets = min(points, max(rows, 1))
        let bucketStart = (0..<buckets).map { $0 * rows / buckets }
        let top = Array(
            traded.sorted { abs(contribution[$0]) != abs(contribution[$1]) ? abs(contribution[$0]) > abs(contribution[$1]) : $0 < $1 }.prefix(shown))
        let topSet = Set(top)
        var cells = [[Double]](repeating: [Double](repeating: 0, count: buckets), count: top.count)
        var others = [Double](repeating: 0, count: buckets)
        var k = -1
        for b in 0..<buckets {
            let end = b + 1 < buckets ? bucketStart[b + 1] : rows
            for t in bucketStart[b]..<end {
                while k + 1 < rebalances.count && rebalances[k + 1].bar <= t { k += 1 }
                guard k >= 0 else { continue }
                let w = rebalances[k].weights
                for (i, s) in top.enumerated() { cells[i][b] += w[s] }
                var rest = 0.0
                for (s, x) in w.enumerated() where x != 0 && !topSet.contains(s) { rest += abs(x) }
                others[b] += rest
            }
            let n = Double(end - bucketStart[b])
            for i in top.indices { cells[i][b] /= n }
            others[b] /= n
        }
        return UniverseSection(
            symbols: names.count, traded: traded.count, calendar_rows: rows, decisions: decisions,
            average_holdings: Double(holdings.reduce(0, +)) / Double(max(rows, 1)),
            holdings: .init(time: keep.map { CivilTime.iso8601(times[$0]) }, count: keep.map { holdings[$0] }),
            contributions: order.map { .init(symbol: names[$0], sector: groups[$0], contribution: contribution[$0], costs: costs[$0]) },
            heatmap: .init(symbols: top.map { names[$0] }, time: bucketStart.map { CivilTime.iso8601(times[$0]) }, weights: cells, others: others),
            rebalances: rebalances.map { .init(time: CivilTime.iso8601(times[$0.bar]), held: $0.weights.count { $0 != 0 }, turnover: $0.turnover) },
            warnings: warnings)
    }
}
