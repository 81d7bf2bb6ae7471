import Foundation
import LabCore

/// A universe of symbols traded from one cash account, rebalanced to target weights: the one
/// portfolio simulator (``PortfolioSimulator`` runs its aligned portfolios through it).
///
/// Conventions (docs/portfolios.md):
/// - Weights are fractions of equity per symbol (negative = short), decided after the close of a
///   calendar row from data up to that close and traded at the **next row's open**; an order
///   due after the last row never fills.
/// - At the open of the fill row the book is marked (equity = cash + Σ units × price, the price
///   being the open for a symbol with a bar there and its last close otherwise). A symbol with a
///   bar at the fill row trades to `w · equity / open` units (toward zero to whole units unless
///   `fractionalUnits`); a symbol without one keeps its units (the order is counted as skipped).
/// - The participation cap limits each fill to `cap × the bar's volume` units (whole units down);
///   what it cuts is not traded later (counted).
/// - Reductions (sells, short covers) fill first, then additions; if the additions with their fees
///   would take cash below what the leverage allows (`cash ≥ −(maxLeverage − 1) · equity`), all
///   additions are scaled down together.
/// - Fills pay the ``SlippageModel`` (against the trader) and the ``CommissionModel`` from cash.
/// - A symbol's last bar before the calendar's end (delisted, or its data ends) closes its
///   position at that bar's close, with the same slippage and commission
///   (reason ``FillReason/delisting``).
/// - Each row after the fills: equity = cash + Σ units × (close, or last close without a bar);
///   shorts pay `borrowRate`/yr on their value, a negative cash balance pays `financingRate`/yr,
///   accrued per row (`periodsPerYear` rows a year).
public struct UniverseSimulator: Sendable {
    /// Settings of a run.
    public struct Config: Sendable, Equatable {
        /// Starting cash, account currency, > 0.
        public var cash: Double
        /// Commission of every fill.
        public var commission: CommissionModel
        /// Price moved against the trader on every fill.
        public var slippage: SlippageModel
        /// Annual fee on the value of shorts (fraction per year), accrued per row.
        public var borrowRate: Double
        /// Annual interest on a negative cash balance (fraction per year), accrued per row.
        public var financingRate: Double
        /// Gross exposure Σ|wᵢ| allowed, and the cash borrowing it implies.
        public var maxLeverage: Double
        /// Fractional units instead of whole units (rounded toward zero).
        public var fractionalUnits: Bool
        /// Largest fill as a fraction of its bar's volume, in (0, 1]; nil: no cap.
        public var participationCap: Double?

        /// Settings with no costs, no leverage, whole units and no cap unless given.
        public init(
            cash: Double = 100_000, commission: CommissionModel = CommissionModel(), slippage: SlippageModel = .none, borrowRate: Double = 0,
            financingRate: Double = 0, maxLeverage: Double = 1, fractionalUnits: Bool = false, participationCap: Double? = nil
        ) {
            self.cash = cash
            self.commission = commission
            self.slippage = slippage
            self.borrowRate = borrowRate
            self.financingRate = financingRate
            self.maxLeverage = maxLeverage
            self.fractionalUnits = fractionalUnits
            self.participationCap = participationCap
        }
    }

