import Foundation
import LabCore

/// When an order decided after the close of bar i fills.
public enum FillTiming: Sendable, Equatable {
    /// At the open of bar i + 1 + latency (default; backtesting.py's default).
    case nextOpen(latency: Int = 0)
    /// At the close of bar i itself (backtesting.py's `trade_on_close=True`): the decision and the
    /// fill use the same close, nothing later.
    case thisClose
    /// At the typical price (high + low + close)/3 of bar i + 1 + latency: a proxy for trading
    /// through that bar (VWAP-like), known only once the bar is complete.
    case nextTypical(latency: Int = 0)
}

/// Commission per order, in account currency: `fixed + rate·|value| + clamp(perShare·|units|, minimum, maximum)`.
///
/// `rate` is a fraction of traded value (0.002 = 0.2 % = 20 bp); `perShare` is currency per unit, its
/// total clamped to [`minimum`, `maximum`] when units are traded (a broker's per-share schedule);
/// `fixed` is charged on every fill. Each leg (entry and exit) is an order.
public struct CommissionModel: Sendable, Equatable {
    /// A user's own schedule (``CommissionRule``) instead of the formula; nil for the formula.
    public var custom: (any CommissionRule)? {
        get { box?.rule }
        set { box = newValue.map(UserModel.init) }
    }
    /// Whether a user's schedule replaces the formula.
    public var isCustom: Bool { box != nil }
    /// `custom` behind a reference: the fee's check is a pointer test, with no existential copy per fill.
    private var box: UserModel<any CommissionRule>?
    /// Commission as a fraction of traded value (0.002 = 20 bp), ≥ 0.
    public var rate: Double
    /// Commission per unit traded, account currency, ≥ 0.
    public var perShare: Double
    /// Least per-share commission of an order that trades units, account currency.
    public var minimum: Double
    /// Most per-share commission of one order, account currency (infinity = no cap).
    public var maximum: Double
    /// Charge on every fill, account currency.
    public var fixed: Double

    /// A commission schedule; the parts add up (all zero = free trading).
    public init(rate: Double = 0, perShare: Double = 0, minimum: Double = 0, maximum: Double = .infinity, fixed: Double = 0) {
        self.rate = rate
        self.perShare = perShare
        self.minimum = minimum
        self.maximum = maximum
        self.fixed = fixed
    }

    public static func == (a: CommissionModel, b: CommissionModel) -> Bool {
        a.rate == b.rate && a.perShare == b.perShare && a.minimum == b.minimum && a.maximum == b.maximum && a.fixed == b.fixed
            && a.custom?.description == b.custom?.description
    }

    /// The fee for trading `units` at `price`.
    public func fee(units: Double, price: Double) -> Double {
        let q = abs(units)
        guard q > 0 else { return 0 }
        if box != nil { return box!.rule.fee(units: q, price: price) }
        let perShareTotal = perShare > 0 ? min(maximum, max(minimum, perShare * q)) : 0
        return fixed + rate * q * price + perShareTotal
    }

    func check() throws {
        try need(rate >= 0 && rate < 0.1, "commission.rate", "must be in [0, 0.1), got \(rate)")
        try need(perShare >= 0 && perShare.isFinite, "commission.perShare", "must be ≥ 0, got \(perShare)")
        try need(minimum >= 0 && minimum.isFinite, "commission.minimum", "must be ≥ 0, got \(minimum)")
        try need(maximum >= minimum, "commission.maximum", "must be ≥ minimum (\(minimum)), got \(maximum)")
        try need(fixed >= 0 && fixed.isFinite, "commission.fixed", "must be ≥ 0, got \(fixed)")
    }
}

/// How far a fill lands from the reference price (open, close or typical), against the trader:
/// buys fill at `reference·(1 + s)`, sells at `reference·(1 − s)`, s a fraction.
public enum SlippageModel: Sendable, Equatable {
    /// A user's own model (``SlippageRule``), registered in ``SlippageRegistry``; made by
    /// ``custom(_:)-swift.type.method``.
    case custom(UserModel<any SlippageRule>)

    /// A user's own model.
    public static func custom(_ rule: any SlippageRule) -> SlippageModel { .custom(UserModel(rule)) }
    /// No slippage: fills at the reference price.
    case none
    /// A fixed cost in basis points (10 = 0.1 %).
    case fixedBasisPoints(Double)
    /// Half the quoted spread: the bar's `spread` column when the series has one, else this fixed
    /// spread (a fraction of mid).
    case halfSpread(fallback: Double)
    /// Half the spread estimated from the two bars before the fill bar by Corwin & Schultz (2012),
    /// from highs and lows only (negative estimates count as 0).
    case corwinSchultz
    /// backtesting.py 0.6.6's `spread`: this fraction of the price added to a buy and taken off a
    /// sell on fills that open or add to a position; fills that reduce or close one are at the
    /// unmoved price (backtesting.py adjusts the entry only: "existing trades are closed at
    /// unadjusted price, because the adjustment was already made when buying").
    case entrySpread(Double)
    /// Square-root market impact `k·σ_daily·√(Q/ADV)` (Almgren et al. 2005; Tóth et al. 2011): σ_daily
    /// the standard deviation of daily log returns and ADV the average daily volume, both over the
    /// `window` bars before the fill bar (no look-ahead); Q the order's units.
    case squareRootImpact(k: Double, window: Int)

    /// False for a model that moves only the fills that open or add to a position (``entrySpread(_:)``).
    var appliesToExits: Bool {
        if case .entrySpread = self { return false }
        return true
    }

