import Foundation
import LabCore
import Testing

@testable import LabSignals

func signal(_ bar: Int, _ direction: TargetDirection, _ confidence: Double, bars: BarSeries) -> Signal {
    Signal(bar: bar, timestamp: bars.timestamps[bar], symbol: bars.symbol, direction: direction, confidence: confidence, strategy: "t", reason: "t")
}

@Suite struct SignalQualityTests {
    /// 200 bars rising 0.5 % a bar with ±0.1 % wiggle, volume 1000.
    func risingBars(volume: [Double]? = nil) throws -> BarSeries {
        var p = 100.0
        let close = (0..<200).map { i -> Double in
            p *= 1.005 + (i % 2 == 0 ? 0.001 : -0.001); return p
        }
        return try dailyBars(close, volume: volume)
    }

    @Test func trendingMarketScoresLongsHighAndShortsLow() throws {
        let bars = try risingBars()
        let model = try SignalQualityModel(bars: bars, lookback: 20)
        let long = model.components(bar: 150, direction: .long)
        let short = model.components(bar: 150, direction: .short)
        #expect(long.agreement == 1 && short.agreement == 0)
        #expect(long.trend == 1 && short.trend == 0)
        #expect(long.volatility > 0.95)  // steady noise: short-term σ ≈ long-term σ
        #expect(long.dataQuality == 1 && long.volume == 1)
        let w = SignalQualityModel.Weights()
        #expect(same(model.score(short), w.volatility * short.volatility + w.dataQuality + w.volume))
        // Exits never add risk.
        let exit = model.components(bar: 150, direction: .flat)
        #expect(exit.agreement == 1 && exit.trend == 1 && exit.volatility == 1)
    }

    @Test func volumeDataQualityAndVolatilityComponents() throws {
        var volume = [Double](repeating: 1000, count: 200)
        volume[150] = 500
        volume[160] = 4000
        let bars = try risingBars(volume: volume)
        var flagged = [Bool](repeating: false, count: 200)
        for i in 141...145 { flagged[i] = true }
        let model = try SignalQualityModel(bars: bars, flagged: flagged, lookback: 10)
        #expect(same(model.components(bar: 150, direction: .long).volume, 0.5))
        #expect(model.components(bar: 160, direction: .long).volume == 1)
        // Bars 141–150 hold 5 flagged of 10.
        #expect(same(model.components(bar: 150, direction: .long).dataQuality, 0.5))
        #expect(model.components(bar: 170, direction: .long).dataQuality == 1)
        // Warm-up: no 20-bar mean volume before bar 20 → 0.5 (unknown).
        #expect(model.components(bar: 5, direction: .long).volume == 0.5)

        // A calm series that turns wild: the short-term σ far above the 100-bar one lowers the score.
        var p = 100.0
        let close = (0..<200).map { i -> Double in
            p *= 1 + (i % 2 == 0 ? 1 : -1) * (i < 180 ? 0.001 : 0.02); return p
        }
        let wild = try SignalQualityModel(bars: try dailyBars(close), lookback: 20)
        let v = wild.components(bar: 199, direction: .long).volatility
        #expect(v > 0 && v < 0.6)
    }

    @Test func batchScoresEqualSingleScores() throws {
        let bars = try Fixtures.goog()
        var signals = try MovingAverageCross(fast: 5, slow: 15).signals(for: bars)
        signals.append(signal(bars.count - 1, .flat, 1, bars: bars))
        let model = try SignalQualityModel(bars: bars, lookback: 15)
        model.score(&signals)
        for s in signals { #expect(s.quality.bitPattern == model.quality(of: s).bitPattern) }
    }

    @Test func badWeightsAreRejected() throws {
        var w = SignalQualityModel.Weights()
        w.agreement = -1
        #expect(throws: LabSignalsError.self) { try SignalQualityModel(bars: try risingBars(), lookback: 1, weights: w) }
    }
}

@Suite struct FilterChainTests {
    @Test func confidenceThresholdSparesExits() throws {
        let bars = try dailyBars([Double](repeating: 10, count: 10))
        let chain = try SignalFilterChain([.confidence(minimum: 0.5)])
        let (passed, stats) = chain.apply([signal(1, .long, 0.2, bars: bars), signal(2, .long, 0.6, bars: bars), signal(3, .flat, 0, bars: bars)], bars: bars)
        #expect(passed.map(\.bar) == [2, 3])
        #expect(stats.count == 1 && stats[0].evaluated == 3 && stats[0].passed == 2 && stats[0].rejected == 1)
        #expect(stats[0].reasons == ["below_threshold": 1])
    }