    /// What a run produced. Per-symbol arrays are in the universe's order; per-row arrays follow
    /// its calendar.
    public struct Result: Sendable {
        /// The symbols.
        public var symbols: [String]
        /// Equity after each row, account currency.
        public var equity: [Double]
        /// Cash after each row (negative when borrowing).
        public var cash: [Double]
        /// Symbols held (units ≠ 0) after each row.
        public var holdings: [Int]
        /// Units held after the last row.
        public var units: [Double]
        /// Every fill in the order it happened (`bar` is the calendar row); empty unless recorded.
        public var fills: [Fill]
        /// Number of fills.
        public var fillCount: Int
        /// Each executed rebalance: its fill row, the weights right after it (units × price /
        /// equity) and its turnover (value traded / equity before it).
        public var rebalances: [(bar: Int, weights: [Double], turnover: Double)]
        /// Costs over the run.
        public var costs: CostBreakdown
        /// Σ |units × price| over all fills.
        public var tradedValue: Double
        /// Each symbol's profit: its fills' cash flows (fees included), borrow fees, and the value
        /// of its final units at its last price. Their sum is final equity − cash − financing.
        public var contribution: [Double]
        /// Commission plus slippage plus borrow paid by each symbol.
        public var symbolCosts: [Double]
        /// Orders not placed because the symbol had no bar at the fill row.
        public var skippedOrders: Int
        /// Fills the participation cap cut short.
        public var cappedFills: Int
        /// Positions closed at a symbol's last bar.
        public var delistingCloses: Int
    }

    /// The settings every run uses.
    public let config: Config

    /// A simulator for `config`.
    /// - Throws: ``LabExecutionError/invalidParameter(field:reason:)`` naming the first bad field.
    public init(config: Config) throws {
        guard config.cash > 0, config.cash.isFinite else { throw LabExecutionError.invalidParameter(field: "cash", reason: "must be > 0, got \(config.cash)") }
        try need(config.maxLeverage >= 1 && config.maxLeverage <= 100, "maxLeverage", "must be in [1, 100], got \(config.maxLeverage)")
        try need(config.borrowRate >= 0 && config.borrowRate < 1, "borrowRate", "must be in [0, 1), got \(config.borrowRate)")
        try need(config.financingRate >= 0 && config.financingRate < 1, "financingRate", "must be in [0, 1), got \(config.financingRate)")
        if let cap = config.participationCap { try need(cap > 0 && cap <= 1, "participationCap", "must be in (0, 1], got \(cap)") }
        try config.commission.check()
        try config.slippage.check()
        self.config = config
    }

