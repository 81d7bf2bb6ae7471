import Foundation
import LabCore

/// Headline statistics of one symbol's close path, to compare stress scenarios at a glance.
///
/// Conventions: returns are close-to-close; `totalReturn` is simple (`last/first − 1`);
/// `annualVolatility` is the sample standard deviation of log returns × √P
/// (P = `BarSeries.periodsPerYear`); `maxDrawdown` is the largest fall of the close from its
/// running peak, as a positive fraction; `worstBar` the most negative simple close-to-close return.
public struct PathSummary: Sendable, Equatable, Codable {
    /// Symbol of the series.
    public let symbol: String
    /// last close / first close − 1 (fraction).
    public let totalReturn: Double
    /// Annualised volatility of log returns (fraction).
    public let annualVolatility: Double
    /// Largest fall of the close from its peak, positive fraction.
    public let maxDrawdown: Double
    /// Most negative close-to-close simple return (fraction).
    public let worstBar: Double

    /// The summary of `s`'s closes.
    public init(_ s: BarSeries) {
        symbol = s.symbol
        let c = s.close
        guard c.count >= 2 else {
            totalReturn = 0
            annualVolatility = 0
            maxDrawdown = 0
            worstBar = 0
            return
        }
        totalReturn = c[c.count - 1] / c[0] - 1
        var ratios = (1..<c.count).map { c[$0] / c[$0 - 1] }
        worstBar = (ratios.min() ?? 1) - 1
        VectorMath.log(&ratios)
        annualVolatility = Stats.sd(ratios[...]) * s.periodsPerYear.squareRoot()
        var peak = c[0], worst = 0.0
        for v in c {
            peak = max(peak, v)
            worst = max(worst, 1 - v / peak)
        }
        maxDrawdown = worst
    }
}
