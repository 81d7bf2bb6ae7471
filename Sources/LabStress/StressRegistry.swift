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
            .init("flash_crash", summary: "a crash of depth over drop bars, a trough, a partial recovery (May 2010 intraday, or a daily shape)") {
                p, series in
                let preset = (series.frequency?.isIntraday ?? false) ? FlashCrash.may2010Intraday() : FlashCrash.daily()
                var crash = preset
                crash.depth = try p.number("depth", default: preset.depth, in: 0.001...0.99)
                crash.dropBars = try p.integer("drop_bars", default: preset.dropBars)
                crash.troughBars = try p.integer("trough_bars", default: preset.troughBars, minimum: 0)
                crash.recoveryBars = try p.integer("recovery_bars", default: preset.recoveryBars, minimum: 0)
                crash.recovery = try p.number("recovery", default: preset.recovery, in: 0...1)
                if let at = try p.date("at") { crash.placement = .time(at) }
                return crash
            },
            .init("vol_scale", summary: "returns scaled by a factor around their mean (volatility × factor)") { p, _ in
                VolatilityScaling(factor: try p.number("factor", default: 2, in: 0.01...100))
            },
            .init("drift_shift", summary: "an annual drift added to the log returns") { p, _ in
                DriftShift(mode: .add(annualDrift: try p.number("annual_drift", default: -0.5, in: -100...100)))
            },
            .init("garch", summary: "GARCH(1,1) fitted to the returns, simulated at a multiple of their volatility") { p, _ in
                GARCHRegime(volatilityMultiplier: try p.number("volatility_multiplier", default: 2, in: 0.01...100))
            },
            .init("regime_switch", summary: "a Markov switch between calm and stressed volatility regimes") { p, _ in
                _ = try p.choice("preset", default: "calm_and_stressed", in: ["calm_and_stressed"])
                return RegimeSwitching.calmAndStressed
            },
            .init("liquidity_drought", summary: "volume cut and spread widened over a random share of the bars") { p, series in
                let share = try p.number("share_of_bars", default: 0.1, in: 0.0001...1)
                return LiquidityDrought(
                    volumeFactor: try p.number("volume_factor", default: 0.2, in: 0...1),
                    spreadMultiplier: try p.number("spread_multiplier", default: 5, in: 1...1000),
                    window: .random(count: max(1, Int(Double(series.count) * share))))
            },
            .init("gaps", summary: "overnight gaps of a size at session opens, with a probability") { p, _ in
                SessionGaps(size: try p.number("size", default: 0.05, in: 0.0001...0.99), probability: try p.number("probability", default: 0.05, in: 0...1))
            },
            .init("correlation_breakdown", summary: "the symbols' returns re-mixed to a target correlation (Cholesky, OpenBLAS)") { p, _ in
                CorrelationBreakdown(target: .uniform(try p.number("correlation", default: 0.9, in: -0.49...0.999)))
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
