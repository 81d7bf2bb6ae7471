import CVectorMath
import Foundation
import LabCore

/// The execution core for one instrument, with backtesting.py 0.6.6's conventions by default
/// (its defaults: `spread=0, margin=1, trade_on_close=False, hedging=False, exclusive_orders=True,
/// finalize_trades=False`), which the parity test reproduces trade for trade:
///
/// - Timing (``FillTiming``): by default a target set after the close of bar i is filled at the
///   **open of bar i + 1** (plus an optional latency in bars); or at bar i's own close; or at bar
///   i + 1's typical price. An order due after the last bar never fills. Decisions start at `start`.
/// - Exclusive orders: a new target closes the open trade (at that open) before the new one is
///   sized; a `flat` target only closes.
/// - Sizing: whole units, `floor(margin · f / (price + commission(f, price)/f))` with f = 1 − ε
///   (backtesting.py's default size), margin = cash after the close, price including slippage; then
///   reduced until units·price plus the fee fits the cash; a size of 0 cancels the order.
/// - Costs: ``CommissionModel`` per leg (fraction of value, per share with minimum and maximum,
///   fixed), charged in cash; ``SlippageModel`` moves each fill against the trader (fixed bp, half
///   the quoted or Corwin–Schultz spread, square-root impact on trailing σ and ADV).
/// - Equity at bar i: cash + units · (close_i − entry price) — an open trade's exit fee is not in it.
/// - Bankruptcy: when equity ≤ 0 the trade is closed at that close, cash and the rest of the curve are 0.
/// - Trades still open at the end are not in `trades` (they count in the equity curve).
///
/// - Borrow: shorts pay `borrowRate` per year on their value at each close.
/// - Costs are reported split (commission, slippage, borrow, financing) with the traded value.
/// - Liquidity: an optional participation cap (fraction of each bar's volume per order); zero-volume
///   bars fill nothing (a series with no volume at all, most FX feeds, has no volume data: it
///   trades without a cap, and a run refuses a cap on it); the unfilled part carries over to the next bars or is cancelled. A part
///   carried over takes no more than the margin the sizing saw less what the earlier parts cost
///   (the rest is dropped), so cash never goes below what the margin rules allow. A trade built
///   from several fills has the average entry and exit prices and the sum of their fees.
/// - Protective exits (``ProtectiveExits``): stop-loss, take-profit and trailing stop with
///   gap-through fills at the open.
/// - Entry orders (``EntryOrder``): market, limit, stop (gap-through at the open), stop-limit;
///   good-till-cancelled or day. A triggered order closes the opposite position and opens its own
///   at the same fill price.
/// - Sizing (``PositionSizing``): all available margin, a fraction of equity or a volatility target;
///   whole or fractional units; maximum leverage (position value at entry up to `maxLeverage` ×
///   cash; a long's value above equity is financed at `financingRate`) and a position limit in units.
///
/// One symbol; several symbols sharing one cash account are ``PortfolioSimulator``, many parameter
/// sets over one series ``SweepEngine`` (LabBacktest).
public struct ExecutionSimulator: Sendable {
    /// Settings of a run; ``ExecutionSimulator/init(config:)`` checks them.
    public struct Config: Sendable, Equatable {
        /// Starting cash (account currency), > 0.
        public var cash: Double
        /// Commission charged on every fill (entries, exits, protective exits).
        public var commission: CommissionModel
        /// Price moved against the trader on every fill.
        public var slippage: SlippageModel
        /// When a decision taken at a bar's close fills: next open (default), this close, next typical price, plus any latency.
        public var fillTiming: FillTiming
        /// Annual fee for borrowing shares sold short, a fraction of the short's value at each close
        /// (0.02 = 2 %/yr), accrued per bar as `rate / P` (P: the bars' bars a year,
        /// ``BarSeries/periodsPerYear``, from their trading calendar) and paid from cash.
        public var borrowRate: Double
        /// Largest fraction of a bar's volume one order may fill on that bar, in (0, 1]; nil = no cap.
        public var participationCap: Double?
        /// What happens to the part of an order the cap (or a zero-volume bar) left unfilled.
        public var unfilled: UnfilledPolicy
        /// Stop-loss, take-profit and trailing stop attached to every position.
        public var exits: ProtectiveExits
        /// How many units an entry buys or sells.
        public var sizing: PositionSizing
        /// Whole units (default, as backtesting.py) or fractional units.
        public var fractionalUnits: Bool
        /// Largest position value at entry as a multiple of equity (1 = no borrowing), ≥ 1.
        public var maxLeverage: Double
        /// Largest position, in units (nil = no limit).
        public var maxUnits: Double?
        /// Annual interest on borrowed money — the part of a long position's value above equity —
        /// accrued per bar at each close like the borrow fee.
        public var financingRate: Double
        /// How the run annualises the bars: `.backtestingPy` under `execution.preset: backtesting_py`,
        /// `.barsPerYear` with ``barsPerYear`` under `execution.bars_per_year`, else the trading
        /// calendar's. The run reads it to set ``BarSeries/annualisation``; the simulator takes bars a
        /// year from the bars.
        public var annualisation: Annualisation.Rule = .calendar
        /// `execution.bars_per_year` (> 0), with ``annualisation`` `.barsPerYear`.
        public var barsPerYear: Double?
        /// Close a position still open after the last bar's exits at that bar's open, as a trade
        /// (``FillReason/endOfData``), so it counts in the statistics — backtesting.py's
        /// `finalize_trades=True`, which re-runs its broker on the last bar after closing. Off: the
        /// open position is reported apart (``Result/openPosition``).
        public var finalizeTrades = false

