import Foundation
import LabCore

/// Small statistics helpers with the conventions stated on each.
enum Stats {
    /// Sample variance (n − 1); NaN with fewer than two values.
    static func variance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = x.reduce(0, +) / Double(x.count)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }

    /// Sample covariance (n − 1).
    static func covariance(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, a.count >= 2 else { return .nan }
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var total = 0.0
        for i in a.indices { total += (a[i] - ma) * (b[i] - mb) }
        return total / Double(a.count - 1)
    }

    /// `exp(mean(log(1 + r))) − 1`; NaN returns count as 0; 0 when any `1 + r ≤ 0` (backtesting.py's
    /// `geometric_mean`); 0 for no returns.
    static func geometricMean(_ r: [Double]) -> Double {
        guard !r.isEmpty else { return 0 }
        var total = 0.0
        for v in r {
            let x = v.isNaN ? 0 : v
            if 1 + x <= 0 { return 0 }
            total += log(1 + x)
        }
        return exp(total / Double(r.count)) - 1
    }

    /// Drawdown episodes: between consecutive bars where `dd == 0` (the last bar always closes one),
    /// keeping those that span at least one bar under water; duration in seconds, peak the largest dd.
    static func drawdownEpisodes(_ dd: [Double], timestamps: [Int64]) -> [(duration: Double, peak: Double)] {
        var anchors = dd.indices.filter { dd[$0] == 0 }
        if anchors.last != dd.count - 1 { anchors.append(dd.count - 1) }
        var episodes: [(Double, Double)] = []
        for k in 1..<max(1, anchors.count) {
            let a = anchors[k - 1], b = anchors[k]
            guard b > a + 1 else { continue }
            episodes.append((Double(timestamps[b] - timestamps[a]) / 1e9, dd[a...b].max()!))
        }
        return episodes
    }
}
