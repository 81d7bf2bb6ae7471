/// Many symbols on one shared calendar: each symbol keeps its own bars (a ``BarSeries`` holding
/// only the bars it has), and the calendar is the sorted union of their timestamps.
///
/// Conventions (docs/portfolios.md):
/// - A symbol **has a bar** at calendar row t when one of its timestamps equals `calendar[t]`;
///   only then is it tradable at t and part of a cross-section at t. Before its first bar it is
///   not yet listed, after its last bar it is delisted, and between them a row without its bar is
///   a gap (held positions are then marked at its last close).
/// - Time-series operators run over each symbol's own bars (its gaps skipped): `lag(close, 1)` is
///   the symbol's previous bar, wherever that lies on the calendar.
/// - Nothing is padded: memory is what the symbols' bars take, plus one `Int32` row per bar.
public struct Universe: Sendable {
    /// The symbols' bars, in the universe's order (sorted by name when loaded from a file).
    public let symbols: [BarSeries]
    /// Every timestamp any symbol has, strictly increasing, ns since the epoch (UTC).
    public let calendar: [Int64]
    /// For each symbol, the calendar row of each of its bars (`rows[s][j]` is bar j of symbol s).
    public let rows: [[Int32]]
    /// Each symbol's group (sector) for the `group_*` operators; nil where none is known.
    public let groups: [String?]

    /// A universe of `symbols` (each with strictly increasing timestamps, names distinct), with
    /// optional groups by symbol name; the per-symbol work (order checks, calendar rows) and the
    /// union of the timestamps split over `workers` threads.
    /// - Throws: ``LabCoreError/invalidParameter(owner:field:reason:)`` (owner `universe`) for no
    ///   symbol, a repeated name or series on different time zones;
    ///   ``LabCoreError/timestampsNotIncreasing(symbol:row:)`` for a series out of order.
    public init(_ symbols: [BarSeries], groups: [String: String] = [:], workers: Int = 1) throws {
        guard let first = symbols.first else {
            throw LabCoreError.invalidParameter(owner: "universe", field: "symbols", reason: "a universe needs at least one symbol")
        }
        var seen = Set<String>()
        for s in symbols {
            guard seen.insert(s.symbol).inserted else {
                throw LabCoreError.invalidParameter(owner: "universe", field: "symbols", reason: "\(s.symbol) appears twice")
            }
            guard s.timezone == first.timezone else {
                throw LabCoreError.invalidParameter(
                    owner: "universe", field: "timezone",
                    reason: "\(s.symbol) is on \(s.timezone), \(first.symbol) on \(first.timezone): one calendar needs one time zone")
            }
        }
        let workers = max(1, min(workers, symbols.count))
        let disorder = try WorkerPool.map(symbols.count, workers: workers) { k in
            symbols[k].timestamps.withUnsafeBufferPointer { t in (1..<max(1, t.count)).first { t[$0] <= t[$0 - 1] } }
        }!
        if let k = disorder.firstIndex(where: { $0 != nil }) { throw LabCoreError.timestampsNotIncreasing(symbol: symbols[k].symbol, row: disorder[k]!) }
        // The union of each worker's share of the symbols, then of those.
        let share = (symbols.count + workers - 1) / workers
        let parts = try WorkerPool.map(workers, workers: workers) { w in
            Self.union(symbols[min(w * share, symbols.count)..<min((w + 1) * share, symbols.count)].map(\.timestamps))
        }!
        let calendar = Self.union(parts)
        guard calendar.count <= Int(Int32.max) else {
            throw LabCoreError.invalidParameter(owner: "universe", field: "calendar", reason: "more than \(Int32.max) rows")
        }
        self.symbols = symbols
        self.calendar = calendar
        self.rows = try WorkerPool.map(symbols.count, workers: workers) { k in
            let s = symbols[k]
            var out = [Int32](repeating: 0, count: s.count)
            var t = 0
            calendar.withUnsafeBufferPointer { c in
                for (j, time) in s.timestamps.enumerated() {
                    while c[t] < time { t += 1 }
                    out[j] = Int32(t)
                }
            }
            return out
        }!
        self.groups = symbols.map { groups[$0.symbol] }
    }

    /// Number of symbols.
    public var count: Int { symbols.count }
    /// Number of calendar rows.
    public var length: Int { calendar.count }
    /// The symbols' names, in order.
    public var names: [String] { symbols.map(\.symbol) }
    /// Bars held over all symbols (the universe's size: each bar is 6 numbers of 8 bytes).
    public var barCount: Int { symbols.reduce(0) { $0 + $1.count } }
    /// The calendar row of each symbol's first bar.
    public var firstRows: [Int] { rows.map { Int($0.first ?? Int32(calendar.count)) } }
    /// The calendar row of each symbol's last bar.
    public var lastRows: [Int] { rows.map { Int($0.last ?? -1) } }

