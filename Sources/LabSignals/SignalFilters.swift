import Foundation
import LabCore

/// One rule of the filter chain. Rules see signals in bar order, one at a time, and only what was
/// known at the signal's close.
///
/// Exits (flat signals) reduce risk, so they pass every rule except ``marketHours`` (an exit
/// cannot trade while the market is closed any more than an entry can).
public enum SignalFilterRule: Sendable, Equatable {
    /// Rejects entries whose confidence (after calibration and risk adjustment) is below `minimum`.
    case confidence(minimum: Double)
    /// Rejects signals on bars outside the exchange's sessions: days the calendar does not trade
    /// (weekends, holidays), and for intraday bars times outside the regular session widened by
    /// `preMarketMinutes` before the open and `postMarketMinutes` after the close (half days close
    /// early). Bar timestamps label the start of the bar; daily bars are checked by date only.
    case marketHours(calendar: TradingCalendar, preMarketMinutes: Int, postMarketMinutes: Int)
    /// Rejects entries on bars whose volume is below `minimum` (units) or below `relative` × the
    /// mean volume of the `window` bars before.
    case volume(minimum: Double, relative: Double, window: Int)
    /// Scales confidence and size down in high volatility or drawdown, see ``RiskAdjuster``.
    case risk(RiskAdjuster)
    /// Rejects an entry fewer than `bars` bars after the previous entry that passed.
    case coolDown(bars: Int)
    /// A user's own rule (``SignalFilter``), registered in ``FilterRegistry``.
    case custom(any SignalFilter)

    public static func == (a: SignalFilterRule, b: SignalFilterRule) -> Bool {
        switch (a, b) {
        case let (.confidence(x), .confidence(y)): return x == y
        case let (.marketHours(c1, a1, b1), .marketHours(c2, a2, b2)): return c1 == c2 && a1 == a2 && b1 == b2
        case let (.volume(m1, r1, w1), .volume(m2, r2, w2)): return m1 == m2 && r1 == r2 && w1 == w2
        case let (.risk(x), .risk(y)): return x == y
        case let (.coolDown(x), .coolDown(y)): return x == y
        case let (.custom(x), .custom(y)): return x.name == y.name && x.description == y.description
        default: return false
        }
    }

    /// Rule name as in scenario files and reports.
    public var name: String {
        switch self {
        case let .custom(f): f.name
        case .confidence: "confidence"
        case .marketHours: "market_hours"
        case .volume: "volume"
        case .risk: "risk"
        case .coolDown: "cool_down"
        }
    }

    /// Checks the rule's parameters (one-line error naming the rule and the field).
    public func validate() throws {
        func bad(_ field: String, _ reason: String) -> LabSignalsError { .invalidParameter(owner: "filters.\(name)", field: field, reason: reason) }
        switch self {
        case let .confidence(m):
            guard m >= 0, m <= 1 else { throw bad("minimum", "must be in [0, 1], got \(m)") }
        case let .marketHours(_, pre, post):
            guard pre >= 0, pre < 1440 else { throw bad("pre_market_minutes", "must be in 0..<1440, got \(pre)") }
            guard post >= 0, post < 1440 else { throw bad("post_market_minutes", "must be in 0..<1440, got \(post)") }
        case let .volume(minimum, relative, window):
            guard minimum >= 0, minimum.isFinite else { throw bad("minimum", "must be ≥ 0, got \(minimum)") }
            guard relative >= 0, relative.isFinite else { throw bad("relative", "must be ≥ 0, got \(relative)") }
            guard window >= 1 else { throw bad("window", "must be ≥ 1, got \(window)") }
        case let .risk(r):
            try r.validate()
        case let .coolDown(bars):
            guard bars >= 0 else { throw bad("bars", "must be ≥ 0, got \(bars)") }
        case .custom: break
        }
    }
}

