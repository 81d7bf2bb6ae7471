import LabCore

/// One fill: a part of an order (or a protective exit, a bankruptcy close, a portfolio rebalance)
/// executed on a bar. Both simulators record this type, priced by one ``FillPricer``.
public struct Fill: Sendable, Equatable, Codable {
    /// Bar of the fill.
    public var bar: Int
    /// Time of that bar, ns since the epoch (UTC).
    public var time: Int64
    /// The symbol traded.
    public var symbol: String
    /// Signed units: positive bought, negative sold (the side is the sign, the quantity its size).
    public var units: Double
    /// Fill price including slippage, quote currency.
    public var price: Double
    /// Commission of this fill, account currency.
    public var commission: Double
    /// |units| × |price − reference price|, account currency.
    public var slippage: Double
    /// Why it filled.
    public var reason: FillReason
}

/// Where the money went: commission, slippage (|units| × |fill − reference price| per fill),
/// borrow fees on shorts and financing of leveraged longs. All ≥ 0, account currency.
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

    /// No costs yet.
    public init() {}
}

/// A fill priced at its bar: the reference price (open, close, a limit or stop level) moved against
/// the trader by the slippage model, and the commission on that price.
struct PricedFill {
    /// Signed units (positive bought).
    let units: Double
    /// The price before slippage, quote currency.
    let reference: Double
    /// The fill price, slippage included: above the reference for a buy, below for a sell.
    let price: Double
    /// Commission, account currency.
    let fee: Double
    /// What slippage cost: |units| × |price − reference|, account currency.
    var slippage: Double { abs(units) * abs(price - reference) }
    /// Value traded plus the fee, |units| × price + fee: what the fill takes from the margin.
    var cost: Double { abs(units) * price + fee }
}

/// The one pricing rule of both simulators: slippage moves the reference price against the trader
/// (a buy pays `reference·(1 + s)`, a sell gets `reference·(1 − s)`, s the model's fraction for that
/// size on that bar), and the commission model charges the fill at that price.
struct FillPricer: Sendable {
    /// Price moved against the trader.
    let slippage: SlippageModel
    /// Fee per fill.
    let commission: CommissionModel
    /// No slippage model: a fill's price is its reference price, whatever the size.
    let frictionless: Bool

    /// A pricer for the two models.
    init(slippage: SlippageModel, commission: CommissionModel) {
        self.slippage = slippage
        self.commission = commission
        self.frictionless = slippage == .none
    }

    /// `q` signed units on `bar` of `bars` from `reference`, priced; `opening`: the fill opens or
    /// adds to a position (a model that spares exits, ``SlippageModel/entrySpread(_:)``, reads it).
    @inline(__always)
    func fill(units q: Double, bars: BarSeries, bar: Int, reference: Double, opening: Bool) -> PricedFill {
        let slip = frictionless || (!opening && !slippage.appliesToExits) ? 0 : slippage.fraction(bars: bars, bar: bar, units: q)
        let price = q > 0 ? reference * (1 + slip) : reference * (1 - slip)
        return PricedFill(units: q, reference: reference, price: price, fee: commission.fee(units: q, price: price))
    }
}

/// What a run's fills cost and traded, and the fills themselves when they are recorded.
struct FillLedger {
    /// Costs so far (the simulators add borrow and financing per bar).
    var costs = CostBreakdown()
    /// Sum of |units × fill price| over all fills, account currency.
    var tradedValue = 0.0
    /// The fills in the order they happened (when `recording`).
    var fills: [Fill] = []
    /// Whether `fills` is kept (a sweep's run keeps only the totals).
    let recording: Bool

    /// Books `fill` made on `bar` (at `time`, ns since the epoch) of `symbol`: its commission,
    /// slippage and traded value, and the fill itself when recording.
    @inline(__always)
    mutating func book(_ fill: PricedFill, bar: Int, time: @autoclosure () -> Int64, symbol: @autoclosure () -> String, reason: FillReason) {
        let slippage = fill.slippage
        costs.commission += fill.fee
        costs.slippage += slippage
        tradedValue += abs(fill.units) * fill.price
        if recording {
            fills.append(
                Fill(bar: bar, time: time(), symbol: symbol(), units: fill.units, price: fill.price, commission: fill.fee, slippage: slippage, reason: reason))
        }
    }
}