        /// Settings with every cost, cap and limit off unless given: backtesting.py's defaults.
        public init(
            cash: Double = 10_000, commission: CommissionModel = CommissionModel(), slippage: SlippageModel = .none,
            fillTiming: FillTiming = .nextOpen(), borrowRate: Double = 0, participationCap: Double? = nil,
            unfilled: UnfilledPolicy = .carryOver, exits: ProtectiveExits = ProtectiveExits(),
            sizing: PositionSizing = .allAvailable, fractionalUnits: Bool = false, maxLeverage: Double = 1,
            maxUnits: Double? = nil, financingRate: Double = 0
        ) {
            self.cash = cash
            self.commission = commission
            self.slippage = slippage
            self.fillTiming = fillTiming
            self.borrowRate = borrowRate
            self.participationCap = participationCap
            self.unfilled = unfilled
            self.exits = exits
            self.sizing = sizing
            self.fractionalUnits = fractionalUnits
            self.maxLeverage = maxLeverage
            self.maxUnits = maxUnits
            self.financingRate = financingRate
        }

        /// backtesting.py's defaults with a relative commission (`Backtest(cash=…, commission=rate)`).
        public init(cash: Double = 10_000, commissionRate: Double) {
            self.init(cash: cash, commission: CommissionModel(rate: commissionRate))
        }
    }

    /// The result of a run.
    public struct Result: Sendable {
        /// Equity after each bar (bars before `start` hold the starting cash).
        public var equity: [Double]
        /// Equity after the last bar (also when the curve is not recorded).
        public var finalEquity: Double
        /// Closed trades in exit order.
        public var trades: [TradeRecord]
        /// The trade still open at the end, if any (units, entry bar, entry price).
        public var openPosition: (units: Double, entryBar: Int, entryPrice: Double)?
        /// Orders cancelled because not even one unit was affordable (bar of the decision).
        public var cancelledOrders: [Int]
        /// Bar at which equity reached 0, if it did.
        public var bankruptAt: Int?
        /// Costs paid over the run, account currency.
        public var costs: CostBreakdown
        /// Sum of |units × fill price| over all fills (entries and exits), account currency.
        public var tradedValue: Double
        /// Every fill in the order it happened (entries, exits, protective exits, bankruptcy); empty
        /// when the equity curve was not recorded.
        public var fills: [Fill]
        /// The closes the run marked equity at (for ``positions`` and ``cash``).
        let closes: [Double]
        /// Bars that reached both a stop and the take-profit inside their range, decided by the
        /// exits' ``IntrabarPolicy``.
        public var ambiguousBars = 0

