import Foundation
import LabCore

/// Signal monitoring: how well a stream of signals forecast, from their outcomes at one horizon.
///
/// Conventions (see ``SignalOutcome``): a hit is a positive signed forward return; confidence is
/// read as the forecast probability of a hit. Figures:
/// - `hitRate` = hits / outcomes; `meanSignedReturn` = mean of the signed simple forward returns;
/// - `informationCoefficient` = Spearman rank correlation of confidence with the signed forward
///   return (average ranks for ties; NaN with fewer than 3 outcomes or no variation);
/// - `brierScore` = mean of `(confidence − hit)²`; `baselineBrier` = `p̄(1 − p̄)`, the Brier score of
///   always forecasting the observed hit rate p̄ (a useful forecaster beats it);
/// - `reliability`: 10 equal confidence bins with count, mean confidence and realised hit rate;
///   `calibrationError` (ECE) = Σ (count/n) · |hit rate − mean confidence| over the bins;
/// - rolling performance over the last `window` resolved outcomes, at each resolution bar once
///   `window` have resolved: `rollingHitRate`, `rollingMeanReturn` (signed), `rollingBrier`; and
///   `blockInformationCoefficient`, the IC of each consecutive block of `window` outcomes (at the
///   block's last resolution bar: a rank correlation needs a sort, so it is taken per block);
/// - `needsRecalibration`: with at least `minimumOutcomes` outcomes, ECE above `maxCalibrationError`
///   or a Brier score worse than the baseline — the retraining flag of the report;
/// - realised P&L: count, sum and mean over the outcomes that were traded.
public struct SignalMonitoring: Sendable, Equatable, Codable {
    /// One bin of the reliability table.
    public struct ReliabilityBin: Sendable, Equatable, Codable {
        /// Lowest confidence in the bin (inclusive).
        public var lower: Double
        /// Upper confidence bound (exclusive, except the last bin's 1).
        public var upper: Double
        /// Outcomes in the bin.
        public var count: Int
        /// Mean confidence of those outcomes.
        public var meanConfidence: Double
        /// Fraction of those outcomes that were hits.
        public var hitRate: Double
    }

    /// Thresholds of the retraining flag and the rolling window.
    public struct Settings: Sendable, Equatable {
        /// Outcomes in each rolling window.
        public var window = 50
        /// Outcomes needed before the retraining flag can be raised.
        public var minimumOutcomes = 50
        /// Largest expected calibration error (fraction) before the flag is raised.
        public var maxCalibrationError = 0.1
        /// Window 50, 50 outcomes, ECE 0.1.
        public init() {}
    }

    /// Forward horizon of the outcomes, bars.
    public var horizon: Int
    /// Outcomes resolved.
    public var outcomes: Int
    /// Outcomes with a positive signed forward return.
    public var hits: Int
    /// hits / outcomes.
    public var hitRate: Double
    /// Mean signed simple forward return (fraction).
    public var meanSignedReturn: Double
    /// Spearman correlation of confidence with the signed forward return.
    public var informationCoefficient: Double
    /// Mean of (confidence − hit)²; lower is better.
    public var brierScore: Double
    /// Brier score of always forecasting the observed hit rate.
    public var baselineBrier: Double
    /// Expected calibration error over the reliability bins (fraction).
    public var calibrationError: Double
    /// The 10-bin reliability table.
    public var reliability: [ReliabilityBin]
    /// (resolution bar, hit rate of the last `window` outcomes) once `window` have resolved.
    public var rollingHitRate: [RollingPoint]
    /// (resolution bar, mean signed return of the last `window` outcomes).
    public var rollingMeanReturn: [RollingPoint]
    /// (resolution bar, Brier score of the last `window` outcomes).
    public var rollingBrier: [RollingPoint]
    /// (last resolution bar of a block, IC of that block of `window` outcomes).
    public var blockInformationCoefficient: [RollingPoint]
    /// The retraining flag (see above).
    public var needsRecalibration: Bool
    /// Outcomes whose signal was traded.
    public var tradedOutcomes: Int
    /// Sum of their realised P&L, account currency.
    public var realisedPnL: Double
    /// Mean realised P&L per traded outcome, account currency.
    public var meanRealisedPnL: Double

