/// How a universe portfolio turns raw scores into target weights (fractions of equity).
///
/// Normalisation (docs/portfolios.md), applied to the scores of the symbols with a bar at the
/// decision row (every other symbol gets 0):
/// 1. Without `netExposure`: each score is divided by Σ|scores| and multiplied by
///    `grossLeverage`, so Σ|w| = gross leverage and the signs are the scores' (true/false scores,
///    read as 1/0, give equal weights to the symbols that are true).
/// 2. With `netExposure` N: the longs are scaled to sum to (G + N) / 2 and the shorts to
///    −(G − N) / 2 (G the gross leverage); a side without a symbol stays empty, its budget in cash.
/// 3. With `maxWeight` m: every |w| above m is set to m and the excess is shared among the other
///    symbols of the same side in proportion to their weights, repeated until none exceeds m;
///    what cannot be placed (every symbol of a side at m) stays in cash.
/// All scores 0 means holding cash.
public struct WeightConstraints: Sendable, Equatable {
    /// Refuse negative scores (a short) — checked by the caller, which names the symbol and bar.
    public var longOnly: Bool
    /// Largest |weight| of one symbol, a fraction of equity in (0, gross]; nil: no limit.
    public var maxWeight: Double?
    /// Σ|w| after normalisation, > 0 (1 = fully invested, no leverage).
    public var grossLeverage: Double
    /// Σw after normalisation, in [−gross, gross]; nil: whatever the scores' signs give.
    public var netExposure: Double?

    /// Long and short allowed, no cap, gross 1, net free unless given.
    public init(longOnly: Bool = false, maxWeight: Double? = nil, grossLeverage: Double = 1, netExposure: Double? = nil) {
        self.longOnly = longOnly
        self.maxWeight = maxWeight
        self.grossLeverage = grossLeverage
        self.netExposure = netExposure
    }

    /// Checks the settings (one-line errors naming the field).
    public func check() throws {
        try need(grossLeverage > 0 && grossLeverage <= 100, "gross_leverage", "must be in (0, 100], got \(grossLeverage)")
        if let m = maxWeight { try need(m > 0 && m <= grossLeverage, "max_weight", "must be in (0, gross_leverage], got \(m)") }
        if let n = netExposure {
            try need(abs(n) <= grossLeverage, "net_exposure", "must be within ±gross_leverage (\(grossLeverage)), got \(n)")
            if longOnly { try need(n == grossLeverage, "net_exposure", "a long_only portfolio's net exposure is its gross leverage") }
        }
    }

    /// The target weights for `scores` (finite; 0 for symbols not to hold).
    public func weights(_ scores: [Double]) -> [Double] {
        var w = scores
        let gross = w.reduce(0) { $0 + abs($1) }
        guard gross > 0 else { return w }
        if let net = netExposure {
            let longs = w.reduce(0) { $0 + max($1, 0) }, shorts = w.reduce(0) { $0 + max(-$1, 0) }
            let longBudget = (grossLeverage + net) / 2, shortBudget = (grossLeverage - net) / 2
            for i in w.indices { w[i] = w[i] > 0 ? w[i] / longs * longBudget : (w[i] < 0 ? w[i] / shorts * shortBudget : 0) }
        } else {
            for i in w.indices { w[i] = w[i] / gross * grossLeverage }
        }
        if let m = maxWeight {
            for side in [1.0, -1.0] { Self.cap(&w, side: side, at: m) }
        }
        return w
    }

    /// Caps the weights of one side at `m`, sharing the excess among the uncapped of that side.
    static func cap(_ w: inout [Double], side: Double, at m: Double) {
        var capped = Set<Int>()
        while true {
            var excess = 0.0
            for i in w.indices where w[i] * side > m {
                excess += w[i] * side - m
                w[i] = m * side
                capped.insert(i)
            }
            guard excess > 1e-15 else { return }
            let free = w.indices.filter { w[$0] * side > 0 && !capped.contains($0) }
            let total = free.reduce(0) { $0 + w[$1] * side }
            guard total > 0 else { return }
            for i in free { w[i] += side * excess * (w[i] * side) / total }
        }
    }
}