        /// Units held after each bar (signed; 0 flat), replayed from ``fills``; empty when the equity
        /// curve was not recorded. Computed on each access.
        public var positions: [Double] {
            guard !equity.isEmpty else { return [] }
            var held = [Double](repeating: 0, count: equity.count)
            var units = 0.0, k = 0
            for i in held.indices {
                while k < fills.count && fills[k].bar == i {
                    units += fills[k].units
                    k += 1
                }
                held[i] = units
            }
            return held
        }

        /// Cash after each bar, account currency: equity − units × close (what is left once the
        /// position's market value is set aside; negative when a long is financed, above equity when
        /// short); empty when the equity curve was not recorded. Computed on each access.
        public var cash: [Double] {
            zip(zip(equity, positions), closes).map { held, close in held.1 == 0 ? held.0 : held.0 - held.1 * close }
        }
    }

    /// The unfilled part of an order after a capped or zero-volume bar.
    public enum UnfilledPolicy: String, Sendable, Equatable, Codable {
        /// Keep working it on the next bars (at each bar's reference price) until filled or replaced.
        case carryOver = "carry_over"
        /// Drop it: the position stays as far as it got.
        case cancel
    }

    /// The settings every run of this simulator uses.
    public let config: Config
    /// Whether quiet stretches take the tight loop (always, but for the test that holds it to the
    /// general loop).
    var quietStretches = true

    /// A simulator for `config`.
    /// - Throws: ``LabExecutionError/invalidParameter(field:reason:)`` naming the first bad field.
    public init(config: Config) throws {
        guard config.cash > 0, config.cash.isFinite else {
            throw LabExecutionError.invalidParameter(field: "cash", reason: "must be > 0, got \(config.cash)")
        }
        try need(config.borrowRate >= 0 && config.borrowRate < 1, "borrowRate", "must be in [0, 1), got \(config.borrowRate)")
        try need(config.maxLeverage >= 1 && config.maxLeverage <= 100, "maxLeverage", "must be in [1, 100], got \(config.maxLeverage)")
        try need(config.financingRate >= 0 && config.financingRate < 1, "financingRate", "must be in [0, 1), got \(config.financingRate)")
        if let m = config.maxUnits { try need(m > 0, "maxUnits", "must be > 0, got \(m)") }
        switch config.sizing {
        case .allAvailable, .custom: break
        case let .fractionOfEquity(f): try need(f > 0 && f <= config.maxLeverage, "sizing.fraction", "must be in (0, maxLeverage], got \(f)")
        case let .volatilityTarget(v, window):
            try need(v > 0 && v.isFinite, "sizing.annualVolatility", "must be > 0, got \(v)")
            try need(window >= 2, "sizing.window", "must be ≥ 2 bars, got \(window)")
        }
        for (field, value) in [("exits.stopLoss", config.exits.stopLoss), ("exits.trailingStop", config.exits.trailingStop)] {
            if let v = value { try need(v > 0 && v < 1, field, "must be in (0, 1), got \(v)") }
        }
        if let v = config.exits.takeProfit { try need(v > 0 && v.isFinite, "exits.takeProfit", "must be > 0, got \(v)") }
        if let cap = config.participationCap {
            try need(cap > 0 && cap <= 1, "participationCap", "must be in (0, 1], got \(cap)")
        }
        try config.commission.check()
        try config.slippage.check()
        switch config.fillTiming {
        case let .nextOpen(latency), let .nextTypical(latency): try need(latency >= 0, "fillTiming.latency", "must be ≥ 0 bars, got \(latency)")
        case .thisClose: break
        }
        self.config = config
    }

