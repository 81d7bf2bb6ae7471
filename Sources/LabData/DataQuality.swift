import Foundation
import LabCore

/// What a data-quality finding is about.
public enum FindingKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// NaN or ±infinity in a price or volume column. Error.
    case nonFinite = "non_finite"
    /// A price ≤ 0. Error.
    case nonPositivePrice = "non_positive_price"
    /// `high < max(open, close, low)` or `low > min(open, close)`. Error.
    case ohlcInconsistent = "ohlc_inconsistent"
    /// Volume < 0. Error.
    case negativeVolume = "negative_volume"
    /// A timestamp equal to the previous row's. Error.
    case duplicateTimestamp = "duplicate_timestamp"
    /// A timestamp earlier than one already seen. Error.
    case unorderedTimestamp = "unordered_timestamp"
    /// Bars missing against the expected frequency and trading calendar. Warning.
    case gap
    /// Close unchanged for at least `staleRunLength` consecutive bars. Warning.
    case staleRun = "stale_run"
    /// A price spike: a return beyond the robust threshold immediately reversed by the next one. Warning.
    case outlier

    /// Errors make the data unfit to trade on until cleaned; warnings are reported only.
    public var severity: Severity {
        switch self {
        case .gap, .staleRun, .outlier: .warning
        default: .error
        }
    }

    public static func < (a: FindingKind, b: FindingKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How serious a finding is. `gslab dataset validate` exits 1 when any finding is an error.
public enum Severity: String, Sendable, Codable {
    /// Reported only / unfit to trade on until cleaned.
    case warning, error
}

/// One problem found in a series.
public struct DataQualityFinding: Sendable, Codable, Equatable {
    /// Row index in the series as read (0-based).
    public let row: Int
    /// Timestamp of that row, ns since the epoch (UTC).
    public let timestamp: Int64
    /// Column concerned: `open`, `high`, `low`, `close`, `volume`, `timestamp` or `ohlc`.
    public let column: String
    /// What is wrong.
    public let kind: FindingKind
    /// Error (unfit to trade on until cleaned) or warning (reported only).
    public let severity: Severity
    /// Human-readable specifics (the bad value, the number of missing sessions, …).
    public let detail: String

    enum CodingKeys: String, CodingKey { case row, timestamp, time, column, kind, severity, detail }

    /// A finding at `row` (0-based) and `timestamp` (ns, UTC).
    public init(row: Int, timestamp: Int64, column: String, kind: FindingKind, severity: Severity, detail: String) {
        self.row = row
        self.timestamp = timestamp
        self.column = column
        self.kind = kind
        self.severity = severity
        self.detail = detail
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        row = try c.decode(Int.self, forKey: .row)
        timestamp = try c.decode(Int64.self, forKey: .timestamp)
        column = try c.decode(String.self, forKey: .column)
        kind = try c.decode(FindingKind.self, forKey: .kind)
        severity = try c.decode(Severity.self, forKey: .severity)
        detail = try c.decode(String.self, forKey: .detail)
    }

    /// Encodes the timestamp both as ns (`timestamp`) and as ISO 8601 UTC text (`time`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(row, forKey: .row)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encode(CivilTime.iso8601(timestamp, dateOnlyAtMidnight: false), forKey: .time)
        try c.encode(column, forKey: .column)
        try c.encode(kind, forKey: .kind)
        try c.encode(severity, forKey: .severity)
        try c.encode(detail, forKey: .detail)
    }
}

/// The outcome of ``DataQuality/validate(_:options:)`` for one series.
public struct DataQualityReport: Sendable, Codable, Equatable {
    /// Symbol of the series.
    public let symbol: String
    /// Rows validated.
    public let rows: Int
    /// Findings in row order, at most ``ValidationOptions/maxFindings`` of them (counts stay exact).
    public let findings: [DataQualityFinding]
    /// True when more findings existed than were kept.
    public let truncated: Bool
    /// Number of findings of each kind (exact, even when `findings` is truncated).
    public let counts: [FindingKind: Int]
    /// Rows with at least one error-severity finding.
    public let errorRows: Int
    /// Warning-severity findings.
    public let warnings: Int
    /// Quality score in [0, 100]: `100 · max(0, 1 − (errorRows + 0.25 · warnings) / rows)`.
    /// A clean series scores 100; every row with an error costs a full row, each warning a quarter.
    public let score: Double
    /// Calendar used for gap detection (`NYSE`, `24/7`).
    public let calendar: String
    /// Frequency the gaps were measured against.
    public let frequency: String?