/// A filter rule of one's own: register it in ``FilterRegistry`` and name it in a scenario's
/// `filters`. It sees signals in bar order and must decide from bars up to the signal's bar.
public protocol SignalFilter: Sendable, CustomStringConvertible {
    /// Rule name as in scenario files and reports.
    var name: String { get }
    /// Whether `signal` passes (an exit passes unless the rule says otherwise), reading only
    /// `indicators.bars[0...signal.bar]`.
    func passes(_ signal: Signal, indicators: IndicatorCache) -> Bool
}

/// The risk adjuster: scales an entry's confidence and size by
/// `volatilityScale × drawdownScale`, caps the size at `maxExposure`, and rejects the entry when the
/// size would fall below `minimumScale`.
///
/// - `volatilityScale = min(1, volatilityCeiling / σ)` with σ the annualised volatility of the
///   last `volatilityWindow` log returns (annualised by the series' bar frequency);
/// - `drawdownScale = drawdownFactor` while the *paper* equity of the signals passed so far (each
///   held from its close at its size, close-to-close simple returns, before costs) is more than
///   `drawdownLimit` below its peak, else 1.
public struct RiskAdjuster: Sendable, Equatable {
    /// Log returns in the realised-volatility window, ≥ 2.
    public var volatilityWindow = 20
    /// Annualised volatility above which sizes shrink (fraction, e.g. 0.4 = 40 %/yr).
    public var volatilityCeiling = 0.4
    /// Paper drawdown (fraction of the peak) beyond which sizes shrink.
    public var drawdownLimit = 0.1
    /// Size multiplier while in such a drawdown, in [0, 1].
    public var drawdownFactor = 0.5
    /// Largest size scale (exposure as a fraction of the normal size), in (0, 1].
    public var maxExposure = 1.0
    /// Entries scaled below this are rejected, in [0, 1].
    public var minimumScale = 0.0

    /// Defaults: 20 returns, 40 %/yr ceiling, 10 % drawdown limit, factor 0.5, full exposure, no minimum.
    public init() {}

    func validate() throws {
        func bad(_ field: String, _ reason: String) -> LabSignalsError { .invalidParameter(owner: "filters.risk", field: field, reason: reason) }
        guard volatilityWindow >= 2 else { throw bad("volatility_window", "must be ≥ 2, got \(volatilityWindow)") }
        guard volatilityCeiling > 0, volatilityCeiling.isFinite else { throw bad("volatility_ceiling", "must be > 0, got \(volatilityCeiling)") }
        guard drawdownLimit > 0, drawdownLimit < 1 else { throw bad("drawdown_limit", "must be in (0, 1), got \(drawdownLimit)") }
        guard drawdownFactor >= 0, drawdownFactor <= 1 else { throw bad("drawdown_factor", "must be in [0, 1], got \(drawdownFactor)") }
        guard maxExposure > 0, maxExposure <= 1 else { throw bad("max_exposure", "must be in (0, 1], got \(maxExposure)") }
        guard minimumScale >= 0, minimumScale <= 1 else { throw bad("minimum_scale", "must be in [0, 1], got \(minimumScale)") }
    }
}

/// What one rule did: signals it saw, rejected (by reason) and adjusted.
public struct FilterRuleStats: Sendable, Equatable, Codable {
    /// The rule's name as in the scenario (`confidence`, `market_hours`, `volume`, `risk`, `cool_down`).
    public var rule: String
    /// Signals the rule saw.
    public var evaluated = 0
    /// Signals it let through.
    public var passed = 0
    /// Signals it rejected.
    public var rejected = 0
    /// Rejections by reason (`below_threshold`, `closed_day`, `outside_session`, `below_absolute`,
    /// `below_relative`, `below_minimum_scale`, `cool_down`).
    public var reasons: [String: Int] = [:]
    /// Signals whose confidence or size the rule changed (the risk adjuster).
    public var adjusted = 0

    /// Zero counts for `rule`.
    public init(rule: String) { self.rule = rule }
}

