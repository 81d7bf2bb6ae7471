import Foundation
import LabCore

extension Scenario {
    /// `dataset.calendar`: a built-in name (``TradingCalendar/builtIns``, with a did-you-mean) or
    /// a market of one's own:
    ///
    /// ```yaml
    /// calendar: {sessions: ["09:00-11:30", "12:30-15:00"], timezone: Asia/Tokyo,
    ///            holidays: [2024-01-01, 2024-01-02], weekdays: [mon, tue, wed, thu, fri], days_per_year: 245}
    /// ```
    ///
    /// `sessions` (one `HH:MM-HH:MM` or a list, in order, local time; a close at or before its open
    /// opens the evening before, `17:00-17:00` is FX's day), `timezone` (IANA) are required;
    /// `weekdays` defaults to Monday–Friday, `holidays` to none, `days_per_year` to 52 × the
    /// weekdays less the listed holidays a year (counted over the years they fall in).
    static func parseCalendar(_ node: YAMLNode) throws -> TradingCalendar {
        if let name = node.scalarText {
            guard let calendar = TradingCalendar.named(name) else { throw node.error(TradingCalendar.unknownNameReason(name)) }
            return calendar
        }
        let m = try node.mapping()
        let sessionsNode = try m.required("sessions")
        let sessionNodes = sessionsNode.scalarText != nil ? [sessionsNode] : try sessionsNode.list()
        guard !sessionNodes.isEmpty else { throw sessionsNode.error("expected one or more sessions such as \"09:30-16:00\"") }
        var sessions: [TradingCalendar.Session] = []
        for (k, s) in sessionNodes.enumerated() {
            let session = try parseSession(s)
            if k > 0 && session.open < 0 { throw s.error("only the first session may open the evening before") }
            if let previous = sessions.last, session.open < previous.close {
                throw s.error("sessions must be in order and not overlap (\(s.described()) starts before the previous one closes)")
            }
            sessions.append(session)
        }
        let zoneNode = try m.required("timezone")
        let timezone = try zoneNode.string()
        guard TimeZoneOffsets.isKnown(timezone) else { throw zoneNode.error("unknown time zone \(zoneNode.described()) (an IANA name such as Asia/Tokyo)") }
        var weekdays: Set<Int> = [1, 2, 3, 4, 5]
        if let w = m.optional("weekdays") {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            weekdays = []
            for d in try w.list() {
                let text = try d.string().lowercased()
                guard let k = names.firstIndex(where: { text.hasPrefix($0) }) else {
                    throw d.error("expected a weekday (mon, tue, wed, thu, fri, sat, sun), got \(d.described())")
                }
                weekdays.insert(k + 1)
            }
            guard !weekdays.isEmpty else { throw w.error("expected at least one weekday") }
        }
        let holidays = try m.optional("holidays").map { try $0.list().map { CivilTime.dayNumber(try $0.date()) } } ?? []
        let years = Set(holidays.map { CivilTime.civilFromDays($0).year }).count
        let defaultDays = 52 * Double(weekdays.count) - (years > 0 ? Double(holidays.count) / Double(years) : 0)
        let days = try m.optional("days_per_year")?.number(1...366, "a number of trading days in 1...366") ?? defaultDays
        try m.finish()
        return TradingCalendar(
            name: "custom", timezone: timezone, sessions: sessions, weekdays: weekdays, holidays: holidays.isEmpty ? .none : .dates(Set(holidays)),
            daysPerYear: days)
    }

    /// `HH:MM-HH:MM` as a session; a close at or before the open opens the evening before.
    static func parseSession(_ node: YAMLNode) throws -> TradingCalendar.Session {
        let text = try node.string()
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ s: String) -> Int? {
            let hm = s.split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
            return h * 60 + m
        }
        guard parts.count == 2, let open = minutes(parts[0]), let close = minutes(parts[1]) else {
            throw node.error("expected a session HH:MM-HH:MM such as \"09:30-16:00\", got \(node.described())")
        }
        return close > open ? TradingCalendar.Session(open: open, close: close) : TradingCalendar.Session(open: open - 1440, close: close)
    }
}
