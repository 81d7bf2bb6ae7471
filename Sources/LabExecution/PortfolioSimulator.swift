import Foundation
import LabCore

/// Several symbols traded from one cash account, rebalanced to target weights.
///
/// Conventions (docs/execution.md, "Portfolios"):
/// - The symbols share one clock: the same timestamps, bar for bar.
/// - Weights are fractions of equity per symbol (negative = short), decided after the close of a
///   bar from data up to that close and traded at the **next bar's open**; an order due after the
///   last bar never fills.
/// - At the open of the rebalance bar the book is marked at the opens (equity = cash + Σ units ×
///   open); each symbol's target units are `w · equity / open`, rounded toward zero to whole units
///   unless `fractionalUnits`. Reductions (sells, short covers) fill first, then additions; if the
///   additions with their fees would take cash below what the leverage allows
///   (`cash ≥ −(maxLeverage − 1) · equity`), all additions are scaled down together.
/// - Fills pay the ``SlippageModel`` (price moved against the trader) and the ``CommissionModel``
///   from cash. Shorts pay `borrowRate`/yr on their value at each close, a negative cash balance
///   pays `financingRate`/yr, both accrued per bar (P bars per year, `BarSeries.periodsPerYear`).
/// - Equity after each bar = cash + Σ units × close.
public struct PortfolioSimulator: Sendable {
    /// Settings of a portfolio run.
    public struct Config: Sendable, Equatable {
        /// Starting cash, account currency, > 0.
        public var cash: Double
        /// Commission of every fill.
        public var commission: CommissionModel
        /// Price moved against the trader on every fill.
        public var slippage: SlippageModel
        /// Annual fee on the value of shorts (0.02 = 2 %/yr), accrued per bar.
        public var borrowRate: Double
        /// Annual interest on a negative cash balance (fraction per year), accrued per bar.
        public var financingRate: Double
        /// Gross exposure Σ|wᵢ| allowed, and the cash borrowing it implies.
        public var maxLeverage: Double
        /// Fractional units instead of whole units (rounded toward zero).
        public var fractionalUnits: Bool

        /// Settings with no costs, no leverage and whole units unless given.
        public init(
            cash: Double = 100_000, commission: CommissionModel = CommissionModel(), slippage: SlippageModel = .none,
            borrowRate: Double = 0, financingRate: Double = 0, maxLeverage: Double = 1, fractionalUnits: Bool = false
        ) {
            self.cash = cash
            self.commission = commission
            self.slippage = slippage
            self.borrowRate = borrowRate
            self.financingRate = financingRate
            self.maxLeverage = maxLeverage
            self.fractionalUnits = fractionalUnits
        }
    }

    /// What a portfolio run produced.
    public struct Result: Sendable {
        /// The symbols, in the order of every per-symbol array.
        public var symbols: [String]
        /// Equity and cash after each bar.
        public var equity: [Double]
        /// Cash after each bar, account currency (negative when borrowing).
        public var cash: [Double]
        /// Units held after the last bar, per symbol.
        public var units: [Double]
        /// Every fill in the order it happened: per rebalance bar, reductions first, then additions
        /// (each at the rebalance bar's open, reason ``FillReason/rebalance``).
        public var fills: [Fill]
        /// Weights held right after each executed rebalance (units × open / equity), by bar.
        public var rebalances: [(bar: Int, weights: [Double])]
        /// Costs paid over the run, account currency.
        public var costs: CostBreakdown
        /// Σ |units × price| over all fills.
        public var tradedValue: Double
    }

    /// The settings every run of this simulator uses.
    public let config: Config

    /// A simulator for `config`.
    /// - Throws: ``LabExecutionError/invalidParameter(field:reason:)`` naming the first bad field.
    public init(config: Config) throws {
        guard config.cash > 0, config.cash.isFinite else { throw LabExecutionError.invalidParameter(field: "cash", reason: "must be > 0, got \(config.cash)") }
        try need(config.maxLeverage >= 1 && config.maxLeverage <= 100, "maxLeverage", "must be in [1, 100], got \(config.maxLeverage)")
        try need(config.borrowRate >= 0 && config.borrowRate < 1, "borrowRate", "must be in [0, 1), got \(config.borrowRate)")
        try need(config.financingRate >= 0 && config.financingRate < 1, "financingRate", "must be in [0, 1), got \(config.financingRate)")
        try config.commission.check()
        try config.slippage.check()
        self.config = config
    }

