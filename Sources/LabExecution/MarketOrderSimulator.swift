import Foundation
import LabCore

/// What the strategy wants after the close of a bar: go long, go short or be flat with all
/// available margin, or leave the position as it is.
public enum TargetDirection: Int8, Sendable, Equatable {
    case short = -1
    case flat = 0
    case long = 1
}

/// Errors of the execution simulator: bad parameters and bars it cannot fill on.
public enum LabExecutionError: LabError, Equatable {
    case invalidParameter(field: String, reason: String)
    /// A fill would use a price that is not a positive finite number.
    case badFillPrice(symbol: String, bar: Int, field: String, value: Double)
    case lengthMismatch(field: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(field, reason): "execution: \(field): \(reason)"
        case let .badFillPrice(symbol, bar, field, value): "execution: \(symbol): bar \(bar): \(field) \(value) cannot be filled at"
        case let .lengthMismatch(field, expected, actual): "execution: \(field) has \(actual) values, expected \(expected) (one per bar)"
        }
    }
}

/// The market-order execution core, single instrument, with backtesting.py 0.6.6's conventions
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
/// - Costs are reported split (commission, slippage, borrow) with the traded value.
///
/// Order types other than market, volume caps, financing on leverage (the core never borrows cash),
/// fractional and volatility-targeted sizing and portfolios are not part of this core yet.
public struct MarketOrderSimulator: Sendable {
    public struct Config: Sendable, Equatable {
        /// Starting cash (account currency), > 0.
        public var cash: Double
        public var commission: CommissionModel
        public var slippage: SlippageModel
        public var fillTiming: FillTiming
        /// Annual fee for borrowing shares sold short, a fraction of the short's value at each close
        /// (0.02 = 2 %/yr), accrued per bar as `rate / P` (P bars per year: 252 daily, 252 sessions of
        /// 6.5 h intraday) and paid from cash.
        public var borrowRate: Double

        public init(cash: Double = 10_000, commission: CommissionModel = CommissionModel(), slippage: SlippageModel = .none,
                    fillTiming: FillTiming = .nextOpen(), borrowRate: Double = 0) {
            self.cash = cash
            self.commission = commission
            self.slippage = slippage
            self.fillTiming = fillTiming
            self.borrowRate = borrowRate
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
    }

    /// Where the money went: commission, slippage (|units| × |fill − reference price| per fill) and
    /// borrow fees on shorts. All ≥ 0.
    public struct CostBreakdown: Sendable, Equatable, Codable {
        public var commission: Double = 0
        public var slippage: Double = 0
        public var borrow: Double = 0
        public var total: Double { commission + slippage + borrow }
    }

    public let config: Config

    public init(config: Config) throws {
        guard config.cash > 0, config.cash.isFinite else {
            throw LabExecutionError.invalidParameter(field: "cash", reason: "must be > 0, got \(config.cash)")
        }
        try need(config.borrowRate >= 0 && config.borrowRate < 1, "borrowRate", "must be in [0, 1), got \(config.borrowRate)")
        try config.commission.check()
        try config.slippage.check()
        switch config.fillTiming {
        case let .nextOpen(latency), let .nextTypical(latency): try need(latency >= 0, "fillTiming.latency", "must be ≥ 0 bars, got \(latency)")
        case .thisClose: break
        }
        self.config = config
    }

