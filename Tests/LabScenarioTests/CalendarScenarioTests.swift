import Foundation
import LabCore
import LabData
import LabReport
import Testing

@testable import LabScenario

/// `dataset.calendar` and `execution.bars_per_year` through a run: what report.json states, how
/// the statistics follow, and each bad input as one line.
@Suite struct CalendarScenarioTests {
    /// The GOOG scenario with `calendar` under `dataset:` and `execution` appended.
    func text(calendar: String? = nil, execution: String = "", extra: String = "") -> String {
        var t = scenarioText(execution.isEmpty ? extra : "execution:\n\(execution)\n\(extra)")
        if let calendar { t = t.replacingOccurrences(of: "  symbol: GOOG\n", with: "  symbol: GOOG\n  calendar: \(calendar)\n") }
        return t
    }

    func run(_ t: String) throws -> RunReport { try ScenarioRunner(workers: 2).run(try parse(t)).report }

    @Test func theDefaultRunInfersNYSEAndSaysSo() throws {
        let a = try #require(try run(text()).annualisation)
        #expect(a.calendar == "NYSE" && a.calendar_source == "inferred" && a.rule == "calendar")
        #expect(a.bars_per_year == 252 && a.bars_per_day == 1 && a.period == "day" && a.periods_per_year == 252)
        #expect(a.evidence?.hasPrefix("weekday bars, on 0 of the ") == true)
        #expect(a.outside_sessions == nil)
    }

    /// Under FX_24x5 the same daily returns count 260 days a year: the annual return is the NYSE
    /// run's daily geometric mean compounded 260 times instead of 252.
    @Test func theCalendarsDaysAYearAnnualiseTheStatistics() throws {
        let nyse = try run(text(calendar: "NYSE")), fx = try run(text(calendar: "FX_24x5"))
        #expect(nyse.annualisation?.calendar_source == "scenario" && nyse.annualisation?.evidence == nil)
        #expect(fx.annualisation?.periods_per_year == 260 && fx.annualisation?.bars_per_year == 260)
        func stat(_ r: RunReport, _ key: String) -> Double { r.jobs[0].stats[key]!.number }
        let daily = pow(1 + stat(nyse, "Return (Ann.) [%]") / 100, 1.0 / 252)
        #expect(abs(stat(fx, "Return (Ann.) [%]") / 100 - (pow(daily, 260) - 1)) < 1e-9)
        #expect(stat(fx, "Equity Final [$]") == stat(nyse, "Equity Final [$]"))
        // The override and the parity preset.
        let own = try #require(try run(text(execution: "  bars_per_year: 250")).annualisation)
        #expect(own.rule == "bars_per_year" && own.bars_per_year == 250 && own.periods_per_year == 250)
        let parity = try #require(try run(text(execution: "  preset: backtesting_py")).annualisation)
        #expect(parity.rule == "backtesting_py" && parity.periods_per_year == 252)
    }

