import CVectorMath
import Foundation
import LabCore

/// Where the simulator reads the order decided after each bar.
protocol OrderSource {
    func order(at bar: Int) -> EntryOrder?
    /// Whether an order was decided after bar `bar` (what `order(at:) != nil` says, without building it).
    func hasOrder(at bar: Int) -> Bool
    /// The first bar in `start..<end` with an order decided after it, or `end`.
    func nextOrder(from start: Int, before end: Int) -> Int
}

extension OrderSource {
    func nextOrder(from start: Int, before end: Int) -> Int {
        var i = start
        while i < end && !hasOrder(at: i) { i += 1 }
        return i
    }
}

/// Market orders from target directions.
struct TargetOrders: OrderSource {
    let targets: UnsafeBufferPointer<TargetDirection?>
    @inline(__always) func order(at bar: Int) -> EntryOrder? { targets[bar].map { EntryOrder($0) } }
    @inline(__always) func hasOrder(at bar: Int) -> Bool { targets[bar] != nil }

    /// Eight targets per step while all are nil (a target is one byte, nil one bit pattern).
    func nextOrder(from start: Int, before end: Int) -> Int {
        var i = start
        if MemoryLayout<TargetDirection?>.size == 1, let base = targets.baseAddress {
            let none = UInt64(withUnsafeBytes(of: TargetDirection?.none) { $0[0] }) &* 0x0101_0101_0101_0101
            let bytes = UnsafeRawPointer(base)
            while i + 8 <= end && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) == none { i += 8 }
        }
        while i < end && targets[i] == nil { i += 1 }
        return i
    }
}

/// Orders given one per bar.
struct ListedOrders: OrderSource {
    let orders: UnsafeBufferPointer<EntryOrder?>
    @inline(__always) func order(at bar: Int) -> EntryOrder? { orders[bar] }
    @inline(__always) func hasOrder(at bar: Int) -> Bool { orders[bar] != nil }
}

/// How an entry order's price is set. Prices are in the quote currency.
public enum OrderType: Sendable, Equatable {
    /// At the fill bar's reference price (open by default).
    case market
    /// A buy fills at the limit or lower, a sell at the limit or higher: at the open if the open is
    /// already better, else at the limit if the bar reaches it.
    case limit(Double)
    /// A buy triggers at the stop or higher, a sell at the stop or lower: at the open when the bar
    /// gaps through the stop (the open, not the stop price), else at the stop.
    case stop(Double)
    /// A stop that, once triggered, becomes a limit order: filled at the trigger price if it is within
    /// the limit, else when the price comes back to the limit (on that bar or later ones).
    case stopLimit(stop: Double, limit: Double)
}

/// How long an unfilled entry order stays live.
public enum OrderValidity: String, Sendable, Equatable, Codable {
    /// Until filled or replaced by a newer order.
    case goodTillCancelled = "gtc"
    /// Until the end of the trading day of its first eligible bar (one bar for daily data).
    case day
}

/// An entry order: the target position and how it is priced and how long it lives.
/// `flat` targets are always market orders.
public struct EntryOrder: Sendable, Equatable {
    /// The position wanted after the fill: long, short or flat.
    public var target: TargetDirection
    /// How the entry is priced: market, limit, stop or stop-limit.
    public var type: OrderType
    /// How long an unfilled entry keeps working.
    public var validity: OrderValidity
    /// Fraction in (0, 1] of the budget the sizing rule gives (a risk-adjusted signal's
    /// `sizeScale`); applied before rounding and the cash check.
    public var sizeScale: Double

    /// An order for `target`; a market, good-till-cancelled order at the full size by default.
    public init(
        _ target: TargetDirection, type: OrderType = .market, validity: OrderValidity = .goodTillCancelled, sizeScale: Double = 1
    ) {
        self.target = target
        self.type = type
        self.validity = validity
        self.sizeScale = sizeScale
    }
}

/// How much a new position buys or sells (the budget), before rounding and the cash check.
public enum PositionSizing: Sendable, Equatable {
    /// All the margin available: cash × maxLeverage (backtesting.py's default order size).
    case allAvailable
    /// This fraction of equity (0.5 = half the account), at most the available margin.
    case fractionOfEquity(Double)
    /// Volatility targeting: a fraction of equity `targetVolatility / σ`, σ the annualised standard
    /// deviation of close-to-close log returns over the `window` bars before the fill bar (no
    /// look-ahead), at most maxLeverage.
    case volatilityTarget(annualVolatility: Double, window: Int)
    /// A user's own rule (``SizingRule``), registered in ``SizingRegistry``; made by
    /// ``custom(_:)-swift.type.method``.
    case custom(UserModel<any SizingRule>)

