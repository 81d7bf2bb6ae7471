import Foundation
import LabCore

/// How much a new position buys or sells (the budget), before rounding and the cash check.
public enum PositionSizing: Sendable, Equatable {
    /// All the margin available: cash × maxLeverage (backtesting.py's default order size).
    case allAvailable
    /// This fraction of equity (0.5 = half the account), at most the available margin.
    case fractionOfEquity(Double)
    /// Volatility targeting: a fraction of equity `targetVolatility / σ`, σ the annualised standard
    /// deviation of close-to-close log returns over the `window` bars before the fill bar (no
    /// look-ahead), at most maxLeverage.
    case volatilityTarget(annualVolatility: Double, window: Int)
    /// A user's own rule (``SizingRule``), registered in ``SizingRegistry``; made by
    /// ``custom(_:)-swift.type.method``.
    case custom(UserModel<any SizingRule>)

    /// A user's own rule.
    public static func custom(_ rule: any SizingRule) -> PositionSizing { .custom(UserModel(rule)) }

    public static func == (a: PositionSizing, b: PositionSizing) -> Bool {
        switch (a, b) {
        case (.allAvailable, .allAvailable): return true
        case let (.fractionOfEquity(x), .fractionOfEquity(y)): return x == y
        case let (.volatilityTarget(v1, w1), .volatilityTarget(v2, w2)): return v1 == v2 && w1 == w2
        case let (.custom(x), .custom(y)): return x.rule.description == y.rule.description
        default: return false
        }
    }
}

extension ExecutionSimulator.Book {
    /// Units for the target at `reference` (see ``PositionSizing``): the budget is all available
    /// margin (cash × maxLeverage), a fraction of equity, or the volatility-target fraction, never
    /// more than the margin; sized on the slippage of a one-unit order, re-priced with the sized
    /// order's slippage, rounded down to whole units unless fractional, capped by `maxUnits`, then
    /// reduced until the entry cost plus the fee fits the margin.
    /// (`mutating` only so that the book is passed by reference: called from `work`, a
    /// non-mutating method would get a copy of the whole book on every order.)
    mutating func size(_ target: TargetDirection, at bar: Int, reference: Double, scale: Double = 1) -> Double {
        let margin = max(0, cash) * config.maxLeverage
        var budget: Double
        switch config.sizing {
        case .allAvailable: budget = margin
        case let .fractionOfEquity(f): budget = min(margin, max(0, cash) * f)
        case let .volatilityTarget(target, window):
            guard bar > window else { return 0 }
            let sd = TrailingWindow.logReturnVolatility(bars, window: window, before: bar) * periodsPerYear.squareRoot()
            budget = sd > 0 ? min(margin, max(0, cash) * target / sd) : margin
        case let .custom(model):
            let b = model.rule.budget(cash: max(0, cash), bars: bars, bar: bar, periodsPerYear: periodsPerYear)
            budget = b.isFinite ? min(margin, max(0, b)) : 0
        }
        if scale < 1 { budget *= max(0, scale) }
        let buying = target == .long
        let whole = !config.fractionalUnits
        // Not one whole unit affordable: without slippage a unit's price alone exceeds the margin
        // (the fee only adds to it), which the reduction below would also conclude.
        if whole && frictionless && reference > margin { return 0 }
        // A user's commission schedule has no per-unit rate to solve for: search the units.
        if config.commission.isCustom {
            let units = Self.unitsWithin(
                min(budget, margin), buying: buying, at: bar, reference: reference, upTo: min(budget / reference * 2 + 1, config.maxUnits ?? .infinity),
                pricer: pricer, whole: whole, bars: bars)
            guard whole ? units >= 1 : units > 0 else { return 0 }
            return buying ? units : -units
        }
        var price = reference
        var affordable = 0.0
        // Without slippage the price does not depend on the size: one pass.
        for _ in 0..<(frictionless ? 1 : 2) {
            let slip = frictionless ? 0 : config.slippage.fraction(bars: bars, bar: bar, units: max(affordable, 1))
            price = buying ? reference * (1 + slip) : reference * (1 - slip)
            let perUnitFee = (sizeFraction * price * config.commission.rate) / sizeFraction + config.commission.perShare
            affordable = (budget * sizeFraction) / (price + perUnitFee)
            // Whole units: truncation equals floor for these non-negative values (< 2^53).
            if whole { affordable = affordable < 9e15 ? Double(Int64(affordable)) : affordable.rounded(.down) }
        }
        if let cap = config.maxUnits { affordable = min(affordable, whole ? cap.rounded(.down) : cap) }
        let step = whole ? 1.0 : affordable * 1e-9
        while affordable > 0 && affordable * price + config.commission.fee(units: affordable, price: price) > margin {
            affordable = whole ? affordable - 1 : affordable - step
        }
        guard whole ? affordable >= 1 : affordable > 0 else { return 0 }
        return buying ? affordable : -affordable
    }

    /// The most units, up to `limit`, whose cost on `bar` — units × price with slippage + the fee —
    /// fits `budget` (whole units unless fractional; the cost grows with the units). By bisection:
    /// only parts of an order split by the participation cap need it.
    func unitsWithin(_ budget: Double, buying: Bool, at bar: Int, reference: Double, upTo limit: Double) -> Double {
        Self.unitsWithin(budget, buying: buying, at: bar, reference: reference, upTo: limit, pricer: pricer, whole: !config.fractionalUnits, bars: bars)
    }

    /// ``unitsWithin(_:buying:at:reference:upTo:)`` on the pieces it reads (static: a method
    /// call on the book from its mutating methods, or a closure capturing it, copied the whole book).
    static func unitsWithin(
        _ budget: Double, buying: Bool, at bar: Int, reference: Double, upTo limit: Double, pricer: FillPricer, whole: Bool, bars: BarSeries
    ) -> Double {
        func cost(_ u: Double) -> Double { pricer.fill(units: buying ? u : -u, bars: bars, bar: bar, reference: reference, opening: true).cost }
        var low = 0.0, high = whole ? limit.rounded(.down) : limit
        if cost(high) <= budget { return high }
        for _ in 0..<80 {
            let middle = whole ? ((low + high) / 2).rounded(.down) : (low + high) / 2
            guard middle > low && middle < high else { break }
            if cost(middle) <= budget { low = middle } else { high = middle }
        }
        return low
    }
}
