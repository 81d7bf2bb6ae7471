import Foundation
import LabCore
import LabExecution
import LabSignals

/// Slippage growing linearly with the order's share of the average daily volume of the 20 bars
/// before the fill bar: `bps_per_percent_adv` basis points for each percent of that volume.
struct LinearImpactSlippage: SlippageRule {
    let basisPointsPerPercent: Double

    var description: String { "linear_impact(\(basisPointsPerPercent))" }

    func fraction(bars: BarSeries, bar: Int, units: Double) -> Double {
        // The lab's trailing-window statistics: NaN until 20 bars are known.
        let adv = TrailingWindow.meanVolume(bars, window: 20, before: bar)
        guard adv > 0 else { return 0 }
        return basisPointsPerPercent / 10_000 * (abs(units) / adv * 100)
    }
}

/// Time-series momentum: long while the close is above the close `lookback` bars earlier, flat
/// otherwise; a signal at each change, decided at the close from bars up to it.
struct Momentum: SignalStrategy {
    let lookback: Int

    var name: String { "momentum" }
    var warmUp: Int { lookback }

    func signals(in indicators: IndicatorCache) -> [Signal] {
        let bars = indicators.bars
        var out: [Signal] = []
        var held = TargetDirection.flat
        for i in lookback..<bars.count {
            let want: TargetDirection = bars.close[i] > bars.close[i - lookback] ? .long : .flat
            guard want != held else { continue }
            held = want
            let strength = abs(bars.close[i] / bars.close[i - lookback] - 1)
            out.append(
                Signal(
                    bar: i, timestamp: bars.timestamps[i], symbol: bars.symbol, direction: want, confidence: min(1, strength * 10),
                    strategy: name, reason: want == .long ? "momentum_up" : "momentum_down"))
        }
        return out
    }
}

/// Registers both models beside the lab's built-ins.
enum CustomModels {
    static func register() throws {
        try SlippageRegistry.shared.register(
            .init("linear_impact", summary: "bps per percent of the 20-bar average volume (user model)") { p, _ in
                .custom(LinearImpactSlippage(basisPointsPerPercent: try p.number("bps_per_percent_adv", default: 2, in: 0...1000)))
            })
        try StrategyRegistry.shared.register(
            .init("momentum", summary: "long while the close is above the close lookback bars earlier (user strategy)") { p, _ in
                Momentum(lookback: try p.integer("lookback", default: 20, minimum: 2))
            })
    }
}
