import Foundation
import LabCore

/// GARCH(1,1) parameters for log returns `r_t = μ + ε_t`, `ε_t = √h_t · z_t`,
/// `h_t = ω + α·ε²_{t−1} + β·h_{t−1}` (Bollerslev 1986). Units: per bar (ω in squared log return).
public struct GARCHParameters: Sendable, Equatable, Codable {
    /// Constant of the variance equation, > 0 (squared log return per bar).
    public var omega: Double
    /// Weight of the last squared shock, ≥ 0.
    public var alpha: Double
    /// Weight of the last variance, ≥ 0 (α + β < 1).
    public var beta: Double
    /// Mean log return per bar.
    public var mu: Double

    /// Parameters per bar; `check` runs when they are used.
    public init(omega: Double, alpha: Double, beta: Double, mu: Double = 0) {
        self.omega = omega
        self.alpha = alpha
        self.beta = beta
        self.mu = mu
    }

    /// Long-run variance `ω / (1 − α − β)` (per bar).
    public var unconditionalVariance: Double { omega / (1 - alpha - beta) }

    func check(_ transform: String) throws {
        try require(omega > 0 && omega.isFinite, transform, "omega", "must be > 0, got \(omega)")
        try require(alpha >= 0, transform, "alpha", "must be ≥ 0, got \(alpha)")
        try require(beta >= 0, transform, "beta", "must be ≥ 0, got \(beta)")
        try require(alpha + beta < 1, transform, "alpha+beta", "must be < 1 (covariance stationary), got \(alpha + beta)")
        try require(mu.isFinite, transform, "mu", "must be finite, got \(mu)")
    }
}

/// A GARCH(1,1) fitted by maximum likelihood.
public struct GARCHFit: Sendable {
    /// The fitted ω, α, β and μ (per bar).
    public let parameters: GARCHParameters
    /// Gaussian log-likelihood at the optimum (constant terms included).
    public let logLikelihood: Double
    /// Standardised residuals `ε_t / √h_t` (the innovations filtered historical simulation resamples).
    public let standardizedResiduals: [Double]
}

/// Fitting and simulating GARCH(1,1) on log returns.
public enum GARCH {
    /// Fits GARCH(1,1) to log returns by Gaussian (quasi-)maximum likelihood with variance targeting
    /// (Engle & Mezrich 1996): μ is the sample mean, ω = s²·(1 − α − β) with s² the sample variance
    /// (so the fitted long-run variance is the sample's), `h_1 = s²`, and (α, β) maximise
    /// `−½ Σ [log 2π + log h_t + ε²_t / h_t]` under α, β ≥ 0, α + β < 1 (Nelder–Mead on
    /// `α + β = σ(a)`, `α = (α + β)·σ(b)`). Targeting keeps the fit well-posed on returns with no
    /// volatility clustering, where the unrestricted likelihood is flat along α = 0.
    /// - Throws: with fewer than 100 finite returns or a zero-variance sample.
    public static func fit(_ returns: [Double]) throws -> GARCHFit {
        let r = returns.filter(\.isFinite)
        guard r.count >= 100 else {
            throw LabStressError.unsuitableInput(transform: "garch", reason: "fitting needs at least 100 returns, got \(r.count)")
        }
        let mu = r.reduce(0, +) / Double(r.count)
        let e = r.map { $0 - mu }
        let variance = e.reduce(0) { $0 + $1 * $1 } / Double(e.count)
        guard variance > 0 else { throw LabStressError.unsuitableInput(transform: "garch", reason: "returns have zero variance") }
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        func params(_ x: [Double]) -> (Double, Double, Double) {
            let persistence = sigmoid(x[0])
            let alpha = persistence * sigmoid(x[1])
            return (variance * (1 - persistence), alpha, persistence - alpha)
        }
        func negativeLogLikelihood(_ x: [Double]) -> Double {
            let (omega, alpha, beta) = params(x)
            var h = variance
            var total = 0.0
            e.withUnsafeBufferPointer { eps in
                for t in 0..<eps.count {
                    if t > 0 { h = omega + alpha * eps[t - 1] * eps[t - 1] + beta * h }
                    total += log(h) + eps[t] * eps[t] / h
                }
            }
            return total.isFinite ? 0.5 * total : .infinity
        }
        // Start: persistence 0.95 with α = 0.05.
        let start = [log(0.95 / 0.05), log((0.05 / 0.95) / (1 - 0.05 / 0.95))]
        let best = NelderMead.minimize(negativeLogLikelihood, start: start, step: [1, 1], tolerance: 1e-12, maxEvaluations: 2000)
        let (omega, alpha, beta) = params(best)
        var h = variance
        var z = [Double](repeating: 0, count: e.count)
        for t in 0..<e.count {
            if t > 0 { h = omega + alpha * e[t - 1] * e[t - 1] + beta * h }
            z[t] = e[t] / h.squareRoot()
        }
        let ll = -negativeLogLikelihood(best) - 0.5 * Double(e.count) * log(2 * Double.pi)
        return GARCHFit(parameters: GARCHParameters(omega: omega, alpha: alpha, beta: beta, mu: mu), logLikelihood: ll, standardizedResiduals: z)
    }

