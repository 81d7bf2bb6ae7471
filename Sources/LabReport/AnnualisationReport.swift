import LabCore

/// report.json's `annualisation`: where every annualised figure's periods a year come from
/// (``Annualisation``; docs/data.md, "Calendars and annualisation").
public struct AnnualisationReport: Sendable, Codable, Equatable {
    /// The trading calendar's name (`NYSE`, `FX_24x5`, …, `custom`).
    public var calendar: String
    /// `scenario` (`dataset.calendar`) or `inferred` (``evidence`` says from what).
    public var calendar_source: String
    /// What the inference saw (absent when the scenario names the calendar).
    public var evidence: String?
    /// `calendar`, `bars_per_year` (`execution.bars_per_year`) or `backtesting_py` (the preset).
    public var rule: String
    /// Bars a year: per-bar figures (stress volatilities, borrow and financing accrual, the risk
    /// filter, volatility-target sizing) are annualised with it.
    public var bars_per_year: Double
    /// Bars a trading day.
    public var bars_per_day: Double
    /// The statistics' return period (`day`, `week`, `month`, `year`).
    public var period: String
    /// Periods a year of the statistics' returns (Sharpe, Sortino, volatility, annual return).
    public var periods_per_year: Double
    /// Bars outside the calendar's sessions (daily bars: on dates it does not trade); absent when none.
    public var outside_sessions: Int?
    /// The first of them (ISO 8601).
    public var first_outside: String?

    /// The report of `annualisation` (`source`: `scenario` or `inferred`, with `evidence`) over a
    /// grid of `period` with `periodsPerYear`, and `outside` bars outside the sessions.
    public init(
        _ annualisation: Annualisation, source: String, evidence: String?, period: String, periodsPerYear: Double,
        outside: (count: Int, first: Int64?)
    ) {
        calendar = annualisation.calendar.name
        calendar_source = source
        self.evidence = evidence
        rule = annualisation.rule.rawValue
        bars_per_year = annualisation.barsPerYear
        bars_per_day = annualisation.barsPerDay
        self.period = period
        periods_per_year = periodsPerYear
        outside_sessions = outside.count > 0 ? outside.count : nil
        first_outside = outside.first.map { CivilTime.iso8601($0, dateOnlyAtMidnight: true) }
    }
}
