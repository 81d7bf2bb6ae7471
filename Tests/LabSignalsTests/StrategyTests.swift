import Foundation
import LabCore
import Testing

@testable import LabSignals

/// Daily bars from closes (open = close, high/low given or ±0.5), volume 1000, from 2021-01-04 on.
func dailyBars(_ close: [Double], high: [Double]? = nil, low: [Double]? = nil, volume: [Double]? = nil) throws -> BarSeries {
    let start = CivilTime.daysFromCivil(year: 2021, month: 1, day: 4) * CivilTime.nanosPerDay
    return try BarSeries(
        symbol: "T", timestamps: close.indices.map { start + Int64($0) * CivilTime.nanosPerDay },
        open: close, high: high ?? close.map { $0 + 0.5 }, low: low ?? close.map { $0 - 0.5 }, close: close,
        volume: volume ?? [Double](repeating: 1000, count: close.count))
}

func summary(_ s: [Signal]) -> [String] { s.map { "\($0.direction.label)@\($0.bar)" } }

@Suite struct StrategyTests {
    @Test func movingAverageCrossByHand() throws {
        // fast 1 = the close, slow 2: s = —, 2.5, 1.5, 1.5, 2.5, 2.5, 1.5 → up at bar 3, down at bar 5.
        let bars = try dailyBars([3, 2, 1, 2, 3, 2, 1])
        let signals = try MovingAverageCross(fast: 1, slow: 2).signals(for: bars)
        #expect(summary(signals) == ["long@3", "short@5"])
        #expect(signals[0].reason == "sma_cross_up(1,2)" && signals[1].reason == "sma_cross_down(1,2)")
        // Confidence: the gap moves by 1 over the crossing bar, the noise (20-bar σ) is still in its warm-up.
        #expect(signals[0].confidence == 0)
        // With the noise defined: closes alternating ×1.01, ÷1.01 cross every bar (fast 1, slow 2). The
        // 20 log returns ±a (a = ln 1.01) have sample σ = a·√(20/19); the gap f − s = (xᵢ − xᵢ₋₁)/2.
        var p = 100.0
        let zigzag = (0..<30).map { i -> Double in
            p = i % 2 == 0 ? p * 1.01 : p / 1.01; return p
        }
        let z = try MovingAverageCross(fast: 1, slow: 2).signals(for: try dailyBars(zigzag))
        let last = z.last!
        #expect(last.bar == 29 && last.direction == .short)
        let gapChange = ((zigzag[29] - zigzag[28]) - (zigzag[28] - zigzag[27])) / 2
        let noise = log(1.01) * (20.0 / 19).squareRoot() * zigzag[29]
        #expect(same(last.confidence, 1 - exp(-abs(gapChange) / noise), rel: 1e-9))
        // Long-only: the cross down goes flat.
        #expect(summary(try MovingAverageCross(fast: 1, slow: 2, allowShort: false).signals(for: bars)) == ["long@3", "flat@5"])
    }

    @Test func oneStepTargetsEqualTheSignals() throws {
        let bars = try Fixtures.goog()
        for average in [MovingAverageCross.Average.sma, .ema] {
            let strategy = try MovingAverageCross(fast: 10, slow: 30, average: average)
            var targets = [TargetDirection?](repeating: nil, count: bars.count)
            bars.close.withUnsafeBufferPointer { c in targets.withUnsafeMutableBufferPointer { strategy.fillTargets(c, into: $0) } }
            #expect(targets == strategy.targets(for: bars))
            #expect(targets.compactMap { $0 }.count > 40)
        }
        // The unchecked kernel takes any grid point: equal windows never cross.
        var same = [TargetDirection?](repeating: .flat, count: bars.count)
        bars.close.withUnsafeBufferPointer { c in
            same.withUnsafeMutableBufferPointer { MovingAverageCross.crossTargets(c, fast: 20, slow: 20, down: .short, into: $0) }
        }
        #expect(same.allSatisfy { $0 == nil })
    }

    @Test func rsiReversionByHand() throws {
        // RSI(2): —, —, 100, 50, 16.7, 50, 80.8 → long at 4 (falls through 30), exit at 5 (back to 50), short at 6.
        let signals = try RSIReversion(window: 2).signals(for: try dailyBars([10, 11, 12, 11, 9, 10, 12]))
        #expect(summary(signals) == ["long@4", "flat@5", "short@6"])
        #expect(same(signals[0].confidence, (50 - 100 / 6.0) / 50))
        #expect(signals[1].confidence == 1 && signals[1].reason == "rsi_exit(2,50)")
        #expect(same(signals[2].confidence, (100 - 100 / 5.2 - 50) / 50))
    }

    @Test func bollingerReversionAndBreakout() throws {
        // Window 3, k 1: bar 4's window (10, 10, 7) has mean 9, σ √2 → lower 9 − √2 > 7: the close falls through it.
        let bars = try dailyBars([10, 10, 10, 10, 7, 9])
        let reversion = try BollingerStrategy(window: 3, k: 1, mode: .reversion).signals(for: bars)
        #expect(summary(reversion) == ["long@4", "flat@5"])
        let percentB = (7 - (9 - 2.0.squareRoot())) / (2 * 2.0.squareRoot())
        #expect(same(reversion[0].confidence, abs(percentB - 0.5)))
        let breakout = try BollingerStrategy(window: 3, k: 1, mode: .breakout).signals(for: bars)
        #expect(summary(breakout) == ["short@4", "flat@5"])
        #expect(breakout[0].reason == "bollinger_breakout_down(3,1)")
    }

