import Foundation

/// report.json `jobs[].stress` of a stress variant's job: what the variant did to the data and
/// where the strategy stood while it did (docs/stress.md, "Reading the stress comparison").
public struct StressOutcome: Sendable, Codable, Equatable {
    /// Bars whose prices, volume or spread differ from the baseline's.
    public var changed_bars: Int
    /// Bars the transforms stressed (their windows; a regime model's stressed regime only).
    public var stressed_bars: Int
    /// Of those, bars the strategy held long through (absent for portfolios: they hold weights).
    public var long_bars: Int?
    /// Of those, bars the strategy held short through (absent for portfolios).
    public var short_bars: Int?
    /// Warnings on the variant (a transform that changed (almost) nothing).
    public var notes: [String]?

    /// An outcome with its counts and notes.
    public init(changed_bars: Int, stressed_bars: Int, long_bars: Int?, short_bars: Int?, notes: [String]?) {
        self.changed_bars = changed_bars
        self.stressed_bars = stressed_bars
        self.long_bars = long_bars
        self.short_bars = short_bars
        self.notes = notes
    }

    /// The reason a variant that beat the baseline did, where it can be read off the run; nil when
    /// it cannot (the strategy was long through the stress, or a portfolio's weights).
    public func improvementReason() -> String? {
        guard let long_bars, let short_bars else { return nil }
        guard stressed_bars > 0 else { return "the stress changed no bar this strategy trades on" }
        if long_bars == 0 && short_bars == 0 {
            return "flat during all \(stressed_bars) stressed bars: the stress never met a position; the prices after it differ, and so do the signals"
        }
        if short_bars > long_bars {
            return "short during \(short_bars) of the \(stressed_bars) stressed bars"
        }
        return nil
    }
}
