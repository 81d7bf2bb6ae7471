/// Conversions between nanosecond timestamps and proleptic-Gregorian civil dates, in UTC.
///
/// Every timestamp in the lab is an `Int64` count of nanoseconds since 1970-01-01T00:00:00Z.
/// These helpers are pure integer arithmetic (Howard Hinnant's `days_from_civil`), so they
/// give the same answer on every platform and never touch the system time-zone database.
public enum CivilTime {
    /// Nanoseconds in one second.
    public static let nanosPerSecond: Int64 = 1_000_000_000
    /// Nanoseconds in one minute.
    public static let nanosPerMinute: Int64 = 60 * nanosPerSecond
    /// Nanoseconds in one hour.
    public static let nanosPerHour: Int64 = 60 * nanosPerMinute
    /// Nanoseconds in one day (86 400 s; the lab's UTC has no leap seconds).
    public static let nanosPerDay: Int64 = 24 * nanosPerHour

    /// Days since 1970-01-01 of the civil date `year-month-day` (month 1…12, day 1…31).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of `days` since 1970-01-01.
    @inlinable
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// The instant a day after `date` (an inclusive end date made exclusive), saturating at
    /// `Int64.max` for the last day timestamps hold.
    @inlinable
    public static func dayAfter(_ date: Int64) -> Int64 {
        let (next, overflow) = date.addingReportingOverflow(nanosPerDay)
        return overflow ? .max : next
    }

    /// Floor division of a timestamp into whole days since the epoch (UTC).
    @inlinable
    public static func dayNumber(_ timestamp: Int64) -> Int64 {
        let q = timestamp / nanosPerDay
        return (timestamp % nanosPerDay < 0) ? q - 1 : q
    }

    /// `timestamp` moved by `seconds` (a zone's offset: local wall time of a UTC instant),
    /// saturating at the ends of `Int64` instead of overflowing.
    @inlinable
    public static func shifted(_ timestamp: Int64, bySeconds seconds: Int) -> Int64 {
        let (offset, o1) = Int64(seconds).multipliedReportingOverflow(by: nanosPerSecond)
        let (t, o2) = timestamp.addingReportingOverflow(offset)
        if o1 || o2 { return seconds < 0 ? .min : .max }
        return t
    }

    /// Nanoseconds since the start of `timestamp`'s day (0 ..< one day), for any `Int64`.
    @inlinable
    public static func timeOfDay(_ timestamp: Int64) -> Int64 {
        let r = timestamp % nanosPerDay
        return r < 0 ? r + nanosPerDay : r
    }

