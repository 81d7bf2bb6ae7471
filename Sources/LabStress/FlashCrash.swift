import Foundation
import LabCore

/// A flash crash: a fast fall of `depth`, a trough, and a partial or full rebound, shaped on the
/// 6 May 2010 event (the Dow fell about 9 % in roughly 15 minutes around 14:32–14:47 ET and
/// recovered most of it within 20 minutes — SEC/CFTC joint report, 30 Sep 2010).
///
/// Model: a log-price overlay `f` added to the path. Over `dropBars` bars it falls to
/// `log(1 − depth)` along `u²` (accelerating, as the sell-off fed on itself), stays there for
/// `troughBars`, then regains the fraction `recovery` of the fall along `1 − (1 − u)²` (fast rebound,
/// then slower) over `recoveryBars`. Bar `t` becomes `open·e^{f(t−1)}`, `close·e^{f(t)}`,
/// `high·e^{max}`, `low·e^{min}`; bars after the window are shifted by the unrecovered part.
/// Liquidity: volume × `volumeMultiplier` during the fall and the trough; the quoted spread ×
/// `spreadMultiplier` there, easing back linearly over the recovery (a series without a spread
/// column gets one at `baseSpread`). Target statistic: the lowest close relative to the original
/// is exactly `1 − depth`.
public struct FlashCrash: StressTransform, Equatable {
    /// Where the crash starts.
    public enum Placement: Sendable, Equatable {
        /// Start at this bar index.
        case index(Int)
        /// The first bar at or after this time (ns since the epoch, UTC).
        case time(Int64)
        /// A seeded uniform start among the positions where the whole crash fits.
        case random

        /// The window of `count` bars starting at this placement.
        public func window(count: Int) -> BarWindow {
            switch self {
            case let .index(i): .bars(start: i, count: count)
            case let .time(t): .time(start: t, count: count)
            case .random: .random(count: count)
            }
        }
    }

    public var name: String { "flash_crash" }
    /// Fall from the pre-crash level, as a fraction in (0, 1): 0.09 is a 9 % crash.
    public var depth: Double
    /// Bars of the fall, ≥ 1.
    public var dropBars: Int
    /// Bars spent at the trough, ≥ 0.
    public var troughBars: Int
    /// Bars of the recovery, ≥ 0.
    public var recoveryBars: Int
    /// Fraction of the fall regained by the end of the recovery, in [0, 1].
    public var recovery: Double
    /// Where the crash starts: a bar index, a time or a seeded random bar.
    public var placement: Placement
    /// Volume multiplier during fall and trough, ≥ 1.
    public var volumeMultiplier: Double
    /// Spread multiplier during fall and trough, ≥ 1.
    public var spreadMultiplier: Double
    /// Spread (fraction of mid) assumed where the series has none, ≥ 0.
    public var baseSpread: Double
    /// How the shape was fitted to the bars (a preset given in time on bars too coarse for it),
    /// added to the annotation; nil when the bars hold the shape as given.
    public var note: String?

    /// A crash; parameters are checked when applied, errors name the field.
    public init(
        depth: Double, dropBars: Int, troughBars: Int, recoveryBars: Int, recovery: Double, placement: Placement = .random,
        volumeMultiplier: Double = 3, spreadMultiplier: Double = 5, baseSpread: Double = 0.0005
    ) {
        self.depth = depth
        self.dropBars = dropBars
        self.troughBars = troughBars
        self.recoveryBars = recoveryBars
        self.recovery = recovery
        self.placement = placement
        self.volumeMultiplier = volumeMultiplier
        self.spreadMultiplier = spreadMultiplier
        self.baseSpread = baseSpread
    }

    /// Minute bars like 6 May 2010: −9 % over 15 bars, 3 bars at the trough, 70 % regained over 20 bars.
    public static func may2010Intraday(placement: Placement = .random) -> FlashCrash {
        FlashCrash(depth: 0.09, dropBars: 15, troughBars: 3, recoveryBars: 20, recovery: 0.7, placement: placement)
    }

    /// Daily bars: −9 % over 2 sessions, 1 at the trough, half regained over 5 sessions.
    public static func daily(placement: Placement = .random) -> FlashCrash {
        FlashCrash(depth: 0.09, dropBars: 2, troughBars: 1, recoveryBars: 5, recovery: 0.5, placement: placement)
    }

    /// A preset shape given in minutes of trading (`drop`, `trough`, `recovery`), in bars of
    /// `scale`'s series: each span rounded to the nearest whole bar, the fall at least 1 bar and a
    /// recovery that has minutes at least 1 bar. When the bars cannot hold the shape as given
    /// (a span rounds by more than a quarter of a bar, or to nothing) ``note`` says so.
    public static func inTime(
        _ preset: String, depth: Double, minutes: (drop: Double, trough: Double, recovery: Double), recovery: Double, on scale: SeriesScale,
        placement: Placement = .random
    ) -> FlashCrash {
        let m = scale.tradingMinutesPerBar ?? 1
        func bars(_ minutes: Double, minimum: Int) -> (Int, Bool) {
            let exact = minutes / m
            let whole = max(minimum, Int(exact.rounded()))
            return (whole, abs(Double(whole) - exact) > 0.25 || (minutes > 0 && Int(exact.rounded()) == 0))
        }
        let (drop, a) = bars(minutes.drop, minimum: 1)
        let (trough, b) = bars(minutes.trough, minimum: 0)
        let (up, c) = bars(minutes.recovery, minimum: minutes.recovery > 0 ? 1 : 0)
        var crash = FlashCrash(depth: depth, dropBars: drop, troughBars: trough, recoveryBars: up, recovery: recovery, placement: placement)
        if a || b || c {
            let total = minutes.drop + minutes.trough + minutes.recovery
            crash.note =
                "\(preset)'s \(String(format: "%.0f", total)) minutes of trading are \(String(format: "%.2f", total / m)) bars of \(String(format: "%.0f", m)) minutes: the nearest expressible shape"
        }
        return crash
    }

