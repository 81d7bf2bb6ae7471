import Foundation
import LabCore
import Testing

@testable import LabRobustness

/// The trade Monte Carlo on cases whose distribution is known by hand.
@Suite struct TradeMonteCarloTests {
    /// Equal trades: every path is the same compounding, (1 + r)^n, with no drawdown.
    @Test func equalTradesCompound() throws {
        let mc = try TradeMonteCarlo.simulate(returns: [0.01, 0.01, 0.01, 0.01], paths: 100, lossFraction: 0.2, seed: 1).get()
        #expect(mc.finalEquity.allSatisfy { abs($0 - pow(1.01, 4)) < 1e-15 })
        #expect(mc.maxDrawdown.allSatisfy { $0 == 0 })
        #expect(mc.probabilityOfLoss == 0 && mc.probabilityBelowStart == 0)
    }

    /// Two trades, +50 % and −50 %: four equally likely paths — 2.25 (no drawdown), 0.75 twice
    /// (drawdown 0.5 each: 1.5 → 0.75, or 1 → 0.5) and 0.25 (drawdown 0.75). So P(losing ≥ 20 %)
    /// = 3/4 and the median final equity is 0.75.
    @Test func twoTradesByHand() throws {
        let mc = try TradeMonteCarlo.simulate(returns: [0.5, -0.5], paths: 100_000, lossFraction: 0.2, seed: 4, workers: 2).get()
        #expect(Set(mc.finalEquity).isSubset(of: [2.25, 0.75, 0.25]))
        #expect(Set(mc.maxDrawdown).isSubset(of: [0, 0.5, 0.75]))
        #expect(abs(mc.probabilityOfLoss - 0.75) < 0.01)
        #expect(TradeMonteCarlo.quantile(mc.finalEquity, 0.5) == 0.75)
        let deep = Double(mc.maxDrawdown.filter { $0 == 0.75 }.count) / 100_000
        #expect(abs(deep - 0.25) < 0.01)
    }

    @Test func seededAndIndependentOfWorkers() throws {
        let r = [0.02, -0.01, 0.05, -0.03, 0.01]
        let a = try TradeMonteCarlo.simulate(returns: r, paths: 1000, lossFraction: 0.1, seed: 9, workers: 1).get()
        let b = try TradeMonteCarlo.simulate(returns: r, paths: 1000, lossFraction: 0.1, seed: 9, workers: 2).get()
        #expect(a == b)
    }

    @Test func returnOnEquityUsesTheEquityBeforeEntry() {
        let trades = [
            TradeRecord(entryBar: 0, exitBar: 2, entryTime: 0, exitTime: 0, size: 1, entryPrice: 1, exitPrice: 1, pnl: 100, returnPct: 0, commission: 0),
            TradeRecord(entryBar: 3, exitBar: 4, entryTime: 0, exitTime: 0, size: 1, entryPrice: 1, exitPrice: 1, pnl: -55, returnPct: 0, commission: 0),
        ]
        let r = TradeMonteCarlo.returnOnEquity(trades: trades, equity: [1000, 1050, 1100, 1100, 1045], startingCash: 1000)
        #expect(r == [0.1, -0.05])
    }

    @Test func tooFewTrades() {
        #expect(TradeMonteCarlo.simulate(returns: [0.1], paths: 10, lossFraction: 0.2, seed: 1) == .failure(.tooFewTrades(1)))
    }
}