    /// One point of a rolling series.
    public struct RollingPoint: Sendable, Equatable, Codable {
        /// Bar index of the point.
        public var bar: Int
        /// The figure at that bar.
        public var value: Double
    }

    /// Monitoring of `outcomes` (any order; sorted by resolution bar inside) at `horizon`.
    public init(outcomes input: [SignalOutcome], horizon: Int, settings: Settings = Settings()) {
        let o = inResolutionOrder(input)
        let n = o.count
        // Plain columns once; every figure below is a pass over them.
        let confidence = o.map(\.confidence), signed = o.map(\.signedReturn), resolved = o.map(\.resolvedBar)
        let hit = o.map { $0.hit ? 1.0 : 0.0 }
        let squaredError = (0..<n).map { (confidence[$0] - hit[$0]) * (confidence[$0] - hit[$0]) }
        self.horizon = horizon
        outcomes = n
        let hitTotal = hit.reduce(0, +)
        hits = Int(hitTotal)
        hitRate = n > 0 ? hitTotal / Double(n) : .nan
        meanSignedReturn = n > 0 ? signed.reduce(0, +) / Double(n) : .nan
        informationCoefficient = Self.spearman(confidence, signed)
        brierScore = n > 0 ? squaredError.reduce(0, +) / Double(n) : .nan
        baselineBrier = hitRate * (1 - hitRate)
        var bins = (0..<10).map { ReliabilityBin(lower: Double($0) / 10, upper: Double($0 + 1) / 10, count: 0, meanConfidence: 0, hitRate: 0) }
        for k in 0..<n {
            let b = min(9, max(0, Int(confidence[k] * 10)))
            bins[b].count += 1
            bins[b].meanConfidence += confidence[k]
            bins[b].hitRate += hit[k]
        }
        var ece = 0.0
        for b in bins.indices {
            if bins[b].count > 0 {
                bins[b].meanConfidence /= Double(bins[b].count)
                bins[b].hitRate /= Double(bins[b].count)
                ece += Double(bins[b].count) / Double(n) * abs(bins[b].hitRate - bins[b].meanConfidence)
            } else {
                bins[b].meanConfidence = .nan
                bins[b].hitRate = .nan
            }
        }
        reliability = bins
        calibrationError = n > 0 ? ece : .nan
        let w = settings.window
        var hitRates: [RollingPoint] = [], means: [RollingPoint] = [], briers: [RollingPoint] = [], blocks: [RollingPoint] = []
        let points = max(0, n - w + 1)
        hitRates.reserveCapacity(points); means.reserveCapacity(points); briers.reserveCapacity(points)
        var hitSum = 0.0, returnSum = 0.0, brierSum = 0.0
        for k in 0..<n {
            hitSum += hit[k]
            returnSum += signed[k]
            brierSum += squaredError[k]
            if k >= w {
                hitSum -= hit[k - w]
                returnSum -= signed[k - w]
                brierSum -= squaredError[k - w]
            }
            guard k + 1 >= w else { continue }
            hitRates.append(RollingPoint(bar: resolved[k], value: hitSum / Double(w)))
            means.append(RollingPoint(bar: resolved[k], value: returnSum / Double(w)))
            briers.append(RollingPoint(bar: resolved[k], value: max(0, brierSum) / Double(w)))
            if (k + 1) % w == 0 {
                blocks.append(RollingPoint(bar: resolved[k], value: Self.spearman(Array(confidence[(k + 1 - w)...k]), Array(signed[(k + 1 - w)...k]))))
            }
        }
        rollingHitRate = hitRates
        rollingMeanReturn = means
        rollingBrier = briers
        blockInformationCoefficient = blocks
        needsRecalibration = n >= settings.minimumOutcomes && (calibrationError > settings.maxCalibrationError || brierScore > baselineBrier)
        let traded = o.compactMap(\.realisedPnL)
        tradedOutcomes = traded.count
        realisedPnL = traded.reduce(0, +)
        meanRealisedPnL = traded.isEmpty ? .nan : realisedPnL / Double(traded.count)
    }

