/// Which days a market trades, during which local hours, and how many trading days it has a year.
///
/// Conventions:
/// - A **trading date** is a civil date (days since 1970-01-01). Its sessions are given in minutes
///   from that date's local midnight in ``timezone``; an open below 0 starts the evening before
///   (FX's 17:00 New York open of Monday's session is −420).
/// - Daily and longer bars are placed by their date label (the UTC date of the stamp, see
///   ``BarSeries``); intraday bars by their instant in ``timezone``.
/// - ``daysPerYear`` is the calendar's trading days a year, the periods per year of daily returns.
///
/// Built-in calendars (``builtIns``, names as written in scenario files):
/// - `NYSE` and `NASDAQ`: Monday–Friday 09:30–16:00 America/New_York, the NYSE holidays and half
///   days (13:00 close; see `NYSEHolidays`), 252 days a year.
/// - `FX_24x5`: spot FX, Sunday 17:00 to Friday 17:00 America/New_York; the trading date rolls at
///   17:00 New York (the market's convention), Monday–Friday, no holidays, 260 days a year (52 × 5).
/// - `CRYPTO_24x7`: every day 00:00–24:00 UTC, 365 days a year.
/// - `CME_GLOBEX`: CME's electronic session, 17:00 the evening before to 16:00 America/Chicago,
///   Monday–Friday, 1 380 minutes a day; the NYSE's holidays stand in for CME's (CME's early
///   closes are not modelled), 252 days a year.
public struct TradingCalendar: Sendable, Hashable {
    /// One trading session of a date: `[open, close)` in minutes from the date's local midnight.
    public struct Session: Sendable, Hashable {
        /// Opening minute; below 0 the session opens the evening before (−420 = 17:00 the day before).
        public let open: Int
        /// Closing minute, after `open`, at most 1 440.
        public let close: Int

        /// A session `[open, close)`; `open` in −1 440 ..< `close`, `close` in 1 ... 1 440.
        public init(open: Int, close: Int) {
            self.open = open
            self.close = close
        }
    }

    /// Which dates are holidays.
    public enum Holidays: Sendable, Hashable {
        /// None.
        case none
        /// The NYSE's (rules and unscheduled closures, see `NYSEHolidays`).
        case nyse
        /// These trading dates (days since 1970-01-01).
        case dates(Set<Int64>)
    }

    /// Calendar name as written in scenario files (`NYSE`, `FX_24x5`, …, or `custom`).
    public let name: String
    /// IANA time zone of the sessions.
    public let timezone: String
    /// The sessions of every trading date, in order.
    public let sessions: [Session]
    /// ISO weekdays (1 = Monday … 7 = Sunday) that are trading dates unless a holiday.
    public let weekdays: Set<Int>
    /// Holidays.
    public let holidays: Holidays
    /// Close of the last session on half days, minutes after local midnight (nil: no half days).
    public let halfDayCloseMinute: Int?
    /// Trading days a year: the periods per year of daily returns.
    public let daysPerYear: Double
    /// ``weekdays`` as bits (bit k for ISO weekday k): a lookup without hashing.
    private let weekdayMask: UInt8

    /// A calendar; `sessions` must be non-empty, ordered and non-overlapping (see ``Session``).
    public init(
        name: String, timezone: String, sessions: [Session], weekdays: Set<Int>, holidays: Holidays, halfDayCloseMinute: Int? = nil,
        daysPerYear: Double
    ) {
        self.name = name
        self.timezone = timezone
        self.sessions = sessions
        self.weekdays = weekdays
        self.holidays = holidays
        self.halfDayCloseMinute = halfDayCloseMinute
        self.daysPerYear = daysPerYear
        weekdayMask = weekdays.reduce(0) { $0 | UInt8(truncatingIfNeeded: 1 << $1) }
    }

    /// True when ISO weekday `weekday` (1 = Monday) is in ``weekdays``.
    @inline(__always) func trades(onWeekday weekday: Int) -> Bool { weekdayMask & UInt8(truncatingIfNeeded: 1 << weekday) != 0 }

    /// Opening minute of the first session (see ``Session/open``).
    public var sessionOpenMinute: Int { sessions.first?.open ?? 0 }
    /// Closing minute of the last session.
    public var sessionCloseMinute: Int { sessions.last?.close ?? 1440 }
    /// Minutes of trading in a full trading date (every session).
    public var sessionMinutes: Int { sessions.reduce(0) { $0 + $1.close - $1.open } }
    /// True when the first session opens the evening before its trading date.
    public var opensTheDayBefore: Bool { sessionOpenMinute < 0 }

