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
/// - Timing: a target set after the close of bar i is filled at the **open of bar i + 1**; a
///   target set on the last bar never fills. Decisions start at bar `start`.
/// - Exclusive orders: a new target closes the open trade (at that open) before the new one is
///   sized; a `flat` target only closes.
/// - Sizing: whole units, `floor(margin · f / (price + commission(f, price)/f))` with f = 1 − ε
///   (backtesting.py's default size), margin = cash after the close; a size of 0 cancels the order.
/// - Commission: relative, `fee = |units| · price · rate`, charged in cash on entry and on exit.
/// - Equity at bar i: cash + units · (close_i − entry price) — an open trade's exit fee is not in it.
/// - Bankruptcy: when equity ≤ 0 the trade is closed at that close, cash and the rest of the curve are 0.
/// - Trades still open at the end are not in `trades` (they count in the equity curve).
///
/// Slippage models, order types other than market, volume caps, borrow and financing costs,
/// fractional and volatility-targeted sizing and portfolios are not part of this core yet.
public struct MarketOrderSimulator: Sendable {
    public struct Config: Sendable, Equatable {
        /// Starting cash (account currency), > 0.
        public var cash: Double
        /// Commission as a fraction of traded value per leg, in [0, 0.1).
        public var commissionRate: Double

        public init(cash: Double = 10_000, commissionRate: Double = 0) {
            self.cash = cash
            self.commissionRate = commissionRate
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
    }

    public let config: Config

    public init(config: Config) throws {
        guard config.cash > 0, config.cash.isFinite else {
            throw LabExecutionError.invalidParameter(field: "cash", reason: "must be > 0, got \(config.cash)")
        }
        guard config.commissionRate >= 0 && config.commissionRate < 0.1 else {
            throw LabExecutionError.invalidParameter(field: "commission", reason: "must be in [0, 0.1), got \(config.commissionRate)")
        }
        self.config = config
    }

    /// Runs the targets (one per bar; nil = no decision) over `bars`, from decision bar `start`.
    public func run(_ bars: BarSeries, targets: [TargetDirection?], start: Int = 0) throws -> Result {
        let n = bars.count
        guard targets.count == n else { throw LabExecutionError.lengthMismatch(field: "targets", expected: n, actual: targets.count) }
        let rate = config.commissionRate
        let sizeFraction = 1 - Double.ulpOfOne  // backtesting.py's default order size
        var cash = config.cash
        var units = 0.0, entryPrice = 0.0, entryBar = 0
        var worst = 0.0, best = 0.0
        var equity = [Double](repeating: config.cash, count: n)
        var trades: [TradeRecord] = []
        var cancelled: [Int] = []
        var pending: TargetDirection?
        var pendingBar = 0

        func closeTrade(at bar: Int, price: Double) {
            let exitFee = abs(units) * price * rate
            let entryFee = abs(units) * entryPrice * rate
            cash += units * (price - entryPrice) - exitFee
            let commission = exitFee + entryFee
            let direction: Double = units > 0 ? 1 : -1
            trades.append(TradeRecord(
                entryBar: entryBar, exitBar: bar, entryTime: bars.timestamps[entryBar], exitTime: bars.timestamps[bar], size: units,
                entryPrice: entryPrice, exitPrice: price, pnl: units * (price - entryPrice) - commission,
                returnPct: direction * (price / entryPrice - 1) - commission / (abs(units) * entryPrice),
                commission: commission, maxAdverseExcursion: worst, maxFavorableExcursion: best))
            units = 0
        }

        for i in max(start, 0)..<n {
            if let target = pending {
                pending = nil
                let price = bars.open[i]
                guard price > 0, price.isFinite else {
                    throw LabExecutionError.badFillPrice(symbol: bars.symbol, bar: i, field: "open", value: price)
                }
                if units != 0 { closeTrade(at: i, price: price) }
                if target != .flat {
                    let margin = max(0, cash)
                    let adjusted = price + (sizeFraction * price * rate) / sizeFraction
                    let affordable = ((margin * sizeFraction) / adjusted).rounded(.down)
                    if affordable >= 1 {
                        units = target == .long ? affordable : -affordable
                        entryPrice = price
                        entryBar = i
                        worst = 0
                        best = 0
                        cash -= affordable * price * rate
                    } else {
                        cancelled.append(pendingBar)
                    }
                }
            }
            if units != 0 {
                let c = bars.close[i]
                guard c > 0, c.isFinite else { throw LabExecutionError.badFillPrice(symbol: bars.symbol, bar: i, field: "close", value: c) }
                let favourable = units > 0 ? bars.high[i] / entryPrice - 1 : 1 - bars.low[i] / entryPrice
                let adverse = units > 0 ? bars.low[i] / entryPrice - 1 : 1 - bars.high[i] / entryPrice
                best = max(best, favourable)
                worst = min(worst, adverse)
            }
            equity[i] = cash + units * (bars.close[i] - entryPrice)
            if equity[i] <= 0 {
                if units != 0 { closeTrade(at: i, price: bars.close[i]) }
                for k in i..<n { equity[k] = 0 }
                return Result(equity: equity, trades: trades, openPosition: nil, cancelledOrders: cancelled, bankruptAt: i)
            }
            if i < n - 1, let target = targets[i] {
                pending = target
                pendingBar = i
            }
        }
        let open = units != 0 ? (units: units, entryBar: entryBar, entryPrice: entryPrice) : nil
        return Result(equity: equity, trades: trades, openPosition: open, cancelledOrders: cancelled, bankruptAt: nil)
    }
}