    /// Runs market orders for the targets (one per bar; nil = no decision) from decision bar `start`;
    /// `recordEquity` as for ``run(_:orders:start:recordEquity:)``.
    public func run(_ bars: BarSeries, targets: [TargetDirection?], start: Int = 0, recordEquity: Bool = true) throws -> Result {
        guard targets.count == bars.count else {
            throw LabExecutionError.lengthMismatch(field: "targets", expected: bars.count, actual: targets.count)
        }
        return try targets.withUnsafeBufferPointer { t in
            try simulate(bars, start: start, recordEquity: recordEquity, orders: TargetOrders(targets: t))
        }
    }

    /// Runs the orders (one per bar at most, decided after that bar's close; nil = none) over `bars`
    /// from decision bar `start`. Limit, stop and stop-limit orders need `fillTiming` `.nextOpen`.
    /// With `recordEquity` false neither the equity curve nor the fills are kept (`equity`, `fills`,
    /// `positions` and `cash` are empty; `finalEquity` and the trades are set): what a parameter
    /// sweep wants, in memory that does not grow with the bars.
    public func run(_ bars: BarSeries, orders: [EntryOrder?], start: Int = 0, recordEquity: Bool = true) throws -> Result {
        try orders.withUnsafeBufferPointer { o in
            try validate(o, bars: bars)
            return try simulate(bars, start: start, recordEquity: recordEquity, orders: ListedOrders(orders: o))
        }
    }

    /// Runs market orders for `targets` (one per bar; nil = no decision) from decision bar `start`,
    /// adding the equity after every bar to `summary` instead of keeping a curve (a sweep's
    /// combination: what its key statistics need, in memory that does not grow with the bars).
    /// No fills are recorded and the trades carry no excursions (0: no key statistic reads them, and
    /// the high and low of every bar held stay unread); the result's `equity` is empty. The same bar loop as
    /// ``run(_:targets:start:recordEquity:)``, so the same bits.
    public func run(
        _ bars: BarSeries, targets: UnsafeBufferPointer<TargetDirection?>, start: Int, summary: inout EquitySummary
    ) throws -> Result {
        guard targets.count == bars.count else { throw LabExecutionError.lengthMismatch(field: "targets", expected: bars.count, actual: targets.count) }
        return try simulate(bars, start: start, recorder: &summary, orders: TargetOrders(targets: targets))
    }

    /// ``run(_:targets:start:summary:)`` for orders (as ``run(_:orders:start:recordEquity:)`` takes them).
    public func run(_ bars: BarSeries, orders: UnsafeBufferPointer<EntryOrder?>, start: Int, summary: inout EquitySummary) throws -> Result {
        try validate(orders, bars: bars)
        return try simulate(bars, start: start, recorder: &summary, orders: ListedOrders(orders: orders))
    }

    /// Checks the orders' count, types and prices against `bars` and the fill timing.
    private func validate(_ orders: UnsafeBufferPointer<EntryOrder?>, bars: BarSeries) throws {
        let n = bars.count
        guard orders.count == n else { throw LabExecutionError.lengthMismatch(field: "orders", expected: n, actual: orders.count) }
        if case .nextOpen = config.fillTiming {
        } else if orders.contains(where: { ($0?.type ?? .market) != .market }) {
            throw LabExecutionError.invalidParameter(field: "order.type", reason: "limit and stop orders need fillTiming nextOpen")
        }
        for (i, order) in orders.enumerated() {
            guard let order else { continue }
            switch order.type {
            case .market: break
            case let .limit(p), let .stop(p):
                try need(p > 0 && p.isFinite, "order.price", "bar \(i): must be > 0, got \(p)")
            case let .stopLimit(stop, limit):
                try need(stop > 0 && stop.isFinite && limit > 0 && limit.isFinite, "order.price", "bar \(i): stop and limit must be > 0, got \(stop), \(limit)")
            }
        }
    }