    /// Checks that the symbols share one clock and are distinct.
    public static func checkAligned(_ bars: [BarSeries]) throws {
        guard let first = bars.first else { throw LabExecutionError.invalidParameter(field: "symbols", reason: "a portfolio needs at least one symbol") }
        var seen = Set<String>()
        for s in bars {
            guard seen.insert(s.symbol).inserted else { throw LabExecutionError.unaligned(symbol: s.symbol, reason: "appears twice") }
            guard s.count == first.count else {
                throw LabExecutionError.unaligned(symbol: s.symbol, reason: "has \(s.count) bars, \(first.symbol) has \(first.count)")
            }
            if let row = s.timestamps.indices.first(where: { s.timestamps[$0] != first.timestamps[$0] }) {
                throw LabExecutionError.unaligned(symbol: s.symbol, reason: "timestamp at row \(row) differs from \(first.symbol)'s")
            }
        }
    }

    /// Runs rebalances decided by `rule` at the bars `schedule` picks.
    public func run(_ bars: [BarSeries], rule: WeightRule, schedule: RebalanceSchedule) throws -> Result {
        try Self.checkAligned(bars)
        try rule.validate(symbols: bars.map(\.symbol))
        try schedule.validate()
        var targets: [Int: [Double]] = [:]
        for bar in schedule.bars(bars[0], from: rule.window) {
            targets[bar] = rule.weights(bars, at: bar, maxLeverage: config.maxLeverage)
        }
        return try run(bars, weights: targets)
    }

    /// Runs rebalances to the weights given by symbol, decided at the close of each key bar.
    /// - Throws: `unknownSymbol` for a weight on a symbol the portfolio does not hold.
    public func run(_ bars: [BarSeries], targets: [Int: [String: Double]]) throws -> Result {
        try Self.checkAligned(bars)
        let symbols = bars.map(\.symbol)
        var weights: [Int: [Double]] = [:]
        for (bar, byName) in targets {
            for name in byName.keys.sorted() where !symbols.contains(name) { throw LabExecutionError.unknownSymbol(name, known: symbols) }
            weights[bar] = symbols.map { byName[$0] ?? 0 }
        }
        return try run(bars, weights: weights)
    }