    @Test func macdSignalsAtHistogramSignChanges() throws {
        let bars = try Fixtures.goog()
        let h = Indicators.macd(bars.close, fast: 12, slow: 26, signal: 9).histogram
        let signals = try MACDMomentum().signals(for: bars)
        let crosses = (1..<h.count).filter { (h[$0 - 1] < 0 && h[$0] > 0) || (h[$0 - 1] > 0 && h[$0] < 0) }
        #expect(signals.map(\.bar) == crosses)
        for s in signals { #expect((s.direction == .long) == (h[s.bar] > 0)) }
    }

    @Test func donchianBreakoutByHand() throws {
        let high: [Double] = [10, 11, 12, 13, 14, 12, 10, 9]
        let bars = try dailyBars(high.map { $0 - 0.5 }, high: high, low: high.map { $0 - 1 })
        let signals = try DonchianBreakout(window: 3, exitWindow: 2).signals(for: bars)
        // Bar 3 closes at 12.5 above the 3-bar high 12 of bars 0–2; bar 5 closes at 11.5 under the 2-bar low 12;
        // bar 6 closes at 9.5 under the 3-bar low 11.
        #expect(summary(signals) == ["long@3", "flat@5", "short@6"])
    }

    /// Emits fixed signals, for composite tests.
    struct Scripted: SignalStrategy {
        let name: String
        let script: [(Int, TargetDirection, Double)]
        var warmUp: Int { 0 }
        func signals(in indicators: IndicatorCache) -> [Signal] {
            let bars = indicators.bars
            return script.map {
                Signal(bar: $0.0, timestamp: bars.timestamps[$0.0], symbol: bars.symbol, direction: $0.1, confidence: $0.2, strategy: name, reason: name)
            }
        }
    }

    @Test func compositeVotesByConfidenceWithAgreement() throws {
        let bars = try dailyBars([Double](repeating: 10, count: 10))
        let a = Scripted(name: "a", script: [(2, .long, 0.8), (6, .short, 0.5)])
        let b = Scripted(name: "b", script: [(4, .long, 0.6)])
        let unanimous = try CompositeStrategy(members: [a, b], minAgreement: 1).signals(for: bars)
        #expect(summary(unanimous) == ["long@4", "flat@6"])
        #expect(same(unanimous[0].confidence, 0.7))
        #expect(unanimous[0].reason == "composite(long:2/2:a+b)")
        let majority = try CompositeStrategy(members: [a, b], minAgreement: 0.5).signals(for: bars)
        #expect(summary(majority) == ["long@2"])
        #expect(same(majority[0].confidence, 0.4))
        // Weights: b counts three times a: at bar 6 short scores 0.5, long 1.8 → stays long.
        let weighted = try CompositeStrategy(members: [a, b], weights: [1, 3], minAgreement: 0.6).signals(for: bars)
        #expect(summary(weighted) == ["long@4"])
        // Memory: a's long expires after 1 bar, so at bar 4 only b is long.
        let forgetful = try CompositeStrategy(members: [a, b], minAgreement: 1, memory: 1).signals(for: bars)
        #expect(summary(forgetful).isEmpty)
    }

    @Test func catalogBuildsAndValidates() throws {
        let s = try StrategyCatalog.make(StrategySpec(name: "sma_cross", parameters: ["fast": "5", "slow": "30"]))
        #expect((s as? MovingAverageCross).map { ($0.fast, $0.slow) } ?? (0, 0) == (5, 30))
        let rsi = try StrategyCatalog.make(StrategySpec(name: "rsi_reversion", parameters: ["exit": "none"])) as? RSIReversion
        #expect(rsi?.exitLevel == nil)
        let composite = try StrategyCatalog.make(
            StrategySpec(
                name: "composite", parameters: ["min_agreement": "1"],
                members: [StrategySpec(name: "macd"), StrategySpec(name: "donchian", weight: 2)]))
        #expect((composite as? CompositeStrategy)?.weights == [1, 2])
        for name in StrategyCatalog.names where name != "composite" {
            #expect(try StrategyCatalog.make(StrategySpec(name: name)).name == name)
        }
    }

    @Test(arguments: [
        (StrategySpec(name: "sma_cross", parameters: ["fast": "20", "slow": "10"]), "sma_cross: slow: must be > fast (20), got 10"),
        (StrategySpec(name: "sma_cross", parameters: ["fast": "ten"]), "sma_cross: fast: expected an integer ≥ 1, got \"ten\""),
        (
            StrategySpec(name: "sma_cross", parameters: ["fsat": "5"]),
            "sma_cross: fsat: unknown parameter (known: allow_short, fast, slow); did you mean \"fast\"?"
        ),
        (StrategySpec(name: "sma_cros"), "unknown strategy \"sma_cros\" (did you mean \"sma_cross\"?)"),
        (
            StrategySpec(name: "rsi_reversion", parameters: ["oversold": "80"]),
            "rsi_reversion: oversold: need 0 < oversold < overbought < 100, got 80.0 and 70.0"
        ),
        (StrategySpec(name: "bollinger", parameters: ["mode": "sideways"]), "bollinger: mode: expected one of reversion, breakout, got \"sideways\""),
        (StrategySpec(name: "donchian", parameters: ["window": "10", "exit_window": "20"]), "donchian: exit_window: must be in 1...window (10), got 20"),
        (StrategySpec(name: "composite"), "composite: members: needs at least one member strategy"),
        (StrategySpec(name: "macd", parameters: ["allow_short": "maybe"]), "macd: allow_short: expected true or false, got \"maybe\""),
    ])
    func badParametersAreOneLineErrors(spec: StrategySpec, message: String) {
        #expect(performing: { try StrategyCatalog.make(spec) }, throws: { $0 is any LabError })
        do { _ = try StrategyCatalog.make(spec) } catch { #expect("\(error)" == message) }
    }
}