    /// The bar loop into `recorder` (see ``run(_:targets:start:summary:)``).
    private func simulate<Orders: OrderSource>(
        _ bars: BarSeries, start: Int, recorder: inout some EquityRecorder, orders: Orders
    ) throws -> Result {
        let first = min(max(start, 0), bars.count)
        for i in 0..<first { recorder.record(i, config.cash) }
        return try BarColumns.with(bars) { columns in
            try simulate(bars, columns: columns, start: start, recorder: &recorder, recordFills: false, excursions: false, orders: orders)
        }
    }

    /// The bar loop; `orders.order(at: i)` is the order decided after bar i's close (validated by the
    /// callers). Generic so each source is specialised into the loop (no call per bar).
    private func simulate<Orders: OrderSource>(
        _ bars: BarSeries, start: Int, recordEquity: Bool, orders: Orders
    ) throws -> Result {
        let n = bars.count
        var result: Result?
        // The loop writes every bar of the curve from `start` on exactly once (bars before it hold
        // the starting cash), so the curve is not filled beforehand.
        let curve = try [Double](unsafeUninitializedCapacity: recordEquity ? n : 0) { buffer, count in
            let first = min(max(start, 0), buffer.count)
            buffer[0..<first].initialize(repeating: config.cash)
            var recorder = CurveRecorder(curve: recordEquity ? buffer : nil)
            result = try BarColumns.with(bars) { columns in
                try simulate(bars, columns: columns, start: start, recorder: &recorder, recordFills: recordEquity, excursions: true, orders: orders)
            }
            count = buffer.count
        }
        result!.equity = curve
        return result!
    }

