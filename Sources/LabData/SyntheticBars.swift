import Foundation
import LabCore

/// Seeded synthetic bar generators for tests, benchmarks and the bundled intraday dataset.
///
/// Model: geometric Brownian motion with annual drift `μ` and volatility `σ` (log returns
/// `(μ − σ²/2)·Δt + σ·√Δt·Z`, Δt in years of 252 trading days). Within a bar, `high` and `low`
/// extend beyond `max/min(open, close)` by `|Z'| · σ√Δt / 2`, so OHLC is always consistent.
/// The same parameters and seed give the same bars on every platform (``SeededRNG``);
/// symbol `k` of a call draws from stream `k` of the seed.
public enum SyntheticBars {
    /// Parameters shared by both generators.
    public struct Parameters: Sendable {
        /// Annual drift μ (fraction, e.g. 0.05).
        public var drift: Double
        /// Annual volatility σ (fraction, e.g. 0.25); must be ≥ 0.
        public var volatility: Double
        /// First open price; must be > 0.
        public var initialPrice: Double
        /// Mean volume per bar (daily) or per day (intraday, spread over the session's bars); must be > 0.
        public var meanVolume: Double

        /// Defaults: 5 %/yr drift, 25 %/yr volatility, price 100, volume 1 000 000.
        public init(drift: Double = 0.05, volatility: Double = 0.25, initialPrice: Double = 100, meanVolume: Double = 1_000_000) {
            self.drift = drift
            self.volatility = volatility
            self.initialPrice = initialPrice
            self.meanVolume = meanVolume
        }

        func check() throws {
            guard volatility >= 0, volatility.isFinite else {
                throw LabDataError.invalidParameter(owner: "synth", field: "volatility", reason: "must be ≥ 0, got \(volatility)")
            }
            guard drift.isFinite else {
                throw LabDataError.invalidParameter(owner: "synth", field: "drift", reason: "must be finite, got \(drift)")
            }
            guard initialPrice > 0, initialPrice.isFinite else {
                throw LabDataError.invalidParameter(owner: "synth", field: "initialPrice", reason: "must be > 0, got \(initialPrice)")
            }
            guard meanVolume > 0, meanVolume.isFinite else {
                throw LabDataError.invalidParameter(owner: "synth", field: "meanVolume", reason: "must be > 0, got \(meanVolume)")
            }
        }
    }

