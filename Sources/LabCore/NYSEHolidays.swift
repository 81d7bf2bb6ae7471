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

    /// Every full-day closure of the years nanosecond timestamps hold (1677…2262), ascending:
    /// computed once, so a lookup allocates nothing.
    static let all: [Int64] = {
        var days = specialClosures
        for year in 1677...2263 { days.formUnion(holidays(year: year)) }
        return days.sorted()
    }()
    /// ``all`` as a bitmap over the days from its first: a lookup is a shift and a mask.
    private static let bitmap: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: Int(all[all.count - 1] - all[0]) / 64 + 1)
        for day in all {
            let k = Int(day - all[0])
            bits[k >> 6] |= 1 << UInt64(k & 63)
        }
        return bits
    }()

    static func isHoliday(_ day: Int64) -> Bool {
        guard day >= all[0] && day <= all[all.count - 1] else {
            let (y, _, _) = CivilTime.civilFromDays(day)
            return specialClosures.contains(day) || holidays(year: y).contains(day) || holidays(year: y + 1).contains(day)
        }
        let k = Int(day - all[0])
        return bitmap[k >> 6] & (1 << UInt64(k & 63)) != 0
    }

    /// The closures in `days` (day numbers), ascending.
    static func holidays(in days: ClosedRange<Int64>) -> ArraySlice<Int64> {
        var lo = 0, hi = all.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if all[mid] < days.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < all.count && all[end] <= days.upperBound { end += 1 }
        return all[lo..<end]
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
