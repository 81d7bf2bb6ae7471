import LabCore

extension ExecutionSimulator {
    /// Exits attached to every position, as fractions of its entry price (or of its best price so far
    /// for the trailing stop): a long's stop-loss at `entry·(1 − stopLoss)`, take-profit at
    /// `entry·(1 + takeProfit)`, trailing stop at `best·(1 − trailingStop)` with `best` the highest
    /// high of the bars already completed while held; shorts mirrored. Checked on every bar a
    /// position is held (the entry bar after its fill included) from the bar's open, high and low:
    /// a level the open has already gapped through fills **at the open** (the open is the bar's
    /// first price: no ambiguity), a level touched inside the bar fills at the level; when a stop (or
    /// the trailing stop) and the take-profit are both inside one bar and neither was gapped through,
    /// ``IntrabarPolicy`` decides which came first, and the bar is counted as ambiguous. Exits close
    /// the whole position, uncapped, with slippage and commission.
    public struct ProtectiveExits: Sendable, Equatable {
        /// Fraction of the entry price a position may lose before it is closed (0.05 = 5 %); nil = none.
        public var stopLoss: Double?
        /// Fraction of the entry price a position may gain before it is closed; nil = none.
        public var takeProfit: Double?
        /// Fraction of the best price so far a position may give back before it is closed; nil = none.
        public var trailingStop: Double?
        /// Which of a stop and the take-profit a bar that reaches both fills.
        public var intrabar: IntrabarPolicy
        /// The price the stop-loss and take-profit fractions are taken from.
        public var reference: ExitReference

        /// Exits given as fractions of a price, each > 0 (nil leaves it off).
        public init(
            stopLoss: Double? = nil, takeProfit: Double? = nil, trailingStop: Double? = nil, intrabar: IntrabarPolicy = .pessimistic,
            reference: ExitReference = .entry
        ) {
            self.stopLoss = stopLoss
            self.takeProfit = takeProfit
            self.trailingStop = trailingStop
            self.intrabar = intrabar
            self.reference = reference
        }

        /// Whether a bar can reach two exits (a stop or trailing stop, and a take-profit).
        public var canBeAmbiguous: Bool { takeProfit != nil && (stopLoss != nil || trailingStop != nil) }
    }
}

/// The price a position's stop-loss and take-profit levels are fractions of (`exits.reference`).
public enum ExitReference: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// The position's entry price (its average fill price, costs included in the price).
    case entry
    /// The close of the bar the entry was decided on — what a strategy writing
    /// `buy(sl=close * 0.98, tp=close * 1.04)` in backtesting.py sets.
    case signalClose = "signal_close"
}

/// What a bar whose range reaches both a stop (or trailing stop) and the take-profit is taken to
/// have done first, when neither level was gapped through at the open — bars give no order of
/// their high and low (docs/execution.md, "Same-bar rules").
public enum IntrabarPolicy: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// The adverse level first: the stop fills (the default, and backtesting.py's reading).
    case pessimistic
    /// The favourable level first: the take-profit fills.
    case optimistic
    /// The extreme nearer the open first: for a long, the stop when open − low ≤ high − open, else
    /// the take-profit (shorts mirrored; a tie counts as the stop's).
    case openNearest = "open_nearest"
}

extension ExecutionSimulator.Book {
    /// Closes the position when bar `bar` reaches a protective exit (see ``ProtectiveExits``).
    mutating func checkExits(bar: Int) {
        let exits = config.exits
        guard units != 0, exits.stopLoss != nil || exits.takeProfit != nil || exits.trailingStop != nil else { return }
        let o = columns.open[bar], h = columns.high[bar], l = columns.low[bar]
        let long = units > 0
        var stop: (level: Double, reason: FillReason)?
        let basis = exits.reference == .signalClose ? exitBasis : entryPrice
        if let sl = exits.stopLoss { stop = (long ? basis * (1 - sl) : basis * (1 + sl), .stopLoss) }
        if let ts = exits.trailingStop {
            let level = long ? trailPeak * (1 - ts) : trailPeak * (1 + ts)
            if stop == nil || (long ? level > stop!.level : level < stop!.level) { stop = (level, .trailingStop) }
        }
        let target: Double? = exits.takeProfit.map { long ? basis * (1 + $0) : basis * (1 - $0) }
        // A level the open is already beyond fills at the open: the bar's first price.
        if let stop, long ? o <= stop.level : o >= stop.level {
            fill(units: -units, at: bar, reference: o, reason: stop.reason)
            return
        }
        if let target, long ? o >= target : o <= target {
            fill(units: -units, at: bar, reference: o, reason: .takeProfit)
            return
        }
        let stopInside = stop.map { long ? l <= $0.level : h >= $0.level } ?? false
        let targetInside = target.map { long ? h >= $0 : l <= $0 } ?? false
        var stopFirst = stopInside
        if stopInside && targetInside {
            ambiguousBars += 1
            switch exits.intrabar {
            case .pessimistic: stopFirst = true
            case .optimistic: stopFirst = false
            case .openNearest: stopFirst = long ? o - l <= h - o : h - o <= o - l
            }
        }
        if stopFirst, let stop {
            fill(units: -units, at: bar, reference: stop.level, reason: stop.reason)
        } else if targetInside, let target {
            fill(units: -units, at: bar, reference: target, reason: .takeProfit)
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