    /// Daily bars on NYSE trading days from `startDay` (days since 1970-01-01; the first trading
    /// day on or after it), stamped at midnight UTC of each date. Timezone `America/New_York`.
    public static func daily(
        symbol: String, startDay: Int64, bars: Int, parameters: Parameters = Parameters(), seed: UInt64, stream: Int = 0
    ) throws -> BarSeries {
        try parameters.check()
        guard bars >= 1 else { throw LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "must be ≥ 1, got \(bars)") }
        // Nanosecond timestamps end on 2262-04-11 (day 106 751): refuse what would run past it.
        var rng = SeededRNG(seed: seed).stream(stream)
        let timestamps = try tradingDays(from: startDay, count: bars)
        var b = BarBuilder(count: bars, parameters: parameters, dt: 1.0 / 252)
        for i in 0..<bars { b.step(i, rng: &rng, gap: 0, volumeWeight: 1) }
        return try b.series(symbol: symbol, timestamps: timestamps, timezone: "America/New_York", frequency: .day, seed: seed)
    }

    /// `count` NYSE trading days from `startDay` (the first on or after it), each at midnight UTC.
    /// - Throws: ``LabDataError/invalidParameter(owner:field:reason:)`` when they run past
    ///   2262-04-11, the last date of nanosecond timestamps.
    static func tradingDays(from startDay: Int64, count: Int) throws -> [Int64] {
        guard startDay > -lastTimestampDay, Int64(count) < lastTimestampDay, startDay + Int64(count) * 7 / 5 + 30 < lastTimestampDay else {
            throw LabDataError.invalidParameter(
                owner: "synth", field: "bars",
                reason:
                    "\(count) daily bars from \(CivilTime.iso8601(startDay * CivilTime.nanosPerDay)) run past 2262-04-11, the last date of nanosecond timestamps"
            )
        }
        var timestamps = [Int64](repeating: 0, count: count)
        var day = startDay
        for i in 0..<count {
            while !TradingCalendar.nyse.isTradingDay(day) { day += 1 }
            timestamps[i] = day * CivilTime.nanosPerDay
            day += 1
        }
        return timestamps
    }

    /// The first `bars` minute bars of ``intraday(symbol:startDay:days:parameters:seed:stream:)``
    /// over as many sessions as they need (a full session has 390 bars, a half day 210).
    public static func intraday(
        symbol: String, startDay: Int64, bars: Int, parameters: Parameters = Parameters(), seed: UInt64, stream: Int = 0
    ) throws -> BarSeries {
        guard bars >= 1 else { throw LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "must be ≥ 1, got \(bars)") }
        var days = bars / 390 + 1
        while true {
            let series = try intraday(symbol: symbol, startDay: startDay, days: days, parameters: parameters, seed: seed, stream: stream)
            if series.count >= bars { return series[bars: 0..<bars].materialize() }
            days += (bars - series.count) / 210 + 1
        }
    }

    /// Minute bars for the NYSE regular session (09:30–16:00 America/New_York, 13:00 on half days)
    /// over `days` trading days from `startDay`, with a U-shaped intraday volume profile (heavier at
    /// the open and the close) and an overnight gap drawn at each session's first bar.
    public static func intraday(
        symbol: String, startDay: Int64, days: Int, parameters: Parameters = Parameters(), seed: UInt64, stream: Int = 0
    ) throws -> BarSeries {
        try parameters.check()
        guard days >= 1 else { throw LabDataError.invalidParameter(owner: "synth", field: "days", reason: "must be ≥ 1, got \(days)") }
        guard startDay > -lastTimestampDay, Int64(days) < lastTimestampDay, startDay + Int64(days) * 7 / 5 + 30 < lastTimestampDay else {
            throw LabDataError.invalidParameter(
                owner: "synth", field: "days",
                reason:
                    "\(days) sessions from \(CivilTime.iso8601(startDay * CivilTime.nanosPerDay)) run past 2262-04-11, the last date of nanosecond timestamps")
        }
        var rng = SeededRNG(seed: seed).stream(stream)
        let calendar = TradingCalendar.nyse
        var sessions: [(day: Int64, minutes: Int)] = []
        var day = startDay
        while sessions.count < days {
            if calendar.isTradingDay(day) {
                let close = calendar.isHalfDay(day) ? calendar.halfDayCloseMinute! : calendar.sessionCloseMinute
                sessions.append((day, close - calendar.sessionOpenMinute))
            }
            day += 1
        }
        let total = sessions.reduce(0) { $0 + $1.minutes }
        var timestamps = [Int64](repeating: 0, count: total)
        var b = BarBuilder(count: total, parameters: parameters, dt: 1.0 / (252 * 390))
        var i = 0
        for session in sessions {
            let localOpen = session.day * CivilTime.nanosPerDay + Int64(calendar.sessionOpenMinute) * CivilTime.nanosPerMinute
            let offset = Int64(TimeZoneOffsets.secondsFromUTC(calendar.timezone, at: localOpen)) * CivilTime.nanosPerSecond
            for m in 0..<session.minutes {
                timestamps[i] = localOpen - offset + Int64(m) * CivilTime.nanosPerMinute
                // U-shaped profile: weight 1 + 2·(2u − 1)², u ∈ [0, 1] the position in the session.
                let u = (Double(m) + 0.5) / Double(session.minutes)
                let weight = (1 + 2 * (2 * u - 1) * (2 * u - 1)) / (5.0 / 3.0) / 390
                let gap = m == 0 && i > 0 ? parameters.volatility * (1.0 / 252).squareRoot() * 0.3 * rng.nextNormal() : 0
                b.step(i, rng: &rng, gap: gap, volumeWeight: weight)
                i += 1
            }
        }
        return try b.series(
            symbol: symbol, timestamps: timestamps, timezone: calendar.timezone, frequency: .minute, seed: seed)
    }

    /// Bars every `minutes` minutes through each session of `calendar` on its trading dates among
    /// the `days` local dates from `startDay` (days since 1970-01-01), stamped at each bar's start in
    /// UTC (timezone the calendar's): one GBM step a bar with Δt = 1 / the calendar's bars a year
    /// (``Annualisation``), no gap between sessions, the volume `meanVolume` a day spread evenly over
    /// its bars — or none with `withVolume: false` (an FX feed without volume).
    public static func onCalendar(
        symbol: String, calendar: TradingCalendar, startDay: Int64, days: Int, minutes: Int, parameters: Parameters = Parameters(), seed: UInt64,
        withVolume: Bool = true
    ) throws -> BarSeries {
        try parameters.check()
        guard minutes >= 1, minutes < 1440 else {
            throw LabDataError.invalidParameter(owner: "synth", field: "minutes", reason: "must be in 1 ..< 1440, got \(minutes)")
        }
        guard days >= 1, startDay > -lastTimestampDay, startDay + Int64(days) + 1 < lastTimestampDay else {
            throw LabDataError.invalidParameter(owner: "synth", field: "days", reason: "must be ≥ 1 and end before 2262-04-11, got \(days)")
        }
        var timestamps: [Int64] = []
        for d in startDay..<(startDay + Int64(days)) where calendar.isTradingDay(d) {
            for session in calendar.sessions {
                for m in stride(from: session.open, to: session.close, by: minutes) {
                    let local = d * CivilTime.nanosPerDay + Int64(m) * CivilTime.nanosPerMinute
                    timestamps.append(local - Int64(TimeZoneOffsets.secondsFromUTC(calendar.timezone, at: local)) * CivilTime.nanosPerSecond)
                }
            }
        }
        let frequency = BarFrequency.snapped(Int64(minutes) * CivilTime.nanosPerMinute)
        let perDay = Double(calendar.sessionMinutes) / Double(minutes)
        var rng = SeededRNG(seed: seed)
        var b = BarBuilder(count: timestamps.count, parameters: parameters, dt: 1 / (calendar.daysPerYear * perDay))
        for i in timestamps.indices { b.step(i, rng: &rng, gap: 0, volumeWeight: withVolume ? 1 / perDay : 0) }
        return try b.series(symbol: symbol, timestamps: timestamps, timezone: calendar.timezone, frequency: frequency, seed: seed)
    }
}

