import Foundation
import LabCore
import Testing

@testable import LabRobustness

/// PBO by CSCV against an independent numpy implementation (exact: CSCV is deterministic), and
/// its behaviour on strategies whose truth is known.
@Suite struct BacktestOverfittingTests {
    @Test(arguments: [0, 1]) func matchesTheNumpyReference(case index: Int) throws {
        let cases = Fixture.json("pbo.json")["cases"] as! [[String: Any]]
        let reference = cases[index]
        let blocks = reference["blocks"] as! Int
        let estimate = try BacktestOverfitting.estimate(returns: Fixture.returns.models, blocks: blocks, workers: 2).get()
        let logits = doubles(reference["logits"])
        #expect(estimate.splits == logits.count)
        for (a, b) in zip(estimate.logits, logits) { #expect(abs(a - b) < 1e-12) }
        #expect(estimate.probability == (reference["pbo"] as! NSNumber).doubleValue)
        let ins = doubles(reference["in_sample_sharpe"]), oos = doubles(reference["out_of_sample_sharpe"])
        for j in ins.indices {
            #expect(close(estimate.inSampleSharpe[j], ins[j], 1e-10))
            #expect(close(estimate.outOfSampleSharpe[j], oos[j], 1e-10))
        }
    }

    /// The same splits whatever the number of workers, and the same as from block sums.
    @Test func workersAndBlockSumsChangeNothing() throws {
        let models = Fixture.returns.models
        let one = try BacktestOverfitting.estimate(returns: models, blocks: 8, workers: 1).get()
        let three = try BacktestOverfitting.estimate(returns: models, blocks: 8, workers: 3).get()
        #expect(one == three)
        let sums = models.map { BacktestOverfitting.BlockSums(returns: $0, blocks: 8) }
        #expect(try BacktestOverfitting.estimate(sums: sums, periods: models[0].count, blocks: 8).get() == one)
    }

    /// One combination with a true edge of half a standard deviation a period among noise: its
    /// in-sample win carries out of sample, PBO near 0.
    @Test func aDominantStrategyIsNotOverfit() throws {
        var rng = SeededRNG(seed: 3)
        let models = (0..<20).map { k in (0..<1000).map { _ in rng.nextNormal() * 0.01 + (k == 4 ? 0.005 : 0) } }
        let estimate = try BacktestOverfitting.estimate(returns: models, blocks: 16, workers: 2).get()
        #expect(estimate.probability < 0.02)
        #expect(estimate.probabilityOfLoss == 0)
    }

    /// Pure noise strategies: the in-sample winner is a coin flip out of sample, PBO near 0.5.
    @Test func noiseIsOverfit() throws {
        var rng = SeededRNG(seed: 5)
        let models = (0..<50).map { _ in (0..<2000).map { _ in rng.nextNormal() * 0.01 } }
        let estimate = try BacktestOverfitting.estimate(returns: models, blocks: 16, workers: 2).get()
        #expect(abs(estimate.probability - 0.5) < 0.15)
        // A better in-sample Sharpe does not foretell a better out-of-sample one.
        #expect(estimate.degradation.slope < 0.2)
    }

    @Test func shortfallsAreNamed() {
        #expect(BacktestOverfitting.estimate(returns: [[0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2]], blocks: 4) == .failure(.tooFewCombinations(1)))
        let short = [[Double]](repeating: [0.1, -0.1, 0.2, 0.0, 0.1, 0.3, 0.1], count: 3)
        #expect(BacktestOverfitting.estimate(returns: short, blocks: 4) == .failure(.tooFewPeriods(periods: 7, blocks: 4)))
        #expect(BacktestOverfitting.Shortfall.tooFewPeriods(periods: 7, blocks: 4).description.contains("at least 8 periods"))
    }

    /// The histogram holds every logit, on bins aligned to the width.
    @Test func histogramCountsEveryLogit() throws {
        let estimate = try BacktestOverfitting.estimate(returns: Fixture.returns.models, blocks: 16).get()
        let h = estimate.histogram()
        #expect(h.counts.reduce(0, +) == estimate.splits)
        #expect(h.edges.count == h.counts.count && h.counts.count <= 40)
        #expect(h.edges.allSatisfy { ($0 / h.width).rounded() == $0 / h.width })
        #expect(h.edges.first! <= estimate.logits.min()! && h.edges.last! + h.width > estimate.logits.max()!)
    }
}