    /// True when no finding is an error.
    public var isClean: Bool { errorRows == 0 }

    enum CodingKeys: String, CodingKey {
        case symbol, rows, findings, truncated, counts, errorRows = "error_rows", warnings, score, calendar, frequency
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.decode(String.self, forKey: .symbol)
        rows = try c.decode(Int.self, forKey: .rows)
        findings = try c.decode([DataQualityFinding].self, forKey: .findings)
        truncated = try c.decode(Bool.self, forKey: .truncated)
        let raw = try c.decode([String: Int].self, forKey: .counts)
        counts = Dictionary(uniqueKeysWithValues: raw.compactMap { k, v in FindingKind(rawValue: k).map { ($0, v) } })
        errorRows = try c.decode(Int.self, forKey: .errorRows)
        warnings = try c.decode(Int.self, forKey: .warnings)
        score = try c.decode(Double.self, forKey: .score)
        calendar = try c.decode(String.self, forKey: .calendar)
        frequency = try c.decodeIfPresent(String.self, forKey: .frequency)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(rows, forKey: .rows)
        try c.encode(findings, forKey: .findings)
        try c.encode(truncated, forKey: .truncated)
        try c.encode(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }), forKey: .counts)
        try c.encode(errorRows, forKey: .errorRows)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(score, forKey: .score)
        try c.encode(calendar, forKey: .calendar)
        try c.encodeIfPresent(frequency, forKey: .frequency)
    }

    init(
        symbol: String, rows: Int, findings: [DataQualityFinding], truncated: Bool, counts: [FindingKind: Int],
        errorRows: Int, warnings: Int, calendar: String, frequency: String?
    ) {
        self.symbol = symbol
        self.rows = rows
        self.findings = findings
        self.truncated = truncated
        self.counts = counts
        self.errorRows = errorRows
        self.warnings = warnings
        self.score = rows == 0 ? 0 : 100 * max(0, 1 - (Double(errorRows) + 0.25 * Double(warnings)) / Double(rows))
        self.calendar = calendar
        self.frequency = frequency
    }
}

/// Settings for ``DataQuality/validate(_:options:)``.
public struct ValidationOptions: Sendable {
    /// Trading calendar for gap detection; nil infers it (``CalendarInference``).
    public var calendar: TradingCalendar?
    /// A spacing above `gapTolerance ×` the bar frequency is examined as a possible gap. Must be > 1.
    public var gapTolerance: Double
    /// Minimum number of consecutive bars with an unchanged close reported as a stale run; 0 disables.
    public var staleRunLength: Int
    /// Robust z-score threshold for price spikes (return and its reversal both beyond it); must be > 0.
    public var spikeThreshold: Double
    /// Findings kept in the report (counts stay exact).
    public var maxFindings: Int

    /// Validation options with the defaults the lab uses (calendar inferred when nil, see above).
    public init(
        calendar: TradingCalendar? = nil, gapTolerance: Double = 1.5, staleRunLength: Int = 5, spikeThreshold: Double = 8,
        maxFindings: Int = 10_000
    ) {
        self.calendar = calendar
        self.gapTolerance = gapTolerance
        self.staleRunLength = staleRunLength
        self.spikeThreshold = spikeThreshold
        self.maxFindings = maxFindings
    }