    /// New York Stock Exchange.
    public static let nyse = TradingCalendar(
        name: "NYSE", timezone: "America/New_York", sessions: [Session(open: 570, close: 960)], weekdays: [1, 2, 3, 4, 5], holidays: .nyse,
        halfDayCloseMinute: 780, daysPerYear: 252)
    /// NASDAQ: the NYSE's holidays and hours.
    public static let nasdaq = TradingCalendar(
        name: "NASDAQ", timezone: "America/New_York", sessions: [Session(open: 570, close: 960)], weekdays: [1, 2, 3, 4, 5], holidays: .nyse,
        halfDayCloseMinute: 780, daysPerYear: 252)
    /// Spot FX, 24 hours five days a week, the date rolling at 17:00 New York.
    public static let fx = TradingCalendar(
        name: "FX_24x5", timezone: "America/New_York", sessions: [Session(open: -420, close: 1020)], weekdays: [1, 2, 3, 4, 5], holidays: .none,
        daysPerYear: 260)
    /// Round-the-clock trading every day (crypto), in UTC.
    public static let crypto = TradingCalendar(
        name: "CRYPTO_24x7", timezone: "UTC", sessions: [Session(open: 0, close: 1440)], weekdays: [1, 2, 3, 4, 5, 6, 7], holidays: .none,
        daysPerYear: 365)
    /// CME Globex: 17:00 the evening before to 16:00 Chicago time, Monday–Friday.
    public static let cmeGlobex = TradingCalendar(
        name: "CME_GLOBEX", timezone: "America/Chicago", sessions: [Session(open: -420, close: 960)], weekdays: [1, 2, 3, 4, 5], holidays: .nyse,
        daysPerYear: 252)
    /// ``crypto`` under its older name.
    public static let continuous = crypto

    /// The built-in calendars, in the order documentation lists them.
    public static let builtIns: [TradingCalendar] = [.nyse, .nasdaq, .fx, .crypto, .cmeGlobex]

    /// Looks a built-in calendar up by name, case-insensitively: its name, or `XNYS`, `XNAS`,
    /// `FX`, `24/5`, `24/7`, `crypto`, `continuous`, `CME`, `Globex`.
    public static func named(_ name: String) -> TradingCalendar? {
        switch name.lowercased() {
        case "nyse", "xnys": .nyse
        case "nasdaq", "xnas": .nasdaq
        case "fx_24x5", "fx", "24/5": .fx
        case "crypto_24x7", "24/7", "crypto", "continuous": .crypto
        case "cme_globex", "cme", "globex": .cmeGlobex
        default: nil
        }
    }

    /// Why `name` names no calendar, with the built-in names and a did-you-mean:
    /// `expected NYSE, NASDAQ, FX_24x5, CRYPTO_24x7 or CME_GLOBEX, got "NYSEE" (did you mean NYSE?)`.
    public static func unknownNameReason(_ name: String) -> String {
        let names = builtIns.map(\.name)
        let hint = NameSuggestion.closest(to: name, in: names).map { " (did you mean \($0)?)" } ?? ""
        return "expected \(names.dropLast().joined(separator: ", ")) or \(names.last!), got \"\(name)\"\(hint)"
    }

    /// The NYSE's weekday closures (holidays and unscheduled closures) between two dates, ascending.
    public static func nyseWeekdayClosures(in days: ClosedRange<Int64>) -> [Int64] {
        NYSEHolidays.holidays(in: days).filter { CivilTime.isoWeekday(dayNumber: $0) <= 5 }
    }

    /// True when `day` (a trading date, days since 1970-01-01) holds sessions.
    public func isTradingDay(_ day: Int64) -> Bool {
        guard trades(onWeekday: CivilTime.isoWeekday(dayNumber: day)) else { return false }
        switch holidays {
        case .none: return true
        case .nyse: return !NYSEHolidays.isHoliday(day)
        case let .dates(set): return !set.contains(day)
        }
    }

    /// True when the last session on `day` closes early (at ``halfDayCloseMinute``).
    public func isHalfDay(_ day: Int64) -> Bool {
        guard halfDayCloseMinute != nil, case .nyse = holidays, isTradingDay(day) else { return false }
        return NYSEHolidays.isHalfDay(day)
    }

    /// Number of trading days strictly between trading dates `a` and `b` (a < b).
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

    /// The trading date (days since 1970-01-01) of a bar stamped `t` (ns, UTC, intraday): its local
    /// date in ``timezone``, the next one from the first open's evening-before time on — what
    /// ``Locator/place(_:intraday:pre:post:)`` gives, for one bar (one zone lookup, no cache).
    public func tradingDate(of t: Int64) -> Int64 {
        Self.tradingDate(local: CivilTime.shifted(t, bySeconds: TimeZoneOffsets.secondsFromUTC(timezone, at: t)), firstOpen: sessionOpenMinute)
    }

