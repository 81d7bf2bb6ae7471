import LabCore

extension ExecutionSimulator {
    /// Cash, the open position and the record of fills.
    struct Book {
        let config: Config
        let bars: BarSeries
        /// The bars' price and volume columns (read on every bar, without reference counting).
        let columns: BarColumns
        /// Prices every fill (slippage, commission).
        let pricer: FillPricer
        /// No slippage model: a fill's price is its reference price, whatever the size.
        var frictionless: Bool { pricer.frictionless }
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
        /// The close of the bar the open position's entry was decided on (exits from `signal_close`).
        var exitBasis = 0.0
        /// Bars that reached both a stop and the take-profit inside their range (``IntrabarPolicy``).
        var ambiguousBars = 0
        var trades: [TradeRecord] = []
        var cancelled: [Int] = []
        /// Costs, traded value and (with the equity curve; a sweep run keeps neither) the fills.
        var ledger: FillLedger
        let sizeFraction = 1 - Double.ulpOfOne  // backtesting.py's default order size
        let periodsPerYear: Double
        /// Whether trades carry their excursions (the high and low of every bar held are read); a
        /// sweep's combination reads neither — no key statistic needs them — and its trades hold 0.
        let excursions: Bool
        /// Whether any bar of the series has volume (a series without any has no volume data).
        let hasVolume: Bool

        init(config: Config, bars: BarSeries, columns: BarColumns, periodsPerYear: Double, recordFills: Bool, excursions: Bool = true) {
            self.config = config
            self.excursions = excursions
            self.ledger = FillLedger(recording: recordFills)
            self.bars = bars
            self.columns = columns
            self.hasVolume = columns.volume.contains { $0 > 0 }
            self.pricer = FillPricer(slippage: config.slippage, commission: config.commission)
            self.cash = config.cash
            self.periodsPerYear = periodsPerYear
        }

        /// Cash plus the open position marked at `close` (just cash when flat, whatever the close).
        func equity(at close: Double) -> Double { units == 0 ? cash : cash + units * (close - entryPrice) }

        /// Units the participation cap allows on `bar` (∞ without a cap; 0 on a zero-volume bar of a
        /// series that has volume).
        func capacity(_ bar: Int) -> Double {
            // A series without volume (every bar's 0: most FX feeds) has no volume data: without a cap
            // it trades (a run refuses a cap on it); otherwise a zero-volume bar traded nothing.
            guard hasVolume || config.participationCap != nil else { return .infinity }
            let volume = columns.volume[bar]
            guard volume > 0 else { return 0 }
            return config.participationCap.map { ($0 * volume).rounded(.down) } ?? .infinity
        }

        /// Works `order` on `bar` at `reference`: closes first, then opens, within the bar's capacity.
        mutating func work(_ order: inout WorkingOrder?, at bar: Int, reference: Double) {
            guard var current = order else { return }
            var room = capacity(bar)
            // A resize on the side already held: size the wanted position on the equity at this
            // reference and trade the difference (adding or reducing; no closing phase).
            if current.order.resizes, current.toOpen == nil, current.target != .flat, units != 0, (units > 0) == (current.target == .long) {
                let balance = cash
                cash = equity(at: reference)
                current.toOpen = size(current.target, at: bar, reference: reference, scale: current.order.sizeScale) - units
                current.budget = max(0, cash) * config.maxLeverage - abs(units) * reference
                cash = balance
            }
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
                    // A reduction of the held position needs no margin.
                    let reducing = units != 0 && (units > 0) != (remaining > 0)
                    let within =
                        current.opened && !reducing ? unitsWithin(current.budget, buying: remaining > 0, at: bar, reference: reference, upTo: q) : q
                    let rest = within < q ? 0 : (remaining > 0 ? remaining - q : remaining + q)
                    q = within
                    if q > 0 {
                        let opening = units == 0
                        current.budget -= fill(units: remaining > 0 ? q : -q, at: bar, reference: reference)
                        current.opened = true
                        if opening { exitBasis = columns.close[current.decided] }
                    }
                    current.toOpen = rest
                }
            }
            let done =
                units == 0 && (current.target == .flat || current.toOpen == 0)
                || (units != 0 && current.toOpen == 0)
            order = done || config.unfilled == .cancel ? nil : current
        }

        /// One fill of `q` signed units on `bar` at `reference` moved by slippage; opens, adds to,
        /// reduces or closes the position, and records the trade when it is closed. Returns what the
        /// fill cost against the margin: |q| × price + fee.
        @discardableResult
        mutating func fill(units q: Double, at bar: Int, reference: Double, reason: FillReason = .signal) -> Double {
            let priced = pricer.fill(units: q, bars: bars, bar: bar, reference: reference, opening: units == 0 || (units > 0) == (q > 0))
            let price = priced.price, fee = priced.fee
            ledger.book(priced, bar: bar, time: columns.timestamps[bar], symbol: bars.symbol, reason: reason)
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

        func result(finalEquity: Double, bankruptAt: Int?) -> Result {
            let open = units != 0 ? (units: units, entryBar: entryBar, entryPrice: entryPrice) : nil
            return Result(
                equity: [], finalEquity: finalEquity, trades: trades, openPosition: open, cancelledOrders: cancelled, bankruptAt: bankruptAt,
                costs: ledger.costs, tradedValue: ledger.tradedValue, fills: ledger.fills, closes: bars.close, ambiguousBars: ambiguousBars)
        }
    }
}