    /// Runs rebalances to `targets`: for each decision row (its close), the weights by symbol.
    /// - Parameters:
    ///   - periodsPerYear: rows a year, for borrow and financing accrual.
    ///   - recordFills: keep every fill (a sweep keeps only the totals).
    /// - Throws: ``LabExecutionError`` for a weights vector of the wrong length, a weight that is
    ///   not finite, gross exposure above `maxLeverage`, or a price that is not positive where
    ///   the account reads it (the open of a symbol held or wanted at a fill, the close of a
    ///   symbol held).
    public func run(_ universe: Universe, targets: [(row: Int, weights: [Double])], periodsPerYear: Double, recordFills: Bool = true) throws
        -> Result
    {
        let n = universe.count, length = universe.length
        var pending = [Int: [Double]]()
        for (row, w) in targets {
            guard w.count == n else { throw LabExecutionError.lengthMismatch(field: "weights at bar \(row)", expected: n, actual: w.count) }
            if let s = w.firstIndex(where: { !$0.isFinite }) {
                throw LabExecutionError.invalidParameter(field: "weights at bar \(row)", reason: "\(universe.names[s]): must be finite, got \(w[s])")
            }
            let gross = w.reduce(0) { $0 + abs($1) }
            guard gross <= config.maxLeverage + 1e-12 else {
                throw LabExecutionError.invalidParameter(
                    field: "weights at bar \(row)", reason: "gross exposure \(gross) exceeds max_leverage \(config.maxLeverage)")
            }
            pending[row] = w
        }
        let borrowPerRow = config.borrowRate / periodsPerYear, financingPerRow = config.financingRate / periodsPerYear
        let lastRows = universe.lastRows
        var cash = config.cash
        var units = [Double](repeating: 0, count: n)
        var equity = [Double](repeating: 0, count: length), cashCurve = equity
        var holdingsCurve = [Int](repeating: 0, count: length)
        var ledger = FillLedger(recording: recordFills)
        var fillCount = 0
        let pricer = FillPricer(slippage: config.slippage, commission: config.commission)
        var rebalances: [(bar: Int, weights: [Double], turnover: Double)] = []
        var flows = [Double](repeating: 0, count: n), symbolCosts = flows
        var skipped = 0, capped = 0, delisted = 0
        // Symbols with units ≠ 0, ascending (sums run in symbol order: deterministic).
        var held: [Int] = []
        var cursor = UniverseCursor(universe)

        // The price columns by symbol, taken once: a per-bar `universe.symbols[s]` copied the whole
        // series (a retain and release of each of its columns) for every held symbol on every row.
        let opens = universe.symbols.map(\.open), closes = universe.symbols.map(\.close)
        func checked(_ s: Int, _ v: Double, _ t: Int, _ name: String) throws -> Double {
            guard v > 0, v.isFinite else { throw LabExecutionError.badFillPrice(symbol: universe.names[s], bar: t, field: name, value: v) }
            return v
        }
        /// The price of symbol s at the open of the current row: its open with a bar, else its last close.
        func markAtOpen(_ s: Int, _ t: Int) throws -> Double {
            if cursor.bar[s] >= 0 { return try checked(s, opens[s][cursor.bar[s]], t, "open") }
            return cursor.latest[s] >= 0 ? closes[s][cursor.latest[s]] : 0
        }
        let names = universe.names, times = universe.symbols.map(\.timestamps)
        func fill(_ s: Int, _ q: Double, _ t: Int, reference: Double, reason: FillReason) {
            guard q != 0 else { return }
            let j = cursor.bar[s]
            let priced = pricer.fill(
                units: q, bars: universe.symbols[s], bar: j, reference: reference, opening: units[s] == 0 || (units[s] > 0) == (q > 0))
            cash -= q * priced.price + priced.fee
            flows[s] -= q * priced.price + priced.fee
            symbolCosts[s] += priced.fee + priced.slippage
            units[s] += q
            fillCount += 1
            ledger.book(priced, bar: t, time: times[s][j], symbol: names[s], reason: reason)
        }

        for t in 0..<length {
            let w = t > 0 ? pending[t - 1] : nil
            // A fill row reads the symbols held or wanted (a symbol neither held nor wanted trades
            // nothing: reading every symbol's open was a cache miss each); any other row only the
            // symbols held. A symbol's cursor catches up when it is next read.
            let involved = w.map { w in (0..<n).filter { w[$0] != 0 || units[$0] != 0 } } ?? held
            for s in involved { cursor.advance(s, to: t) }
            if let w {
                // The book at this open: every symbol held or wanted.
                var mark = [Double](repeating: 0, count: n)
                var book = 0.0
                for s in involved {
                    mark[s] = try markAtOpen(s, t)
                    book += units[s] * mark[s]
                }
                let markedEquity = cash + book
                var delta = [Double](repeating: 0, count: n)
                if markedEquity > 0 {
                    for s in involved {
                        guard cursor.bar[s] >= 0 else {
                            if w[s] != 0 || units[s] != 0, abs(w[s] * markedEquity - units[s] * mark[s]) > 1e-9 * markedEquity { skipped += 1 }
                            continue
                        }
                        let target = w[s] * markedEquity / mark[s]
                        var q = (config.fractionalUnits ? target : target.rounded(.towardZero)) - units[s]
                        if let cap = config.participationCap, q != 0 {
                            let volume = universe.symbols[s].volume[cursor.bar[s]]
                            let limit = config.fractionalUnits ? cap * volume : (cap * volume).rounded(.down)
                            if abs(q) > limit {
                                q = q > 0 ? limit : -limit
                                capped += 1
                            }
                        }
                        delta[s] = q
                    }
                }
                let tradedBefore = ledger.tradedValue
                // Reductions first (they free cash): the part of a change that moves a position
                // toward zero; what is left (adding, or opening the other side) is an addition.
                var addition = delta
                for s in 0..<n where units[s] != 0 && delta[s] != 0 && (delta[s] > 0) != (units[s] > 0) {
                    let q = delta[s] > 0 ? min(delta[s], -units[s]) : max(delta[s], -units[s])
                    fill(s, q, t, reference: mark[s], reason: .rebalance)
                    addition[s] = delta[s] - q
                }
                // Additions: scaled down together if they would take cash below the leverage floor.
                let adding = (0..<n).filter { addition[$0] != 0 }
                if !adding.isEmpty {
                    var bookNow = 0.0
                    for s in 0..<n where units[s] != 0 { bookNow += units[s] * mark[s] }
                    let floor = -(config.maxLeverage - 1) * (cash + bookNow)
                    func cashAfter(_ scale: Double) -> Double {
                        var c = cash
                        for s in adding {
                            let priced = pricer.fill(
                                units: addition[s] * scale, bars: universe.symbols[s], bar: cursor.bar[s], reference: mark[s], opening: true)
                            c -= priced.units * priced.price + priced.fee
                        }
                        return c
                    }
                    var scale = 1.0
                    if cashAfter(1) < floor {
                        var lo = 0.0, hi = 1.0
                        for _ in 0..<60 {
                            let mid = (lo + hi) / 2
                            if cashAfter(mid) >= floor { lo = mid } else { hi = mid }
                        }
                        scale = lo
                    }
                    for s in adding {
                        var q = addition[s] * scale
                        if !config.fractionalUnits { q = q.rounded(.towardZero) }
                        fill(s, q, t, reference: mark[s], reason: .rebalance)
                    }
                }
                held = (0..<n).filter { units[$0] != 0 }
                var bookAfter = 0.0
                for s in held { bookAfter += units[s] * mark[s] }
                let after = cash + bookAfter
                rebalances.append(
                    (
                        t, (0..<n).map { after > 0 && units[$0] != 0 ? units[$0] * mark[$0] / after : 0 },
                        markedEquity > 0 ? (ledger.tradedValue - tradedBefore) / markedEquity : 0
                    ))
            }
            // A symbol's last bar before the calendar's end closes its position at that close.
            if t < length - 1 {
                for s in held where lastRows[s] == t {
                    let close = try checked(s, closes[s][cursor.bar[s]], t, "close")
                    fill(s, -units[s], t, reference: close, reason: .delisting)
                    units[s] = 0
                    delisted += 1
                }
                held.removeAll { units[$0] == 0 }
            }
            // Mark at the close (the last close without a bar), then accrue borrow and financing.
            var value = 0.0
            for s in held {
                let c = cursor.bar[s] >= 0 ? try checked(s, closes[s][cursor.bar[s]], t, "close") : closes[s][cursor.latest[s]]
                value += units[s] * c
                if units[s] < 0 && borrowPerRow > 0 {
                    let fee = -units[s] * c * borrowPerRow
                    cash -= fee
                    flows[s] -= fee
                    symbolCosts[s] += fee
                    ledger.costs.borrow += fee
                }
            }
            if cash < 0 && financingPerRow > 0 {
                let interest = -cash * financingPerRow
                cash -= interest
                ledger.costs.financing += interest
            }
            equity[t] = cash + value
            cashCurve[t] = cash
            holdingsCurve[t] = held.count
        }
        // Each symbol's profit: its cash flows plus its final units at its last close.
        var contribution = flows
        for s in held { contribution[s] += units[s] * closes[s][closes[s].count - 1] }
        return Result(
            symbols: universe.names, equity: equity, cash: cashCurve, holdings: holdingsCurve, units: units, fills: ledger.fills, fillCount: fillCount,
            rebalances: rebalances, costs: ledger.costs, tradedValue: ledger.tradedValue, contribution: contribution, symbolCosts: symbolCosts,
            skippedOrders: skipped, cappedFills: capped, delistingCloses: delisted)
    }
}
