import Foundation
import LabCore
import LabData
import LabMetrics
import LabReport

/// The trading calendar a run's bars are annualised by, and what the report says of it.
struct CalendarChoice: Sendable {
    /// Bars and periods a year (set on every series of the run).
    var annualisation: Annualisation
    /// `scenario` or `inferred`.
    var source: String
    /// What the inference saw (nil when the scenario names the calendar).
    var evidence: String?
    /// Bars of the reference series outside the calendar's sessions, and the first of them.
    var outside: (count: Int, first: Int64?)

    /// The report's `annualisation` over `grid` (the statistics' period grid).
    func report(grid: PeriodGrid) -> AnnualisationReport {
        AnnualisationReport(
            annualisation, source: source, evidence: evidence, period: grid.periodName, periodsPerYear: grid.periodsPerYear, outside: outside)
    }
}

extension ScenarioRunner {
    /// The calendar of `reference` (the run's series, or a universe's longest): `dataset.calendar`
    /// or ``CalendarInference``, annualised under `execution.preset` / `execution.bars_per_year`
    /// (``Annualisation``). Bars outside the sessions of a calendar the scenario names are an error
    /// under `data_quality: strict`, else a count in the report (as for an inferred calendar).
    static func calendar(_ scenario: Scenario, reference: BarSeries) throws -> CalendarChoice {
        let inferred = scenario.dataset.calendar == nil ? CalendarInference.infer(reference) : nil
        let calendar = scenario.dataset.calendar ?? inferred!.calendar
        let outside = CalendarInference.fit(reference, calendar: calendar)
        if outside.outside > 0, scenario.dataset.calendar != nil, scenario.dataQuality == .strict, let first = outside.first {
            throw ScenarioError.run(
                "\(scenario.file): dataset.calendar: \(outside.outside) of \(reference.symbol)'s \(reference.count) bars lie outside the \(calendar.name) sessions (the first at \(CivilTime.iso8601(first, dateOnlyAtMidnight: true))) and data_quality is strict"
            )
        }
        let annualisation = Annualisation(
            calendar: calendar, frequency: reference.frequency, rule: scenario.execution.annualisation, barsPerYear: scenario.execution.barsPerYear)
        return CalendarChoice(
            annualisation: annualisation, source: inferred == nil ? "scenario" : "inferred", evidence: inferred?.evidence,
            outside: (outside.outside, outside.first))
    }

}
