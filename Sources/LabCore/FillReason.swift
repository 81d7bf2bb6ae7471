/// Why a fill happened; for the fill that closes a trade, why the trade ended
/// (``TradeRecord/exitReason``). The raw value is the name reports and scenario files use.
public enum FillReason: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// An order from the strategy's signal (an entry, or the exit a new target forces).
    case signal
    /// The stop-loss level was reached (or gapped through at the open).
    case stopLoss = "stop_loss"
    /// The take-profit level was reached.
    case takeProfit = "take_profit"
    /// The trailing stop below the best price so far was reached.
    case trailingStop = "trailing_stop"
    /// Equity reached 0: the position was closed at that close.
    case bankruptcy
    /// A portfolio rebalance to its target weights.
    case rebalance
    /// The symbol's last bar in a universe (delisted, or its data ends): the position was closed at
    /// that bar's close.
    case delisting
    /// The run's end with `execution.finalize_trades`: the open position was closed at the last
    /// bar's open (backtesting.py's `finalize_trades=True`).
    case endOfData = "end_of_data"
}