    /// Spearman rank correlation (average ranks for ties); NaN with fewer than 3 pairs or a constant side.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, a.count >= 3 else { return .nan }
        let ra = ranks(a), rb = ranks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in ra.indices {
            sab += (ra[i] - ma) * (rb[i] - mb)
            saa += (ra[i] - ma) * (ra[i] - ma)
            sbb += (rb[i] - mb) * (rb[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
    }

    /// 1-based ranks with ties sharing their average rank.
    static func ranks(_ x: [Double]) -> [Double] {
        let order = RadixSort.order(x)
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = average }
            i = j + 1
        }
        return r
    }
}

/// Stable least-significant-digit radix sort of doubles (8 passes of 8 bits over order-preserving
/// integer keys): O(n), no comparisons, so ranking tens of thousands of outcomes stays cheap.
/// (NaN is not ordered: callers rank finite values.)
enum RadixSort {
    /// `x` in ascending order (finite values; the same array as `x.sorted()`, −0 before +0):
    /// one pass counts all eight digits, then one scatter pass per digit that is not the same for
    /// every value.
    static func sorted(_ x: [Double]) -> [Double] {
        let n = x.count
        guard n > 2048 else { return x.sorted() }
        var keys = [UInt64](repeating: 0, count: n), spare = keys
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeMutableBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                x.withUnsafeBufferPointer { x in
                    for j in 0..<n {
                        let b = x[j].bitPattern
                        let key = b >> 63 == 1 ? ~b : b | (1 << 63)
                        k[j] = key
                        for d in 0..<8 { c[d * 256 + Int((key >> UInt64(d * 8)) & 255)] += 1 }
                    }
                }
            }
        }
        for d in 0..<8 {
            let row = d * 256
            if counts[row..<(row + 256)].contains(n) { continue }  // one digit value: nothing moves
            var total = 0
            for v in 0..<256 { let c = counts[row + v]; counts[row + v] = total; total += c }
            keys.withUnsafeBufferPointer { from in
                spare.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { c in
                        let shift = UInt64(d * 8)
                        for j in 0..<n {
                            let key = from[j]
                            let slot = row + Int((key >> shift) & 255)
                            to[c[slot]] = key
                            c[slot] += 1
                        }
                    }
                }
            }
            swap(&keys, &spare)
        }
        return keys.map { k in Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k) }
    }

    /// Indices of `x` in ascending order of value (ties in index order; −0 before +0).
    static func order(_ x: [Double]) -> [Int] {
        let n = x.count
        // Eight counting passes cost ~4k operations whatever n is: below a few thousand values a
        // comparison sort is cheaper (same order: value, then index).
        guard n > 2048 else { return x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) } }
        // Flip the sign bit of positives and every bit of negatives: unsigned order = numeric order.
        var keys = x.map { v -> UInt64 in
            let b = v.bitPattern
            return b >> 63 == 1 ? ~b : b | (1 << 63)
        }
        var index = Array(0..<n)
        var keys2 = keys, index2 = index
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for k in 0..<256 { counts[k] = 0 }
            for key in keys { counts[Int((key >> shift) & 255)] += 1 }
            if counts.contains(n) { continue }  // every key has the same digit: nothing moves
            var total = 0
            for k in 0..<256 { let c = counts[k]; counts[k] = total; total += c }
            for j in 0..<n {
                let digit = Int((keys[j] >> shift) & 255)
                keys2[counts[digit]] = keys[j]
                index2[counts[digit]] = index[j]
                counts[digit] += 1
            }
            swap(&keys, &keys2)
            swap(&index, &index2)
        }
        return index
    }
}

