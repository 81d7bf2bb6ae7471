import LabCore

extension ExecutionSimulator {
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
}

extension ExecutionSimulator.Book {
    /// Closes the position when bar `bar` reaches a protective exit (see ``ProtectiveExits``).
    mutating func checkExits(bar: Int) {
        let exits = config.exits
        guard units != 0, exits.stopLoss != nil || exits.takeProfit != nil || exits.trailingStop != nil else { return }
        let o = columns.open[bar], h = columns.high[bar], l = columns.low[bar]
        let long = units > 0
        var stop: (level: Double, reason: FillReason)?
        if let sl = exits.stopLoss { stop = (long ? entryPrice * (1 - sl) : entryPrice * (1 + sl), .stopLoss) }
        if let ts = exits.trailingStop {
            let level = long ? trailPeak * (1 - ts) : trailPeak * (1 + ts)
            if stop == nil || (long ? level > stop!.level : level < stop!.level) { stop = (level, .trailingStop) }
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
                fill(units: -units, at: bar, reference: o, reason: .takeProfit)
            } else if long ? h >= level : l <= level {
                fill(units: -units, at: bar, reference: level, reason: .takeProfit)
            }
        }
    }

    /// Updates the open trade's trailing reference and (when the book keeps them) excursions with bar
    /// `bar`'s high and low.
    mutating func mark(bar: Int) {
        if config.exits.trailingStop != nil {
            trailPeak = units > 0 ? max(trailPeak, columns.high[bar]) : min(trailPeak, columns.low[bar])
        }
        guard excursions else { return }
        let inverse = inverseEntry
        let high = columns.high[bar], low = columns.low[bar]
        let favourable = units > 0 ? high * inverse - 1 : 1 - low * inverse
        let adverse = units > 0 ? low * inverse - 1 : 1 - high * inverse
        best = max(best, favourable)
        worst = min(worst, adverse)
    }
}