    /// Innovations for simulation.
    public enum Innovations: Sendable, Equatable {
        /// Resample the fit's standardised residuals (filtered historical simulation, Barone-Adesi et al. 1999).
        case filteredHistorical
        /// Student-t with `degreesOfFreedom` > 2, scaled to unit variance.
        case studentT(degreesOfFreedom: Double)
        /// Standard normal.
        case gaussian
    }

    /// Simulates `count` returns and their conditional volatilities `√h_t` (per bar). `h0` is the
    /// first conditional variance (default: unconditional).
    public static func simulate(
        _ p: GARCHParameters, count: Int, innovations: Innovations = .gaussian, residuals: [Double] = [], h0: Double? = nil,
        rng: inout SeededRNG
    ) -> (returns: [Double], volatilities: [Double]) {
        // Innovations first (the draw method is chosen once, not per bar) …
        var z = Stats.column(count)
        switch innovations {
        case .gaussian:
            rng.fillGaussian(&z)
        case let .studentT(nu):
            let scale = ((nu - 2) / nu).squareRoot()
            for t in 0..<count { z[t] = studentT(nu, rng: &rng) * scale }
        case .filteredHistorical:
            if residuals.isEmpty {
                rng.fillGaussian(&z)
            } else {
                for t in 0..<count { z[t] = residuals[rng.nextInt(below: residuals.count)] }
            }
        }
        // … then the variance recursion, with ε² = h·z² so no square root sits on the dependency chain.
        var h = h0 ?? p.unconditionalVariance
        var returns = Stats.column(count)
        var volatilities = Stats.column(count)
        z.withUnsafeBufferPointer { zs in
            volatilities.withUnsafeMutableBufferPointer { v in
                for t in 0..<count {
                    v[t] = h
                    h = p.omega + h * (p.alpha * zs[t] * zs[t] + p.beta)
                }
                for t in 0..<count { v[t] = v[t].squareRoot() }
            }
            returns.withUnsafeMutableBufferPointer { r in
                volatilities.withUnsafeBufferPointer { v in
                    for t in 0..<count { r[t] = p.mu + v[t] * zs[t] }
                }
            }
        }
        return (returns, volatilities)
    }

    /// A Student-t variate: `Z / √(V/ν)` with V a chi-square of ν degrees of freedom drawn as
    /// `2 · Gamma(ν/2)` (Marsaglia–Tsang).
    static func studentT(_ nu: Double, rng: inout SeededRNG) -> Double {
        rng.nextGaussian() / (2 * gamma(nu / 2, rng: &rng) / nu).squareRoot()
    }

