import LabCore

/// One or more symbols on a common clock, plus notes the transforms leave for reports.
///
/// Multi-symbol transforms (correlation breakdown) require every series to have the same
/// timestamps; single-symbol transforms apply to each series in turn.
public struct StressedData: Sendable {
    /// The bars, one series per symbol.
    public var series: [BarSeries]
    /// What each transform did and where (windows, regime paths), in the order applied.
    public var annotations: [StressAnnotation]

    /// Bars (one series per symbol) and notes so far.
    public init(series: [BarSeries], annotations: [StressAnnotation] = []) {
        self.series = series
        self.annotations = annotations
    }
}

/// A note left by a transform: the bars it touched and, for regime models, the regime of each bar.
public struct StressAnnotation: Sendable, Equatable, Codable {
    /// Transform name (`flash_crash`, `regime_switch`, …).
    public let transform: String
    /// Bars touched (indices into the series), half-open.
    public let start: Int
    /// First bar after the touched range.
    public let end: Int
    /// Short description, e.g. `depth 9.0% over 5 bars, trough 3 bars, recovery 60% over 20 bars`.
    public let detail: String
    /// Per-bar regime ids over `start..<end` (regime models only).
    public let regimes: [Int]?

    /// A note on `start..<end`.
    public init(transform: String, start: Int, end: Int, detail: String, regimes: [Int]? = nil) {
        self.transform = transform
        self.start = start
        self.end = end
        self.detail = detail
        self.regimes = regimes
    }
}

/// A pure, seeded transformation of bar data.
///
/// Every transform keeps, for every bar: `low ≤ min(open, close) ≤ max(open, close) ≤ high`,
/// prices > 0, volume ≥ 0, timestamps unchanged; bars before its window are untouched; the same
/// input, parameters and generator state give the same output.
public protocol StressTransform: Sendable {
    /// Identifier used in scenario files and reports (`flash_crash`, `vol_scale`, …).
    var name: String { get }
    /// Applies the transform. Random draws come only from `rng`.
    func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData
}

/// Where a transform acts, in bars.
public enum BarWindow: Sendable, Equatable {
    /// Every bar.
    case all
    /// `count` bars from index `start`.
    case bars(start: Int, count: Int)
    /// `count` bars from the first bar at or after `time` (ns since the epoch, UTC).
    case time(start: Int64, count: Int)
    /// `count` bars at a start drawn uniformly from the positions where the window fits (seeded).
    case random(count: Int)
    /// The bars whose timestamps lie in `from ..< to` (ns since the epoch, UTC) — a named period
    /// such as the autumn of 2008.
    case timeRange(from: Int64, to: Int64)

    /// The window's bar range in a series, or a one-line error naming the transform.
    public func resolve(in series: BarSeries, transform: String, rng: inout SeededRNG) throws -> Range<Int> {
        let n = series.count
        switch self {
        case .all:
            return 0..<n
        case let .bars(start, count):
            try require(count >= 1, transform, "window", "needs at least 1 bar, got \(count)")
            try require(start >= 0 && start + count <= n, transform, "window", "bars \(start)..<\(start + count) outside the series (\(n) bars)")
            return start..<(start + count)
        case let .time(time, count):
            try require(count >= 1, transform, "window", "needs at least 1 bar, got \(count)")
            let start = series.firstIndex(atOrAfter: time)
            try require(start + count <= n, transform, "window", "\(count) bars from \(CivilTime.iso8601(time)) run past the series end")
            return start..<(start + count)
        case let .timeRange(from, to):
            let slice = series.slice(from: from, to: to)
            try require(!slice.range.isEmpty, transform, "window", "no bars between \(CivilTime.iso8601(from)) and \(CivilTime.iso8601(to))")
            return slice.range
        case let .random(count):
            try require(count >= 1 && count <= n, transform, "window", "\(count) bars do not fit a series of \(n) bars")
            let start = rng.nextInt(below: n - count + 1)
            return start..<(start + count)
        }
    }
}

/// Transforms applied in order. Step `k` draws from stream `k` of the seed, so adding a step
/// never changes the random numbers of the steps before it.
public struct StressPipeline: Sendable {
    /// The transforms, in order.
    public let steps: [any StressTransform]

    /// A pipeline of `steps`.
    public init(_ steps: [any StressTransform]) { self.steps = steps }

    /// Runs every step on `series` with `seed`.
    public func apply(_ series: [BarSeries], seed: UInt64) throws -> StressedData {
        var data = StressedData(series: series)
        let streams = SeededRNG(seed: seed).streams(steps.count)
        for (k, step) in steps.enumerated() {
            var rng = streams[k]
            data = try step.apply(data, rng: &rng)
        }
        return data
    }
}