    func check() throws {
        guard gapTolerance > 1, gapTolerance.isFinite else {
            throw LabDataError.invalidParameter(owner: "validate", field: "gapTolerance", reason: "must be > 1, got \(gapTolerance)")
        }
        guard staleRunLength >= 0 && staleRunLength != 1 else {
            throw LabDataError.invalidParameter(
                owner: "validate", field: "staleRunLength", reason: "must be 0 (off) or ≥ 2, got \(staleRunLength)")
        }
        guard spikeThreshold > 0, spikeThreshold.isFinite else {
            throw LabDataError.invalidParameter(owner: "validate", field: "spikeThreshold", reason: "must be > 0, got \(spikeThreshold)")
        }
        guard maxFindings >= 0 else {
            throw LabDataError.invalidParameter(owner: "validate", field: "maxFindings", reason: "must be ≥ 0, got \(maxFindings)")
        }
    }
}

/// Data-quality checks, cleaning, outlier detection and normalisation for bar series.
public enum DataQuality {}

extension DataQuality {
    /// Checks a series and reports every finding (see ``FindingKind`` for the checks and severities).
    ///
    /// One pass over the columns: a bar passing every check costs a handful of comparisons; only
    /// suspicious bars take the slow path that classifies them. Gaps: a spacing longer than
    /// `gapTolerance × frequency` is a gap when whole trading sessions are missing (daily data:
    /// weekends and exchange holidays are not gaps) or, intraday, when bars are missing inside one
    /// local trading day. Spikes: returns are compared with `median ± threshold · 1.4826 · MAD` of
    /// the log returns (median and MAD estimated on an evenly strided sample of up to 65 536 returns).
    public static func validate(_ series: BarSeries, options: ValidationOptions = ValidationOptions()) throws -> DataQualityReport {
        try options.check()
        let n = series.count
        let calendar = options.calendar ?? CalendarInference.infer(series).calendar
        let frequency = series.frequency
        var collector = FindingCollector(limit: options.maxFindings, timestamps: series.timestamps)
        guard n > 0 else {
            return collector.report(symbol: series.symbol, rows: 0, calendar: calendar.name, frequency: frequency?.label)
        }
        let gapThreshold: Int64 =
            frequency.map { f in
                let threshold = Double(f.nanoseconds) * options.gapTolerance
                return threshold < 9.2e18 ? Int64(threshold) : .max  // a spacing of centuries: no gap is longer
            } ?? .max
        let (spikeUp, spikeDown) = spikeBounds(series.close, threshold: options.spikeThreshold)
        let gapContext = GapContext(calendar: calendar, frequency: frequency)
        let staleLength = options.staleRunLength > 0 ? options.staleRunLength : Int.max
        if allBarsPassFastChecks(series, gapThreshold: gapThreshold, gaps: gapContext, spikeUp: spikeUp, spikeDown: spikeDown) {
            // Every bar passed every check (in parallel over row chunks): nothing to report.
            return collector.report(symbol: series.symbol, rows: n, calendar: calendar.name, frequency: frequency?.label)
        }

        series.timestamps.withUnsafeBufferPointer { ts in
            series.open.withUnsafeBufferPointer { o in
                series.high.withUnsafeBufferPointer { h in
                    series.low.withUnsafeBufferPointer { l in
                        series.close.withUnsafeBufferPointer { c in
                            series.volume.withUnsafeBufferPointer { v in
                                var maxSeen = Int64.min
                                var staleStart = 0
                                // Direction of the previous bar's move beyond the spike bounds: +1 up, -1 down, 0 none.
                                var previousJump = 0
                                for i in 0..<n {
                                    let oi = o[i], hi = h[i], li = l[i], ci = c[i], vi = v[i], ti = ts[i]
                                    let prevC = i > 0 ? c[i - 1] : .nan
                                    // Spacing from the latest timestamp seen so far: ≤ 0 means duplicate or unordered.
                                    let dt = ti &- maxSeen
                                    let jump = ci > prevC * spikeUp ? 1 : (ci < prevC * spikeDown ? -1 : 0)
                                    let valuesOK =
                                        oi > 0 && oi < .infinity && hi > 0 && hi < .infinity && li > 0 && li < .infinity
                                        && ci > 0 && ci < .infinity && vi >= 0 && vi < .infinity
                                        && hi >= oi && hi >= ci && li <= oi && li <= ci
                                    let timeOK = (dt > 0 && dt <= gapThreshold) || i == 0
                                    if _fastPath(valuesOK && timeOK && ci != prevC && jump == 0 && previousJump == 0) {
                                        if i - staleStart >= staleLength {
                                            collector.staleRun(start: staleStart, length: i - staleStart)
                                        }
                                        staleStart = i
                                        maxSeen = ti
                                        continue
                                    }
                                    // Slow path: classify everything wrong with bar i.
                                    collector.beginRow(i)
                                    if !valuesOK {
                                        for (name, x) in [("open", oi), ("high", hi), ("low", li), ("close", ci)] {
                                            if !x.isFinite {
                                                collector.add(i, name, .nonFinite, "\(x)")
                                            } else if x <= 0 {
                                                collector.add(i, name, .nonPositivePrice, "\(x)")
                                            }
                                        }
                                        if !vi.isFinite {
                                            collector.add(i, "volume", .nonFinite, "\(vi)")
                                        } else if vi < 0 {
                                            collector.add(i, "volume", .negativeVolume, "\(vi)")
                                        }
                                        if oi.isFinite && hi.isFinite && li.isFinite && ci.isFinite {
                                            if hi < max(oi, ci) || hi < li {
                                                collector.add(i, "high", .ohlcInconsistent, "high \(hi) < max(open \(oi), close \(ci))")
                                            }
                                            if li > min(oi, ci) {
                                                collector.add(i, "low", .ohlcInconsistent, "low \(li) > min(open \(oi), close \(ci))")
                                            }
                                        }
                                    }
                                    if i > 0 {
                                        if dt == 0 {
                                            collector.add(i, "timestamp", .duplicateTimestamp, "same as an earlier row")
                                        } else if dt < 0 {
                                            collector.add(i, "timestamp", .unorderedTimestamp, "earlier than a previous row")
                                        } else if dt > gapThreshold, let missing = gapContext.missing(from: maxSeen, to: ti) {
                                            collector.add(i, "timestamp", .gap, missing)
                                        }
                                    }
                                    if jump != 0 && previousJump == -jump {
                                        let r0 = (c[i - 1] / c[i - 2] - 1) * 100
                                        let r1 = (ci / prevC - 1) * 100
                                        collector.add(i - 1, "close", .outlier, String(format: "spike %+.2f%% then %+.2f%%", r0, r1))
                                    }
                                    collector.endRow()
                                    if ci == prevC {
                                        // stale run continues
                                    } else {
                                        if i - staleStart >= staleLength { collector.staleRun(start: staleStart, length: i - staleStart) }
                                        staleStart = i
                                    }
                                    previousJump = i > 0 && ci.isFinite && prevC.isFinite ? jump : 0
                                    maxSeen = max(maxSeen, ti)
                                }
                                if n - staleStart >= staleLength { collector.staleRun(start: staleStart, length: n - staleStart) }
                            }
                        }
                    }
                }
            }
        }
        return collector.report(symbol: series.symbol, rows: n, calendar: calendar.name, frequency: frequency?.label)
    }

