import Foundation
import LabCore
import Testing

@testable import LabExecution

/// Daily bars with given opens and closes (high/low around them), from day 0.
func bars(_ symbol: String, open: [Double], close: [Double]) throws -> BarSeries {
    try BarSeries(
        symbol: symbol, timestamps: open.indices.map { Int64($0) * CivilTime.nanosPerDay }, open: open,
        high: zip(open, close).map { max($0, $1) * 1.01 }, low: zip(open, close).map { min($0, $1) * 0.99 }, close: close,
        volume: Array(repeating: 1e6, count: open.count))
}

@Suite struct PortfolioTests {
    @Test func handComputedRebalances() throws {
        let a = try bars("A", open: [10, 10, 12], close: [10, 11, 12])
        let b = try bars("B", open: [20, 20, 18], close: [20, 19, 18])
        let sim = try PortfolioSimulator(config: .init(cash: 1000, commission: CommissionModel(rate: 0.001)))
        let r = try sim.run([a, b], targets: [0: ["A": 0.5, "B": 0.5], 1: ["A": 0, "B": 1]])
        // Bar 1 open, equity 1000: 50 A and 25 B would cost 1001 with fees, so the additions scale
        // to 1000/1001 and round down: 49 A at 10 (fee 0.49) and 24 B at 20 (fee 0.48).
        let cash1 = 1000 - (490 + 0.49) - (480 + 0.48)
        // Bar 2 open: equity cash1 + 49·12 + 24·18; sell all A (fee 0.588), B to ⌊equity/18⌋ = 58 units: buy 34 (fee 0.612).
        let equity2Open = cash1 + 49 * 12 + 24 * 18
        #expect(Int((equity2Open / 18).rounded(.towardZero)) == 58)
        let cash2 = cash1 + (588 - 0.588) - (34 * 18 + 0.612)
        let expectedEquity = [1000, cash1 + 49 * 11 + 24 * 19, cash2 + 58 * 18]
        for (x, y) in zip(r.equity, expectedEquity) { #expect(abs(x - y) < 1e-9, "\(r.equity) vs \(expectedEquity)") }
        #expect(abs(r.cash[2] - cash2) < 1e-9)
        #expect(r.units == [0, 58])
        #expect(r.fills.map(\.units) == [49, 24, -49, 34])
        #expect(r.fills.map(\.symbol) == ["A", "B", "A", "B"])
        #expect(abs(r.costs.commission - (0.49 + 0.48 + 0.588 + 0.612)) < 1e-12)
        #expect(r.rebalances.map(\.bar) == [1, 2])
    }

    /// Equity = cash + Σ units × close at every bar (units replayed from the fills); costs never
    /// raise the final equity (fractional units, so every position is proportional to equity).
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func accountingInvariants(seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        let series = try (0..<3).map { try randomWalk(symbol: "S\($0)", count: 300, volatility: 0.02, volume: 1e6, rng: &rng) }
        var weights: [Int: [Double]] = [:]
        for bar in stride(from: 0, to: 299, by: 7) {
            let w = (0..<3).map { _ in rng.nextUniform() * 2 - 1 }
            let gross = w.reduce(0) { $0 + abs($1) }
            weights[bar] = w.map { $0 / gross * 0.95 }
        }
        func run(_ commission: Double, _ bps: Double, borrow: Double) throws -> PortfolioSimulator.Result {
            try PortfolioSimulator(
                config: .init(
                    cash: 1e5, commission: CommissionModel(rate: commission), slippage: bps > 0 ? .fixedBasisPoints(bps) : .none,
                    borrowRate: borrow, fractionalUnits: true)
            ).run(series, weights: weights)
        }
        let free = try run(0, 0, borrow: 0), costly = try run(0.001, 5, borrow: 0.03)
        for r in [free, costly] {
            var units = [Double](repeating: 0, count: 3)
            var k = 0
            for i in 0..<300 {
                while k < r.fills.count && r.fills[k].bar == i {
                    units[Int(r.fills[k].symbol.dropFirst())!] += r.fills[k].units
                    k += 1
                }
                let marked = r.cash[i] + (0..<3).reduce(0) { $0 + units[$1] * series[$1].close[i] }
                #expect(abs(marked - r.equity[i]) <= 1e-9 * r.equity[i])
            }
            #expect(zip(units, r.units).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        #expect(costly.equity.last! < free.equity.last!)
        #expect(costly.costs.commission > 0 && costly.costs.slippage > 0 && costly.costs.borrow > 0)
    }

    @Test func covarianceMatchesTwoPass() {
        var rng = SeededRNG(seed: 3)
        let t = 250, n = 4
        let x = (0..<(t * n)).map { _ in 0.01 * rng.nextGaussian() }
        let c = Covariance.sample(returns: x, assets: n)
        for i in 0..<n {
            for j in 0..<n {
                let mi = (0..<t).reduce(0) { $0 + x[$1 * n + i] } / Double(t), mj = (0..<t).reduce(0) { $0 + x[$1 * n + j] } / Double(t)
                let cij = (0..<t).reduce(0) { $0 + (x[$1 * n + i] - mi) * (x[$1 * n + j] - mj) } / Double(t - 1)
                #expect(abs(c[i * n + j] - cij) <= 1e-12 * abs(cij) + 1e-18)
            }
        }
    }

    @Test func riskParityEqualisesRiskContributions() throws {
        var rng = SeededRNG(seed: 6)
        let series = try [0.01, 0.02, 0.04].enumerated().map {
            try randomWalk(symbol: "R\($0.offset)", count: 200, volatility: $0.element, volume: 1, rng: &rng)
        }
        let w = WeightRule.riskParity(window: 120).weights(series, at: 199, maxLeverage: 1)
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
        let c = WeightRule.covariance(series, at: 199, window: 120)
        let cw = Covariance.times(c, w)
        let contributions = (0..<3).map { w[$0] * cw[$0] }
        for rc in contributions { #expect(abs(rc - contributions[0]) <= 1e-9 * contributions[0]) }
        #expect(w[0] > w[1] && w[1] > w[2])  // the calmest asset carries the most weight
        // Inverse volatility: weights ∝ 1/σ.
        let iv = WeightRule.inverseVolatility(window: 120).weights(series, at: 199, maxLeverage: 1)
        #expect(abs(iv[0] * c[0].squareRoot() - iv[2] * c[8].squareRoot()) < 1e-12)
        // Volatility target: the ex-ante annual volatility of the scaled weights is the target.
        let vt = WeightRule.volatilityTarget(annualVolatility: 0.05, window: 120, base: .equal).weights(series, at: 199, maxLeverage: 1)
        let variance = zip(vt, Covariance.times(c, vt)).reduce(0) { $0 + $1.0 * $1.1 } * 252
        #expect(abs(variance.squareRoot() - 0.05) < 1e-12)
    }

    @Test func scheduleAndRuleDriveRebalances() throws {
        var rng = SeededRNG(seed: 9)
        let series = try (0..<2).map { try randomWalk(symbol: "M\($0)", count: 400, volatility: 0.01, volume: 1, rng: &rng) }
        let monthly = RebalanceSchedule.monthly.bars(series[0], from: 0)
        // Day 0 is 1970-01-01: the last bars of January (day 30), February (58), …
        #expect(monthly.prefix(3) == [30, 58, 89])
        let r = try PortfolioSimulator(config: .init(cash: 1e5, fractionalUnits: true)).run(series, rule: .riskParity(window: 60), schedule: .monthly)
        // The first month end with 60 bars of history is 31 March (day 89), traded at the next open.
        #expect(r.rebalances.first?.bar == 90)
        #expect(r.rebalances.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-9 })
    }

    @Test func badInputIsATypedError() throws {
        let a = try bars("A", open: [1, 1, 1], close: [1, 1, 1])
        let b = try bars("B", open: [1, 1], close: [1, 1])
        let sim = try PortfolioSimulator(config: .init())
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try sim.run([a, a], weights: [:]) } == "execution: A: appears twice (a portfolio's symbols must share one clock)")
        #expect(message { _ = try sim.run([a, b], weights: [:]) } == "execution: B: has 2 bars, A has 3 (a portfolio's symbols must share one clock)")
        let c = try bars("C", open: [1, 1, 1], close: [1, 1, 1])
        #expect(message { _ = try sim.run([a, c], targets: [0: ["A": 0.5, "XYZ": 0.5]]) } == "execution: orders for unknown symbol \"XYZ\" (portfolio: A, C)")
        #expect(message { _ = try sim.run([a, c], weights: [0: [0.8, 0.8]]) } == "execution: weights at bar 0: gross exposure 1.6 exceeds max_leverage 1.0")
        #expect(
            message { _ = try sim.run([a, c], rule: .fixed(["Q": 1]), schedule: .everyBars(1)) }
                == "execution: orders for unknown symbol \"Q\" (portfolio: A, C)")
        #expect(message { _ = try PortfolioSimulator(config: .init(maxLeverage: 0.5)) } == "execution: maxLeverage: must be in [1, 100], got 0.5")
        var broken = c
        broken.open[1] = .nan
        #expect(message { _ = try sim.run([a, broken], weights: [0: [0.5, 0.5]]) } == "execution: C: bar 1: open nan cannot be filled at")
    }
}