    /// Runs rebalances to weight vectors (in the order of `bars`) decided at the close of each key bar.
    public func run(_ bars: [BarSeries], weights: [Int: [Double]]) throws -> Result {
        try Self.checkAligned(bars)
        let n = bars.count, count = bars[0].count
        for (bar, w) in weights.sorted(by: { $0.key < $1.key }) {
            guard w.count == n else { throw LabExecutionError.lengthMismatch(field: "weights at bar \(bar)", expected: n, actual: w.count) }
            guard w.allSatisfy(\.isFinite) else { throw LabExecutionError.invalidParameter(field: "weights at bar \(bar)", reason: "must be finite") }
            let gross = w.reduce(0) { $0 + abs($1) }
            guard gross <= config.maxLeverage + 1e-12 else {
                throw LabExecutionError.invalidParameter(
                    field: "weights at bar \(bar)", reason: "gross exposure \(gross) exceeds max_leverage \(config.maxLeverage)")
            }
        }
        let perYear = bars[0].periodsPerYear
        let borrowPerBar = config.borrowRate / perYear, financingPerBar = config.financingRate / perYear
        var cash = config.cash
        var units = [Double](repeating: 0, count: n)
        var equity = [Double](repeating: 0, count: count), cashCurve = equity
        var ledger = FillLedger(recording: true)
        let pricer = FillPricer(slippage: config.slippage, commission: config.commission)
        var rebalances: [(bar: Int, weights: [Double])] = []

        func price(_ s: Int, _ field: [Double], _ i: Int, _ name: String) throws -> Double {
            let v = field[i]
            guard v > 0, v.isFinite else { throw LabExecutionError.badFillPrice(symbol: bars[s].symbol, bar: i, field: name, value: v) }
            return v
        }

        for i in 0..<count {
            // Rebalance decided at the close of i − 1, at this open.
            if i > 0, let w = weights[i - 1] {
                let open = try (0..<n).map { try price($0, bars[$0].open, i, "open") }
                let markedEquity = cash + (0..<n).reduce(0) { $0 + units[$1] * open[$1] }
                // A book with no equity left cannot rebalance; it is still marked below.
                let delta =
                    markedEquity <= 0
                    ? [Double](repeating: 0, count: n)
                    : (0..<n).map { s -> Double in
                        let target = w[s] * markedEquity / open[s]
                        return (config.fractionalUnits ? target : target.rounded(.towardZero)) - units[s]
                    }
                func fill(_ s: Int, _ q: Double) {
                    guard q != 0 else { return }
                    let priced = pricer.fill(units: q, bars: bars[s], bar: i, reference: open[s])
                    cash -= q * priced.price + priced.fee
                    units[s] += q
                    ledger.book(priced, bar: i, time: bars[s].timestamps[i], symbol: bars[s].symbol, reason: .rebalance)
                }
                // Reductions first (they free cash): the part of a change that moves a position toward
                // zero; what is left (adding, or opening the other side) is an addition.
                var addition = delta
                for s in 0..<n where units[s] != 0 && delta[s] != 0 && (delta[s] > 0) != (units[s] > 0) {
                    let q = delta[s] > 0 ? min(delta[s], -units[s]) : max(delta[s], -units[s])
                    fill(s, q)
                    addition[s] = delta[s] - q
                }
                // Additions: scale them down together if they would take cash below the leverage floor.
                let adding = (0..<n).filter { addition[$0] != 0 }
                if !adding.isEmpty {
                    let equityNow = cash + (0..<n).reduce(0) { $0 + units[$1] * open[$1] }
                    let floor = -(config.maxLeverage - 1) * equityNow
                    func cashAfter(_ scale: Double) -> Double {
                        var c = cash
                        for s in adding {
                            let priced = pricer.fill(units: addition[s] * scale, bars: bars[s], bar: i, reference: open[s])
                            c -= priced.units * priced.price + priced.fee
                        }
                        return c
                    }
                    var scale = 1.0
                    if cashAfter(1) < floor {
                        var lo = 0.0, hi = 1.0
                        for _ in 0..<60 { let mid = (lo + hi) / 2; if cashAfter(mid) >= floor { lo = mid } else { hi = mid } }
                        scale = lo
                    }
                    for s in adding {
                        var q = addition[s] * scale
                        if !config.fractionalUnits { q = q.rounded(.towardZero) }
                        fill(s, q)
                    }
                }
                let after = cash + (0..<n).reduce(0) { $0 + units[$1] * open[$1] }
                rebalances.append((i, (0..<n).map { after > 0 ? units[$0] * open[$0] / after : 0 }))
            }
            // Mark at the close, then accrue borrow and financing for the bar.
            var value = 0.0
            for s in 0..<n where units[s] != 0 {
                let c = try price(s, bars[s].close, i, "close")
                value += units[s] * c
                if units[s] < 0 && borrowPerBar > 0 {
                    let fee = -units[s] * c * borrowPerBar
                    cash -= fee
                    ledger.costs.borrow += fee
                }
            }
            if cash < 0 && financingPerBar > 0 {
                let interest = -cash * financingPerBar
                cash -= interest
                ledger.costs.financing += interest
            }
            equity[i] = cash + value
            cashCurve[i] = cash
        }
        return Result(
            symbols: bars.map(\.symbol), equity: equity, cash: cashCurve, units: units, fills: ledger.fills, rebalances: rebalances,
            costs: ledger.costs, tradedValue: ledger.tradedValue)
    }
}

/// When a portfolio rebalances: decision bars (closes), from the first bar with enough history.
public enum RebalanceSchedule: Sendable, Equatable {
    /// Every `k` bars.
    case everyBars(Int)
    /// At the last bar of each trading day, ISO week or calendar month (dates in the series' time
    /// zone for intraday bars).
    case daily, weekly, monthly

    func validate() throws {
        if case let .everyBars(k) = self, k < 1 {
            throw LabExecutionError.invalidParameter(field: "rebalance.every", reason: "must be ≥ 1 bar, got \(k)")
        }
    }

    /// The decision bars of `bars` at or after `first`.
    public func bars(_ bars: BarSeries, from first: Int) -> [Int] {
        guard bars.count > first else { return [] }
        switch self {
        case let .everyBars(k):
            return Array(stride(from: first, to: bars.count, by: k))
        case .daily, .weekly, .monthly:
            let days = bars.localDayNumbers()
            func period(_ i: Int) -> Int64 {
                let day = days[i]
                switch self {
                case .weekly: return (day + 3).quotient(dividingBy: 7)  // 1970-01-01 was a Thursday: weeks from Monday
                case .monthly: let (y, m, _) = CivilTime.civilFromDays(day); return Int64(y * 12 + m)
                default: return day
                }
            }
            var out: [Int] = []
            for i in first..<bars.count where i == bars.count - 1 || period(i) != period(i + 1) { out.append(i) }
            return out
        }
    }
}

private extension Int64 {
    /// Floor division.
    func quotient(dividingBy d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
}
