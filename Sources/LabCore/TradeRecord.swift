/// A closed round-trip trade: what the execution simulator records and the statistics consume.
///
/// Conventions: `size` is signed units (negative for a short); `pnl` is in account currency, net of
/// both legs' commissions; `returnPct` is a fraction, `sign(size)·(exit/entry − 1) − commission/(|size|·entry)`
/// (backtesting.py's `ReturnPct`); bars are indices into the equity curve, times ns since the epoch.
public struct TradeRecord: Sendable, Equatable, Codable {
    /// Bar of the entry fill.
    public var entryBar: Int
    /// Bar of the exit fill.
    public var exitBar: Int
    /// Time of the entry bar, ns since the epoch (UTC).
    public var entryTime: Int64
    /// Time of the exit bar, ns since the epoch (UTC).
    public var exitTime: Int64
    /// Signed units (negative for a short).
    public var size: Double
    /// Entry fill price, slippage included.
    public var entryPrice: Double
    /// Exit fill price, slippage included.
    public var exitPrice: Double
    /// Net P&L, account currency (both legs' commissions deducted).
    public var pnl: Double
    /// Return as a fraction net of commission (the formula above).
    public var returnPct: Double
    /// Commission paid on both legs, account currency.
    public var commission: Double
    /// Maximum adverse excursion while held: the worst move against the position, from the entry
    /// price to the bars' lows (longs) or highs (shorts), as a fraction ≤ 0.
    public var maxAdverseExcursion: Double
    /// Maximum favourable excursion: the best move for the position, as a fraction ≥ 0.
    public var maxFavorableExcursion: Double
    /// Why the trade ended (the reason of its closing fill).
    public var exitReason: FillReason

    /// A trade; excursions 0 and exit reason `signal` unless given.
    public init(
        entryBar: Int, exitBar: Int, entryTime: Int64, exitTime: Int64, size: Double, entryPrice: Double, exitPrice: Double,
        pnl: Double, returnPct: Double, commission: Double, maxAdverseExcursion: Double = 0, maxFavorableExcursion: Double = 0,
        exitReason: FillReason = .signal
    ) {
        self.entryBar = entryBar
        self.exitBar = exitBar
        self.entryTime = entryTime
        self.exitTime = exitTime
        self.size = size
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.pnl = pnl
        self.returnPct = returnPct
        self.commission = commission
        self.maxAdverseExcursion = maxAdverseExcursion
        self.maxFavorableExcursion = maxFavorableExcursion
        self.exitReason = exitReason
    }
}
