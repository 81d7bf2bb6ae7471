/// What a strategy wants after the close of a bar: go long, go short or be flat.
///
/// The execution simulator reads a `[TargetDirection?]` per bar (nil: leave the position as it is)
/// and trades to it with all the margin its sizing rule allows.
public enum TargetDirection: Int8, Sendable, Equatable, Hashable, Codable {
    /// Hold a short position (sign −1).
    case short = -1
    /// Hold nothing (sign 0).
    case flat = 0
    /// Hold a long position (sign +1).
    case long = 1

    /// `long`, `short` or `flat`, as written in reports.
    public var label: String {
        switch self {
        case .long: "long"
        case .short: "short"
        case .flat: "flat"
        }
    }
}

/// A trading signal: what a strategy decided at the close of one bar, and how sure it is.
///
/// Conventions held by every stage that touches a signal:
/// - it is decided from bars `0...bar` only and can be traded at the earliest at the next fill the
///   execution model allows (next open by default);
/// - `confidence` is in [0, 1]: read as the probability that the signed forward return over the
///   monitored horizon is positive (what the feedback loop calibrates it to); `rawConfidence`
///   keeps the strategy's own value;
/// - `direction == .flat` is an exit: it never opens a position;
/// - `sizeScale` in [0, 1] is the fraction of the normal position size the risk adjuster allows.
public struct Signal: Sendable, Equatable, Hashable, Codable {
    /// Bar index (into the series the strategy ran on) whose close produced the signal.
    public var bar: Int
    /// Time of that bar, ns since the epoch, UTC.
    public var timestamp: Int64
    /// Symbol of the series.
    public var symbol: String
    /// Wanted position.
    public var direction: TargetDirection
    /// Confidence in [0, 1] after calibration and risk adjustment (equal to `rawConfidence` until then).
    public var confidence: Double
    /// The strategy's own confidence in [0, 1].
    public var rawConfidence: Double
    /// Strategy name as in scenario files, e.g. `sma_cross`.
    public var strategy: String
    /// Short machine-readable reason, e.g. `sma_cross_up(10,20)`.
    public var reason: String
    /// Quality score in [0, 1] (NaN until scored), see `SignalQualityModel` in LabSignals.
    public var quality: Double
    /// Fraction of the normal position size allowed, in [0, 1].
    public var sizeScale: Double
    /// Whether the signal sets the size of a position held on the same side (a target fraction):
    /// the simulator then trades the difference instead of ignoring or re-opening it.
    public var resizes: Bool = false

    /// A signal whose raw confidence is `confidence`; quality unscored and full size unless given.
    public init(
        bar: Int, timestamp: Int64, symbol: String, direction: TargetDirection, confidence: Double,
        strategy: String, reason: String, quality: Double = .nan, sizeScale: Double = 1
    ) {
        self.bar = bar
        self.timestamp = timestamp
        self.symbol = symbol
        self.direction = direction
        self.confidence = confidence
        self.rawConfidence = confidence
        self.strategy = strategy
        self.reason = reason
        self.quality = quality
        self.sizeScale = sizeScale
    }

    /// +1 for long, −1 for short, 0 for flat.
    @inlinable public var sign: Double { Double(direction.rawValue) }

    public static func == (a: Signal, b: Signal) -> Bool {
        // Bitwise on the doubles so that NaN quality compares equal to itself (determinism checks).
        a.bar == b.bar && a.timestamp == b.timestamp && a.symbol == b.symbol && a.direction == b.direction
            && a.confidence.bitPattern == b.confidence.bitPattern && a.rawConfidence.bitPattern == b.rawConfidence.bitPattern
            && a.strategy == b.strategy && a.reason == b.reason && a.quality.bitPattern == b.quality.bitPattern
            && a.sizeScale.bitPattern == b.sizeScale.bitPattern && a.resizes == b.resizes
    }

    public func hash(into h: inout Hasher) {
        h.combine(bar)
        h.combine(symbol)
        h.combine(reason)
    }
}

/// What became of one directional signal after `horizon` bars: the input of signal monitoring.
///
/// `forwardReturn` is the simple return `close[bar + horizon] / close[bar] − 1` (from the close
/// that produced the signal, so it measures the forecast, not the fill); `signedReturn` multiplies
/// it by the direction (+1 long, −1 short); a hit is `signedReturn > 0`. The outcome is known at
/// the close of `resolvedBar = bar + horizon` and may be used from then on, never before.
public struct SignalOutcome: Sendable, Equatable, Codable {
    /// Bar of the signal (its close decided it).
    public var bar: Int
    /// bar + horizon: the close at which the outcome becomes known.
    public var resolvedBar: Int
    /// Strategy that emitted the signal.
    public var strategy: String
    /// Long or short (flat signals have no outcome).
    public var direction: TargetDirection
    /// Confidence the signal carried when it was emitted (after calibration).
    public var confidence: Double
    /// Simple return from the signal's close to the close `horizon` bars later (fraction).
    public var forwardReturn: Double
    /// forwardReturn × direction (+1 long, −1 short).
    public var signedReturn: Double
    /// signedReturn > 0.
    public var hit: Bool
    /// Net P&L (account currency) of the trade the signal opened, when it was traded.
    public var realisedPnL: Double?

    /// The outcome of one signal; `signedReturn` and `hit` follow from `direction` and `forwardReturn`.
    public init(
        bar: Int, resolvedBar: Int, strategy: String, direction: TargetDirection, confidence: Double,
        forwardReturn: Double, realisedPnL: Double? = nil
    ) {
        self.bar = bar
        self.resolvedBar = resolvedBar
        self.strategy = strategy
        self.direction = direction
        self.confidence = confidence
        self.forwardReturn = forwardReturn
        self.signedReturn = Double(direction.rawValue) * forwardReturn
        self.hit = signedReturn > 0
        self.realisedPnL = realisedPnL
    }
}