    /// True when every bar passes the fast-path checks of `validate` — finite positive prices,
    /// consistent OHLC, finite non-negative volume, a timestamp after the previous one and no gap
    /// the calendar does not explain, a close different from the previous one, no spike (a move
    /// beyond the spike bounds reversed by the next one) —
    /// so that validation has nothing to report. Row chunks of at least 1M bars are checked in
    /// parallel (one per core); each chunk stops at its first suspicious bar. When this returns
    /// false, the sequential pass classifies everything exactly.
    static func allBarsPassFastChecks(
        _ series: BarSeries, gapThreshold: Int64, gaps: GapContext, spikeUp: Double, spikeDown: Double
    ) -> Bool {
        let n = series.count
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, n / 1_000_000))
        return series.timestamps.withUnsafeBufferPointer { t in
            series.open.withUnsafeBufferPointer { o in
                series.high.withUnsafeBufferPointer { h in
                    series.low.withUnsafeBufferPointer { l in
                        series.close.withUnsafeBufferPointer { c in
                            series.volume.withUnsafeBufferPointer { v in
                                let columns = UnsafeColumns(t: t, o: o, h: h, l: l, c: c, v: v)
                                let flags = UnsafeFlags(count: workers)
                                defer { flags.release() }
                                DispatchQueue.concurrentPerform(iterations: workers) { w in
                                    let lo = n * w / workers, hi = n * (w + 1) / workers
                                    flags.set(w, columns.pass(lo..<hi, gapThreshold: gapThreshold, gaps: gaps, spikeUp: spikeUp, spikeDown: spikeDown))
                                }
                                return flags.all
                            }
                        }
                    }
                }
            }
        }
    }

    /// Ratio bounds `(up, down)` such that `c[i] > c[i-1]·up` or `c[i] < c[i-1]·down` is a
    /// robust-z move beyond `threshold`. Returns (∞, 0) — no spikes — when the scale is zero.
    static func spikeBounds(_ close: [Double], threshold: Double) -> (Double, Double) {
        let n = close.count
        guard n > 2 else { return (.infinity, 0) }
        let step = max(1, (n - 1) / 65_536)
        var sample: [Double] = []
        sample.reserveCapacity((n - 1) / step + 1)
        var i = 1
        while i < n {
            let r = log(close[i] / close[i - 1])
            if r.isFinite { sample.append(r) }
            i += step
        }
        guard sample.count >= 2 else { return (.infinity, 0) }
        let median = Robust.median(&sample)
        for k in sample.indices { sample[k] = abs(sample[k] - median) }
        let scale = 1.4826 * Robust.median(&sample)
        guard scale > 0 else { return (.infinity, 0) }
        return (exp(median + threshold * scale), exp(median - threshold * scale))
    }
}

