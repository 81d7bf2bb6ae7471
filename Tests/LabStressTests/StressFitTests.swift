import Foundation
import LabCore
import LabData
import Testing

@testable import LabStress

/// Stress levels fitted to the data (docs/stress.md): volatilities as multiples of the series' own,
/// durations in time converted with the bar frequency, gaps relative to the typical overnight move,
/// windows by date, and what a variant changed.
@Suite struct StressFitTests {
    /// Hourly EURUSD-like bars: every hour of FX's trading dates (17:00 New York the day before to
    /// 17:00), 0.08 % a bar, annualised on the FX calendar.
    static let fxHourly: BarSeries = {
        var s = try! SyntheticBars.onCalendar(
            symbol: "EURUSD", calendar: .fx, startDay: CivilTime.daysFromCivil(year: 2024, month: 1, day: 1), days: 120, minutes: 60,
            parameters: .init(drift: 0, volatility: 0.0008 * 6240.0.squareRoot(), initialPrice: 1.1), seed: 9)
        s.annualisation = Annualisation(calendar: .fx, frequency: s.frequency)
        return s
    }()

    @Test func theRegimePresetIsTheSeriesOwnVolatilityAndAMultiple() throws {
        let daily = Sample.daily
        let scale = SeriesScale(daily)
        let regimes = RegimeSwitching.fitted(to: daily)
        #expect(regimes.regimes[0].annualVolatility == scale.annualVolatility)
        #expect(abs(regimes.regimes[1].annualVolatility - 3 * scale.annualVolatility) < 1e-15)
        #expect(abs(regimes.regimes[1].annualDrift - (regimes.regimes[0].annualDrift - 2.5 * scale.annualVolatility)) < 1e-15)
        // Calm lasts 100 trading days and stress 20 on average: per daily bar 1 % and 5 %.
        #expect(abs(regimes.transition[0][1] - 0.01) < 1e-15 && abs(regimes.transition[1][0] - 0.05) < 1e-15)
        // Hourly FX: 24 bars a trading day, so the per-bar odds are 24 times smaller; the calm
        // regime's volatility is the pair's own (about 0.08 % × √6 240 ≈ 6.3 %), not an equity index's.
        let fx = RegimeSwitching.fitted(to: Self.fxHourly)
        #expect(abs(fx.transition[0][1] - 1.0 / 2400) < 1e-15 && abs(fx.transition[1][0] - 1.0 / 480) < 1e-15)
        #expect(abs(fx.regimes[0].annualVolatility - 0.0008 * 6240.0.squareRoot()) < 0.006)
    }

    @Test func crashDurationsAreInTime() throws {
        let minutes = FlashCrash.preset("may_2010", for: Sample.intraday[0])
        #expect(minutes.dropBars == 15 && minutes.troughBars == 3 && minutes.recoveryBars == 20 && minutes.note == nil)
        // On hourly bars May 2010's 38 minutes cannot be drawn: one bar down, one up, and a note.
        let hourly = FlashCrash.preset("may_2010", for: Self.fxHourly)
        #expect(hourly.dropBars == 1 && hourly.troughBars == 0 && hourly.recoveryBars == 1)
        #expect(hourly.note == "May 2010's 38 minutes of trading are 0.63 bars of 60 minutes: the nearest expressible shape")
        var rng = SeededRNG(seed: 1)
        let crashed = try hourly.apply(StressedData(series: [Self.fxHourly]), rng: &rng)
        #expect(crashed.annotations[0].detail.hasSuffix("(May 2010's 38 minutes of trading are 0.63 bars of 60 minutes: the nearest expressible shape)"))
        let daily = FlashCrash.preset("multi_day", for: Sample.daily)
        #expect(daily.dropBars == 2 && daily.troughBars == 1 && daily.recoveryBars == 5 && daily.note == nil)
        // Two trading days of FX are 48 hourly bars.
        #expect(FlashCrash.preset("multi_day", for: Self.fxHourly).dropBars == 48)
    }