/// An anomaly found on a monitored series: what, where (bars, inclusive), how far and against what.
public struct Anomaly: Sendable, Equatable, Codable {
    /// The kinds the detector looks for.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The rolling hit rate fell more than k standard errors below the hit rate before it.
        case hitRateCollapse = "hit_rate_collapse"
        /// The rolling mean confidence moved more than k standard errors away from its history.
        case confidenceDrift = "confidence_drift"
        /// More signals in a window of bars than k Poisson standard deviations above the usual rate.
        case signalRateBurst = "signal_rate_burst"
        /// The cumulative signed forward return fell further below its peak than k·σ·√L.
        case pnlDrawdown = "pnl_drawdown"
    }

    /// What was found.
    public var kind: Kind
    /// First and last bar of the anomalous stretch (bar indices of the series).
    public var firstBar: Int
    /// Last bar of the stretch (inclusive).
    public var lastBar: Int
    /// The most extreme monitored value in the stretch.
    public var value: Double
    /// The threshold it crossed at that point.
    public var threshold: Double
}

/// Finds ``Anomaly``s in a signal stream and its outcomes. Every test compares a trailing window
/// with the history *before* it (never with the future); consecutive flagged points of one kind
/// merge into one anomaly.
///
/// - hit-rate collapse: after `2·window` outcomes, the hit rate p of the last `window` outcomes
///   against the rate p₀ of the E earlier ones: flagged when
///   `p < p₀ − k·√(p₀(1 − p₀)·(1/window + 1/E))` (the standard error of a two-sample difference);
/// - confidence drift: the mean confidence m of the last `window` signals against the mean μ and
///   standard deviation σ of the E earlier ones: flagged when `|m − μ| > k·σ·√(1/window + 1/E)`;
/// - signal-rate burst: signals in the last `rateWindow` bars against the rate λ (signals per bar)
///   seen before the window, once `3·rateWindow` bars precede the window: flagged when `count > λW + k·√(λW)` and
///   more than 2 signals;
/// - P&L drawdown: the running sum of signed forward returns in resolution order, its drawdown D
///   from the peak L outcomes ago, σ the standard deviation of the signed returns so far (≥ 10
///   outcomes): flagged when `D > k·σ·√L`.
public struct SignalAnomalyDetector: Sendable, Equatable {
    /// Outcomes (or signals) in each trailing window.
    public var window = 20
    /// Bars in the signal-rate window.
    public var rateWindow = 100
    /// Threshold in standard errors. 4 by default: the windows overlap, so a stationary stream
    /// tests every bar, and k = 3 would raise a false alarm every few hundred signals.
    public var k = 4.0

    /// A detector with windows in outcomes/bars and k in standard errors.
    public init(window: Int = 20, rateWindow: Int = 100, k: Double = 4) {
        self.window = window
        self.rateWindow = rateWindow
        self.k = k
    }

