import Foundation
import LabBacktest
import LabCore
import LabExecution
import LabMetrics
import LabReport
import LabRobustness

extension ScenarioRunner {
    /// Walk-forward window starts: every `step` bars while in-sample and out-of-sample periods fit.
    static func windows(_ wf: Scenario.WalkForward, bars: Int) -> [Int] {
        Array(stride(from: 0, through: bars - wf.inSample - wf.outOfSample, by: wf.step))
    }

    /// Walk-forward on the baseline `series`: in each window every parameter set runs in sample
    /// through the sweep engine, the best by the objective (ties: the first set) runs out of
    /// sample after its warm-up history. With the robustness analysis on, also every in-sample
    /// trial's per-period Sharpe ratio and the stitched out-of-sample returns.
    func walkForward(
        _ scenario: Scenario, _ wf: Scenario.WalkForward, series: BarSeries, windows walk: [Int], tick: @escaping @Sendable () -> Void
    ) throws -> (rows: [RunReport.WalkForwardRow], returns: WalkForwardReturns?) {
        let robust = scenario.robustness.enabled
        let sets = scenario.parameterSets
        let simulators = try Self.simulators(scenario)
        let chosen = try parallel(walk.count) { w in
            let a = walk[w]
            let slice = series[bars: a..<(a + wf.inSample)].materialize()
            guard
                let outcomes = try SweepEngine.run(
                    slice, simulators: { simulators[simulators.count == 1 ? 0 : $0] }, count: sets.count, workers: 1, scope: wf.objective.isKey ? .key : .full,
                    returns: robust,
                    source: { k in
                        defer { tick() }
                        return try Self.tradedSource(scenario, sets[k], flagged: nil)
                    })
            else { return (0, Double.nan, [Double]()) }
            let values = outcomes.map { $0.statistics[wf.objective]?.number ?? .nan }
            let best = Self.ranking(values.map { Self.score($0, wf.objective) })[0]
            return (best, values[best], outcomes.compactMap { $0.periodReturns.map { SharpeInference(returns: $0).sharpe } })
        }
        let outOfSample = try parallel(walk.count) { w in
            defer { tick() }
            let a = walk[w], parameters = sets[chosen[w].0]
            let warm = min(try Self.strategy(scenario, parameters).warmUp, a + wf.inSample)
            let from = a + wf.inSample - warm
            let slice = series[bars: from..<(a + wf.inSample + wf.outOfSample)].materialize()
            return try runJob(
                id: w, scenario: scenario, variant: "out_of_sample", series: slice, flagged: nil, annotations: [],
                parameters: parameters, statsFrom: warm, light: true, keepReturns: robust)
        }
        let ts = series.timestamps
        let returns =
            robust
            ? WalkForwardReturns(outOfSample: outOfSample.flatMap { $0.returns?.period ?? [] }, trialSharpes: chosen.flatMap(\.2)) : nil
        let rows = walk.indices.map { w in
            let a = walk[w], oos = outOfSample[w].report
            func number(_ s: Statistic) -> Double { oos.stats[s.label]?.number ?? .nan }
            return RunReport.WalkForwardRow(
                window: w, in_sample: [CivilTime.iso8601(ts[a]), CivilTime.iso8601(ts[a + wf.inSample - 1])],
                out_of_sample: [CivilTime.iso8601(ts[a + wf.inSample]), CivilTime.iso8601(ts[a + wf.inSample + wf.outOfSample - 1])],
                chosen: sets[chosen[w].0], in_sample_objective: chosen[w].1,
                out_of_sample_return_pct: number(.return_pct), out_of_sample_sharpe: number(.sharpe_ratio),
                out_of_sample_max_drawdown_pct: number(.max_drawdown_pct), out_of_sample_trades: oos.trades.count)
        }
        return (rows, returns)
    }
}
