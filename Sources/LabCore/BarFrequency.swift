/// The nominal spacing between consecutive bars, such as one minute or one trading day.
///
/// Inferred from timestamps with ``infer(timestamps:)``: the median of the positive spacings,
/// snapped to a standard bar size when it lies within ±10 % of one. The median makes the
/// inference tolerant of gaps (weekends, holidays, overnight sessions, missing bars): as long
/// as more than half of the spacings are regular, the frequency comes out right.
public struct BarFrequency: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Nominal spacing between bars, in nanoseconds.
    public let nanoseconds: Int64
    /// Short label in the usual market-data notation: `1s`, `1min`, `5min`, `1h`, `1d`, `1w`, `1mo`.
    public let label: String

    /// A frequency of `nanoseconds` between bars, shown as `label`.
    public init(nanoseconds: Int64, label: String) {
        self.nanoseconds = nanoseconds
        self.label = label
    }

    public var description: String { label }

    /// True for bars shorter than a day.
    public var isIntraday: Bool { nanoseconds < CivilTime.nanosPerDay * 9 / 10 }

    /// One-second bars.
    public static let second = BarFrequency(nanoseconds: CivilTime.nanosPerSecond, label: "1s")
    /// One-minute bars.
    public static let minute = BarFrequency(nanoseconds: CivilTime.nanosPerMinute, label: "1min")
    /// Five-minute bars.
    public static let fiveMinutes = BarFrequency(nanoseconds: 5 * CivilTime.nanosPerMinute, label: "5min")
    /// Fifteen-minute bars.
    public static let fifteenMinutes = BarFrequency(nanoseconds: 15 * CivilTime.nanosPerMinute, label: "15min")
    /// Thirty-minute bars.
    public static let thirtyMinutes = BarFrequency(nanoseconds: 30 * CivilTime.nanosPerMinute, label: "30min")
    /// Hourly bars.
    public static let hour = BarFrequency(nanoseconds: CivilTime.nanosPerHour, label: "1h")
    /// Four-hour bars.
    public static let fourHours = BarFrequency(nanoseconds: 4 * CivilTime.nanosPerHour, label: "4h")
    /// Daily bars (one per trading day; weekends and holidays are gaps).
    public static let day = BarFrequency(nanoseconds: CivilTime.nanosPerDay, label: "1d")
    /// Weekly bars.
    public static let week = BarFrequency(nanoseconds: 7 * CivilTime.nanosPerDay, label: "1w")
    /// A calendar month, nominally 30.4375 days.
    public static let month = BarFrequency(nanoseconds: 2_629_800 * CivilTime.nanosPerSecond, label: "1mo")

    /// The standard bar sizes that inference snaps to.
    public static let standard: [BarFrequency] = [
        .second, .minute, .fiveMinutes, .fifteenMinutes, .thirtyMinutes, .hour, .fourHours, .day, .week, .month,
    ]

    /// Parses a label such as `1d`, `5min`, `1h`, `30s`, `1w`, `1mo`. Returns nil for anything else.
    public init?(label: String) {
        if let known = BarFrequency.standard.first(where: { $0.label == label }) {
            self = known
            return
        }
        let digits = label.prefix(while: \.isNumber)
        guard let count = Int64(digits), count > 0 else { return nil }
        let unit: Int64
        switch label.dropFirst(digits.count) {
        case "s": unit = CivilTime.nanosPerSecond
        case "min": unit = CivilTime.nanosPerMinute
        case "h": unit = CivilTime.nanosPerHour
        case "d": unit = CivilTime.nanosPerDay
        case "w": unit = 7 * CivilTime.nanosPerDay
        default: return nil
        }
        self.init(nanoseconds: count * unit, label: label)
    }

    /// Infers the bar frequency from timestamps (ns). Returns nil with fewer than two distinct timestamps.
    ///
    /// Uses at most the first 10 001 timestamps, so the cost is bounded for long series.
    @inlinable public static func infer(timestamps: some RandomAccessCollection<Int64>) -> BarFrequency? {
        // The median spacing from a small histogram: bars have few distinct spacings, so this is
        // O(n) where sorting every spacing was O(n log n) per series (seconds over thousands).
        var values: [Int64] = [], counts: [Int] = []
        var spill: [Int64] = []  // every spacing, once more than 16 distinct ones appear
        var total = 0
        var previous: Int64?
        var taken = 0
        for t in timestamps {
            guard taken < 10_001 else { break }
            taken += 1
            defer { previous = t }
            guard let p = previous, t > p else { continue }
            let d = t - p
            total += 1
            if !spill.isEmpty {
                spill.append(d)
            } else if let k = values.firstIndex(of: d) {
                counts[k] += 1
            } else if values.count < 16 {
                values.append(d)
                counts.append(1)
            } else {
                for (v, c) in zip(values, counts) { spill += [Int64](repeating: v, count: c) }
                spill.append(d)
            }
        }
        guard total > 0 else { return nil }
        if !spill.isEmpty {
            spill.sort()
            return snapped(spill[spill.count / 2])
        }
        var seen = 0
        for k in values.indices.sorted(by: { values[$0] < values[$1] }) {
            seen += counts[k]
            if seen > total / 2 { return snapped(values[k]) }
        }
        return nil
    }

    /// The standard frequency within ±10 % of `nanoseconds` (a month within 27…32 days),
    /// or a frequency labelled with its exact size in the largest whole unit.
    public static func snapped(_ nanoseconds: Int64) -> BarFrequency {
        let day = CivilTime.nanosPerDay
        if nanoseconds >= 27 * day && nanoseconds <= 32 * day { return .month }
        for f in standard where f != .month {
            let tolerance = f.nanoseconds / 10
            if abs(nanoseconds - f.nanoseconds) <= tolerance { return f }
        }
        let units: [(Int64, String)] = [
            (7 * day, "w"), (day, "d"), (CivilTime.nanosPerHour, "h"), (CivilTime.nanosPerMinute, "min"),
            (CivilTime.nanosPerSecond, "s"),
        ]
        for (size, suffix) in units where nanoseconds >= size && nanoseconds % size == 0 {
            return BarFrequency(nanoseconds: nanoseconds, label: "\(nanoseconds / size)\(suffix)")
        }
        return BarFrequency(nanoseconds: nanoseconds, label: "\(nanoseconds)ns")
    }
}
