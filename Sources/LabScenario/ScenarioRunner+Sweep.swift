import Foundation
import LabBacktest
import LabCore
import LabExecution
import LabMetrics
import LabReport

/// A sweep's table and its headline: every combination through ``SweepEngine`` (key statistics,
/// no report detail), the headline chosen (the declared parameters when the grid holds them, else
/// the best by the objective), and the combinations reported in full.
struct SweepTable {
    /// One row per combination, in combination order.
    var rows: [RunReport.SweepRow]
    /// The headline combination.
    var headline: Int
    /// `declared` or `best_by_<objective id>`.
    var reason: String
    /// Combinations reported in full: the headline and the best `report.sweep_detail` by the objective, ascending.
    var detail: [Int]
    /// Each combination's period returns (``SweepEngine/Outcome/periodReturns``) when the
    /// robustness analysis asks for them.
    var returns: [[Double]]?
}

extension ScenarioRunner {
    /// The sweep table of `scenario` on the baseline `series` (every parameter set).
    func sweepTable(_ scenario: Scenario, series: BarSeries, flagged: [Bool]?, tick: @escaping @Sendable () -> Void) throws -> SweepTable {
        let sets = scenario.parameterSets, plan = scenario.sweep!
        let simulators = try Self.simulators(scenario)
        guard
            let outcomes = try SweepEngine.run(
                series, simulators: { simulators[simulators.count == 1 ? 0 : $0] }, count: sets.count, workers: workers,
                scope: plan.objective.isKey ? .key : .full, returns: scenario.robustness.enabled,
                isCancelled: { [cancellation] in cancellation.isCancelled },
                source: { k in
                    defer { tick() }
                    return try Self.tradedSource(scenario, sets[k], flagged: flagged)
                })
        else { throw ScenarioError.run("interrupted; no report written") }
        let scores = outcomes.map { Self.score($0.statistics[plan.objective]?.number ?? .nan, plan.objective) }
        let ranked = Self.ranking(scores)
        let declared = sets.firstIndex(of: scenario.strategy.parameters)
        let headline = declared ?? ranked[0]
        let detail = Set([headline] + ranked.prefix(scenario.report.sweepDetail)).sorted()
        let rows = outcomes.map { o in
            RunReport.SweepRow(
                job: o.combination, variant: "baseline", parameters: sets[o.combination], statistics: o.statistics.rows)
        }
        return SweepTable(
            rows: rows, headline: headline, reason: declared != nil ? "declared" : "best_by_\(plan.objective.id)", detail: detail,
            returns: scenario.robustness.enabled ? outcomes.map { $0.periodReturns ?? [] } : nil)
    }

    /// One simulator for every parameter set, or one per set when the sweep varies execution settings.
    static func simulators(_ scenario: Scenario) throws -> [ExecutionSimulator] {
        try (scenario.executionBySet ?? [scenario.execution]).map { try ExecutionSimulator(config: $0) }
    }

    /// A value to maximise: the statistic itself, negated when lower is better; NaN ranks last.
    static func score(_ value: Double, _ statistic: Statistic) -> Double {
        guard !value.isNaN else { return -.infinity }
        return statistic.direction == .lowerIsBetter ? -value : value
    }

    /// Indices by descending score, ties by ascending index.
    static func ranking(_ scores: [Double]) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    }
}