    /// A calendar of Monday–Thursday contradicts GOOG's Friday bars: counted in the report, or an
    /// error under `data_quality: strict`.
    @Test func barsOutsideANamedCalendar() throws {
        let calendar = "{sessions: \"09:30-16:00\", timezone: America/New_York, weekdays: [mon, tue, wed, thu]}"
        let report = try run(text(calendar: calendar))
        let a = try #require(report.annualisation)
        #expect(a.calendar == "custom" && a.periods_per_year == 208)
        let fridays = try #require(a.outside_sessions)
        // GOOG.h5's 2 148 bars, a fifth of them Fridays.
        #expect(fridays == 432 && a.first_outside == "2004-08-20")
        let strict = message { _ = try run(text(calendar: calendar, extra: "data_quality: strict")) }
        #expect(
            strict
                == "s.yaml: dataset.calendar: \(fridays) of GOOG's 2148 bars lie outside the custom sessions (the first at 2004-08-20) and data_quality is strict"
        )
    }

    @Test func badCalendarsAndBarsAYearAreOneLine() {
        #expect(
            message { _ = try parse(text(calendar: "NYSEE")) }
                == "s.yaml:5:13: dataset.calendar: expected NYSE, NASDAQ, FX_24x5, CRYPTO_24x7 or CME_GLOBEX, got \"NYSEE\" (did you mean NYSE?)")
        #expect(message { _ = try parse(text(execution: "  bars_per_year: 0")) } == "s.yaml:9:18: execution.bars_per_year: expected a number > 0, got \"0\"")
        #expect(message { _ = try parse(text(execution: "  bars_per_year: -252")) }.hasSuffix("execution.bars_per_year: expected a number > 0, got \"-252\""))
        #expect(
            message { _ = try parse(text(calendar: "{sessions: 9-16, timezone: UTC}")) }
                .hasSuffix("dataset.calendar.sessions: expected a session HH:MM-HH:MM such as \"09:30-16:00\", got \"9-16\""))
        #expect(
            message { _ = try parse(text(calendar: "{sessions: \"09:00-17:00\", timezone: Mars/Olympus}")) }
                .hasSuffix("dataset.calendar.timezone: unknown time zone \"Mars/Olympus\" (an IANA name such as Asia/Tokyo)"))
        #expect(
            message { _ = try parse(text(calendar: "{sessions: [\"12:00-15:00\", \"09:00-11:00\"], timezone: UTC}")) }
                .contains("sessions must be in order and not overlap"))
        #expect(message { _ = try parse(text(calendar: "{sessions: \"09:00-17:00\"}")) } == "s.yaml:5:13: dataset.calendar.timezone: missing (required)")
        #expect(
            message { _ = try parse(text(calendar: "{sessions: \"09:00-17:00\", timezone: UTC, weekdays: [mon, tuesday, frj]}")) }
                .hasSuffix("dataset.calendar.weekdays[2]: expected a weekday (mon, tue, wed, thu, fri, sat, sun), got \"frj\""))
        #expect(
            message { _ = try parse(text(calendar: "{sessions: \"09:00-17:00\", timezone: UTC, days_per_year: 400}")) }
                .hasSuffix("dataset.calendar.days_per_year: expected a number of trading days in 1...366, got \"400\""))
        // One annualisation for every combination of a sweep.
        let swept = message {
            _ = try parse(scenarioText("calibration: false\nsweep:\n  grid:\n    execution.bars_per_year: [252, 260]"))
        }
        #expect(
            swept.hasSuffix(
                "execution.bars_per_year and execution.preset cannot vary in a sweep (the statistics of every combination share one annualisation)"), "\(swept)"
        )
        // A stress preset name that does not exist.
        let preset = message {
            _ = try parse(scenarioText("stress:\n  - name: crash\n    steps:\n      - {transform: flash_crash, preset: may_2011}"))
        }
        #expect(preset.hasSuffix("preset: expected one of may_2010, multi_day, got \"may_2011\""), "\(preset)")
    }

    /// Hourly FX written by pandas without volume (the EURUSD): FX_24x5 is inferred, the
    /// strategy trades, and a participation cap on the volume it does not have is one line.
    @Test func hourlyFXWithoutVolume() throws {
        let dir = scratch()
        let bars = try SyntheticBars.onCalendar(
            symbol: "EURUSD", calendar: .fx, startDay: CivilTime.daysFromCivil(year: 2024, month: 1, day: 1), days: 200, minutes: 60,
            parameters: .init(drift: 0, volatility: 0.06, initialPrice: 1.08), seed: 4, withVolume: false)
        try HDF5BarStore.write([bars], to: dir + "/fx.h5")
        let text = """
            name: fx
            dataset: {path: \(dir)/fx.h5, symbol: EURUSD}
            strategy: {name: sma_cross, params: {fast: 24, slow: 120}}
            robustness: off
            """
        let report = try run(text)
        #expect(report.annualisation?.calendar == "FX_24x5" && report.annualisation?.bars_per_year == 6240)
        #expect(report.annualisation?.periods_per_year == 260)
        #expect(report.jobs[0].trades.count > 20)
        #expect(
            message { _ = try run(text + "\nexecution:\n  participation_cap: 0.1") }
                == "s.yaml: execution.participation_cap: EURUSD has no volume (every bar's is 0 in \(dir)/fx.h5): a cap on volume would fill nothing")
    }
}