/// The filter chain: applies its rules in order to each signal and counts what each did.
public struct SignalFilterChain: Sendable {
    /// The rules, applied in this order.
    public let rules: [SignalFilterRule]

    /// A chain of `rules`.
    /// - Throws: ``LabSignalsError/invalidParameter(owner:field:reason:)`` for the first bad rule setting.
    public init(_ rules: [SignalFilterRule]) throws {
        for r in rules { try r.validate() }
        self.rules = rules
    }

    /// Filters `signals` (in bar order) over `bars`; returns the signals that passed (with the risk
    /// adjuster's confidence and size applied) and one ``FilterRuleStats`` per rule, in chain order.
    public func apply(_ signals: [Signal], bars: BarSeries) -> (passed: [Signal], stats: [FilterRuleStats]) {
        apply(signals, indicators: IndicatorCache(bars))
    }

    /// Why a rule rejected a signal (the keys of ``FilterRuleStats/reasons``).
    enum Rejection: String, CaseIterable {
        case belowThreshold = "below_threshold", closedDay = "closed_day", outsideSession = "outside_session"
        case belowAbsolute = "below_absolute", belowRelative = "below_relative", belowMinimumScale = "below_minimum_scale"
        case coolDown = "cool_down", rejectedByRule = "rejected_by_rule"
    }

    /// A rule with what it reads resolved once per run (no strings or lookups in the signal loop).
    enum Check {
        case confidence(Double)
        case marketHours(cursor: Int, pre: Int, post: Int)
        case volume(minimum: Double, relative: Double, window: Int)
        case risk(RiskAdjuster)
        case coolDown(Int)
        case custom(any SignalFilter)
    }

    /// The same, reading (and filling) shared indicator columns.
    public func apply(_ signals: [Signal], indicators: IndicatorCache) -> (passed: [Signal], stats: [FilterRuleStats]) {
        let bars = indicators.bars
        var sessions: [SessionCursor] = []
        let checks: [Check] = rules.map { rule in
            switch rule {
            case let .confidence(m): return .confidence(m)
            case let .marketHours(calendar, pre, post):
                sessions.append(SessionCursor(calendar: calendar))
                return .marketHours(cursor: sessions.count - 1, pre: pre, post: post)
            case let .volume(minimum, relative, window):
                return .volume(minimum: minimum, relative: relative, window: window)
            case let .risk(r):
                return .risk(r)
            case let .coolDown(n): return .coolDown(n)
            case let .custom(f): return .custom(f)
            }
        }
        let annualise = bars.periodsPerYear.squareRoot()
        let intraday = bars.frequency?.isIntraday ?? false
        let reasons = Rejection.allCases
        var evaluated = [Int](repeating: 0, count: checks.count), passedCount = evaluated, adjusted = evaluated
        var rejected = [[Int]](repeating: [Int](repeating: 0, count: reasons.count), count: checks.count)
        var passed: [Signal] = []
        passed.reserveCapacity(signals.count)
        var lastEntryBar = Int.min
        // Paper equity of the passed signals, marked up to the current signal's bar.
        var paper = PaperEquity()
        let volume = bars.volume
        for var s in signals {
            paper.advance(to: s.bar, close: bars.close)
            let entry = s.direction != .flat
            var accepted = true
            for k in checks.indices {
                evaluated[k] += 1
                var reason: Rejection?
                switch checks[k] {
                case let .confidence(minimum):
                    if entry && s.confidence < minimum { reason = .belowThreshold }
                case let .marketHours(cursor, pre, post):
                    reason = sessions[cursor].check(time: s.timestamp, intraday: intraday, pre: pre, post: post)
                case let .volume(minimum, relative, window):
                    guard entry else { break }
                    let v = volume[s.bar]
                    if v < minimum {
                        reason = .belowAbsolute
                    } else if relative > 0 {
                        let mean = indicators.priorVolumeMean(window, at: s.bar)
                        if mean.isFinite && v < relative * mean { reason = .belowRelative }
                    }
                case let .risk(r):
                    guard entry else { break }
                    switch adjust(&s, r, volatility: indicators.volatility(r.volatilityWindow, at: s.bar) * annualise, drawdown: paper.drawdown) {
                    case .none: break
                    case .adjusted: adjusted[k] += 1
                    case .rejected: reason = .belowMinimumScale
                    }
                case let .coolDown(n):
                    if entry && lastEntryBar != Int.min && s.bar - lastEntryBar < n { reason = .coolDown }
                case let .custom(f):
                    if !f.passes(s, indicators: indicators) { reason = .rejectedByRule }
                }
                if let reason {
                    rejected[k][reasons.firstIndex(of: reason)!] += 1
                    accepted = false
                    break
                }
                passedCount[k] += 1
            }
            guard accepted else { continue }
            if entry { lastEntryBar = s.bar }
            paper.position = s.sign * s.sizeScale
            passed.append(s)
        }
        let stats = rules.indices.map { k in
            var st = FilterRuleStats(rule: rules[k].name)
            st.evaluated = evaluated[k]
            st.passed = passedCount[k]
            st.adjusted = adjusted[k]
            for (j, reason) in reasons.enumerated() where rejected[k][j] > 0 { st.reasons[reason.rawValue] = rejected[k][j] }
            st.rejected = rejected[k].reduce(0, +)
            return st
        }
        return (passed, stats)
    }