    /// Whether every symbol has a bar at every calendar row (one clock, as a fixed-weight portfolio needs).
    public var isAligned: Bool { symbols.allSatisfy { $0.count == calendar.count } }

    /// The calendar as a bar series of the first symbol's zone and frequency with no prices (for
    /// schedules and period grids that read timestamps only); prices are NaN.
    public var clock: BarSeries {
        let nan = [Double](repeating: .nan, count: calendar.count)
        let first = symbols[0]
        // The calendar is checked: its timestamps increase and fit the span of the symbols' own.
        return try! BarSeries(
            symbol: "calendar", timestamps: calendar, open: nan, high: nan, low: nan, close: nan, volume: nan,
            frequency: first.frequency, timezone: first.timezone, annualisation: first.annualisation)
    }

    /// The sorted union of sorted timestamp arrays: for date labels (every timestamp a midnight
    /// UTC, the lab's daily bars) over at most ``maxDaySpan`` days, one pass marking days in a
    /// bitmap; otherwise a k-way merge by repeated pairwise merging.
    static func union(_ lists: [[Int64]]) -> [Int64] {
        if let days = unionOfDays(lists) { return days }
        var level = lists
        while level.count > 1 {
            var next: [[Int64]] = []
            next.reserveCapacity((level.count + 1) / 2)
            for k in stride(from: 0, to: level.count, by: 2) {
                next.append(k + 1 < level.count ? merge(level[k], level[k + 1]) : level[k])
            }
            level = next
        }
        return level.first ?? []
    }

    /// Most days a day bitmap spans (27 000 years: every daily calendar).
    static let maxDaySpan: Int64 = 10_000_000

    /// The union as a day bitmap when every timestamp is a midnight UTC within ``maxDaySpan``
    /// days of the first; nil otherwise.
    private static func unionOfDays(_ lists: [[Int64]]) -> [Int64]? {
        let day = CivilTime.nanosPerDay
        var first = Int64.max, last = Int64.min
        for list in lists {
            guard let a = list.first, let b = list.last else { continue }
            first = Swift.min(first, a)
            last = Swift.max(last, b)
        }
        guard first <= last, first % day == 0 else { return nil }
        let (span, overflow) = last.subtractingReportingOverflow(first)
        guard !overflow, span / day < maxDaySpan else { return nil }
        var marked = [Bool](repeating: false, count: Int(span / day) + 1)
        for list in lists {
            for t in list {
                guard t % day == 0 else { return nil }
                marked[Int((t - first) / day)] = true
            }
        }
        var out: [Int64] = []
        out.reserveCapacity(marked.count)
        for (k, m) in marked.enumerated() where m { out.append(first + Int64(k) * day) }
        return out
    }

    private static func merge(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let x = i < a.count ? a[i] : Int64.max, y = j < b.count ? b[j] : Int64.max
            let v = Swift.min(x, y)
            out.append(v)
            if x == v { i += 1 }
            if y == v { j += 1 }
        }
        return out
    }
}

/// Walks a universe's calendar forward and says, for each symbol, which of its bars is at the
/// current row (a cursor per symbol: O(1) per symbol and row).
public struct UniverseCursor: Sendable {
    private let rows: [[Int32]]
    /// Next unread bar of each symbol.
    private var next: [Int]
    /// For each symbol, its bar at the current row, or -1 when it has none.
    public private(set) var bar: [Int]
    /// For each symbol, its latest bar at or before the current row, or -1 before its first.
    public private(set) var latest: [Int]

    /// A cursor before the first row of `universe`.
    public init(_ universe: Universe) {
        rows = universe.rows
        next = [Int](repeating: 0, count: universe.count)
        bar = [Int](repeating: -1, count: universe.count)
        latest = bar
    }

    /// Moves every symbol to calendar row `t` (rows must be visited in increasing order).
    public mutating func move(to t: Int) {
        for s in rows.indices { advance(s, to: t) }
    }

    /// Moves symbol `s` alone to calendar row `t` (increasing for each symbol; a symbol may skip
    /// rows): what a loop that reads a few symbols per row needs, in O(its bars) over the run, and
    /// O(log of the rows skipped) per move (a galloping search: a monthly decision skips a month).
    @inline(__always)
    public mutating func advance(_ s: Int, to t: Int) {
        let row = Int32(t)
        var k = next[s]
        rows[s].withUnsafeBufferPointer { r in
            if k < r.count && r[k] < row {
                // r[k] < row: steps of 1, 2, 4, … past k, then a binary search in the last one.
                var step = 1
                while k + step < r.count && r[k + step] < row {
                    k += step
                    step <<= 1
                }
                var lo = k + 1, hi = min(k + step, r.count)
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if r[mid] < row { lo = mid + 1 } else { hi = mid }
                }
                k = lo
            }
            if k < r.count && r[k] == row {
                bar[s] = k
                latest[s] = k
                next[s] = k
            } else {
                bar[s] = -1
                latest[s] = k - 1
                next[s] = k
            }
        }
    }
}
