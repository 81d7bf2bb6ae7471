import LabCore

/// A named list of transforms, one scenario of a stress suite.
public struct StressScenario: Sendable {
    public let name: String
    /// The transforms, in order.
    public let pipeline: StressPipeline

    /// A scenario `name` applying `steps` in order.
    public init(name: String, _ steps: [any StressTransform]) {
        self.name = name
        self.pipeline = StressPipeline(steps)
    }
}

/// The result of one scenario: stressed bars and what was done to them.
public struct StressScenarioResult: Sendable {
    public let name: String
    /// The stressed bars and the annotations.
    public let data: StressedData
}

/// The standard stress suite (the seed's `run_all_scenarios`): the baseline next to a named set of
/// stresses, each a pure function of the input and the seed.
public enum StressSuite {
    /// The standard scenarios for `series` (frequency-aware presets):
    /// The presets are fitted to the first series (docs/stress.md, "Levels fitted to the data"):
    /// `baseline`; `flash_crash` (May 2010's minutes intraday, the multi-day shape on daily bars, in
    /// bars of the data, random placement);
    /// `vol_x2`, `vol_x3` (volatility scaling over the whole series); `garch_stressed` (GARCH(1,1)
    /// fitted per symbol, long-run volatility × 2, filtered historical innovations; needs ≥ 101 bars);
    /// `regime_switch` (the series' own volatility and 3 × it, durations in trading days);
    /// `liquidity_drought` (a random tenth of the series: volume × 0.2, spread × 5); `gaps` (gaps
    /// of 5 × the typical overnight move in 5 % of sessions);
    /// `correlation_breakdown` (all correlations → 0.9; with two or more symbols); and
    /// `bootstrap_1 … bootstrap_N` (stationary bootstrap, mean block one session intraday, 20 bars daily).
    public static func standard(for series: [BarSeries], bootstrapPaths: Int = 5) -> [StressScenario] {
        guard let first = series.first else { return [] }
        let intraday = first.frequency?.isIntraday ?? false
        var scenarios: [StressScenario] = [
            StressScenario(name: "baseline", []),
            StressScenario(name: "flash_crash", [FlashCrash.preset(intraday ? "may_2010" : "multi_day", for: first)]),
            StressScenario(name: "vol_x2", [VolatilityScaling(factor: 2)]),
            StressScenario(name: "vol_x3", [VolatilityScaling(factor: 3)]),
        ]
        if first.count >= 101 {
            scenarios.append(StressScenario(name: "garch_stressed", [GARCHRegime(volatilityMultiplier: 2)]))
        }
        scenarios.append(StressScenario(name: "regime_switch", [RegimeSwitching.fitted(to: first)]))
        scenarios.append(
            StressScenario(
                name: "liquidity_drought",
                [LiquidityDrought(volumeFactor: 0.2, spreadMultiplier: 5, window: .random(count: max(1, first.count / 10)))]))
        scenarios.append(StressScenario(name: "gaps", [SessionGaps.fitted(to: first)]))
        if series.count >= 2 {
            scenarios.append(StressScenario(name: "correlation_breakdown", [CorrelationBreakdown(target: .uniform(0.9))]))
        }
        for k in 0..<bootstrapPaths {
            scenarios.append(StressScenario(name: "bootstrap_\(k + 1)", [StationaryBootstrap(meanBlock: intraday ? 390 : 20)]))
        }
        return scenarios
    }

    /// Runs each scenario on `series`; scenario `i` uses the seed drawn from stream `i` of `seed`,
    /// so results do not depend on which other scenarios run or in what order they are computed.
    public static func run(_ scenarios: [StressScenario], on series: [BarSeries], seed: UInt64) throws -> [StressScenarioResult] {
        let streams = SeededRNG(seed: seed).streams(scenarios.count)
        return try scenarios.enumerated().map { i, scenario in
            var rng = streams[i]
            let data = try scenario.pipeline.apply(series, seed: rng.next())
            return StressScenarioResult(name: scenario.name, data: data)
        }
    }
}
