/// Price bars of one instrument, stored as a struct of arrays (one contiguous column per field).
///
/// Conventions held across the lab:
/// - `timestamps` are nanoseconds since the Unix epoch, UTC, marking the **start** of each bar;
///   `timezone` names the exchange's IANA zone (e.g. `America/New_York`) used for calendars and
///   display, or `UTC` when the source had none.
/// - Daily and longer bars are stamped at **midnight UTC of their trading date** (a date label:
///   a naive `2004-08-19` is `2004-08-19T00:00Z` whatever the exchange's zone); their calendar
///   date is the UTC date (``localDayNumber(at:)``). Intraday bars carry true instants and their
///   trading date is the date in `timezone`.
/// - Prices are in the instrument's quote currency; `volume` is in units traded (shares, contracts).
/// - A well-formed series has strictly increasing timestamps and `low ≤ min(open, close)`,
///   `max(open, close) ≤ high`; the type does not enforce this (raw data may break it) —
///   `DataQuality.validate` reports every violation and `DataQuality.clean` repairs them.
///
/// Columns are Swift arrays, so copies share storage until written (copy-on-write) and
/// ``BarSlice`` views by index or time range never copy.
public struct BarSeries: Sendable, Equatable {
    /// Instrument symbol, e.g. `GOOG`.
    public var symbol: String
    /// Bar start times, ns since the Unix epoch, UTC.
    public var timestamps: [Int64]
    /// First traded price of each bar.
    public var open: [Double]
    /// Highest traded price of each bar.
    public var high: [Double]
    /// Lowest traded price of each bar.
    public var low: [Double]
    /// Last traded price of each bar.
    public var close: [Double]
    /// Quantity traded during each bar (shares, contracts or coins), ≥ 0.
    public var volume: [Double]
    /// Quoted bid–ask spread of each bar as a fraction of the mid price (0.0005 = 5 bp), when known.
    /// nil means unknown: the execution simulator then uses its own spread model. Stress transforms
    /// that thin liquidity create or widen it, so execution sees the stress.
    public var spread: [Double]?
    /// Nominal bar spacing; inferred from `timestamps` when not given.
    public var frequency: BarFrequency?
    /// IANA time zone of the exchange (`UTC` when unknown).
    public var timezone: String
    /// Free-form provenance and description (`source`, `currency`, …), sorted when serialised.
    public var metadata: [String: String]
    /// How per-bar figures are annualised (the run sets it from the trading calendar); nil keeps
    /// the rule of ``Annualisation/legacyBarsPerYear(_:)``.
    public var annualisation: Annualisation?

    /// Creates a series, checking that every column has as many rows as `timestamps` and that
    /// the latest timestamp minus the earliest fits an `Int64` (every difference of two bars then
    /// does).
    /// - Throws: ``LabCoreError/columnLengthMismatch(symbol:field:expected:actual:)``,
    ///   ``LabCoreError/timestampSpan(symbol:first:last:)``.
    public init(
        symbol: String,
        timestamps: [Int64],
        open: [Double],
        high: [Double],
        low: [Double],
        close: [Double],
        volume: [Double],
        spread: [Double]? = nil,
        frequency: BarFrequency? = nil,
        timezone: String = "UTC",
        metadata: [String: String] = [:],
        annualisation: Annualisation? = nil
    ) throws {
        let n = timestamps.count
        for (field, column) in [("open", open), ("high", high), ("low", low), ("close", close), ("volume", volume), ("spread", spread ?? volume)]
        where column.count != n {
            throw LabCoreError.columnLengthMismatch(symbol: symbol, field: field, expected: n, actual: column.count)
        }
        if let (first, last) = Self.overflowingSpan(timestamps) { throw LabCoreError.timestampSpan(symbol: symbol, first: first, last: last) }
        self.symbol = symbol
        self.timestamps = timestamps
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.spread = spread
        self.frequency = frequency ?? BarFrequency.infer(timestamps: timestamps)
        self.timezone = timezone
        self.metadata = metadata
        self.annualisation = annualisation
    }

    /// Number of bars.
    @inlinable public var count: Int { timestamps.count }
    /// True when the series holds no bars.
    @inlinable public var isEmpty: Bool { timestamps.isEmpty }

    /// The whole series as a slice.
    public var all: BarSlice { BarSlice(series: self, range: 0..<count) }

