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
    /// With a position already held on the target's side: trade the difference to the size this
    /// order asks for (sized on the equity at the fill), instead of closing and re-opening.
    /// Without one, the order opens as any other.
    public var resizes: Bool

    /// An order for `target`; a market, good-till-cancelled order at the full size by default.
    public init(
        _ target: TargetDirection, type: OrderType = .market, validity: OrderValidity = .goodTillCancelled, sizeScale: Double = 1,
        resizes: Bool = false
    ) {
        self.target = target
        self.type = type
        self.validity = validity
        self.sizeScale = sizeScale
        self.resizes = resizes
    }
}

extension ExecutionSimulator {
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
}
