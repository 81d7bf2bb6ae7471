import Foundation
import LabCore

/// The scales of a series that stress levels are set relative to (docs/stress.md, "Levels fitted
/// to the data"): its own realised volatility and drift, its typical overnight move, and its bars
/// per trading day and minute (for durations given in time).
public struct SeriesScale: Sendable, Equatable {
    /// Annualised volatility of the close-to-close log returns (× √bars a year, the series'
    /// ``BarSeries/periodsPerYear``); 0 with fewer than 3 bars.
    public var annualVolatility: Double
    /// Annualised mean of the close-to-close log returns (× bars a year).
    public var annualDrift: Double
    /// The typical move between sessions: the median |ln(open / previous close)| at the bars that
    /// start a trading date (daily bars: every bar). A market without a break between sessions
    /// (FX, crypto) has next to none; when it is below a tenth of the median |daily close-to-close
    /// log move|, that daily move is used and ``overnightIsDaily`` is set.
    public var overnightMove: Double
    /// True when ``overnightMove`` is the daily move (no break between sessions).
    public var overnightIsDaily: Bool
    /// Bars a trading day (``BarSeries/barsPerTradingDay``).
    public var barsPerDay: Double
    /// Minutes of trading a bar spans: the bar length intraday; a daily bar spans its calendar's
    /// session (NYSE 390 minutes; 390 without a calendar); nil without a frequency.
    public var tradingMinutesPerBar: Double?

    /// The scales of `series`.
    public init(_ series: BarSeries) {
        let c = series.close, o = series.open
        let n = c.count
        barsPerDay = series.barsPerTradingDay
        tradingMinutesPerBar = series.frequency.map { f in
            f.isIntraday
                ? Double(f.nanoseconds) / Double(CivilTime.nanosPerMinute)
                : Double(series.annualisation?.calendar.sessionMinutes ?? 390) / series.barsPerTradingDay
        }
        guard n >= 3 else {
            annualVolatility = 0
            annualDrift = 0
            overnightMove = 0
            overnightIsDaily = false
            return
        }
        var logs = (1..<n).map { c[$0] / c[$0 - 1] }
        VectorMath.log(&logs)
        let p = series.periodsPerYear
        annualVolatility = Stats.sd(logs[...]) * p.squareRoot()
        annualDrift = logs.reduce(0, +) / Double(logs.count) * p
        // Session starts: where the trading date changes (the calendar's when the series has one).
        let starts = SeriesScale.sessionStarts(series)
        var overnight = starts.compactMap { t -> Double? in
            let m = abs(log(o[t] / c[t - 1]))
            return m.isFinite ? m : nil
        }
        var daily: [Double] = []
        var last = 0
        for t in starts + [n] where t - 1 > last {
            let m = abs(log(c[t - 1] / c[last]))
            if m.isFinite { daily.append(m) }
            last = t - 1
        }
        let overnightMedian = overnight.isEmpty ? 0 : Robust.median(&overnight)
        let dailyMedian = daily.isEmpty ? 0 : Robust.median(&daily)
        overnightIsDaily = overnightMedian < dailyMedian / 10
        overnightMove = overnightIsDaily ? dailyMedian : overnightMedian
    }

    /// The bars (≥ 1) that start a trading date: every bar of daily or longer data; intraday, where
    /// the trading date (``BarSeries/annualisation``'s calendar, else the local date) changes.
    public static func sessionStarts(_ series: BarSeries) -> [Int] {
        let n = series.count
        guard n >= 2 else { return [] }
        guard series.frequency?.isIntraday ?? false else { return Array(1..<n) }
        let dates: [Int64]
        if let calendar = series.annualisation?.calendar {
            var locator = TradingCalendar.Locator(calendar)
            dates = series.timestamps.map { locator.tradingDate(of: $0) }
        } else {
            dates = series.localDayNumbers()
        }
        return (1..<n).filter { dates[$0] != dates[$0 - 1] }
    }
}

extension ParameterReader {
    /// A stress window by date (`from`, `to`: ISO 8601 dates, `to` inclusive of its whole day; one
    /// of them alone leaves the other end open), or `fallback` when neither is given.
    public mutating func window(or fallback: BarWindow) throws -> BarWindow {
        let from = try date("from"), to = try date("to")
        guard from != nil || to != nil else { return fallback }
        if let from, let to, to < from {
            throw LabCoreError.invalidParameter(owner: owner, field: "to", reason: "must not be before from")
        }
        return .timeRange(from: from ?? .min, to: to.map(CivilTime.dayAfter) ?? .max)
    }
}