    /// A view of the bars at `range` (indices into this series), without copying.
    public subscript(bars range: Range<Int>) -> BarSlice {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "bar range out of bounds")
        return BarSlice(series: self, range: range)
    }

    /// A view of the bars whose timestamps lie in `start ..< end` (ns, UTC), without copying.
    /// Requires sorted timestamps (binary search).
    public func slice(from start: Int64, to end: Int64) -> BarSlice {
        let lo = firstIndex(atOrAfter: start)
        let hi = max(lo, firstIndex(atOrAfter: end))
        return BarSlice(series: self, range: lo..<hi)
    }

    /// Index of the first bar whose timestamp is ≥ `time` (or `count` if none). Requires sorted timestamps.
    public func firstIndex(atOrAfter time: Int64) -> Int {
        var lo = 0
        var hi = timestamps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if timestamps[mid] < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The trading date of the bar at `index`, as days since 1970-01-01: the UTC date for daily
    /// and longer bars, the date in `timezone` for intraday bars.
    public func localDayNumber(at index: Int) -> Int64 {
        BarSeries.localDayNumber(timestamps[index], timezone: timezone, intraday: frequency?.isIntraday ?? false)
    }

    /// The trading date of timestamp `t` under the convention above.
    public static func localDayNumber(_ t: Int64, timezone: String, intraday: Bool) -> Int64 {
        guard intraday else { return CivilTime.dayNumber(t) }
        return CivilTime.dayNumber(CivilTime.shifted(t, bySeconds: TimeZoneOffsets.secondsFromUTC(timezone, at: t)))
    }

    /// ``localDayNumber(at:)`` of every bar, in one pass (the zone's offset looked up once per
    /// transition, not per bar: loops over many bars should use this).
    public func localDayNumbers() -> [Int64] {
        BarSeries.localDayNumbers(timestamps, timezone: timezone, intraday: frequency?.isIntraday ?? false)
    }

    /// ``localDayNumber(_:timezone:intraday:)`` of every timestamp, in one pass.
    public static func localDayNumbers(_ timestamps: [Int64], timezone: String, intraday: Bool) -> [Int64] {
        guard intraday else { return timestamps.map(CivilTime.dayNumber) }
        var cursor = TimeZoneOffsets.Cursor()
        return timestamps.map { t in CivilTime.dayNumber(CivilTime.shifted(t, bySeconds: cursor.secondsFromUTC(timezone, at: t))) }
    }

    /// Keeps only the rows for which `keep[i]` is true (same length as the series).
    public func filtered(keeping keep: [Bool]) -> BarSeries {
        precondition(keep.count == count)
        var copy = self
        func pick<T>(_ column: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(column.count)
            for i in column.indices where keep[i] { out.append(column[i]) }
            return out
        }
        copy.timestamps = pick(timestamps)
        copy.open = pick(open)
        copy.high = pick(high)
        copy.low = pick(low)
        copy.close = pick(close)
        copy.volume = pick(volume)
        copy.spread = spread.map(pick)
        return copy
    }

    /// Reorders rows by `order` (a permutation or a selection of row indices).
    public func reordered(by order: [Int]) -> BarSeries {
        var copy = self
        copy.timestamps = order.map { timestamps[$0] }
        copy.open = order.map { open[$0] }
        copy.high = order.map { high[$0] }
        copy.low = order.map { low[$0] }
        copy.close = order.map { close[$0] }
        copy.volume = order.map { volume[$0] }
        copy.spread = spread.map { column in order.map { column[$0] } }
        return copy
    }
}

extension BarSeries {
    /// Bars per year, the one annualisation convention of the stress models, the execution
    /// accruals, the risk filter and volatility-target sizing: ``annualisation``'s when set (the
    /// trading calendar and the bar frequency, see ``Annualisation``), else
    /// ``Annualisation/legacyBarsPerYear(_:)``. (Performance statistics take periods a year of
    /// their period returns, see `PerformanceStats`.)
    public var periodsPerYear: Double {
        annualisation?.barsPerYear ?? Annualisation.legacyBarsPerYear(frequency)
    }

    /// Bars per trading day: ``annualisation``'s when set; else 6.5 hours over the bar length for
    /// intraday bars, 1 otherwise.
    public var barsPerTradingDay: Double {
        if let a = annualisation { return a.barsPerDay }
        guard let f = frequency, f.isIntraday else { return 1 }
        return 23_400e9 / Double(f.nanoseconds)
    }
}

/// A contiguous run of bars of a ``BarSeries``, sharing the series' storage (no copy).
///
/// Indices are those of the parent series: `slice.close[slice.range.lowerBound]` is the first bar.
public struct BarSlice: Sendable {
    /// The series the slice views.
    public let series: BarSeries
    /// Indices of the parent series covered by the slice.
    public let range: Range<Int>

    /// A view of `range` (within `0..<series.count`) of `series`.
    public init(series: BarSeries, range: Range<Int>) {
        self.series = series
        self.range = range
    }

    /// Bars in the slice.
    /// Bar times of the slice, ns since the epoch (UTC).
    @inlinable public var count: Int { range.count }
    public var timestamps: ArraySlice<Int64> { series.timestamps[range] }
    /// Opens of the slice (price units).
    public var open: ArraySlice<Double> { series.open[range] }
    /// Highs of the slice (price units).
    public var high: ArraySlice<Double> { series.high[range] }
    /// Lows of the slice (price units).
    public var low: ArraySlice<Double> { series.low[range] }
    /// Closes of the slice (price units).
    public var close: ArraySlice<Double> { series.close[range] }
    /// Volumes of the slice (units traded).
    public var volume: ArraySlice<Double> { series.volume[range] }
    /// Quoted spreads of the slice (price units), when the series has them.
    public var spread: ArraySlice<Double>? { series.spread?[range] }

    /// Copies the slice into a standalone series (the only operation here that copies).
    public func materialize() -> BarSeries {
        var s = series
        s.timestamps = Array(timestamps)
        s.open = Array(open)
        s.high = Array(high)
        s.low = Array(low)
        s.close = Array(close)
        s.volume = Array(volume)
        s.spread = spread.map { Array($0) }
        return s
    }
}