/// Day number of 2262-04-11, the last whole day representable in Int64 nanoseconds since 1970.
let lastTimestampDay: Int64 = Int64.max / CivilTime.nanosPerDay

/// Fills OHLCV columns bar by bar.
private struct BarBuilder {
    let parameters: SyntheticBars.Parameters
    let dt: Double
    var open: [Double], high: [Double], low: [Double], close: [Double], volume: [Double]
    var last: Double

    init(count: Int, parameters: SyntheticBars.Parameters, dt: Double) {
        self.parameters = parameters
        self.dt = dt
        open = [Double](repeating: 0, count: count)
        high = open
        low = open
        close = open
        volume = open
        last = parameters.initialPrice
    }

    /// Bar `i`: opens at the previous close times `exp(gap)`, moves by one GBM step.
    mutating func step(_ i: Int, rng: inout SeededRNG, gap: Double, volumeWeight: Double) {
        let sigma = parameters.volatility * dt.squareRoot()
        let o = last * exp(gap)
        let c = o * exp((parameters.drift - 0.5 * parameters.volatility * parameters.volatility) * dt + sigma * rng.nextNormal())
        let h = max(o, c) * exp(abs(rng.nextNormal()) * sigma * 0.5)
        let l = min(o, c) * exp(-abs(rng.nextNormal()) * sigma * 0.5)
        let noise = exp(0.3 * rng.nextNormal() - 0.045)  // lognormal, mean 1
        open[i] = o
        high[i] = h
        low[i] = l
        close[i] = c
        volume[i] = (parameters.meanVolume * volumeWeight * noise).rounded()
        last = c
    }

    func series(symbol: String, timestamps: [Int64], timezone: String, frequency: BarFrequency, seed: UInt64) throws -> BarSeries {
        try BarSeries(
            symbol: symbol, timestamps: timestamps, open: open, high: high, low: low, close: close, volume: volume,
            frequency: frequency, timezone: timezone,
            metadata: [
                "source": "gslab dataset synth", "seed": String(seed),
                "model": "gbm drift=\(parameters.drift) volatility=\(parameters.volatility)",
            ])
    }
}
