import Foundation
import LabCore

/// The stress transforms a scenario's `stress[].steps[].transform` can name; a user's own is any
/// ``StressTransform`` registered here. The context is the series the step will transform (defaults
/// that follow the bar frequency, a replay's source period).
public enum StressRegistry {
    /// The registry (built-ins below).
    public static let shared = Registry<BarSeries, any StressTransform>(
        kind: "stress transform",
        entries: [
            .init("flash_crash", summary: "a crash, a trough, a partial recovery: May 2010 in minutes or a multi-day shape, in bars of the data") {
                p, series in
                let intraday = series.frequency?.isIntraday ?? false
                let name = try p.choice("preset", default: intraday ? "may_2010" : "multi_day", in: FlashCrash.presets)
                var crash = FlashCrash.preset(name, for: series)
                crash.depth = try p.number("depth", default: crash.depth, in: 0.001...0.99)
                crash.dropBars = try p.integer("drop_bars", default: crash.dropBars)
                crash.troughBars = try p.integer("trough_bars", default: crash.troughBars, minimum: 0)
                crash.recoveryBars = try p.integer("recovery_bars", default: crash.recoveryBars, minimum: 0)
                crash.recovery = try p.number("recovery", default: crash.recovery, in: 0...1)
                if ["drop_bars", "trough_bars", "recovery_bars"].contains(where: p.isGiven) { crash.note = nil }
                if let at = try p.date("at") { crash.placement = .time(at) }
                return crash
            },
            .init("vol_scale", summary: "returns scaled by a factor around their mean (volatility × factor)") { p, _ in
                VolatilityScaling(factor: try p.number("factor", default: 2, in: 0.01...100), window: try p.window(or: .all))
            },
            .init("drift_shift", summary: "an annual drift added to the log returns") { p, _ in
                DriftShift(mode: .add(annualDrift: try p.number("annual_drift", default: -0.5, in: -100...100)), window: try p.window(or: .all))
            },
            .init("garch", summary: "GARCH(1,1) fitted to the returns, simulated at a multiple of their volatility") { p, _ in
                GARCHRegime(volatilityMultiplier: try p.number("volatility_multiplier", default: 2, in: 0.01...100), window: try p.window(or: .all))
            },
            .init("regime_switch", summary: "a Markov switch between the series' own volatility and a multiple of it") { p, series in
                _ = try p.choice("preset", default: "calm_and_stressed", in: ["calm_and_stressed"])
                var regimes = RegimeSwitching.fitted(
                    to: series, stressedMultiple: try p.number("stressed_multiple", default: 3, in: 0.01...100),
                    stressedDriftSigmas: try p.number("stressed_drift_sigmas", default: -2.5, in: -100...100),
                    calmDays: try p.number("calm_days", default: 100, in: 0.01...1e6), stressedDays: try p.number("stressed_days", default: 20, in: 0.01...1e6))
                regimes.window = try p.window(or: .all)
                return regimes
            },
            .init("liquidity_drought", summary: "volume cut and spread widened over a random share of the bars, or a window by date") { p, series in
                let share = try p.number("share_of_bars", default: 0.1, in: 0.0001...1)
                return LiquidityDrought(
                    volumeFactor: try p.number("volume_factor", default: 0.2, in: 0...1),
                    spreadMultiplier: try p.number("spread_multiplier", default: 5, in: 1...1000),
                    window: try p.window(or: .random(count: max(1, Int(Double(series.count) * share)))))
            },
            .init("gaps", summary: "gaps at session opens of a multiple of the series' typical overnight move, with a probability") { p, series in
                let probability = try p.number("probability", default: 0.05, in: 1e-9...1)
                var gaps = SessionGaps.fitted(
                    to: series, multiple: try p.number("size_multiple", default: 5, in: 0.01...1000), probability: probability, window: try p.window(or: .all))
                if let size = try p.numberOrNone("size", default: nil, in: 0.0001...0.99) {
                    gaps.size = size
                    gaps.note = nil
                }
                return gaps
            },
            .init("correlation_breakdown", summary: "the symbols' returns re-mixed to a target correlation (Cholesky, OpenBLAS)") { p, _ in
                CorrelationBreakdown(target: .uniform(try p.number("correlation", default: 0.9, in: -0.49...0.999)), window: try p.window(or: .all))
            },
            .init("bootstrap", summary: "a stationary bootstrap path (Politis & Romano 1994) with a mean block length") { p, series in
                StationaryBootstrap(meanBlock: try p.number("mean_block", default: (series.frequency?.isIntraday ?? false) ? 390 : 20, in: 1...1e9))
            },
            .init("historical_replay", summary: "the returns of a past period of the series replayed from a date (or a random start)") { p, series in
                let from = try p.date("from", required: true)!, to = try p.date("to", required: true)!
                let at = try p.date("at")
                if to < from { throw LabCoreError.invalidParameter(owner: "historical_replay", field: "to", reason: "must not be before from") }
                return HistoricalReplay(
                    source: series, sourceWindow: .timeRange(from: from, to: CivilTime.dayAfter(to)),
                    targetStart: at.map { .time($0) } ?? .random,
                    volatilityScale: try p.number("volatility_scale", default: 1, in: 0.01...100))
            },
        ])
}