    @Test func marketHoursOnNYSE() throws {
        // Minute bars (UTC stamps) on Friday 24 Nov 2023 (half day, close 13:00 New York = 18:00 UTC),
        // Saturday 25 Nov, and Monday 27 Nov at 14:00 UTC (09:00 New York, pre-market).
        func t(_ d: Int, _ h: Int, _ m: Int) -> Int64 { CivilTime.timestamp(year: 2023, month: 11, day: d, hour: h, minute: m) }
        let stamps = [t(24, 15, 0), t(24, 18, 30), t(25, 15, 0), t(27, 14, 0), t(27, 14, 31)]
        var bars = try BarSeries(
            symbol: "X", timestamps: stamps, open: [1, 1, 1, 1, 1], high: [1, 1, 1, 1, 1], low: [1, 1, 1, 1, 1], close: [1, 1, 1, 1, 1],
            volume: [1, 1, 1, 1, 1])
        bars.frequency = .minute
        let all = (0..<5).map { signal($0, .long, 1, bars: bars) }
        let regular = try SignalFilterChain([.marketHours(calendar: .nyse, preMarketMinutes: 0, postMarketMinutes: 0)]).apply(all, bars: bars)
        #expect(regular.passed.map(\.bar) == [0, 4])
        #expect(regular.stats[0].reasons == ["outside_session": 2, "closed_day": 1])
        let early = try SignalFilterChain([.marketHours(calendar: .nyse, preMarketMinutes: 60, postMarketMinutes: 0)]).apply(all, bars: bars)
        #expect(early.passed.map(\.bar) == [0, 3, 4])
        let crypto = try SignalFilterChain([.marketHours(calendar: .continuous, preMarketMinutes: 0, postMarketMinutes: 0)]).apply(all, bars: bars)
        #expect(crypto.passed.count == 5)
        // Daily bars are checked by date: Christmas 2023 and a Saturday are closed.
        let day = { (m: Int, d: Int) in CivilTime.daysFromCivil(year: 2023, month: m, day: d) * CivilTime.nanosPerDay }
        let daily = try BarSeries(
            symbol: "D", timestamps: [day(12, 22), day(12, 23), day(12, 25), day(12, 26)],
            open: [1, 1, 1, 1], high: [1, 1, 1, 1], low: [1, 1, 1, 1], close: [1, 1, 1, 1], volume: [1, 1, 1, 1])
        let d = try SignalFilterChain([.marketHours(calendar: .nyse, preMarketMinutes: 0, postMarketMinutes: 0)])
            .apply((0..<4).map { signal($0, .long, 1, bars: daily) }, bars: daily)
        #expect(d.passed.map(\.bar) == [0, 3])
    }

    @Test func volumeRequirementAbsoluteAndRelative() throws {
        let bars = try dailyBars([Double](repeating: 10, count: 6), volume: [100, 100, 100, 40, 100, 500])
        let signals = [signal(3, .long, 1, bars: bars), signal(4, .short, 1, bars: bars), signal(5, .flat, 1, bars: bars)]
        let relative = try SignalFilterChain([.volume(minimum: 0, relative: 0.5, window: 3)]).apply(signals, bars: bars)
        #expect(relative.passed.map(\.bar) == [4, 5])
        #expect(relative.stats[0].reasons == ["below_relative": 1])
        let absolute = try SignalFilterChain([.volume(minimum: 150, relative: 0, window: 3)]).apply(signals, bars: bars)
        #expect(absolute.passed.map(\.bar) == [5])  // the exit passes whatever the volume
        #expect(absolute.stats[0].reasons == ["below_absolute": 2])
    }