    public static func == (a: SlippageModel, b: SlippageModel) -> Bool {
        switch (a, b) {
        case (.none, .none), (.corwinSchultz, .corwinSchultz): return true
        case let (.fixedBasisPoints(x), .fixedBasisPoints(y)): return x == y
        case let (.halfSpread(x), .halfSpread(y)): return x == y
        case let (.entrySpread(x), .entrySpread(y)): return x == y
        case let (.squareRootImpact(k1, w1), .squareRootImpact(k2, w2)): return k1 == k2 && w1 == w2
        case let (.custom(x), .custom(y)): return x.rule.description == y.rule.description
        default: return false
        }
    }

    func check() throws {
        switch self {
        case .none, .corwinSchultz, .custom: break
        case let .fixedBasisPoints(bps): try need(bps >= 0 && bps.isFinite, "slippage.bps", "must be ≥ 0, got \(bps)")
        case let .halfSpread(spread): try need(spread >= 0 && spread < 1, "slippage.spread", "must be in [0, 1), got \(spread)")
        case let .entrySpread(rate): try need(rate >= 0 && rate < 1, "slippage.rate", "must be in [0, 1), got \(rate)")
        case let .squareRootImpact(k, window):
            try need(k >= 0 && k.isFinite, "slippage.k", "must be ≥ 0, got \(k)")
            try need(window >= 2, "slippage.window", "must be ≥ 2 bars, got \(window)")
        }
    }

    /// The slippage fraction for `units` filling at bar `bar` of `bars` (on an opening fill: see
    /// ``appliesToExits``).
    func fraction(bars: BarSeries, bar: Int, units: Double) -> Double {
        switch self {
        case .none: return 0
        case let .custom(model): return max(0, model.rule.fraction(bars: bars, bar: bar, units: units))
        case let .fixedBasisPoints(bps): return bps / 10_000
        case let .halfSpread(fallback): return (bars.spread?[bar] ?? fallback) / 2
        case let .entrySpread(rate): return rate
        case .corwinSchultz:
            guard bar >= 2 else { return 0 }
            return CorwinSchultz.spread(high: (bars.high[bar - 2], bars.high[bar - 1]), low: (bars.low[bar - 2], bars.low[bar - 1])) / 2
        case let .squareRootImpact(k, window):
            guard bar > window, units != 0 else { return 0 }
            let barsPerDay = bars.barsPerTradingDay
            let sigmaDaily = TrailingWindow.logReturnVolatility(bars, window: window, before: bar) * barsPerDay.squareRoot()
            let adv = TrailingWindow.meanVolume(bars, window: window, before: bar) * barsPerDay
            guard adv > 0 else { return k * sigmaDaily }  // no volume history: treat the order as a day's volume
            return k * sigmaDaily * (abs(units) / adv).squareRoot()
        }
    }
}

/// A user's model held by reference, so that copying the configuration that holds it (per order,
/// per fill) retains one object instead of copying an existential.
public final class UserModel<Rule>: @unchecked Sendable {
    /// The model.
    public let rule: Rule
    /// A holder of `rule`.
    public init(_ rule: Rule) { self.rule = rule }
}

/// A slippage model of one's own: register it in ``SlippageRegistry`` and name it in a scenario's
/// `execution.slippage.model`. Called at each fill (not per bar), off the simulator's hot loop.
public protocol SlippageRule: Sendable, CustomStringConvertible {
    /// The slippage for `units` (signed: buy > 0) filling at bar `bar` of `bars`, a fraction of the
    /// reference price against the trader (negative values count as 0). Read only bars before
    /// `bar` (the fill bar's own high, low, close and volume are not known at its open);
    /// ``TrailingWindow`` gives the volatility and mean volume over the bars before it.
    func fraction(bars: BarSeries, bar: Int, units: Double) -> Double
}

/// A commission schedule of one's own (``CommissionModel/custom``), registered in ``CommissionRegistry``.
public protocol CommissionRule: Sendable, CustomStringConvertible {
    /// The fee for one fill of `units` (> 0) at `price`, account currency, ≥ 0 and not falling as
    /// units grow (sizing searches the largest affordable order by bisection on it).
    func fee(units: Double, price: Double) -> Double
}

/// A sizing rule of one's own (``PositionSizing/custom(_:)``), registered in ``SizingRegistry``.
public protocol SizingRule: Sendable, CustomStringConvertible {
    /// The budget of a new position opened on `bar` (account currency, before the margin cap):
    /// from the cash and what bars before `bar` show; `periodsPerYear` annualises per-bar figures.
    func budget(cash: Double, bars: BarSeries, bar: Int, periodsPerYear: Double) -> Double
}

/// The Corwin–Schultz (2012) high–low spread estimator.
public enum CorwinSchultz {
    /// Spread (fraction of price) from two consecutive bars' highs and lows:
    /// `β = ln²(H₁/L₁) + ln²(H₂/L₂)`, `γ = ln²(max(H₁, H₂)/min(L₁, L₂))`,
    /// `α = (√(2β) − √β)/(3 − 2√2) − √(γ/(3 − 2√2))`, `S = 2(e^α − 1)/(1 + e^α)`, negative S → 0.
    public static func spread(high: (Double, Double), low: (Double, Double)) -> Double {
        let b1 = log(high.0 / low.0), b2 = log(high.1 / low.1)
        let beta = b1 * b1 + b2 * b2
        let g = log(max(high.0, high.1) / min(low.0, low.1))
        let gamma = g * g
        let denominator = 3 - 2 * 2.0.squareRoot()
        let alpha = ((2 * beta).squareRoot() - beta.squareRoot()) / denominator - (gamma / denominator).squareRoot()
        let s = 2 * (exp(alpha) - 1) / (1 + exp(alpha))
        return s.isFinite ? max(0, s) : 0
    }
}

func need(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    if !condition { throw LabExecutionError.invalidParameter(field: field, reason: reason()) }
}