    /// ISO weekday of a day number: 1 = Monday … 7 = Sunday.
    @inlinable
    public static func isoWeekday(dayNumber days: Int64) -> Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let r = (days + 3) % 7
        return Int(r < 0 ? r + 7 : r) + 1
    }

    /// Timestamp (ns, UTC) of a civil date and time of day.
    public static func timestamp(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int64 = 0
    ) -> Int64 {
        daysFromCivil(year: year, month: month, day: day) * nanosPerDay
            + Int64(hour) * nanosPerHour + Int64(minute) * nanosPerMinute + Int64(second) * nanosPerSecond
            + nanosecond
    }

    /// ISO 8601 text of a timestamp in UTC: `2004-08-19` when the time is midnight and
    /// `dateOnlyAtMidnight` is true, else `2004-08-19T13:30:00Z` (fractional seconds only when non-zero).
    public static func iso8601(_ timestamp: Int64, dateOnlyAtMidnight: Bool = true) -> String {
        let days = dayNumber(timestamp)
        let (y, m, d) = civilFromDays(days)
        let remainder = timestamp % nanosPerDay  // (not timestamp − days·nanosPerDay: that overflows on the first day)
        let nanosOfDay = remainder < 0 ? remainder + nanosPerDay : remainder
        let date = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        if nanosOfDay == 0 && dateOnlyAtMidnight { return date }
        let secondsOfDay = nanosOfDay / nanosPerSecond
        let frac = nanosOfDay % nanosPerSecond
        var text =
            date + "T" + pad(Int(secondsOfDay / 3600), 2) + ":" + pad(Int(secondsOfDay / 60 % 60), 2) + ":"
            + pad(Int(secondsOfDay % 60), 2)
        if frac != 0 {
            var digits = pad(Int(frac), 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Why a text is not a timestamp.
    public enum DateParseFailure: Error, Sendable, Equatable {
        /// Not an ISO 8601 date or date-time.
        case malformed
        /// A valid date whose nanoseconds since the epoch do not fit an `Int64`
        /// (before 1677-09-21T00:12:43.145224192Z or after 2262-04-11T23:47:16.854775807Z).
        case outOfRange

        /// The one-phrase reason `text` was refused: `expected a date YYYY-MM-DD, got "x"` or
        /// `9999-12-31 is outside the supported range 1677-09-22 … 2262-04-11`.
        public func reason(_ text: String) -> String {
            switch self {
            case .malformed: "expected a date YYYY-MM-DD, got \"\(text)\""
            case .outOfRange: "\(text) is outside the supported range \(CivilTime.supportedRange)"
            }
        }
    }

    /// The whole days every timestamp can hold, as text for messages.
    public static let supportedRange = "1677-09-22 … 2262-04-11"

    /// Parses an ISO 8601 date or date-time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff…]]`,
    /// `YYYY-MM-DDTHH:MM[:SS[.fff…]]` with an optional `Z` or `±HH:MM` / `±HHMM` offset.
    /// A time without an offset is taken as UTC. Returns nil when the text is not such a date or
    /// lies outside ``supportedRange``; ``parseISO8601Checked(_:)`` tells which.
    public static func parseISO8601(_ text: Substring) -> Int64? {
        try? parseISO8601Checked(text).get()
    }

    /// ``parseISO8601(_:)`` with the reason for a failure: `.outOfRange` for a well-formed date
    /// that no `Int64` of nanoseconds holds (checked arithmetic: never a trap).
    public static func parseISO8601Checked(_ text: Substring) -> Result<Int64, DateParseFailure> {
        let u = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < u.count, u[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return .failure(.malformed) }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return .failure(.malformed) }
        var hour = 0, minute = 0, second = 0
        var nanos: Int64 = 0
        var offsetMinutes = 0
        if i < u.count {
            guard u[i] == 84 || u[i] == 32 else { return .failure(.malformed) }  // 'T' or ' '
            i += 1
            guard let h = digits(2), expect(58), let mi = digits(2), h < 24, mi < 60 else { return .failure(.malformed) }
            hour = h
            minute = mi
            if expect(58) {
                guard let s = digits(2), s < 61 else { return .failure(.malformed) }
                second = s
                if expect(46) {
                    var scale: Int64 = 100_000_000
                    var count = 0
                    while i < u.count, u[i] >= 48, u[i] <= 57 {
                        if count < 9 { nanos += Int64(u[i] - 48) * scale; scale /= 10 }
                        count += 1
                        i += 1
                    }
                    guard count > 0 else { return .failure(.malformed) }
                }
            }
            if i < u.count {
                if expect(90) {  // 'Z'
                } else if u[i] == 43 || u[i] == 45 {  // '+' / '-'
                    let sign = u[i] == 43 ? 1 : -1
                    i += 1
                    guard let oh = digits(2) else { return .failure(.malformed) }
                    _ = expect(58)
                    guard let om = digits(2) else { return .failure(.malformed) }
                    offsetMinutes = sign * (oh * 60 + om)
                } else {
                    return .failure(.malformed)
                }
            }
        }
        guard i == u.count else { return .failure(.malformed) }
        let days = daysFromCivil(year: year, month: month, day: day)
        let (midnight, o1) = days.multipliedReportingOverflow(by: nanosPerDay)
        let ofDay = Int64(hour) * nanosPerHour + Int64(minute) * nanosPerMinute + Int64(second) * nanosPerSecond + nanos
        let (local, o2) = midnight.addingReportingOverflow(ofDay)
        let (utc, o3) = local.subtractingReportingOverflow(Int64(offsetMinutes) * nanosPerMinute)
        return o1 || o2 || o3 ? .failure(.outOfRange) : .success(utc)
    }

    /// Number of days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