    /// Anomalies over `signalBars` (bars of the directional signals, ascending), their
    /// `confidences`, and their `outcomes` at one horizon; sorted by first bar, then kind.
    public func detect(signalBars: [Int], confidences: [Double], outcomes input: [SignalOutcome]) -> [Anomaly] {
        precondition(signalBars.count == confidences.count)
        var found: [Anomaly] = []
        // Index in `found` of the stretch of each kind still being extended (−1: none), by kind ordinal.
        var open = [-1, -1, -1, -1]
        func slot(_ kind: Anomaly.Kind) -> Int {
            switch kind {
            case .hitRateCollapse: 0
            case .confidenceDrift: 1
            case .signalRateBurst: 2
            case .pnlDrawdown: 3
            }
        }
        func flag(_ kind: Anomaly.Kind, _ bar: Int, _ value: Double, _ threshold: Double, worse: (Double, Double) -> Bool) {
            let i = open[slot(kind)]
            if i >= 0 {
                found[i].lastBar = bar
                if worse(value, found[i].value) { found[i].value = value; found[i].threshold = threshold }
            } else {
                found.append(Anomaly(kind: kind, firstBar: bar, lastBar: bar, value: value, threshold: threshold))
                open[slot(kind)] = found.count - 1
            }
        }
        func close(_ kind: Anomaly.Kind) { open[slot(kind)] = -1 }

        let o = inResolutionOrder(input)
        // Hit-rate collapse and P&L drawdown, over outcomes in resolution order.
        var hitsBefore = 0, hitsInWindow = 0
        var cumulative = 0.0, peak = 0.0, peakIndex = -1
        var sum = 0.0, sumSq = 0.0
        for (j, x) in o.enumerated() {
            hitsInWindow += x.hit ? 1 : 0
            if j >= window {
                let leaving = o[j - window].hit ? 1 : 0
                hitsInWindow -= leaving
                hitsBefore += leaving
            }
            let earlier = j + 1 - window
            if earlier >= window {
                let p0 = Double(hitsBefore) / Double(earlier)
                let p = Double(hitsInWindow) / Double(window)
                let threshold = p0 - k * (p0 * (1 - p0) * (1 / Double(window) + 1 / Double(earlier))).squareRoot()
                if p < threshold { flag(.hitRateCollapse, x.resolvedBar, p, threshold, worse: <) } else { close(.hitRateCollapse) }
            }
            sum += x.signedReturn
            sumSq += x.signedReturn * x.signedReturn
            cumulative += x.signedReturn
            if cumulative >= peak { peak = cumulative; peakIndex = j; close(.pnlDrawdown); continue }
            let count = Double(j + 1)
            guard j + 1 >= 10 else { continue }
            let sigma = (max(0, sumSq - sum * sum / count) / (count - 1)).squareRoot()
            let drawdown = peak - cumulative
            let threshold = k * sigma * Double(j - peakIndex).squareRoot()
            if drawdown > threshold { flag(.pnlDrawdown, x.resolvedBar, drawdown, threshold, worse: >) } else { close(.pnlDrawdown) }
        }
        close(.hitRateCollapse)
        close(.pnlDrawdown)

        // Confidence drift over signals in bar order.
        var before = 0.0, beforeSq = 0.0, inWindow = 0.0
        for j in confidences.indices {
            inWindow += confidences[j]
            if j >= window {
                let leaving = confidences[j - window]
                inWindow -= leaving
                before += leaving
                beforeSq += leaving * leaving
            }
            let earlier = Double(j + 1 - window)
            guard earlier >= Double(window) else { continue }
            let mu = before / earlier
            let sigma = (max(0, beforeSq - before * before / earlier) / (earlier - 1)).squareRoot()
            let m = inWindow / Double(window)
            let threshold = k * sigma * (1 / Double(window) + 1 / earlier).squareRoot()
            if abs(m - mu) > threshold && sigma > 0 {
                flag(.confidenceDrift, signalBars[j], m - mu, m > mu ? threshold : -threshold) { abs($0) > abs($1) }
            } else {
                close(.confidenceDrift)
            }
        }
        close(.confidenceDrift)

        // Signal-rate bursts: at each signal, the count in the trailing rateWindow bars.
        var tail = 0
        for (j, bar) in signalBars.enumerated() {
            while signalBars[tail] <= bar - rateWindow { tail += 1 }
            let inWindowCount = Double(j - tail + 1)
            let historyBars = bar - rateWindow + 1
            guard historyBars >= 3 * rateWindow else { continue }
            let lambda = Double(tail) / Double(historyBars)
            let expected = lambda * Double(rateWindow)
            let threshold = expected + k * expected.squareRoot()
            if inWindowCount > threshold && inWindowCount > 2 {
                flag(.signalRateBurst, bar, inWindowCount, threshold, worse: >)
            } else {
                close(.signalRateBurst)
            }
        }
        close(.signalRateBurst)
        return found.sorted { $0.firstBar != $1.firstBar ? $0.firstBar < $1.firstBar : $0.kind.rawValue < $1.kind.rawValue }
    }
}

/// Outcomes ordered by resolution bar, then signal bar (returned as they are when already ordered,
/// as the outcomes of one horizon are).
func inResolutionOrder(_ o: [SignalOutcome]) -> [SignalOutcome] {
    func before(_ a: SignalOutcome, _ b: SignalOutcome) -> Bool { a.resolvedBar != b.resolvedBar ? a.resolvedBar < b.resolvedBar : a.bar < b.bar }
    for k in o.indices.dropFirst() where before(o[k], o[k - 1]) { return o.sorted(by: before) }
    return o
}