    @Test func coolDownCountsFromThePreviousPassedEntry() throws {
        let bars = try dailyBars([Double](repeating: 10, count: 20))
        let signals = [1, 3, 6, 7, 12].map { signal($0, .long, 1, bars: bars) }
        let (passed, stats) = try SignalFilterChain([.coolDown(bars: 5)]).apply(signals, bars: bars)
        #expect(passed.map(\.bar) == [1, 6, 12])
        #expect(stats[0].rejected == 2)
    }

    @Test func riskAdjusterScalesForVolatilityAndDrawdown() throws {
        // Quiet for 30 bars, then ±5 % swings: annualised σ ≈ 0.05·√252 ≈ 0.8 against a ceiling of 0.4.
        var p = 100.0
        let close = (0..<60).map { i -> Double in
            p *= 1 + (i % 2 == 0 ? 1 : -1) * (i < 30 ? 0.001 : 0.05); return p
        }
        let bars = try dailyBars(close)
        var risk = RiskAdjuster()
        risk.volatilityCeiling = 0.4
        let chain = try SignalFilterChain([.risk(risk)])
        let (passed, stats) = chain.apply([signal(25, .long, 0.8, bars: bars), signal(55, .long, 0.8, bars: bars)], bars: bars)
        let sigma = Indicators.rollingVolatility(close, window: 20, periodsPerYear: 252)[55]
        #expect(passed[0].sizeScale == 1 && passed[0].confidence == 0.8)
        #expect(same(passed[1].sizeScale, 0.4 / sigma) && same(passed[1].confidence, 0.8 * 0.4 / sigma))
        #expect(stats[0].adjusted == 1)

        // Drawdown: a long held through a 20 % fall halves the next entry's size; a floor of 0.6 rejects it.
        let falling = try dailyBars([100, 100, 90, 80, 80, 80])
        var dd = RiskAdjuster()
        dd.volatilityCeiling = 100
        let halved = try SignalFilterChain([.risk(dd)]).apply([signal(1, .long, 1, bars: falling), signal(4, .short, 1, bars: falling)], bars: falling)
        #expect(halved.passed.map(\.sizeScale) == [1, 0.5])
        dd.minimumScale = 0.6
        let floored = try SignalFilterChain([.risk(dd)]).apply([signal(1, .long, 1, bars: falling), signal(4, .short, 1, bars: falling)], bars: falling)
        #expect(floored.passed.count == 1 && floored.stats[0].reasons == ["below_minimum_scale": 1])
    }

    @Test func badRuleParametersAreOneLineErrors() {
        var risk = RiskAdjuster()
        risk.drawdownLimit = 1.5
        let cases: [(SignalFilterRule, String)] = [
            (.confidence(minimum: 2), "filters.confidence: minimum: must be in [0, 1], got 2.0"),
            (.volume(minimum: -1, relative: 0, window: 5), "filters.volume: minimum: must be ≥ 0, got -1.0"),
            (.coolDown(bars: -3), "filters.cool_down: bars: must be ≥ 0, got -3"),
            (.risk(risk), "filters.risk: drawdown_limit: must be in (0, 1), got 1.5"),
            (
                .marketHours(calendar: .nyse, preMarketMinutes: -5, postMarketMinutes: 0),
                "filters.market_hours: pre_market_minutes: must be in 0..<1440, got -5"
            ),
        ]
        for (rule, message) in cases {
            do {
                _ = try SignalFilterChain([rule])
                Issue.record("accepted \(rule)")
            } catch { #expect("\(error)" == message) }
        }
    }
}
