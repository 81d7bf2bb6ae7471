import LabCore

/// What ``DataQuality/clean(_:policy:report:)`` does with each kind of defect.
public struct CleaningPolicy: Sendable, Equatable {
    /// Repair of a bad price (NaN, ±inf or ≤ 0).
    public enum BadPrice: String, Sendable, Codable {
        /// Remove the row.
        case drop
        /// Use the previous valid value of the column (the next one for leading rows).
        case forwardFill = "forward_fill"
        /// Linear interpolation by row between the neighbouring valid values (nearest at the ends).
        case interpolate
    }
    /// Repair of a bad volume (NaN, ±inf or < 0).
    public enum BadVolume: String, Sendable, Codable {
        /// Remove the row.
        case drop
        /// Set the volume to 0 (no trading assumed).
        case zero
    }
    /// Repair of `high`/`low` that do not bracket `open` and `close`.
    public enum Inconsistent: String, Sendable, Codable {
        /// Remove the row.
        case drop
        /// `high = max(open, high, low, close)`, `low = min(open, high, low, close)`.
        case clip
    }
    /// Which of several rows with the same timestamp survives.
    public enum Duplicates: String, Sendable, Codable {
        /// Keep the first row of the timestamp.
        case keepFirst = "keep_first"
        /// Keep the last row of the timestamp (a later correction wins).
        case keepLast = "keep_last"
        /// Remove every row of the timestamp.
        case dropAll = "drop_all"
    }
    /// Treatment of rows out of time order.
    public enum Unordered: String, Sendable, Codable {
        /// Stable sort by timestamp.
        case sort
        /// Remove rows earlier than one already seen.
        case drop
    }
    /// Treatment of price spikes (``FindingKind/outlier``).
    public enum Spikes: String, Sendable, Codable {
        /// Leave the spike (reported only).
        case keep
        /// Replace the spike bar's open, high, low and close by interpolation of its neighbours' closes.
        case interpolate
        /// Remove the spike bar.
        case drop
    }

    /// What to do with NaN, infinite or non-positive prices.
    public var badPrice: BadPrice
    /// What to do with NaN, infinite or negative volumes.
    public var badVolume: BadVolume
    /// What to do with a high or low that does not bracket open and close.
    public var inconsistent: Inconsistent
    /// Which of several bars with one timestamp to keep.
    public var duplicates: Duplicates
    /// Whether rows out of time order are sorted or dropped.
    public var unordered: Unordered
    /// What to do with price spikes.
    public var spikes: Spikes

    /// Defaults: forward-fill prices, zero volume, clip OHLC, keep the last duplicate (a later
    /// print corrects an earlier one), sort, keep spikes (reported, not changed).
    public init(
        badPrice: BadPrice = .forwardFill, badVolume: BadVolume = .zero, inconsistent: Inconsistent = .clip,
        duplicates: Duplicates = .keepLast, unordered: Unordered = .sort, spikes: Spikes = .keep
    ) {
        self.badPrice = badPrice
        self.badVolume = badVolume
        self.inconsistent = inconsistent
        self.duplicates = duplicates
        self.unordered = unordered
        self.spikes = spikes
    }
}

/// One change made by cleaning.
public struct CleaningChange: Sendable, Codable, Equatable {
    /// Row index in the series as given to `clean` (before any row was removed or moved).
    public let row: Int
    /// Timestamp of that row (ns, UTC).
    public let timestamp: Int64
    /// Column changed, or `row` when the whole row was removed or moved.
    public let column: String
    /// The defect that caused the change.
    public let kind: FindingKind
    /// `dropped`, `moved`, `forward_fill`, `interpolate`, `zero`, `clip`.
    public let action: String
    /// Value before (nil for row-level actions).
    public let before: Double?
    /// Value after (nil for row-level actions).
    public let after: Double?
}

/// The cleaned series and the log of everything changed.
public struct CleaningResult: Sendable {
    /// The series after cleaning.
    public let series: BarSeries
    /// Every change, in the order applied: ordering, duplicates, bad values, OHLC, spikes.
    public let changes: [CleaningChange]
    /// Rows removed.
    public var droppedRows: Int { changes.filter { $0.action == "dropped" }.count }
}

