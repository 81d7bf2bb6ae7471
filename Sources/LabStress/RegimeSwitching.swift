import Foundation
import LabCore

/// Markov regime switching (Hamilton 1989): a hidden regime follows a Markov chain with a
/// transition matrix, and each regime has its own drift and volatility.
///
/// Model: regime path `s_t` with `P(s_{t+1} = j | s_t = i) = transition[i][j]`, starting in
/// `initialRegime` (or drawn from the chain's stationary distribution); the window's log returns
/// become `(μ_s − σ_s²/2)/P + σ_s/√P · z_t` with annual drift μ and volatility σ of the regime and
/// P = `BarSeries.periodsPerYear`. Bars keep their shape, open gap and wicks scaled by the
/// regime's per-bar volatility over the window's original volatility (`BarSeries.replaceReturns`). The regime path is recorded in the
/// annotation (`regimes`) so reports can shade it. All symbols share one regime path.
public struct RegimeSwitching: StressTransform, Equatable {
    /// One regime: a name and its annual drift and volatility.
    public struct Regime: Sendable, Equatable, Codable {
        public var name: String
        /// Annual drift of log prices (e.g. 0.08).
        public var annualDrift: Double
        /// Annual volatility (e.g. 0.15), ≥ 0.
        public var annualVolatility: Double

        /// A regime with annual drift and volatility as fractions.
        public init(name: String, annualDrift: Double, annualVolatility: Double) {
            self.name = name
            self.annualDrift = annualDrift
            self.annualVolatility = annualVolatility
        }
    }

    public var name: String { "regime_switch" }
    /// The regimes, indexed by the transition matrix's rows.
    public var regimes: [Regime]
    /// Row-stochastic: `transition[i][j]` is the per-bar probability of moving from i to j.
    public var transition: [[Double]]
    /// Starting regime index; nil draws it from the stationary distribution.
    public var initialRegime: Int?
    /// Bars whose returns follow the regimes.
    public var window: BarWindow

    /// A regime model; checked when applied (square row-stochastic matrix, valid start).
    public init(regimes: [Regime], transition: [[Double]], initialRegime: Int? = nil, window: BarWindow = .all) {
        self.regimes = regimes
        self.transition = transition
        self.initialRegime = initialRegime
        self.window = window
    }

    /// Calm (8 %/yr drift, 12 % vol) and stressed (−30 %/yr, 45 % vol) regimes for daily bars: calm
    /// lasts 100 sessions on average, stress 20.
    public static let calmAndStressed = RegimeSwitching(
        regimes: [
            Regime(name: "calm", annualDrift: 0.08, annualVolatility: 0.12),
            Regime(name: "stressed", annualDrift: -0.30, annualVolatility: 0.45),
        ],
        transition: [[0.99, 0.01], [0.05, 0.95]])

    /// The calm-and-stressed preset fitted to `series` (docs/stress.md): the calm regime is the
    /// series itself — its own annualised volatility σ and drift (arithmetic: the mean log return
    /// plus σ²/2, annualised with the series' bars a year) —, the stressed one `stressedMultiple` × σ
    /// with the calm drift plus `stressedDriftSigmas` × σ. Durations are in trading days, converted
    /// with the bars a day: calm lasts `calmDays` on average, stress `stressedDays` (a per-bar
    /// probability of leaving of 1 / (days × bars a day)). The first regime is drawn from the
    /// chain's stationary distribution.
    public static func fitted(
        to series: BarSeries, stressedMultiple: Double = 3, stressedDriftSigmas: Double = -2.5, calmDays: Double = 100, stressedDays: Double = 20
    ) -> RegimeSwitching {
        let scale = SeriesScale(series)
        let sigma = scale.annualVolatility
        let calmDrift = scale.annualDrift + sigma * sigma / 2
        let perDay = max(scale.barsPerDay, 1e-9)
        let leaveCalm = min(1, 1 / (calmDays * perDay)), leaveStress = min(1, 1 / (stressedDays * perDay))
        return RegimeSwitching(
            regimes: [
                Regime(name: "calm", annualDrift: calmDrift, annualVolatility: sigma),
                Regime(name: "stressed", annualDrift: calmDrift + stressedDriftSigmas * sigma, annualVolatility: stressedMultiple * sigma),
            ],
            transition: [[1 - leaveCalm, leaveCalm], [leaveStress, 1 - leaveStress]])
    }

