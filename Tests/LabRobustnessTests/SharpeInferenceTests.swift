import Foundation
import Testing

@testable import LabRobustness

/// PSR, DSR and the minimum track record length against the papers' formulas, by hand.
@Suite struct SharpeInferenceTests {
    @Test func normalQuantilesAndTails() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959_963_984_540_054) < 1e-14)
        #expect(abs(NormalDistribution.quantile(0.05) + 1.644_853_626_951_472_2) < 1e-14)
        #expect(abs(NormalDistribution.quantile(1e-10) + 6.361_340_902_404_056) < 1e-12)
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
        // Round trips: relative in the lower tail, absolute above the median.
        for p in [1e-300, 1e-12, 0.001, 0.3, 0.5] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) <= 1e-12 * p)
        }
        for p in [0.77, 0.999, 1 - 1e-12] { #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-15) }
        #expect(abs(NormalDistribution.cdf(1.5) - 0.933_192_798_731_141_9) < 1e-15)
    }

    /// Returns 0.02, 0, 0.02, 0: mean 0.01, sample sd √(4e-4/3), SR = √3/2, γ₃ = 0, γ₄ = 1, so
    /// PSR(0) = Φ(√3/2 · √3 / √(1 − 0 + 0)) = Φ(1.5) and MinTRL(0, 95 %) = 1 + (1.6449 / (√3/2))².
    @Test func probabilisticSharpeByHand() {
        let s = SharpeInference(returns: [0.02, 0, 0.02, 0])
        #expect(abs(s.sharpe - 3.0.squareRoot() / 2) < 1e-14)
        #expect(abs(s.skewness) < 1e-14)
        #expect(abs(s.kurtosis - 1) < 1e-14)
        #expect(abs(s.probabilistic() - 0.933_192_798_731_141_9) < 1e-13)
        let z = 1.644_853_626_951_472_2 / (3.0.squareRoot() / 2)
        #expect(abs(s.minimumTrackRecord(confidence: 0.95)! - (1 + z * z)) < 1e-12)
        // Against a benchmark above the estimate no length suffices.
        #expect(s.minimumTrackRecord(above: 0.9) == nil)
        // One trial: DSR is PSR(0).
        #expect(s.deflated(trials: 1, variance: 0.5) == s.probabilistic())
    }

    /// The worked example of Bailey and López de Prado (2014), section 5: an annualised Sharpe
    /// ratio of 2.5 over 1 250 daily returns with γ₃ = −3 and γ₄ = 10, after N = 100 trials whose
    /// annualised Sharpe ratios have variance 1/2. The paper gives E[max SR] ≈ 0.1132 (per day) and
    /// DSR ≈ 0.9004.
    @Test func deflatedSharpeOfThePaper() {
        let perDay = 250.0.squareRoot()
        let s = SharpeInference(count: 1250, sharpe: 2.5 / perDay, skewness: -3, kurtosis: 10)
        let variance = 0.5 / 250
        let expected = SharpeInference.expectedMaximum(trials: 100, variance: variance)
        #expect(abs(expected - 0.1132) < 5e-5)
        // By hand: √V·((1 − γ)·Φ⁻¹(0.99) + γ·Φ⁻¹(1 − 1/(100e))).
        let gamma = 0.577_215_664_901_532_9
        let byHand = variance.squareRoot() * ((1 - gamma) * 2.326_347_874_040_841 + gamma * NormalDistribution.quantile(1 - 1 / (100 * M_E)))
        #expect(abs(expected - byHand) < 1e-15)
        let dsr = s.deflated(trials: 100, variance: variance)
        #expect(abs(dsr - 0.9004) < 5e-4)
        let z = (s.sharpe - expected) * 1249.0.squareRoot() / (1 + 3 * s.sharpe + 9.0 / 4 * s.sharpe * s.sharpe).squareRoot()
        #expect(abs(dsr - NormalDistribution.cdf(z)) < 1e-15)
    }

    @Test func deflationGrowsWithTheTrials() {
        let s = SharpeInference(count: 1000, sharpe: 0.08, skewness: -0.5, kurtosis: 6)
        var previous = s.deflated(trials: 1, variance: 0.001)
        for trials in [2, 5, 10, 100, 1000, 10_000] {
            let dsr = s.deflated(trials: trials, variance: 0.001)
            #expect(dsr < previous)
            previous = dsr
        }
    }

    @Test func degenerateSamples() {
        #expect(SharpeInference(returns: [0.01]).sharpe.isNaN)
        #expect(SharpeInference(returns: [0.01, 0.01, 0.01]).probabilistic().isNaN)
        #expect(SharpeInference.variance(of: [0.1]).isNaN)
        #expect(abs(SharpeInference.variance(of: [0.1, 0.3, .nan]) - 0.02) < 1e-15)
    }
}
