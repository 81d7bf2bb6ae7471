import Foundation
import LabCore

/// An outlier flagged by ``DataQuality/detectOutliers(_:method:)``.
public struct Outlier: Sendable, Equatable, Codable {
    /// Row index of the bar.
    public let index: Int
    /// Robust z-score: `|x − median| / (1.4826 · MAD)` (∞ when the MAD is 0 and x differs from the median).
    public let score: Double
}

/// Outlier detection method.
public enum OutlierMethod: Sendable, Equatable {
    /// Hampel filter on close prices: each close is compared with the median and MAD of the
    /// centred window of `2 · halfWidth + 1` closes (truncated at the ends). Uses bars after the
    /// one tested, so it is a data-cleaning tool, never a trading signal.
    case hampel(halfWidth: Int, threshold: Double)
    /// Robust z-score of log returns `log(close[i] / close[i-1])` against their median and MAD;
    /// the score is reported at bar `i` (the bar the return ends on).
    case robustZScore(threshold: Double)
}

extension DataQuality {
    /// Bars whose robust score exceeds the method's threshold, in index order.
    /// - Throws: ``LabDataError/invalidParameter(owner:field:reason:)`` for a half-width < 1 or a threshold ≤ 0.
    public static func detectOutliers(_ series: BarSeries, method: OutlierMethod) throws -> [Outlier] {
        switch method {
        case let .hampel(halfWidth, threshold):
            guard halfWidth >= 1 else {
                throw LabDataError.invalidParameter(owner: "hampel", field: "halfWidth", reason: "must be ≥ 1, got \(halfWidth)")
            }
            try checkThreshold(threshold, owner: "hampel")
            return hampel(series.close, halfWidth: halfWidth, threshold: threshold)
        case let .robustZScore(threshold):
            try checkThreshold(threshold, owner: "robust_zscore")
            let c = series.close
            guard c.count >= 3 else { return [] }
            let returns = (1..<c.count).map { log(c[$0] / c[$0 - 1]) }
            var finite = returns.filter(\.isFinite)
            guard finite.count >= 2 else { return [] }
            let median = Robust.median(&finite)
            for k in finite.indices { finite[k] = abs(finite[k] - median) }
            let scale = 1.4826 * Robust.median(&finite)
            var result: [Outlier] = []
            for (k, r) in returns.enumerated() where r.isFinite {
                let score = robustScore(r, median: median, scale: scale)
                if score > threshold { result.append(Outlier(index: k + 1, score: score)) }
            }
            return result
        }
    }

    static func checkThreshold(_ threshold: Double, owner: String) throws {
        guard threshold > 0, threshold.isFinite else {
            throw LabDataError.invalidParameter(owner: owner, field: "threshold", reason: "must be > 0, got \(threshold)")
        }
    }

    static func robustScore(_ x: Double, median: Double, scale: Double) -> Double {
        let d = abs(x - median)
        if scale > 0 { return d / scale }
        return d == 0 ? 0 : .infinity
    }

    static func hampel(_ x: [Double], halfWidth k: Int, threshold: Double) -> [Outlier] {
        var result: [Outlier] = []
        var window: [Double] = []
        window.reserveCapacity(2 * k + 1)
        for i in x.indices where x[i].isFinite {
            window.removeAll(keepingCapacity: true)
            for j in max(0, i - k)...min(x.count - 1, i + k) where x[j].isFinite { window.append(x[j]) }
            guard window.count >= 3 else { continue }
            let median = Robust.median(&window)
            for m in window.indices { window[m] = abs(window[m] - median) }
            let scale = 1.4826 * Robust.median(&window)
            let score = robustScore(x[i], median: median, scale: scale)
            if score > threshold { result.append(Outlier(index: i, score: score)) }
        }
        return result
    }
}