    enum RiskOutcome { case none, adjusted, rejected }

    /// The risk adjuster on one entry.
    private func adjust(_ s: inout Signal, _ r: RiskAdjuster, volatility sigma: Double, drawdown: Double) -> RiskOutcome {
        var scale = 1.0
        if sigma.isFinite, sigma > r.volatilityCeiling { scale *= r.volatilityCeiling / sigma }
        if drawdown > r.drawdownLimit { scale *= r.drawdownFactor }
        let size = min(r.maxExposure, s.sizeScale * scale)
        if size < r.minimumScale { return .rejected }
        guard scale < 1 || size != s.sizeScale else { return .none }
        s.confidence *= scale
        s.sizeScale = size
        return .adjusted
    }
}
/// The market-hours check: the calendar's ``TradingCalendar/Locator`` (zone offset and the
/// current date's answers cached).
struct SessionCursor {
    private var locator: TradingCalendar.Locator

    init(calendar: TradingCalendar) { locator = TradingCalendar.Locator(calendar) }

    /// nil when a bar stamped `t` (ns UTC) is inside a session of the calendar, else why not.
    /// Bar timestamps label the start of the bar; daily bars are checked by date only.
    mutating func check(time t: Int64, intraday: Bool, pre: Int, post: Int) -> SignalFilterChain.Rejection? {
        let p = locator.place(t, intraday: intraday, pre: pre, post: post)
        guard p.tradingDay else { return .closedDay }
        return p.inSession ? nil : .outsideSession
    }
}

/// Paper equity of a signal stream: position × close-to-close simple returns, compounded, with its
/// running peak (what the risk adjuster's drawdown reads).
struct PaperEquity {
    var equity = 1.0
    var peak = 1.0
    var position = 0.0
    var bar = 0

    /// Marks the paper book to the close of `target` (bars after the last mark, in order).
    mutating func advance(to target: Int, close: [Double]) {
        guard target > bar else { return }
        if position != 0 {
            close.withUnsafeBufferPointer { c in
                var e = equity, p = peak
                for i in (bar + 1)...target {
                    let r = c[i] / c[i - 1] - 1
                    e *= r.isFinite ? 1 + position * r : 1
                    p = e > p ? e : p
                }
                equity = e
                peak = p
            }
        }
        bar = target
    }

    var drawdown: Double { peak > 0 ? 1 - equity / peak : 0 }
}