    /// The trading date of local wall time `local` (ns) when the first session opens at `firstOpen`.
    @inline(__always) static func tradingDate(local: Int64, firstOpen: Int) -> Int64 {
        let d = CivilTime.dayNumber(local)
        guard firstOpen < 0 else { return d }
        return Int(CivilTime.timeOfDay(local) / CivilTime.nanosPerMinute) >= firstOpen + 1440 ? d + 1 : d
    }

    /// Where a bar falls in this calendar: its trading date and whether it lies in a session.
    public struct Placement: Sendable, Equatable {
        /// The trading date the bar belongs to (days since 1970-01-01).
        public var date: Int64
        /// True when the date trades and (intraday) the bar starts inside one of its sessions,
        /// widened by the pre- and post-market minutes asked for.
        public var inSession: Bool
        /// True when the date itself is a trading day.
        public var tradingDay: Bool
    }

    /// Places many bars in a row with the zone's offset and the current date's answers cached
    /// (one time-zone lookup per offset change, one holiday lookup per date).
    public struct Locator: Sendable {
        /// The calendar bars are placed in.
        public let calendar: TradingCalendar
        private var zone = TimeZoneOffsets.Cursor()
        private var day = Int64.min
        private var trading = false
        private var halfDay = false
        private var halfDayOf = Int64.min  // the date `halfDay` answers for (intraday placements only)

        /// A locator for `calendar`.
        public init(_ calendar: TradingCalendar) { self.calendar = calendar }

        /// The trading date of an intraday bar stamped `t` (``TradingCalendar/tradingDate(of:)``) with
        /// the zone's offset cached: what a period grid needs, without the session checks.
        public mutating func tradingDate(of t: Int64) -> Int64 {
            TradingCalendar.tradingDate(
                local: CivilTime.shifted(t, bySeconds: zone.secondsFromUTC(calendar.timezone, at: t)), firstOpen: calendar.sessionOpenMinute)
        }

        /// The placement of a bar stamped `t` (ns, UTC, the bar's start): daily and longer bars
        /// (`intraday` false) by their date label; intraday bars by their local minute, a minute
        /// at or after the first open's evening-before time belonging to the next date. `pre` and
        /// `post` widen the first open and the last close by that many minutes.
        public mutating func place(_ t: Int64, intraday: Bool, pre: Int = 0, post: Int = 0) -> Placement {
            guard intraday else {
                let d = CivilTime.dayNumber(t)
                refresh(d)
                return Placement(date: d, inSession: trading, tradingDay: trading)
            }
            let local = CivilTime.shifted(t, bySeconds: zone.secondsFromUTC(calendar.timezone, at: t))
            var d = CivilTime.dayNumber(local)
            var minute = Int(CivilTime.timeOfDay(local) / CivilTime.nanosPerMinute)
            let sessions = calendar.sessions
            let firstOpen = sessions[0].open - pre
            if firstOpen < 0 && minute >= firstOpen + 1440 {
                d += 1
                minute -= 1440
            }
            refresh(d)
            guard trading else { return Placement(date: d, inSession: false, tradingDay: false) }
            if halfDayOf != d {
                halfDayOf = d
                halfDay = calendar.halfDayCloseMinute != nil && calendar.holidays == .nyse && NYSEHolidays.isHalfDay(d)
            }
            let last = sessions.count - 1
            for (k, s) in sessions.enumerated() {
                let open = k == 0 ? firstOpen : s.open
                var close = s.close
                if k == last { close = (halfDay ? calendar.halfDayCloseMinute ?? close : close) + post }
                if minute >= open && minute < close { return Placement(date: d, inSession: true, tradingDay: true) }
            }
            return Placement(date: d, inSession: false, tradingDay: true)
        }

        /// True when trading date `d` (days since 1970-01-01) holds sessions (cached like ``place(_:intraday:pre:post:)``).
        public mutating func isTradingDate(_ d: Int64) -> Bool {
            refresh(d)
            return trading
        }

        private mutating func refresh(_ d: Int64) {
            guard d != day else { return }
            day = d
            guard calendar.trades(onWeekday: CivilTime.isoWeekday(dayNumber: d)) else {
                trading = false
                return
            }
            switch calendar.holidays {
            case .none: trading = true
            case let .dates(set): trading = !set.contains(d)
            case .nyse: trading = !NYSEHolidays.isHoliday(d)
            }
        }
    }
}