/// Decides whether a long spacing between two bars is a gap under a trading calendar.
struct GapContext: Sendable {
    let calendar: TradingCalendar
    let frequency: BarFrequency?

    /// A description of what is missing between bars at `a` and `b`, or nil when nothing is
    /// (a weekend, a holiday, an overnight break).
    func missing(from a: Int64, to b: Int64) -> String? {
        let intraday = frequency?.isIntraday ?? false
        let roundTheClock = calendar.sessionMinutes >= 1440 && calendar.weekdays.count == 7
        // Daily bars by their date label; intraday bars by the calendar's trading date.
        let dayA = intraday ? calendar.tradingDate(of: a) : CivilTime.dayNumber(a)
        let dayB = intraday ? calendar.tradingDate(of: b) : CivilTime.dayNumber(b)
        if intraday && (dayA == dayB || roundTheClock) {
            let bars = frequency.map { (b - a) / $0.nanoseconds - 1 } ?? 0
            return
                "\(bars) \(bars == 1 ? "bar" : "bars") missing between \(CivilTime.iso8601(a, dateOnlyAtMidnight: false)) and \(CivilTime.iso8601(b, dateOnlyAtMidnight: false))"
        }
        guard dayB > dayA else { return nil }
        if let f = frequency, f.nanoseconds >= 6 * CivilTime.nanosPerDay {
            // Weekly or monthly bars: a gap is a spacing of more than 1.5 periods in calendar days.
            let periods = Double(b - a) / Double(f.nanoseconds)
            return periods > 1.5 ? "\(Int(periods.rounded()) - 1) \(f.label) bars missing" : nil
        }
        let sessions = calendar.tradingDays(strictlyBetween: dayA, and: dayB)
        guard sessions > 0 else { return nil }
        return
            "\(sessions) trading \(sessions == 1 ? "session" : "sessions") missing between \(CivilTime.iso8601(CivilTime.nanosPerDay * dayA)) and \(CivilTime.iso8601(CivilTime.nanosPerDay * dayB))"
    }
}