    @Test func gapsAreAMultipleOfTheTypicalOvernightMove() throws {
        // GOOG's daily bars (real overnight moves; the synthetic sample opens at the previous close).
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let daily = try HDF5BarStore.read(repository.appendingPathComponent("datasets/GOOG.h5").path)[0].series
        let moves = (1..<daily.count).map { abs(log(daily.open[$0] / daily.close[$0 - 1])) }.sorted()
        let median = moves.count % 2 == 1 ? moves[moves.count / 2] : (moves[moves.count / 2 - 1] + moves[moves.count / 2]) / 2
        let gaps = SessionGaps.fitted(to: daily, multiple: 5)
        #expect(abs(gaps.size - (1 - exp(-5 * median))) < 1e-15)
        #expect(gaps.note?.hasPrefix("5 × the typical overnight move of ") == true && !SeriesScale(daily).overnightIsDaily)
        #expect(SeriesScale(Sample.daily).overnightIsDaily)
        // FX has no break between sessions: its sessions start at the 17:00 New York roll, and the
        // typical move is the daily one.
        let starts = SeriesScale.sessionStarts(Self.fxHourly)
        #expect(starts.count == Self.fxHourly.count / 24 - 1)
        let scale = SeriesScale(Self.fxHourly)
        #expect(scale.overnightIsDaily && scale.overnightMove > 0.002)
        #expect(SessionGaps.fitted(to: Self.fxHourly).note?.contains("daily move (no break between sessions)") == true)
    }

    @Test func windowsByDate() throws {
        let daily = Sample.daily
        let from = CivilTime.daysFromCivil(year: 2016, month: 3, day: 1) * CivilTime.nanosPerDay
        let to = CivilTime.daysFromCivil(year: 2016, month: 3, day: 31) * CivilTime.nanosPerDay
        let step = try StressRegistry.shared.make(
            "vol_scale", parameters: ["factor": "3", "from": "2016-03-01", "to": "2016-03-31"], owner: "stress.vol_scale", context: daily)
        var rng = SeededRNG(seed: 2)
        let out = try step.apply(StressedData(series: [daily]), rng: &rng)
        let a = out.annotations[0]
        #expect(daily.timestamps[a.start] >= from && daily.timestamps[a.start - 1] < from)
        #expect(daily.timestamps[a.end - 1] <= to && daily.timestamps[a.end] > to)
        #expect(Array(out.series[0].close[..<a.start]) == Array(daily.close[..<a.start]))
        #expect(StressEffect.changedBars(baseline: daily, stressed: out.series[0]) >= a.end - a.start)
        // A window outside the data is one line naming the transform.
        let outside = try StressRegistry.shared.make(
            "vol_scale", parameters: ["from": "2030-01-01", "to": "2030-02-01"], owner: "stress.vol_scale", context: daily)
        #expect(throws: LabStressError.self) { try outside.apply(StressedData(series: [daily]), rng: &rng) }
        #expect(captured(outside, daily) == "vol_scale: window: no bars between 2030-01-01 and 2030-02-02")
        #expect(throws: LabCoreError.self) {
            _ = try StressRegistry.shared.make("gaps", parameters: ["from": "2016-03-31", "to": "2016-03-01"], owner: "stress.gaps", context: daily)
        }
    }

    func captured(_ t: any StressTransform, _ s: BarSeries) -> String {
        var rng = SeededRNG(seed: 2)
        do { _ = try t.apply(StressedData(series: [s]), rng: &rng); return "no error" } catch { return "\(error)" }
    }

    @Test func whatAVariantChangedAndStressed() throws {
        let daily = Sample.daily
        #expect(StressEffect.changedBars(baseline: daily, stressed: daily) == 0)
        var rng = SeededRNG(seed: 3)
        let none = try SessionGaps(size: 0.05, probability: 1e-12).apply(StressedData(series: [daily]), rng: &rng)
        #expect(StressEffect.changedBars(baseline: daily, stressed: none.series[0]) == 0)
        let regimes = [StressAnnotation(transform: "regime_switch", start: 2, end: 6, detail: "", regimes: [0, 1, 1, 0])]
        #expect(StressEffect.stressedBars(regimes, bars: 10) == [3, 4])
        let crash = [StressAnnotation(transform: "flash_crash", start: 7, end: 12, detail: "")]
        #expect(StressEffect.stressedBars(crash, bars: 10) == [7, 8, 9])
    }
}