    func check() throws {
        try require(regimes.count >= 2, name, "regimes", "needs at least 2 regimes, got \(regimes.count)")
        for (i, r) in regimes.enumerated() {
            try require(
                r.annualVolatility >= 0 && r.annualVolatility.isFinite, name, "regimes[\(i)].annualVolatility", "must be ≥ 0, got \(r.annualVolatility)")
            try require(r.annualDrift.isFinite, name, "regimes[\(i)].annualDrift", "must be finite, got \(r.annualDrift)")
        }
        try require(transition.count == regimes.count, name, "transition", "needs \(regimes.count) rows, got \(transition.count)")
        for (i, row) in transition.enumerated() {
            try require(row.count == regimes.count, name, "transition[\(i)]", "needs \(regimes.count) entries, got \(row.count)")
            try require(row.allSatisfy { $0 >= 0 && $0 <= 1 }, name, "transition[\(i)]", "probabilities must be in [0, 1]")
            try require(abs(row.reduce(0, +) - 1) < 1e-9, name, "transition[\(i)]", "must sum to 1, got \(row.reduce(0, +))")
        }
        if let r = initialRegime {
            try require(r >= 0 && r < regimes.count, name, "initialRegime", "unknown regime id \(r) (0…\(regimes.count - 1))")
        }
    }

    /// The chain's stationary distribution (power iteration).
    public func stationaryDistribution() -> [Double] {
        var p = [Double](repeating: 1 / Double(regimes.count), count: regimes.count)
        for _ in 0..<10_000 {
            var next = [Double](repeating: 0, count: p.count)
            for i in p.indices { for j in p.indices { next[j] += p[i] * transition[i][j] } }
            let change = zip(p, next).map { abs($0 - $1) }.max() ?? 0
            p = next
            if change < 1e-15 { break }
        }
        return p
    }

    /// A regime path of `count` bars.
    public func path(count: Int, rng: inout SeededRNG) -> [Int] {
        let k = regimes.count
        // Cumulative rows, flat: bar t moves from i to the first j with u < cumulative[i·k + j].
        var cumulative = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            var total = 0.0
            for j in 0..<k {
                total += transition[i][j]
                cumulative[i * k + j] = total
            }
        }
        func draw(_ weights: ArraySlice<Double>, _ u: Double) -> Int {
            for (j, w) in zip(weights.indices, weights) where u < w { return j - weights.startIndex }
            return weights.count - 1
        }
        let start = stationaryDistribution().reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
        var state = initialRegime ?? draw(start[...], rng.nextUniform())
        var path = [Int](repeating: 0, count: count)
        cumulative.withUnsafeBufferPointer { cum in
            for t in 0..<count {
                if t > 0 {
                    let u = rng.nextUniform()
                    var j = 0
                    let row = state * k
                    while j < k - 1 && !(u < cum[row + j]) { j += 1 }
                    state = j
                }
                path[t] = state
            }
        }
        return path
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try check()
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        let states = path(count: range.count, rng: &rng)
        var out = data
        for s in out.series.indices {
            let periods = out.series[s].periodsPerYear
            let originalSD = max(out.series[s].returnVolatility(range), 1e-12)
            let sigma = regimes.map { $0.annualVolatility / periods.squareRoot() }
            let drift = regimes.map { ($0.annualDrift - 0.5 * $0.annualVolatility * $0.annualVolatility) / periods }
            let wickOf = sigma.map { $0 / originalSD }
            var returns = Stats.column(range.count), wicks = Stats.column(range.count)
            rng.fillGaussian(&returns)
            returns.withUnsafeMutableBufferPointer { r in
                wicks.withUnsafeMutableBufferPointer { w in
                    states.withUnsafeBufferPointer { st in
                        for k in 0..<st.count {
                            let state = st[k]
                            r[k] = drift[state] + sigma[state] * r[k]
                            w[k] = wickOf[state]
                        }
                    }
                }
            }
            out.series[s].replaceReturns(range, with: returns, wicks: wicks)
        }
        var perRegime = [Int](repeating: 0, count: regimes.count)
        for state in states { perRegime[state] += 1 }
        let counts = regimes.indices.map { "\(regimes[$0].name) \(perRegime[$0])" }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail: "bars per regime: " + counts.joined(separator: ", "), regimes: states))
        return out
    }
}
