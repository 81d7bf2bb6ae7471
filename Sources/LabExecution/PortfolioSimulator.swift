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
    /// Settings of a portfolio run: the universe simulator's (its participation cap, nil unless
    /// set, applies here too).
    public typealias Config = UniverseSimulator.Config

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
    public var config: Config { simulator.config }
    /// The simulator the fills run through.
    private let simulator: UniverseSimulator

    /// A simulator for `config`.
    /// - Throws: ``LabExecutionError/invalidParameter(field:reason:)`` naming the first bad field.
    public init(config: Config) throws { simulator = try UniverseSimulator(config: config) }

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
        var last: [Double]?
        for bar in schedule.bars(bars[0], from: rule.window) {
            let w = rule.weights(bars, at: bar, maxLeverage: config.maxLeverage)
            // On change: a decision that repeats the last target trades nothing.
            if schedule == .onChange && w == last { continue }
            targets[bar] = w
            last = w
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

    /// Runs rebalances to weight vectors (in the order of `bars`) decided at the close of each key
    /// bar, through ``UniverseSimulator`` (the symbols share one clock, so none is ever skipped or
    /// delisted).
    public func run(_ bars: [BarSeries], weights: [Int: [Double]]) throws -> Result {
        try Self.checkAligned(bars)
        let universe = try Universe(bars)
        let run = try simulator.run(
            universe, targets: weights.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, periodsPerYear: bars[0].periodsPerYear)
        return Result(
            symbols: run.symbols, equity: run.equity, cash: run.cash, units: run.units, fills: run.fills,
            rebalances: run.rebalances.map { ($0.bar, $0.weights) }, costs: run.costs, tradedValue: run.tradedValue)
    }
}

/// When a portfolio rebalances: decision bars (closes), from the first bar with enough history.
public enum RebalanceSchedule: Sendable, Equatable {
    /// Every `k` bars.
    case everyBars(Int)
    /// At the last bar of each trading day, ISO week or calendar month (dates in the series' time
    /// zone for intraday bars).
    case daily, weekly, monthly
    /// Every bar is a decision; a portfolio trades only when its target weights change.
    case onChange

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
        case .onChange:
            return Array(first..<bars.count)
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