/// Accumulates findings with exact counts and a cap on how many are kept.
struct FindingCollector {
    let limit: Int
    let timestamps: [Int64]
    var findings: [DataQualityFinding] = []
    var truncated = false
    var counts: [FindingKind: Int] = [:]
    var errorRows = 0
    var warnings = 0
    private var rowHasError = false

    init(limit: Int, timestamps: [Int64]) {
        self.limit = limit
        self.timestamps = timestamps
    }

    mutating func beginRow(_ row: Int) { rowHasError = false }

    mutating func endRow() { if rowHasError { errorRows += 1 } }

    mutating func add(_ row: Int, _ column: String, _ kind: FindingKind, _ detail: String) {
        counts[kind, default: 0] += 1
        if kind.severity == .error { rowHasError = true } else { warnings += 1 }
        if findings.count < limit {
            findings.append(
                DataQualityFinding(
                    row: row, timestamp: timestamps[row], column: column, kind: kind, severity: kind.severity, detail: detail))
        } else {
            truncated = true
        }
    }

    mutating func staleRun(start: Int, length: Int) {
        add(start, "close", .staleRun, "close unchanged for \(length) bars")
    }

    func report(symbol: String, rows: Int, calendar: String, frequency: String?) -> DataQualityReport {
        // Stale runs are recorded when they end, so restore row order.
        let ordered = findings.enumerated().sorted { a, b in
            a.element.row != b.element.row ? a.element.row < b.element.row : a.offset < b.offset
        }.map(\.element)
        return DataQualityReport(
            symbol: symbol, rows: rows, findings: ordered, truncated: truncated, counts: counts, errorRows: errorRows,
            warnings: warnings, calendar: calendar, frequency: frequency)
    }
}

/// A series' column buffers shared read-only by the parallel fast check, valid inside the
/// `withUnsafeBufferPointer` calls that produced them.
private struct UnsafeColumns: @unchecked Sendable {
    let t: UnsafeBufferPointer<Int64>
    let o, h, l, c, v: UnsafeBufferPointer<Double>

    /// Whether every bar of `range` passes the fast checks (see `DataQuality.allBarsPassFastChecks`).
    func pass(_ range: Range<Int>, gapThreshold: Int64, gaps: GapContext, spikeUp: Double, spikeDown: Double) -> Bool {
        var prevJump = 0
        if range.lowerBound >= 2 {
            let i = range.lowerBound - 1
            prevJump = c[i] > c[i - 1] * spikeUp ? 1 : (c[i] < c[i - 1] * spikeDown ? -1 : 0)
        }
        for i in range {
            let oi = o[i], hi = h[i], li = l[i], ci = c[i], vi = v[i]
            let valuesOK =
                oi > 0 && oi < .infinity && hi > 0 && hi < .infinity && li > 0 && li < .infinity && ci > 0 && ci < .infinity
                && vi >= 0 && vi < .infinity && hi >= oi && hi >= ci && li <= oi && li <= ci
            if i == 0 {
                if !valuesOK { return false }
                continue
            }
            let dt = t[i] &- t[i - 1]
            let prevC = c[i - 1]
            let jump = ci > prevC * spikeUp ? 1 : (ci < prevC * spikeDown ? -1 : 0)
            // A move beyond the spike bounds is fine unless it reverses the previous one (a spike).
            if !(valuesOK && dt > 0 && ci != prevC && (jump == 0 || prevJump != -jump)) { return false }
            // A long spacing is fine when the calendar explains it (a night, a weekend, a holiday).
            if dt > gapThreshold && gaps.missing(from: t[i - 1], to: t[i]) != nil { return false }
            prevJump = jump
        }
        return true
    }
}

/// Per-worker results of the parallel fast check (each worker writes only its own slot).
private struct UnsafeFlags: @unchecked Sendable {
    private let flags: UnsafeMutableBufferPointer<Bool>

    init(count: Int) {
        flags = .allocate(capacity: count)
        flags.initialize(repeating: false)
    }

    func set(_ index: Int, _ value: Bool) { flags[index] = value }
    var all: Bool { flags.allSatisfy { $0 } }
    func release() { flags.deallocate() }
}
