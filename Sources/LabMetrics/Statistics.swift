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

/// Grouping of bars into calendar periods for return calculation.
enum Calendarisation {
    /// Period returns of the equity and the periods per year (see `PerformanceStats`).
    static func periodReturns(equity: [Double], timestamps: [Int64], timezone: String) -> ([Double], Double) {
        let n = timestamps.count
        guard n >= 2 else { return ([], 252) }
        let recent = Array(timestamps.suffix(100))
        let spacings = zip(recent.dropFirst(), recent).map { $0 - $1 }.sorted()
        let median =
            spacings.count % 2 == 1
            ? Double(spacings[spacings.count / 2])
            : (Double(spacings[spacings.count / 2 - 1]) + Double(spacings[spacings.count / 2])) / 2
        let freqDays = Int((median / 86_400e9).rounded(.down))
        let intraday = median < 86_400e9
        let days = BarSeries.localDayNumbers(timestamps, timezone: timezone, intraday: intraday)
        let key: (Int) -> Int64
        let periods: Double
        switch freqDays {
        case 7:
            periods = 52
            key = { i in Int64((Double(days[i] - 4) / 7).rounded(.down)) }  // weeks Monday…Sunday
        case 31:
            periods = 12
            key = { i in
                let (y, m, _) = CivilTime.civilFromDays(days[i]); return Int64(y * 12 + m)
            }
        case 365:
            periods = 1
            key = { i in Int64(CivilTime.civilFromDays(days[i]).year) }
        default:
            let weekend = days.filter { CivilTime.isoWeekday(dayNumber: $0) >= 6 }.count
            periods = Double(weekend) / Double(n) > 2.0 / 7.0 * 0.6 ? 365 : 252
            key = { i in days[i] }
        }
        var lastOfPeriod: [Double] = []
        var currentKey: Int64?
        for i in 0..<n {
            let k = key(i)
            if k != currentKey {
                lastOfPeriod.append(equity[i])
                currentKey = k
            } else {
                lastOfPeriod[lastOfPeriod.count - 1] = equity[i]
            }
        }
        let returns = (1..<max(1, lastOfPeriod.count)).map { lastOfPeriod[$0] / lastOfPeriod[$0 - 1] - 1 }
        return (returns, periods)
    }

    /// The data's time resolution in seconds: the largest of day, hour, minute, second, millisecond,
    /// microsecond, nanosecond that divides the median spacing of the last 100 bars.
    static func resolution(_ timestamps: [Int64]) -> Double {
        let recent = Array(timestamps.suffix(100))
        let spacings = zip(recent.dropFirst(), recent).map { $0 - $1 }.sorted()
        guard !spacings.isEmpty else { return 86_400 }
        let median = spacings[spacings.count / 2]
        for unit: Int64 in [86_400_000_000_000, 3_600_000_000_000, 60_000_000_000, 1_000_000_000, 1_000_000, 1_000, 1]
        where median % unit == 0 {
            return Double(unit) / 1e9
        }
        return 1e-9
    }

    /// `seconds` rounded up to a multiple of `unit` seconds.
    static func ceil(_ seconds: Double, to unit: Double) -> Double {
        (seconds / unit).rounded(.up) * unit
    }
}