extension DataQuality {
    /// Repairs the error-severity defects of `series` according to `policy` (and spikes when the
    /// policy says so), logging every change with its original row.
    ///
    /// Order: sort or drop unordered rows, resolve duplicate timestamps, repair bad prices and
    /// volumes, clip or drop inconsistent OHLC, then treat spikes. The result validates without
    /// error findings, and cleaning it again changes nothing.
    ///
    /// - Parameter report: the series' validation report, when already computed: a report without
    ///   errors (and no spikes to treat) returns the series unchanged without scanning it again.
    public static func clean(
        _ series: BarSeries, policy: CleaningPolicy = CleaningPolicy(), report: DataQualityReport? = nil
    ) throws -> CleaningResult {
        if let report, report.isClean, policy.spikes == .keep || report.counts[.outlier, default: 0] == 0 {
            return CleaningResult(series: series, changes: [])
        }
        var work = series
        // Original row of each current row; nil while rows are still in their original places.
        var origin: [Int]? = nil
        var changes: [CleaningChange] = []
        func log(_ row: Int, _ column: String, _ kind: FindingKind, _ action: String, _ before: Double?, _ after: Double?) {
            changes.append(
                CleaningChange(
                    row: origin?[row] ?? row, timestamp: work.timestamps[row], column: column, kind: kind, action: action,
                    before: before, after: after))
        }
        func keepRows(_ keep: [Bool]) {
            work = work.filtered(keeping: keep)
            var kept: [Int] = []
            kept.reserveCapacity(work.count)
            for i in keep.indices where keep[i] { kept.append(origin?[i] ?? i) }
            origin = kept
        }

        // 1. Time order.
        var maxSeen = Int64.min
        var outOfOrder: [Bool] = Array(repeating: false, count: work.count)
        var anyUnordered = false
        for i in 0..<work.count {
            if work.timestamps[i] < maxSeen {
                outOfOrder[i] = true
                anyUnordered = true
            }
            maxSeen = max(maxSeen, work.timestamps[i])
        }
        if anyUnordered {
            switch policy.unordered {
            case .drop:
                for i in outOfOrder.indices where outOfOrder[i] { log(i, "row", .unorderedTimestamp, "dropped", nil, nil) }
                keepRows(outOfOrder.map { !$0 })
            case .sort:
                for i in outOfOrder.indices where outOfOrder[i] { log(i, "row", .unorderedTimestamp, "moved", nil, nil) }
                let order = work.timestamps.indices.sorted { a, b in
                    work.timestamps[a] != work.timestamps[b] ? work.timestamps[a] < work.timestamps[b] : a < b
                }
                work = work.reordered(by: order)
                origin = order.map { origin?[$0] ?? $0 }
            }
        }

        // 2. Duplicate timestamps (adjacent after sorting).
        if work.count > 1 {
            var keep = Array(repeating: true, count: work.count)
            var start = 0
            var anyDuplicate = false
            for i in 1...work.count {
                if i < work.count && work.timestamps[i] == work.timestamps[start] { continue }
                if i - start > 1 {
                    anyDuplicate = true
                    let survivors: Range<Int> =
                        switch policy.duplicates {
                        case .keepFirst: start..<(start + 1)
                        case .keepLast: (i - 1)..<i
                        case .dropAll: start..<start
                        }
                    for k in start..<i where !survivors.contains(k) {
                        keep[k] = false
                        log(k, "row", .duplicateTimestamp, "dropped", nil, nil)
                    }
                }
                start = i
            }
            if anyDuplicate { keepRows(keep) }
        }

        // 3. Bad prices and volumes.
        var dropRow = Array(repeating: false, count: work.count)
        let priceColumns: [(String, WritableKeyPath<BarSeries, [Double]>)] = [
            ("open", \.open), ("high", \.high), ("low", \.low), ("close", \.close),
        ]
        for (name, path) in priceColumns {
            let column = work[keyPath: path]
            func isValid(_ x: Double) -> Bool { x > 0 && x < .infinity }
            guard column.contains(where: { !isValid($0) }) else { continue }
            var fixed = column
            for i in column.indices where !isValid(column[i]) {
                let kind: FindingKind = column[i].isFinite ? .nonPositivePrice : .nonFinite
                // Nearest valid neighbours (bad values are rare, so these scans are short).
                var p = i - 1
                while p >= 0 && !isValid(column[p]) { p -= 1 }
                var q = i + 1
                while q < column.count && !isValid(column[q]) { q += 1 }
                let prev: Int? = p >= 0 ? p : nil
                let next: Int? = q < column.count ? q : nil
                if policy.badPrice == .drop || (prev == nil && next == nil) {
                    if !dropRow[i] { log(i, "row", kind, "dropped", nil, nil) }
                    dropRow[i] = true
                    continue
                }
                let value: Double
                switch (policy.badPrice, prev, next) {
                case (.interpolate, let p?, let q?):
                    let w = Double(i - p) / Double(q - p)
                    value = column[p] + w * (column[q] - column[p])
                case (_, let p?, _): value = column[p]
                case (_, nil, let q?): value = column[q]
                default: value = .nan
                }
                fixed[i] = value
                log(i, name, kind, policy.badPrice.rawValue, column[i], value)
            }
            work[keyPath: path] = fixed
        }
        for i in work.volume.indices where !(work.volume[i] >= 0 && work.volume[i] < .infinity) {
            let kind: FindingKind = work.volume[i].isFinite ? .negativeVolume : .nonFinite
            switch policy.badVolume {
            case .drop:
                if !dropRow[i] { log(i, "row", kind, "dropped", nil, nil) }
                dropRow[i] = true
            case .zero:
                log(i, "volume", kind, "zero", work.volume[i], 0)
                work.volume[i] = 0
            }
        }
        if dropRow.contains(true) { keepRows(dropRow.map { !$0 }) }

        // 4. OHLC consistency.
        var inconsistentRows: [Bool] = Array(repeating: false, count: work.count)
        for i in 0..<work.count {
            let o = work.open[i], h = work.high[i], l = work.low[i], c = work.close[i]
            guard h < max(o, c) || h < l || l > min(o, c) else { continue }
            switch policy.inconsistent {
            case .drop:
                log(i, "row", .ohlcInconsistent, "dropped", nil, nil)
                inconsistentRows[i] = true
            case .clip:
                let newHigh = max(o, h, l, c), newLow = min(o, h, l, c)
                if newHigh != h {
                    log(i, "high", .ohlcInconsistent, "clip", h, newHigh)
                    work.high[i] = newHigh
                }
                if newLow != l {
                    log(i, "low", .ohlcInconsistent, "clip", l, newLow)
                    work.low[i] = newLow
                }
            }
        }
        if inconsistentRows.contains(true) { keepRows(inconsistentRows.map { !$0 }) }

        // 5. Spikes.
        if policy.spikes != .keep {
            let spikeReport = try validate(work, options: ValidationOptions(staleRunLength: 0, maxFindings: .max))
            let rows = spikeReport.findings.filter { $0.kind == .outlier }.map(\.row)
            if !rows.isEmpty {
                switch policy.spikes {
                case .drop:
                    var keep = Array(repeating: true, count: work.count)
                    for r in rows {
                        keep[r] = false
                        log(r, "row", .outlier, "dropped", nil, nil)
                    }
                    keepRows(keep)
                case .interpolate, .keep:
                    for r in rows where r > 0 && r + 1 < work.count {
                        let value = (work.close[r - 1] + work.close[r + 1]) / 2
                        log(r, "close", .outlier, "interpolate", work.close[r], value)
                        work.open[r] = value
                        work.high[r] = value
                        work.low[r] = value
                        work.close[r] = value
                    }
                }
            }
        }
        work.frequency = series.frequency ?? BarFrequency.infer(timestamps: work.timestamps)
        return CleaningResult(series: work, changes: changes)
    }
}