    /// The presets by name, durations in time: `may_2010` (−9 % over 15 minutes of trading, 3 at
    /// the trough, 70 % regained over 20 minutes) and `multi_day` (−9 % over 2 trading days, 1 at
    /// the trough, half regained over 5), in bars of `series` (``inTime(_:depth:minutes:recovery:on:placement:)``).
    public static func preset(_ name: String, for series: BarSeries, placement: Placement = .random) -> FlashCrash {
        let scale = SeriesScale(series)
        if name == "may_2010" {
            return inTime("May 2010", depth: 0.09, minutes: (15, 3, 20), recovery: 0.7, on: scale, placement: placement)
        }
        let day = Double(series.annualisation?.calendar.sessionMinutes ?? 390)
        return inTime("the multi-day preset", depth: 0.09, minutes: (2 * day, day, 5 * day), recovery: 0.5, on: scale, placement: placement)
    }

    /// The preset names (``preset(_:for:placement:)``).
    public static let presets = ["may_2010", "multi_day"]

    /// Total bars of the crash window.
    public var length: Int { dropBars + troughBars + recoveryBars }

    func check() throws {
        try require(depth > 0 && depth < 1, name, "depth", "must be in (0, 1), got \(depth)")
        try require(dropBars >= 1, name, "dropBars", "must be ≥ 1, got \(dropBars)")
        try require(troughBars >= 0, name, "troughBars", "must be ≥ 0, got \(troughBars)")
        try require(recoveryBars >= 0, name, "recoveryBars", "must be ≥ 0, got \(recoveryBars)")
        try require(recovery >= 0 && recovery <= 1, name, "recovery", "must be in [0, 1], got \(recovery)")
        try require(volumeMultiplier >= 1 && volumeMultiplier.isFinite, name, "volumeMultiplier", "must be ≥ 1, got \(volumeMultiplier)")
        try require(spreadMultiplier >= 1 && spreadMultiplier.isFinite, name, "spreadMultiplier", "must be ≥ 1, got \(spreadMultiplier)")
        try require(baseSpread >= 0 && baseSpread < 1, name, "baseSpread", "must be in [0, 1), got \(baseSpread)")
    }

    /// The overlay `f` at the end of each of the crash's bars (log price change vs the original).
    public func overlay() -> [Double] {
        let bottom = log(1 - depth)
        var f: [Double] = []
        f.reserveCapacity(length)
        for k in 1...dropBars {
            let u = Double(k) / Double(dropBars)
            f.append(bottom * u * u)
        }
        for _ in 0..<troughBars { f.append(bottom) }
        if recoveryBars > 0 {
            for k in 1...recoveryBars {
                let u = Double(k) / Double(recoveryBars)
                f.append(bottom * (1 - recovery * (1 - (1 - u) * (1 - u))))
            }
        }
        return f
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try check()
        guard let first = data.series.first else { return data }
        // One placement for every symbol: a market-wide event.
        let range = try placement.window(count: length).resolve(in: first, transform: name, rng: &rng)
        var growth = overlay()  // e^f: the overlay as price multipliers
        VectorMath.exp(&growth)
        var out = data
        for s in out.series.indices {
            var series = out.series[s]
            guard series.count >= range.upperBound else {
                throw LabStressError.unsuitableInput(transform: name, reason: "\(series.symbol) has \(series.count) bars, the crash needs \(range.upperBound)")
            }
            var spread = series.spread ?? [Double](repeating: baseSpread, count: series.count)
            var previous = 1.0
            for (k, t) in range.enumerated() {
                let now = growth[k]
                series.open[t] *= previous
                series.close[t] *= now
                series.high[t] *= max(previous, now)
                series.low[t] *= min(previous, now)
                if k < dropBars + troughBars {
                    series.volume[t] *= volumeMultiplier
                    spread[t] *= spreadMultiplier
                } else {
                    let u = Double(k - dropBars - troughBars + 1) / Double(recoveryBars + 1)
                    spread[t] *= spreadMultiplier + (1 - spreadMultiplier) * u
                }
                previous = now
            }
            series.rescale(from: range.upperBound, by: growth[growth.count - 1])
            series.spread = spread
            out.series[s] = series
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail: String(
                    format: "depth %.1f%% over %d bars, trough %d bars, %.0f%% regained over %d bars",
                    depth * 100, dropBars, troughBars, recovery * 100, recoveryBars) + (note.map { " (\($0))" } ?? "")))
        return out
    }
}
