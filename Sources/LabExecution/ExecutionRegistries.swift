import Foundation
import LabCore

/// The slippage models `execution.slippage.model` can name (see ``SlippageModel``); a user's
/// own is a ``SlippageRule`` registered as `.custom(rule)`.
public enum SlippageRegistry {
    /// The registry (built-ins below).
    public static let shared = Registry<Void, SlippageModel>(
        kind: "slippage model",
        entries: [
            .init("none", summary: "no slippage: fills at the reference price") { _, _ in .none },
            .init("fixed_bps", summary: "a fixed cost in basis points of the price") { p, _ in .fixedBasisPoints(try p.requiredNumber("bps", in: 0...10_000)) },
            .init("entry_spread", summary: "backtesting.py's spread: this fraction on fills that open or add to a position, none on exits") { p, _ in
                .entrySpread(try p.requiredNumber("rate", in: 0...0.5))
            },
            .init("half_spread", summary: "half the quoted spread (the bars' spread column, else this fixed spread, a fraction of mid)") { p, _ in
                .halfSpread(fallback: try p.number("spread", default: 0, in: 0...0.999))
            },
            .init("corwin_schultz", summary: "half the Corwin–Schultz (2012) high–low spread of the two bars before the fill") { _, _ in .corwinSchultz },
            .init("square_root", summary: "square-root impact k·σ_daily·√(Q/ADV) (Almgren et al. 2005) over the window before the fill") { p, _ in
                .squareRootImpact(k: try p.number("k", default: 1, in: 0...1e6), window: try p.integer("window", default: 20, minimum: 2))
            },
        ])
}

/// The commission models `execution.commission.model` can name (default `standard`); a user's own
/// is a ``CommissionRule`` in ``CommissionModel/custom``.
public enum CommissionRegistry {
    /// The registry (the built-in below).
    public static let shared = Registry<Void, CommissionModel>(
        kind: "commission model",
        entries: [
            .init("standard", summary: "fixed + rate·value + per-share clamped to [minimum, maximum], per fill") { p, _ in
                CommissionModel(
                    rate: try p.number("rate", default: 0, in: 0...0.1), perShare: try p.number("per_share", default: 0, in: 0...1e9),
                    minimum: try p.number("minimum", default: 0, in: 0...1e12),
                    maximum: try p.numberOrNone("maximum", default: nil, in: 0...1e15) ?? .infinity,
                    fixed: try p.number("fixed", default: 0, in: 0...1e12))
            }
        ])
}

/// The sizing rules `execution.sizing.mode` can name (see ``PositionSizing``); a user's own is a
/// ``SizingRule`` registered as `.custom(rule)`.
public enum SizingRegistry {
    /// The registry (built-ins below).
    public static let shared = Registry<Void, PositionSizing>(
        kind: "sizing rule",
        entries: [
            .init("all", summary: "all the margin available (backtesting.py's default)") { _, _ in .allAvailable },
            .init("fraction", summary: "this fraction of equity, at most the margin") { p, _ in
                .fractionOfEquity(try p.requiredNumber("fraction", in: 1e-9...100))
            },
            .init("volatility_target", summary: "equity × target / σ, σ the annualised volatility over the window before the fill") { p, _ in
                .volatilityTarget(
                    annualVolatility: try p.requiredNumber("annual_volatility", in: 1e-9...100), window: try p.integer("window", default: 20, minimum: 2))
            },
        ])
}
