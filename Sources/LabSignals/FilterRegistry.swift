import Foundation
import LabCore

/// The filter rules a scenario's `filters` can name (see ``SignalFilterRule``); a user's own is a
/// ``SignalFilter`` registered as `.custom(filter)`.
public enum FilterRegistry {
    /// The registry (built-ins below).
    public static let shared = Registry<Void, SignalFilterRule>(
        kind: "filter rule",
        entries: [
            .init("confidence", summary: "rejects entries whose confidence is below the minimum") { p, _ in
                .confidence(minimum: try p.requiredNumber("minimum", in: 0...1))
            },
            .init("market_hours", summary: "rejects signals outside the exchange's sessions (holidays, half days, pre/post minutes)") { p, _ in
                let name = try p.requiredText("calendar", placeholder: "NYSE")
                guard let calendar = TradingCalendar.named(name) else {
                    throw LabCoreError.invalidParameter(owner: "market_hours", field: "calendar", reason: TradingCalendar.unknownNameReason(name))
                }
                return .marketHours(
                    calendar: calendar, preMarketMinutes: try p.integer("pre_market_minutes", default: 0, minimum: 0),
                    postMarketMinutes: try p.integer("post_market_minutes", default: 0, minimum: 0))
            },
            .init("volume", summary: "rejects entries on bars with volume below a minimum or below a share of the recent mean") { p, _ in
                .volume(
                    minimum: try p.number("minimum", default: 0, in: 0...1e18), relative: try p.number("relative", default: 0, in: 0...1e6),
                    window: try p.integer("window", default: 20, minimum: 1))
            },
            .init("risk", summary: "scales confidence and size down in high volatility or drawdown (RiskAdjuster)") { p, _ in
                var r = RiskAdjuster()
                r.volatilityWindow = try p.integer("volatility_window", default: r.volatilityWindow, minimum: 2)
                r.volatilityCeiling = try p.number("volatility_ceiling", default: r.volatilityCeiling, in: 1e-9...100)
                r.drawdownLimit = try p.number("drawdown_limit", default: r.drawdownLimit, in: 1e-9...0.999999)
                r.drawdownFactor = try p.number("drawdown_factor", default: r.drawdownFactor, in: 0...1)
                r.maxExposure = try p.number("max_exposure", default: r.maxExposure, in: 1e-9...1)
                r.minimumScale = try p.number("minimum_scale", default: r.minimumScale, in: 0...1)
                return .risk(r)
            },
            .init("cool_down", summary: "rejects an entry within this many bars of the previous entry") { p, _ in
                .coolDown(bars: try p.requiredInteger("bars", minimum: 0))
            },
        ])
}