    /// The loop of ``simulate(_:start:recordEquity:orders:)``, handing each bar's equity from
    /// `start` on to `recorder`; the result's `equity` is left empty for the caller.
    private func simulate<Orders: OrderSource>(
        _ bars: BarSeries, columns: BarColumns, start: Int, recorder: inout some EquityRecorder, recordFills: Bool, excursions: Bool,
        orders: Orders
    ) throws -> Result {
        let n = bars.count
        var book = Book(
            config: config, bars: bars, columns: columns, periodsPerYear: bars.periodsPerYear, recordFills: recordFills, excursions: excursions)
        var last = config.cash
        // Orders waiting for their first fill bar, in decision order (queue[head..<tail]; the storage is
        // reused once all are consumed), and the one being worked.
        var queue: [(order: EntryOrder, decided: Int, due: Int)] = []
        var head = 0, tail = 0
        var working: WorkingOrder?
        let hasExits = config.exits.stopLoss != nil || config.exits.takeProfit != nil || config.exits.trailingStop != nil
        let borrowPerBar = config.borrowRate / bars.periodsPerYear
        let financingPerBar = config.financingRate / bars.periodsPerYear

        func checked(_ value: Double, _ bar: Int, _ field: String) throws -> Double {
            guard value > 0, value.isFinite else {
                throw LabExecutionError.badFillPrice(symbol: bars.symbol, bar: bar, field: field, value: value)
            }
            return value
        }

        // Quiet stretches (nothing to fill, no exits, no per-bar fees) take the tight loop of
        // `quietStretch`, which does exactly what the general body below does on such bars.
        let quietAllowed = quietStretches && !hasExits
        let prefetching = n >= 1 << 19  // bars: each column 4 MB or more
        var prefetched = -1  // the decision bar of the last order whose fill bar was prefetched
        // The last two searches for the next order: none in from..<at, one at `at` (or at = n); a
        // stretch asks again for what the prefetch just found.
        var found = (from: 0, at: -1), foundBefore = (from: 0, at: -1)
        @inline(__always) func nextOrder(from bar: Int) -> Int {
            if found.from <= bar && bar <= found.at { return found.at }
            if foundBefore.from <= bar && bar <= foundBefore.at { return foundBefore.at }
            foundBefore = found
            found = (bar, orders.nextOrder(from: bar, before: n))
            return found.at
        }
        var i = max(start, 0) - 1
        while i + 1 < n {
            i += 1
            if quietAllowed && working == nil && head == tail
                && (book.units == 0 || (book.units > 0 ? financingPerBar == 0 : borrowPerBar == 0))
            {
                // On a series larger than the caches, the bars the next two orders fill on are
                // fetched from memory while the stretches before them run (the loop reads those bars'
                // open, volume and time nowhere else, their high and low only while a position is
                // held; orders are tens of bars apart). On a smaller series the search costs more.
                if prefetching {
                    if prefetched < i { prefetched = columns.prefetchFillBar(after: nextOrder(from: i)) }
                    if prefetched < n { prefetched = columns.prefetchFillBar(after: nextOrder(from: prefetched + 1)) }
                }
                // With finalize_trades the last bar closes the position: the general body takes it.
                let end = nextOrder(from: i)
                i = book.quietStretch(from: i, end: config.finalizeTrades ? min(end, n - 1) : end, recorder: &recorder, last: &last)
                if i == n { break }
            }
            // A newly due order replaces the one being worked (exclusive orders).
            while head < tail && queue[head].due == i {
                working = WorkingOrder(order: queue[head].order, decided: queue[head].decided, firstBar: i)
                head += 1
            }
            if let current = working {
                switch config.fillTiming {
                case .nextOpen:
                    let open = try checked(columns.open[i], i, "open")
                    if case .market = current.order.type {
                        book.work(&working, at: i, reference: open)
                        break
                    }
                    if case .day = current.order.validity, bars.localDayNumber(at: i) != bars.localDayNumber(at: current.firstBar) {
                        working = nil  // a day order expires with its first trading day
                        break
                    }
                    if let reference = working!.reference(columns, bar: i) {
                        book.work(&working, at: i, reference: reference)
                    } else if current.order.validity == .day && !(bars.frequency?.isIntraday ?? false) {
                        working = nil  // daily bars: a day order lives one bar
                    }
                case .nextTypical:
                    book.work(&working, at: i, reference: try checked((columns.high[i] + columns.low[i] + columns.close[i]) / 3, i, "typical price"))
                case .thisClose: book.work(&working, at: i, reference: try checked(columns.close[i], i, "close"))
                }
            }
            if hasExits && book.units != 0 { book.checkExits(bar: i) }
            if config.finalizeTrades && i == n - 1 && book.units != 0 {
                book.fill(units: -book.units, at: i, reference: try checked(columns.open[i], i, "open"), reason: .endOfData)
            }
            if book.units != 0 {
                let c = try checked(columns.close[i], i, "close")
                book.mark(bar: i)
                if book.units < 0 && borrowPerBar > 0 {
                    let fee = -book.units * c * borrowPerBar
                    book.cash -= fee
                    book.ledger.costs.borrow += fee
                }
                if book.units > 0 && financingPerBar > 0 {
                    // The part of a long's value above equity is borrowed.
                    let borrowed = max(0, book.units * c - book.equity(at: c))
                    let interest = borrowed * financingPerBar
                    book.cash -= interest
                    book.ledger.costs.financing += interest
                }
            }
            last = book.equity(at: columns.close[i])
            if last <= 0 {
                if book.units != 0 { book.fill(units: -book.units, at: i, reference: columns.close[i], reason: .bankruptcy) }
                for j in i..<n { recorder.record(j, 0) }
                return book.result(finalEquity: 0, bankruptAt: i)
            }
            recorder.record(i, last)
            guard let order = orders.order(at: i) else { continue }
            switch config.fillTiming {
            case .thisClose:
                working = WorkingOrder(order: order, decided: i, firstBar: i)
                book.work(&working, at: i, reference: try checked(columns.close[i], i, "close"))
            case let .nextOpen(latency), let .nextTypical(latency):
                let due = i + 1 + latency
                guard due < n else { continue }  // an order due after the last bar never fills
                if head == tail { (head, tail) = (0, 0) }  // all consumed: reuse the storage
                if tail < queue.count { queue[tail] = (order, i, due) } else { queue.append((order, i, due)) }
                tail += 1
            }
        }
        return book.result(finalEquity: last, bankruptAt: nil)
    }
}
