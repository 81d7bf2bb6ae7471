import Foundation

/// Which days an exchange trades and during which local hours.
///
/// Two calendars ship:
/// - ``nyse``: the New York Stock Exchange (also used for NASDAQ, which observes the same
///   holidays): Monday–Friday, regular session 09:30–16:00 America/New_York, closed on the
///   NYSE holidays (New Year's Day, Martin Luther King Jr. Day from 1998, Washington's Birthday,
///   Good Friday, Memorial Day, Juneteenth from 2022, Independence Day, Labor Day, Thanksgiving,
///   Christmas; Saturday holidays observed the Friday before — except New Year's Day, which is
///   then not observed — and Sunday holidays the Monday after) and on the unscheduled closures
///   since 2001 (9/11, presidential funerals, Hurricane Sandy). Half days (13:00 close) on the day
///   before Independence Day, the day after Thanksgiving and Christmas Eve when they are weekdays.
/// - ``continuous``: 24/7 trading (crypto): every day is a full session.
public struct TradingCalendar: Sendable, Hashable {
    /// Calendar name as written in scenario files: `NYSE`, `NASDAQ` or `24/7`.
    public let name: String
    /// IANA time zone of the sessions.
    public let timezone: String
    /// Regular session open, minutes after local midnight.
    public let sessionOpenMinute: Int
    /// Regular session close, minutes after local midnight (1440 for 24-hour sessions).
    public let sessionCloseMinute: Int
    /// Close on half days, minutes after local midnight (nil when the calendar has none).
    public let halfDayCloseMinute: Int?
    private let weekdaysOnly: Bool
    private let hasExchangeHolidays: Bool

    /// New York Stock Exchange.
    public static let nyse = TradingCalendar(
        name: "NYSE", timezone: "America/New_York", sessionOpenMinute: 570, sessionCloseMinute: 960,
        halfDayCloseMinute: 780, weekdaysOnly: true, hasExchangeHolidays: true)
    /// NASDAQ: the NYSE's holidays and hours.
    public static let nasdaq = TradingCalendar(
        name: "NASDAQ", timezone: "America/New_York", sessionOpenMinute: 570, sessionCloseMinute: 960,
        halfDayCloseMinute: 780, weekdaysOnly: true, hasExchangeHolidays: true)
    /// Round-the-clock trading, every day (crypto), in UTC.
    public static let continuous = TradingCalendar(
        name: "24/7", timezone: "UTC", sessionOpenMinute: 0, sessionCloseMinute: 1440,
        halfDayCloseMinute: nil, weekdaysOnly: false, hasExchangeHolidays: false)

    /// Looks a calendar up by name (case-insensitive): `NYSE`, `NASDAQ`, `24/7`, `crypto`.
    public static func named(_ name: String) -> TradingCalendar? {
        switch name.lowercased() {
        case "nyse", "xnys": .nyse
        case "nasdaq", "xnas": .nasdaq
        case "24/7", "crypto", "continuous": .continuous
        default: nil
        }
    }

    /// True when the exchange holds a session on the civil date with day number `day`
    /// (days since 1970-01-01 of the *local* date).
    public func isTradingDay(_ day: Int64) -> Bool {
        if weekdaysOnly && CivilTime.isoWeekday(dayNumber: day) >= 6 { return false }
        if hasExchangeHolidays && NYSEHolidays.isHoliday(day) { return false }
        return true
    }

    /// True when the session on `day` closes early (at ``halfDayCloseMinute``).
    public func isHalfDay(_ day: Int64) -> Bool {
        guard hasExchangeHolidays, isTradingDay(day) else { return false }
        return NYSEHolidays.isHalfDay(day)
    }

    /// Number of trading days strictly between local day numbers `a` and `b` (a < b).
    public func tradingDays(strictlyBetween a: Int64, and b: Int64) -> Int {
        guard b - a > 1 else { return 0 }
        var count = 0
        var d = a + 1
        while d < b {
            if isTradingDay(d) { count += 1 }
            d += 1
        }
        return count
    }
}

/// Offsets of an IANA time zone from UTC, via the system time-zone database.
///
/// Zones are looked up once and cached (a lookup parses a tzdata file); the cache is shared by
/// all threads behind a lock.
public enum TimeZoneOffsets {
    private static let cache = ZoneCache()