    static func gamma(_ shape: Double, rng: inout SeededRNG) -> Double {
        if shape < 1 { return gamma(shape + 1, rng: &rng) * pow(rng.nextUniform() + 1e-300, 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = rng.nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextUniform()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}

/// A stressed volatility regime simulated from GARCH(1,1).
///
/// Each symbol's log returns are fitted (``GARCH/fit(_:)``) unless `parameters` are given; the
/// window's returns are then replaced by a simulation with ω multiplied by `volatilityMultiplier²`
/// (so the long-run volatility scales by the multiplier, persistence unchanged), starting from the
/// stressed long-run variance. Each bar keeps its shape around the new close, its open gap and
/// wicks scaled by the simulated volatility over the window's original volatility
/// (`BarSeries.replaceReturns`).
public struct GARCHRegime: StressTransform, Equatable {
    public var name: String { "garch" }
    /// Fixed parameters (per bar); nil fits them to each symbol.
    public var parameters: GARCHParameters?
    /// How the simulation draws its shocks.
    public var innovations: GARCH.Innovations
    /// Long-run volatility multiplier, > 0.
    public var volatilityMultiplier: Double
    /// Bars whose returns are replaced.
    public var window: BarWindow

    /// A GARCH regime; by default fitted, filtered historical shocks, long-run volatility doubled over all bars.
    public init(
        parameters: GARCHParameters? = nil, innovations: GARCH.Innovations = .filteredHistorical, volatilityMultiplier: Double = 2, window: BarWindow = .all
    ) {
        self.parameters = parameters
        self.innovations = innovations
        self.volatilityMultiplier = volatilityMultiplier
        self.window = window
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        try require(volatilityMultiplier > 0 && volatilityMultiplier.isFinite, name, "volatilityMultiplier", "must be > 0, got \(volatilityMultiplier)")
        if case let .studentT(nu) = innovations { try require(nu > 2, name, "degreesOfFreedom", "must be > 2, got \(nu)") }
        try parameters?.check(name)
        guard let first = data.series.first else { return data }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        var out = data
        var details: [String] = []
        for s in out.series.indices {
            let series = out.series[s]
            let fit = parameters == nil ? try GARCH.fit(series.logReturns(1..<series.count)) : nil
            var p = parameters ?? fit!.parameters
            p.omega *= volatilityMultiplier * volatilityMultiplier
            let sim = GARCH.simulate(p, count: range.count, innovations: innovations, residuals: fit?.standardizedResiduals ?? [], rng: &rng)
            let originalSD = max(series.returnVolatility(range), 1e-12)
            let inverseSD = 1 / originalSD
            var wicks = sim.volatilities
            wicks.withUnsafeMutableBufferPointer { w in
                for k in 0..<w.count { w[k] *= inverseSD }
            }
            out.series[s].replaceReturns(range, with: sim.returns, wicks: wicks)
            details.append(String(format: "%@ ω=%.3g α=%.3f β=%.3f", series.symbol, p.omega, p.alpha, p.beta))
        }
        out.annotations.append(
            StressAnnotation(
                transform: name, start: range.lowerBound, end: range.upperBound,
                detail: "long-run volatility × \(volatilityMultiplier); " + details.joined(separator: "; ")))
        return out
    }
}

/// Derivative-free minimisation (Nelder & Mead 1965, standard coefficients 1, 2, ½, ½).
enum NelderMead {
    static func minimize(_ f: ([Double]) -> Double, start: [Double], step: [Double], tolerance: Double, maxEvaluations: Int) -> [Double] {
        let n = start.count
        var simplex: [[Double]] = [start]
        for i in 0..<n {
            var p = start
            p[i] += step[i]
            simplex.append(p)
        }
        var values = simplex.map(f)
        var evaluations = n + 1
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + tolerance) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex.dropLast() { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-1)
            let fr = f(reflected)
            evaluations += 1
            if fr < values[0] {
                let expanded = along(-2)
                let fe = f(expanded)
                evaluations += 1
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected
                values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                evaluations += 1
                if fc < min(fr, values[n]) {
                    simplex[n] = contracted
                    values[n] = fc
                } else {
                    for j in 1...n {
                        simplex[j] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) }
                        values[j] = f(simplex[j])
                    }
                    evaluations += n
                }
            }
        }
        return simplex[values.indices.min { values[$0] < values[$1] }!]
    }
}