    /// Runs the targets (one per bar; nil = no decision) over `bars`, from decision bar `start`.
    public func run(_ bars: BarSeries, targets: [TargetDirection?], start: Int = 0) throws -> Result {
        let n = bars.count
        guard targets.count == n else { throw LabExecutionError.lengthMismatch(field: "targets", expected: n, actual: targets.count) }
        let commission = config.commission, slippage = config.slippage
        let sizeFraction = 1 - Double.ulpOfOne  // backtesting.py's default order size
        var cash = config.cash
        var units = 0.0, entryPrice = 0.0, entryBar = 0, entryFee = 0.0
        var worst = 0.0, best = 0.0
        var equity = [Double](repeating: config.cash, count: n)
        var trades: [TradeRecord] = []
        var cancelled: [Int] = []
        // Orders waiting for their fill bar, in decision order: (target, decision bar, fill bar).
        var queue: [(target: TargetDirection, decided: Int, due: Int)] = []
        var head = 0
        var costs = CostBreakdown()
        var tradedValue = 0.0
        let borrowPerBar = config.borrowRate / periodsPerYear(bars)

        func checked(_ value: Double, _ bar: Int, _ field: String) throws -> Double {
            guard value > 0, value.isFinite else {
                throw LabExecutionError.badFillPrice(symbol: bars.symbol, bar: bar, field: field, value: value)
            }
            return value
        }

        func closeTrade(at bar: Int, reference: Double) {
            let slip = slippage.fraction(bars: bars, bar: bar, units: units)
            let price = units > 0 ? reference * (1 - slip) : reference * (1 + slip)
            let exitFee = commission.fee(units: units, price: price)
            cash += units * (price - entryPrice) - exitFee
            costs.commission += exitFee
            costs.slippage += abs(units) * abs(price - reference)
            tradedValue += abs(units) * price
            let fees = exitFee + entryFee
            let direction: Double = units > 0 ? 1 : -1
            trades.append(TradeRecord(
                entryBar: entryBar, exitBar: bar, entryTime: bars.timestamps[entryBar], exitTime: bars.timestamps[bar], size: units,
                entryPrice: entryPrice, exitPrice: price, pnl: units * (price - entryPrice) - fees,
                returnPct: direction * (price / entryPrice - 1) - fees / (abs(units) * entryPrice),
                commission: fees, maxAdverseExcursion: worst, maxFavorableExcursion: best))
            units = 0
        }

        /// Closes the open trade and opens the target's at `reference` on `bar`.
        func execute(_ target: TargetDirection, decided: Int, at bar: Int, reference: Double) {
            if units != 0 { closeTrade(at: bar, reference: reference) }
            guard target != .flat else { return }
            let margin = max(0, cash)
            let buying = target == .long
            // Size on the slippage of a one-unit order, then re-price with the sized order's slippage.
            var price = reference
            var affordable = 0.0
            for _ in 0..<2 {
                let slip = slippage.fraction(bars: bars, bar: bar, units: max(affordable, 1))
                price = buying ? reference * (1 + slip) : reference * (1 - slip)
                let perUnitFee = (sizeFraction * price * commission.rate) / sizeFraction + commission.perShare
                affordable = ((margin * sizeFraction) / (price + perUnitFee)).rounded(.down)
            }
            // Never spend more cash than there is, fixed and minimum fees included.
            while affordable >= 1 && affordable * price + commission.fee(units: affordable, price: price) > margin { affordable -= 1 }
            guard affordable >= 1 else {
                cancelled.append(decided)
                return
            }
            units = buying ? affordable : -affordable
            entryPrice = price
            entryBar = bar
            entryFee = commission.fee(units: affordable, price: price)
            worst = 0
            best = 0
            cash -= entryFee
            costs.commission += entryFee
            costs.slippage += affordable * abs(price - reference)
            tradedValue += affordable * price
        }

        for i in max(start, 0)..<n {
            // Orders due at this bar's open or typical price.
            while head < queue.count && queue[head].due == i {
                let order = queue[head]
                head += 1
                switch config.fillTiming {
                case .nextOpen: execute(order.target, decided: order.decided, at: i, reference: try checked(bars.open[i], i, "open"))
                case .nextTypical:
                    let typical = (bars.high[i] + bars.low[i] + bars.close[i]) / 3
                    execute(order.target, decided: order.decided, at: i, reference: try checked(typical, i, "typical price"))
                case .thisClose: break
                }
            }
            if units != 0 {
                let c = try checked(bars.close[i], i, "close")
                let favourable = units > 0 ? bars.high[i] / entryPrice - 1 : 1 - bars.low[i] / entryPrice
                let adverse = units > 0 ? bars.low[i] / entryPrice - 1 : 1 - bars.high[i] / entryPrice
                best = max(best, favourable)
                worst = min(worst, adverse)
                if units < 0 && borrowPerBar > 0 {
                    let fee = -units * c * borrowPerBar
                    cash -= fee
                    costs.borrow += fee
                }
                equity[i] = cash + units * (c - entryPrice)
            } else {
                equity[i] = cash
            }
            if equity[i] <= 0 {
                if units != 0 { closeTrade(at: i, reference: bars.close[i]) }
                for k in i..<n { equity[k] = 0 }
                return Result(equity: equity, trades: trades, openPosition: nil, cancelledOrders: cancelled, bankruptAt: i,
                              costs: costs, tradedValue: tradedValue)
            }
            guard let target = targets[i] else { continue }
            switch config.fillTiming {
            case .thisClose: execute(target, decided: i, at: i, reference: try checked(bars.close[i], i, "close"))
            case let .nextOpen(latency), let .nextTypical(latency):
                let due = i + 1 + latency
                if due < n { queue.append((target, i, due)) }  // an order due after the last bar never fills
            }
        }
        let open = units != 0 ? (units: units, entryBar: entryBar, entryPrice: entryPrice) : nil
        return Result(equity: equity, trades: trades, openPosition: open, cancelledOrders: cancelled, bankruptAt: nil,
                      costs: costs, tradedValue: tradedValue)
    }

    /// Bars per year for accruals: 252 for daily bars, 252 sessions of 6.5 h for intraday bars,
    /// 52 weekly, 12 monthly.
    func periodsPerYear(_ bars: BarSeries) -> Double {
        guard let f = bars.frequency else { return 252 }
        if f.isIntraday { return 252 * 23_400e9 / Double(f.nanoseconds) }
        if f == .week { return 52 }
        if f == .month { return 12 }
        return 252 * Double(CivilTime.nanosPerDay) / Double(f.nanoseconds)
    }
}