    /// Seconds east of UTC in zone `identifier` at `timestamp` (ns, UTC); 0 for unknown zones and for `UTC`.
    public static func secondsFromUTC(_ identifier: String, at timestamp: Int64) -> Int {
        guard identifier != "UTC", let zone = cache.zone(identifier) else { return 0 }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(timestamp) / 1e9))
    }

    /// The zone's next offset change strictly after `timestamp` (ns, UTC); nil when it has none.
    public static func nextTransition(_ identifier: String, after timestamp: Int64) -> Int64? {
        guard identifier != "UTC", let zone = cache.zone(identifier),
            let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(timestamp) / 1e9))
        else { return nil }
        return Int64(next.timeIntervalSince1970.rounded()) * CivilTime.nanosPerSecond
    }

    /// Offsets of a zone looked up at many times (a bar loop): the offset is kept from the last
    /// lookup until the zone's next transition, so a series crossing no transition costs one lookup.
    public struct Cursor: Sendable {
        private var identifier = ""
        private var from = Int64.max
        private var until = Int64.min
        private var seconds = 0

        /// A cursor with nothing cached yet.
        public init() {}

        /// ``TimeZoneOffsets/secondsFromUTC(_:at:)``, cached.
        public mutating func secondsFromUTC(_ identifier: String, at timestamp: Int64) -> Int {
            if identifier == self.identifier && timestamp >= from && timestamp < until { return seconds }
            self.identifier = identifier
            seconds = TimeZoneOffsets.secondsFromUTC(identifier, at: timestamp)
            from = timestamp
            until = TimeZoneOffsets.nextTransition(identifier, after: timestamp) ?? .max
            return seconds
        }
    }

    /// True when the system knows the zone `identifier`.
    public static func isKnown(_ identifier: String) -> Bool {
        identifier == "UTC" || cache.zone(identifier) != nil
    }

    private final class ZoneCache: @unchecked Sendable {
        private let lock = NSLock()
        private var zones: [String: TimeZone?] = [:]

        func zone(_ identifier: String) -> TimeZone? {
            lock.lock()
            defer { lock.unlock() }
            if let cached = zones[identifier] { return cached }
            let zone = TimeZone(identifier: identifier)
            zones[identifier] = zone
            return zone
        }
    }
}

/// NYSE full-day holidays and early closes, computed from the exchange's rules.
enum NYSEHolidays {
    /// Unscheduled full-day closures (not derivable from rules).
    static let specialClosures: Set<Int64> = [
        (2001, 9, 11), (2001, 9, 12), (2001, 9, 13), (2001, 9, 14),  // September 11
        (2004, 6, 11),  // President Reagan's funeral
        (2007, 1, 2),  // President Ford's funeral
        (2012, 10, 29), (2012, 10, 30),  // Hurricane Sandy
        (2018, 12, 5),  // President G. H. W. Bush's funeral
        (2025, 1, 9),  // President Carter's funeral
    ].reduce(into: Set<Int64>()) { $0.insert(CivilTime.daysFromCivil(year: $1.0, month: $1.1, day: $1.2)) }

    static func isHoliday(_ day: Int64) -> Bool {
        if specialClosures.contains(day) { return true }
        let (y, _, _) = CivilTime.civilFromDays(day)
        return holidays(year: y).contains(day) || holidays(year: y + 1).contains(day)
    }

    static func isHalfDay(_ day: Int64) -> Bool {
        let (y, m, d) = CivilTime.civilFromDays(day)
        let weekday = CivilTime.isoWeekday(dayNumber: day)
        guard weekday <= 5 else { return false }
        if m == 7 && d == 3 { return true }
        if m == 12 && d == 24 { return true }
        let thanksgiving = nthWeekday(year: y, month: 11, weekday: 4, n: 4)
        return day == thanksgiving + 1
    }

    /// Observed holiday day numbers of `year`'s rules (an observed date can fall in the adjacent year).
    static func holidays(year: Int) -> [Int64] {
        var days: [Int64] = []
        func observed(_ month: Int, _ day: Int, newYear: Bool = false) {
            let d = CivilTime.daysFromCivil(year: year, month: month, day: day)
            switch CivilTime.isoWeekday(dayNumber: d) {
            case 6: if !newYear { days.append(d - 1) }
            case 7: days.append(d + 1)
            default: days.append(d)
            }
        }
        observed(1, 1, newYear: true)
        if year >= 1998 { days.append(nthWeekday(year: year, month: 1, weekday: 1, n: 3)) }
        days.append(nthWeekday(year: year, month: 2, weekday: 1, n: 3))
        days.append(easterSunday(year: year) - 2)
        days.append(lastWeekday(year: year, month: 5, weekday: 1))
        if year >= 2022 { observed(6, 19) }
        observed(7, 4)
        days.append(nthWeekday(year: year, month: 9, weekday: 1, n: 1))
        days.append(nthWeekday(year: year, month: 11, weekday: 4, n: 4))
        observed(12, 25)
        return days
    }

    /// Day number of the `n`-th ISO `weekday` (1 = Monday) of a month.
    static func nthWeekday(year: Int, month: Int, weekday: Int, n: Int) -> Int64 {
        let first = CivilTime.daysFromCivil(year: year, month: month, day: 1)
        let offset = (weekday - CivilTime.isoWeekday(dayNumber: first) + 7) % 7
        return first + Int64(offset + 7 * (n - 1))
    }

    /// Day number of the last ISO `weekday` of a month.
    static func lastWeekday(year: Int, month: Int, weekday: Int) -> Int64 {
        let last = CivilTime.daysFromCivil(year: year, month: month, day: CivilTime.daysInMonth(year: year, month: month))
        let back = (CivilTime.isoWeekday(dayNumber: last) - weekday + 7) % 7
        return last - Int64(back)
    }

    /// Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    static func easterSunday(year: Int) -> Int64 {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilTime.daysFromCivil(year: year, month: month, day: day)
    }
}