    /// A user's own rule.
    public static func custom(_ rule: any SizingRule) -> PositionSizing { .custom(UserModel(rule)) }

    public static func == (a: PositionSizing, b: PositionSizing) -> Bool {
        switch (a, b) {
        case (.allAvailable, .allAvailable): return true
        case let (.fractionOfEquity(x), .fractionOfEquity(y)): return x == y
        case let (.volatilityTarget(v1, w1), .volatilityTarget(v2, w2)): return v1 == v2 && w1 == w2
        case let (.custom(x), .custom(y)): return x.rule.description == y.rule.description
        default: return false
        }
    }
}

/// Errors of the execution simulator: bad parameters and bars it cannot fill on.
public enum LabExecutionError: LabError, Equatable {
    /// A setting out of its range, naming the field.
    case invalidParameter(field: String, reason: String)
    /// A fill would use a price that is not a positive finite number.
    case badFillPrice(symbol: String, bar: Int, field: String, value: Double)
    /// An input column's length differs from the bars'.
    case lengthMismatch(field: String, expected: Int, actual: Int)
    /// Orders or weights name a symbol the portfolio does not hold.
    case unknownSymbol(String, known: [String])
    /// A portfolio's symbols do not share one clock.
    case unaligned(symbol: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownSymbol(name, known): "execution: orders for unknown symbol \"\(name)\" (portfolio: \(known.joined(separator: ", ")))"
        case let .unaligned(symbol, reason): "execution: \(symbol): \(reason) (a portfolio's symbols must share one clock)"
        case let .invalidParameter(field, reason): "execution: \(field): \(reason)"
        case let .badFillPrice(symbol, bar, field, value): "execution: \(symbol): bar \(bar): \(field) \(value) cannot be filled at"
        case let .lengthMismatch(field, expected, actual): "execution: \(field) has \(actual) values, expected \(expected) (one per bar)"
        }
    }
}

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
///   bars fill nothing; the unfilled part carries over to the next bars or is cancelled. A part
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
        /// (0.02 = 2 %/yr), accrued per bar as `rate / P` (P bars per year: 252 daily, 252 sessions of
        /// 6.5 h intraday) and paid from cash.
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

    /// One fill: a part of an order (or a protective exit, or the bankruptcy close) executed on a bar.
    public struct Fill: Sendable, Equatable, Codable {
        /// Bar of the fill.
        public var bar: Int
        /// Time of that bar, ns since the epoch (UTC).
        public var time: Int64
        /// Signed units: positive bought, negative sold (the side is the sign, the quantity its size).
        public var units: Double
        /// Fill price including slippage, quote currency.
        public var price: Double
        /// Commission of this fill, account currency.
        public var commission: Double
        /// |units| × |price − reference price|, account currency.
        public var slippage: Double
        /// Why it filled: `signal`, `stop_loss`, `take_profit`, `trailing_stop` or `bankruptcy`.
        public var reason: String
    }

    /// Exits attached to every position, as fractions of its entry price (or of its best price so far
    /// for the trailing stop): a long's stop-loss at `entry·(1 − stopLoss)`, take-profit at
    /// `entry·(1 + takeProfit)`, trailing stop at `best·(1 − trailingStop)` with `best` the highest
    /// high of the bars already completed while held; shorts mirrored. Checked on every bar a
    /// position is held (the entry bar after its fill included) from the bar's open, high and low:
    /// a level the open has already gapped through fills **at the open**, a level touched inside the
    /// bar fills at the level; when a stop and the take-profit are both inside one bar, the stop is
    /// assumed first (the conservative order). Exits close the whole position, uncapped, with slippage
    /// and commission.
    public struct ProtectiveExits: Sendable, Equatable {
        /// Fraction of the entry price a position may lose before it is closed (0.05 = 5 %); nil = none.
        public var stopLoss: Double?
        /// Fraction of the entry price a position may gain before it is closed; nil = none.
        public var takeProfit: Double?
        /// Fraction of the best price so far a position may give back before it is closed; nil = none.
        public var trailingStop: Double?

        /// Exits given as fractions of a price, each > 0 (nil leaves it off).
        public init(stopLoss: Double? = nil, takeProfit: Double? = nil, trailingStop: Double? = nil) {
            self.stopLoss = stopLoss
            self.takeProfit = takeProfit
            self.trailingStop = trailingStop
        }
    }

    /// The unfilled part of an order after a capped or zero-volume bar.
    public enum UnfilledPolicy: String, Sendable, Equatable, Codable {
        /// Keep working it on the next bars (at each bar's reference price) until filled or replaced.
        case carryOver = "carry_over"
        /// Drop it: the position stays as far as it got.
        case cancel
    }

    /// Where the money went: commission, slippage (|units| × |fill − reference price| per fill),
    /// borrow fees on shorts and financing of leveraged longs. All ≥ 0.
    public struct CostBreakdown: Sendable, Equatable, Codable {
        /// Commission paid, account currency.
        public var commission: Double = 0
        /// Slippage paid, account currency.
        public var slippage: Double = 0
        /// Borrow fees paid on shorts, account currency.
        public var borrow: Double = 0
        /// Interest on borrowed cash (leveraged longs).
        public var financing: Double = 0
        /// All costs, account currency.
        public var total: Double { commission + slippage + borrow + financing }
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
    /// writing the equity after every bar into `curve` — the caller's buffer of `bars.count` values,
    /// reused across runs (a sweep's worker keeps one; bars before `start` get the starting cash).
    /// No fills are recorded; the result's `equity` is empty. The same bar loop as
    /// ``run(_:targets:start:recordEquity:)``, so the same bits.
    public func run(
        _ bars: BarSeries, targets: UnsafeBufferPointer<TargetDirection?>, start: Int, curve: UnsafeMutableBufferPointer<Double>
    ) throws -> Result {
        guard targets.count == bars.count else { throw LabExecutionError.lengthMismatch(field: "targets", expected: bars.count, actual: targets.count) }
        return try simulate(bars, start: start, curve: curve, orders: TargetOrders(targets: targets))
    }

    /// ``run(_:targets:start:curve:)`` for orders (as ``run(_:orders:start:recordEquity:)`` takes them).
    public func run(_ bars: BarSeries, orders: UnsafeBufferPointer<EntryOrder?>, start: Int, curve: UnsafeMutableBufferPointer<Double>) throws -> Result {
        try validate(orders, bars: bars)
        return try simulate(bars, start: start, curve: curve, orders: ListedOrders(orders: orders))
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

    /// The bar loop into the caller's `curve` (see ``run(_:targets:start:curve:)``).
    private func simulate<Orders: OrderSource>(
        _ bars: BarSeries, start: Int, curve: UnsafeMutableBufferPointer<Double>, orders: Orders
    ) throws -> Result {
        guard curve.count == bars.count else { throw LabExecutionError.lengthMismatch(field: "curve", expected: bars.count, actual: curve.count) }
        let first = min(max(start, 0), curve.count)
        for i in 0..<first { curve[i] = config.cash }
        return try BarColumns.with(bars) { columns in
            try simulate(bars, columns: columns, start: start, curve: curve, recordFills: false, orders: orders)
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
            result = try BarColumns.with(bars) { columns in
                try simulate(bars, columns: columns, start: start, curve: recordEquity ? buffer : nil, recordFills: recordEquity, orders: orders)
            }
            count = buffer.count
        }
        result!.equity = curve
        return result!
    }

    /// The loop of ``simulate(_:start:recordEquity:orders:)``, writing equity into `curve` (nil: not
    /// recorded); the result's `equity` is left empty for the caller.
    private func simulate<Orders: OrderSource>(
        _ bars: BarSeries, columns: BarColumns, start: Int, curve: UnsafeMutableBufferPointer<Double>?, recordFills: Bool, orders: Orders
    ) throws -> Result {
        let n = bars.count
        var book = Book(config: config, bars: bars, columns: columns, periodsPerYear: bars.periodsPerYear, recordFills: recordFills)
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
                    if prefetched < i { prefetched = columns.prefetchFillBar(after: orders.nextOrder(from: i, before: n)) }
                    if prefetched < n { prefetched = columns.prefetchFillBar(after: orders.nextOrder(from: prefetched + 1, before: n)) }
                }
                i = book.quietStretch(from: i, orders: orders, curve: curve, last: &last)
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
            if book.units != 0 {
                let c = try checked(columns.close[i], i, "close")
                book.mark(bar: i)
                if book.units < 0 && borrowPerBar > 0 {
                    let fee = -book.units * c * borrowPerBar
                    book.cash -= fee
                    book.costs.borrow += fee
                }
                if book.units > 0 && financingPerBar > 0 {
                    // The part of a long's value above equity is borrowed.
                    let borrowed = max(0, book.units * c - book.equity(at: c))
                    let interest = borrowed * financingPerBar
                    book.cash -= interest
                    book.costs.financing += interest
                }
            }
            last = book.equity(at: columns.close[i])
            curve?[i] = last
            if last <= 0 {
                if book.units != 0 { book.fill(units: -book.units, at: i, reference: columns.close[i], reason: "bankruptcy") }
                curve?[i..<n].update(repeating: 0)
                return book.result(finalEquity: 0, bankruptAt: i)
            }
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

    /// An order being worked: close what is open, then open the target (sized at its first fill).
    struct WorkingOrder {
        let order: EntryOrder
        let decided: Int
        /// The first bar the order could fill on.
        let firstBar: Int
        /// Signed units still to open, once sized.
        var toOpen: Double?
        /// Margin left for the opening fills once sized (account currency): the margin the sizing saw
        /// less the cost (units × price + fee) of the opening fills so far.
        var budget = 0.0
        /// Whether an opening fill has been made (later ones are parts split off by the cap).
        var opened = false
        /// A stop-limit order whose stop has been hit.
        var triggered = false

        init(order: EntryOrder, decided: Int, firstBar: Int) {
            self.order = order
            self.decided = decided
            self.firstBar = firstBar
        }

        var target: TargetDirection { order.target }

        /// The price this order fills at on `bar`, or nil when the bar does not reach it (see ``OrderType``).
        mutating func reference(_ columns: BarColumns, bar: Int) -> Double? {
            let o = columns.open[bar], h = columns.high[bar], l = columns.low[bar]
            let buying = order.target == .long
            func limitFill(_ limit: Double) -> Double? {
                buying ? (o <= limit ? o : (l <= limit ? limit : nil)) : (o >= limit ? o : (h >= limit ? limit : nil))
            }
            guard order.target != .flat else { return o }
            switch order.type {
            case .market: return o
            case let .limit(limit): return limitFill(limit)
            case let .stop(stop): return buying ? (o >= stop ? o : (h >= stop ? stop : nil)) : (o <= stop ? o : (l <= stop ? stop : nil))
            case let .stopLimit(stop, limit):
                if triggered { return limitFill(limit) }
                let gapped = buying ? o >= stop : o <= stop
                let touched = buying ? h >= stop : l <= stop
                guard gapped || touched else { return nil }
                triggered = true
                let trigger = gapped ? o : stop
                if buying ? trigger <= limit : trigger >= limit { return trigger }
                // Triggered beyond the limit: fills only if the price comes back to it within the bar.
                return buying ? (l <= limit ? limit : nil) : (h >= limit ? limit : nil)
            }
        }
    }

    /// Cash, the open position and the record of fills.
    struct Book {
        let config: Config
        let bars: BarSeries
        /// The bars' price and volume columns (read on every bar, without reference counting).
        let columns: BarColumns
        /// No slippage model: a fill's price is its reference price, whatever the size.
        let frictionless: Bool
        var cash: Double
        /// Signed units held.
        var units = 0.0
        /// Average entry price of the open trade, slippage included, and its reciprocal.
        var entryPrice = 0.0 {
            didSet { inverseEntry = 1 / entryPrice }
        }
        var inverseEntry = 0.0
        var entryBar = 0
        /// Largest |units| the open trade reached, with its sign.
        var peakUnits = 0.0
        var entryFees = 0.0
        var exitUnits = 0.0, exitValue = 0.0, exitFees = 0.0, realized = 0.0
        var worst = 0.0, best = 0.0
        /// Best price of the completed bars while held (highest high for longs, lowest low for shorts).
        var trailPeak = 0.0
        var trades: [TradeRecord] = []
        var cancelled: [Int] = []
        var fills: [Fill] = []
        /// Whether `fills` is kept (with the equity curve; a sweep run keeps neither).
        let recordFills: Bool
        var costs = CostBreakdown()
        var tradedValue = 0.0
        let sizeFraction = 1 - Double.ulpOfOne  // backtesting.py's default order size
        let periodsPerYear: Double

        init(config: Config, bars: BarSeries, columns: BarColumns, periodsPerYear: Double, recordFills: Bool) {
            self.config = config
            self.recordFills = recordFills
            self.bars = bars
            self.columns = columns
            self.frictionless = config.slippage == .none
            self.cash = config.cash
            self.periodsPerYear = periodsPerYear
        }

        /// Cash plus the open position marked at `close` (just cash when flat, whatever the close).
        func equity(at close: Double) -> Double { units == 0 ? cash : cash + units * (close - entryPrice) }

        /// Units the participation cap allows on `bar` (∞ without a cap; 0 on a zero-volume bar).
        func capacity(_ bar: Int) -> Double {
            let volume = columns.volume[bar]
            guard volume > 0 else { return 0 }
            return config.participationCap.map { ($0 * volume).rounded(.down) } ?? .infinity
        }

        /// Works `order` on `bar` at `reference`: closes first, then opens, within the bar's capacity.
        mutating func work(_ order: inout WorkingOrder?, at bar: Int, reference: Double) {
            guard var current = order else { return }
            var room = capacity(bar)
            // Closing phase: until the old position is gone (the opening phase starts once sized).
            if units != 0 && current.toOpen == nil && room > 0 {
                let q = min(abs(units), room)
                fill(units: units > 0 ? -q : q, at: bar, reference: reference)
                room -= q
            }
            // Opening phase: once the old position is gone, and on later bars until the size is filled.
            if current.target != .flat && (units == 0 || current.toOpen != nil) {
                if current.toOpen == nil {
                    current.budget = max(0, cash) * config.maxLeverage
                    current.toOpen = size(current.target, at: bar, reference: reference, scale: current.order.sizeScale)
                    if current.toOpen == 0 { cancelled.append(current.decided) }
                }
                if let remaining = current.toOpen, remaining != 0, room > 0 {
                    var q = min(abs(remaining), room)
                    // A later part of an order the cap split is priced on its own bar: it takes no more
                    // than the margin left (the rest of the order is dropped), so cash never goes below
                    // what the margin rules allow. The first part is within the sizing by construction.
                    let within = current.opened ? unitsWithin(current.budget, buying: remaining > 0, at: bar, reference: reference, upTo: q) : q
                    let rest = within < q ? 0 : (remaining > 0 ? remaining - q : remaining + q)
                    q = within
                    if q > 0 {
                        current.budget -= fill(units: remaining > 0 ? q : -q, at: bar, reference: reference)
                        current.opened = true
                    }
                    current.toOpen = rest
                }
            }
            let done =
                units == 0 && (current.target == .flat || current.toOpen == 0)
                || (units != 0 && current.toOpen == 0)
            order = done || config.unfilled == .cancel ? nil : current
        }

        /// Units for the target at `reference` (see ``PositionSizing``): the budget is all available
        /// margin (cash × maxLeverage), a fraction of equity, or the volatility-target fraction, never
        /// more than the margin; sized on the slippage of a one-unit order, re-priced with the sized
        /// order's slippage, rounded down to whole units unless fractional, capped by `maxUnits`, then
        /// reduced until the entry cost plus the fee fits the margin.
        /// (`mutating` only so that the book is passed by reference: called from `work`, a
        /// non-mutating method would get a copy of the whole book on every order.)
        mutating func size(_ target: TargetDirection, at bar: Int, reference: Double, scale: Double = 1) -> Double {
            let margin = max(0, cash) * config.maxLeverage
            var budget: Double
            switch config.sizing {
            case .allAvailable: budget = margin
            case let .fractionOfEquity(f): budget = min(margin, max(0, cash) * f)
            case let .volatilityTarget(target, window):
                guard bar > window else { return 0 }
                let r = ((bar - window)..<bar).map { log(bars.close[$0] / bars.close[$0 - 1]) }
                let m = r.reduce(0, +) / Double(window)
                let sd = (r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(window - 1)).squareRoot() * periodsPerYear.squareRoot()
                budget = sd > 0 ? min(margin, max(0, cash) * target / sd) : margin
            case let .custom(model):
                let b = model.rule.budget(cash: max(0, cash), bars: bars, bar: bar, periodsPerYear: periodsPerYear)
                budget = b.isFinite ? min(margin, max(0, b)) : 0
            }
            if scale < 1 { budget *= max(0, scale) }
            let buying = target == .long
            let whole = !config.fractionalUnits
            // Not one whole unit affordable: without slippage a unit's price alone exceeds the margin
            // (the fee only adds to it), which the reduction below would also conclude.
            if whole && frictionless && reference > margin { return 0 }
            // A user's commission schedule has no per-unit rate to solve for: search the units.
            if config.commission.isCustom {
                let units = Self.unitsWithin(
                    min(budget, margin), buying: buying, at: bar, reference: reference, upTo: min(budget / reference * 2 + 1, config.maxUnits ?? .infinity),
                    config: config, bars: bars, frictionless: frictionless)
                guard whole ? units >= 1 : units > 0 else { return 0 }
                return buying ? units : -units
            }
            var price = reference
            var affordable = 0.0
            // Without slippage the price does not depend on the size: one pass.
            for _ in 0..<(frictionless ? 1 : 2) {
                let slip = frictionless ? 0 : config.slippage.fraction(bars: bars, bar: bar, units: max(affordable, 1))
                price = buying ? reference * (1 + slip) : reference * (1 - slip)
                let perUnitFee = (sizeFraction * price * config.commission.rate) / sizeFraction + config.commission.perShare
                affordable = (budget * sizeFraction) / (price + perUnitFee)
                // Whole units: truncation equals floor for these non-negative values (< 2^53).
                if whole { affordable = affordable < 9e15 ? Double(Int64(affordable)) : affordable.rounded(.down) }
            }
            if let cap = config.maxUnits { affordable = min(affordable, whole ? cap.rounded(.down) : cap) }
            let step = whole ? 1.0 : affordable * 1e-9
            while affordable > 0 && affordable * price + config.commission.fee(units: affordable, price: price) > margin {
                affordable = whole ? affordable - 1 : affordable - step
            }
            guard whole ? affordable >= 1 : affordable > 0 else { return 0 }
            return buying ? affordable : -affordable
        }

        /// The most units, up to `limit`, whose cost on `bar` — units × price with slippage + the fee —
        /// fits `budget` (whole units unless fractional; the cost grows with the units). By bisection:
        /// only parts of an order split by the participation cap need it.
        func unitsWithin(_ budget: Double, buying: Bool, at bar: Int, reference: Double, upTo limit: Double) -> Double {
            Self.unitsWithin(budget, buying: buying, at: bar, reference: reference, upTo: limit, config: config, bars: bars, frictionless: frictionless)
        }

        /// ``unitsWithin(_:buying:at:reference:upTo:)`` on the pieces it reads (static: a method
        /// call on the book from its mutating methods, or a closure capturing it, copied the whole book).
        static func unitsWithin(
            _ budget: Double, buying: Bool, at bar: Int, reference: Double, upTo limit: Double, config: Config, bars: BarSeries, frictionless: Bool
        ) -> Double {
            let whole = !config.fractionalUnits
            func cost(_ u: Double) -> Double {
                let slip = frictionless ? 0 : config.slippage.fraction(bars: bars, bar: bar, units: buying ? u : -u)
                let price = buying ? reference * (1 + slip) : reference * (1 - slip)
                return u * price + config.commission.fee(units: u, price: price)
            }
            var low = 0.0, high = whole ? limit.rounded(.down) : limit
            if cost(high) <= budget { return high }
            for _ in 0..<80 {
                let middle = whole ? ((low + high) / 2).rounded(.down) : (low + high) / 2
                guard middle > low && middle < high else { break }
                if cost(middle) <= budget { low = middle } else { high = middle }
            }
            return low
        }

        /// One fill of `q` signed units on `bar` at `reference` moved by slippage; opens, adds to,
        /// reduces or closes the position, and records the trade when it is closed. Returns what the
        /// fill cost against the margin: |q| × price + fee.
        @discardableResult
        mutating func fill(units q: Double, at bar: Int, reference: Double, reason: String = "signal") -> Double {
            let slip = frictionless ? 0 : config.slippage.fraction(bars: bars, bar: bar, units: q)
            let price = q > 0 ? reference * (1 + slip) : reference * (1 - slip)
            let fee = config.commission.fee(units: q, price: price)
            let slippage = abs(q) * abs(price - reference)
            costs.commission += fee
            costs.slippage += slippage
            tradedValue += abs(q) * price
            if recordFills {
                fills.append(Fill(bar: bar, time: columns.timestamps[bar], units: q, price: price, commission: fee, slippage: slippage, reason: reason))
            }
            if units == 0 || (units > 0) == (q > 0) {
                // Opening or adding: average the entry price.
                if units == 0 {
                    entryBar = bar
                    entryFees = 0
                    exitUnits = 0
                    exitValue = 0
                    exitFees = 0
                    realized = 0
                    worst = 0
                    best = 0
                    entryPrice = price
                    trailPeak = price
                } else {
                    entryPrice = (entryPrice * abs(units) + price * abs(q)) / (abs(units) + abs(q))
                }
                units += q
                peakUnits = abs(units) > abs(peakUnits) ? units : peakUnits
                entryFees += fee
                cash -= fee
                return abs(q) * price + fee
            }
            // Reducing or closing (never flipping: the caller closes before opening).
            let closed = min(abs(q), abs(units))
            let gain = (units > 0 ? 1.0 : -1.0) * closed * (price - entryPrice)
            cash += gain - fee
            realized += gain
            exitUnits += closed
            exitValue += closed * price
            exitFees += fee
            units += units > 0 ? -closed : closed
            if units == 0 {
                let fees = entryFees + exitFees
                let direction: Double = peakUnits > 0 ? 1 : -1
                let exitPrice = exitValue / exitUnits
                trades.append(
                    TradeRecord(
                        entryBar: entryBar, exitBar: bar, entryTime: columns.timestamps[entryBar], exitTime: columns.timestamps[bar],
                        size: peakUnits, entryPrice: entryPrice, exitPrice: exitPrice, pnl: realized - fees,
                        returnPct: direction * (exitPrice / entryPrice - 1) - fees / (abs(peakUnits) * entryPrice),
                        commission: fees, maxAdverseExcursion: worst, maxFavorableExcursion: best, exitReason: reason))
                peakUnits = 0
            }
            return abs(q) * price + fee
        }

        /// Closes the position when bar `bar` reaches a protective exit (see ``ProtectiveExits``).
        mutating func checkExits(bar: Int) {
            let exits = config.exits
            guard units != 0, exits.stopLoss != nil || exits.takeProfit != nil || exits.trailingStop != nil else { return }
            let o = columns.open[bar], h = columns.high[bar], l = columns.low[bar]
            let long = units > 0
            var stop: (level: Double, reason: String)?
            if let sl = exits.stopLoss { stop = (long ? entryPrice * (1 - sl) : entryPrice * (1 + sl), "stop_loss") }
            if let ts = exits.trailingStop {
                let level = long ? trailPeak * (1 - ts) : trailPeak * (1 + ts)
                if stop == nil || (long ? level > stop!.level : level < stop!.level) { stop = (level, "trailing_stop") }
            }
            if let stop {
                if long ? o <= stop.level : o >= stop.level {
                    fill(units: -units, at: bar, reference: o, reason: stop.reason)
                    return
                }
                if long ? l <= stop.level : h >= stop.level {
                    fill(units: -units, at: bar, reference: stop.level, reason: stop.reason)
                    return
                }
            }
            if let tp = exits.takeProfit {
                let level = long ? entryPrice * (1 + tp) : entryPrice * (1 - tp)
                if long ? o >= level : o <= level {
                    fill(units: -units, at: bar, reference: o, reason: "take_profit")
                } else if long ? h >= level : l <= level {
                    fill(units: -units, at: bar, reference: level, reason: "take_profit")
                }
            }
        }

        /// Updates the open trade's excursions and trailing reference with bar `bar`'s high and low.
        mutating func mark(bar: Int) {
            if config.exits.trailingStop != nil {
                trailPeak = units > 0 ? max(trailPeak, columns.high[bar]) : min(trailPeak, columns.low[bar])
            }
            let inverse = inverseEntry
            let high = columns.high[bar], low = columns.low[bar]
            let favourable = units > 0 ? high * inverse - 1 : 1 - low * inverse
            let adverse = units > 0 ? low * inverse - 1 : 1 - high * inverse
            best = max(best, favourable)
            worst = min(worst, adverse)
        }

        /// Runs bars `from…` while they are quiet — a valid close, equity above 0 after it and no order
        /// decided after it — with the position unchanged: marks the open trade's excursions, records
        /// equity, and returns the first bar that is not quiet (or `bars.count`), left for the general
        /// loop. The caller guarantees no order is pending or being worked, no protective exits and
        /// no per-bar fee on the position held. Equity is computed as `equity(at:)` does and the
        /// excursions come out as `mark` would leave them, so results are bit for bit those of the
        /// general loop (a property test holds them to it).
        mutating func quietStretch<Orders: OrderSource>(
            from start: Int, orders: Orders, curve: UnsafeMutableBufferPointer<Double>?, last: inout Double
        ) -> Int {
            let stretch = Self.quietBars(
                from: start, units: units, entry: entryPrice, inverse: inverseEntry, cash: cash, best: best, worst: worst,
                last: last, close: columns.close, high: columns.high, low: columns.low, curve: curve, orders: orders)
            best = stretch.best
            worst = stretch.worst
            last = stretch.last
            return stretch.end
        }

        /// The loop of ``quietStretch(from:orders:curve:last:)`` on plain buffers, its running values in
        /// locals (captured variables would live in memory and put a store and a load in every bar).
        @inline(__always)
        static func quietBars<Orders: OrderSource>(
            from start: Int, units u: Double, entry: Double, inverse: Double, cash: Double, best: Double, worst: Double, last: Double,
            close: UnsafeBufferPointer<Double>, high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>,
            curve: UnsafeMutableBufferPointer<Double>?, orders: Orders
        ) -> (end: Int, best: Double, worst: Double, last: Double) {
            let n = close.count
            var i = start, best = best, worst = worst, e = last
            if u == 0 {
                while i < n && !orders.hasOrder(at: i) && close[i] > 0 && close[i].isFinite && cash > 0 {
                    curve?[i] = cash
                    e = cash
                    i += 1
                }
            } else {
                while i < n && !orders.hasOrder(at: i) {
                    let c = close[i]
                    let value = cash + u * (c - entry)
                    guard c > 0, c.isFinite, value > 0 else { break }
                    curve?[i] = value
                    e = value
                    i += 1
                }
                // The excursions of bars start..<i. Each bar's favourable and adverse moves are monotone
                // in its high and low (`h·inverse − 1`, `1 − l·inverse`, inverse > 0, rounding included),
                // so the most extreme move is the move of the most extreme high or low — the same bits
                // as taking them bar by bar, from a reduction without a dependency through each bar.
                let (highest, lowest) = Self.extremes(high: high, low: low, start..<i)
                if u > 0 {
                    best = max(best, highest * inverse - 1)
                    worst = min(worst, lowest * inverse - 1)
                } else {
                    best = max(best, 1 - lowest * inverse)
                    worst = min(worst, 1 - highest * inverse)
                }
            }
            return (i, best, worst, e)
        }

        /// The highest high and lowest low over `range` (−∞ and +∞ when empty; NaN values are skipped,
        /// as `max`/`min` skip them bar by bar), in four interleaved lanes.
        @inline(__always)
        static func extremes(high: UnsafeBufferPointer<Double>, low: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> (Double, Double) {
            var h0 = -Double.infinity, h1 = h0, h2 = h0, h3 = h0
            var l0 = Double.infinity, l1 = l0, l2 = l0, l3 = l0
            var k = range.lowerBound
            while k + 4 <= range.upperBound {
                h0 = max(h0, high[k])
                h1 = max(h1, high[k + 1])
                h2 = max(h2, high[k + 2])
                h3 = max(h3, high[k + 3])
                l0 = min(l0, low[k])
                l1 = min(l1, low[k + 1])
                l2 = min(l2, low[k + 2])
                l3 = min(l3, low[k + 3])
                k += 4
            }
            while k < range.upperBound {
                h0 = max(h0, high[k])
                l0 = min(l0, low[k])
                k += 1
            }
            return (max(max(h0, h1), max(h2, h3)), min(min(l0, l1), min(l2, l3)))
        }

        func result(finalEquity: Double, bankruptAt: Int?) -> Result {
            let open = units != 0 ? (units: units, entryBar: entryBar, entryPrice: entryPrice) : nil
            return Result(
                equity: [], finalEquity: finalEquity, trades: trades, openPosition: open, cancelledOrders: cancelled, bankruptAt: bankruptAt,
                costs: costs, tradedValue: tradedValue, fills: fills, closes: bars.close)
        }
    }
}

/// A series' price and volume columns and its timestamps as buffers, for the bar loops (valid
/// inside ``with(_:_:)``).
struct BarColumns {
    let open, high, low, close, volume: UnsafeBufferPointer<Double>
    let timestamps: UnsafeBufferPointer<Int64>

    /// Prefetches what filling an order decided at `bar` reads of bar `bar + 1` (open, high, low,
    /// volume, time) and returns `bar`; nothing past the last bar.
    @inline(__always)
    func prefetchFillBar(after bar: Int) -> Int {
        let fill = bar + 1
        guard fill < open.count else { return bar }
        gslab_prefetch(open.baseAddress! + fill)
        gslab_prefetch(high.baseAddress! + fill)
        gslab_prefetch(low.baseAddress! + fill)
        gslab_prefetch(volume.baseAddress! + fill)
        gslab_prefetch(timestamps.baseAddress! + fill)
        return bar
    }

    /// Calls `body` with `bars`' columns.
    static func with<R>(_ bars: BarSeries, _ body: (BarColumns) throws -> R) rethrows -> R {
        try bars.open.withUnsafeBufferPointer { open in
            try bars.high.withUnsafeBufferPointer { high in
                try bars.low.withUnsafeBufferPointer { low in
                    try bars.close.withUnsafeBufferPointer { close in
                        try bars.volume.withUnsafeBufferPointer { volume in
                            try bars.timestamps.withUnsafeBufferPointer { timestamps in
                                try body(BarColumns(open: open, high: high, low: low, close: close, volume: volume, timestamps: timestamps))
                            }
                        }
                    }
                }
            }
        }
    }
}
