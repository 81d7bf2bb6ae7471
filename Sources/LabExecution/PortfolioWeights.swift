import COpenBLAS
import Foundation
import LabCore

/// Covariance of asset returns through OpenBLAS.
public enum Covariance {
    /// The sample covariance matrix (ddof 1, N×N, row-major, symmetric) of `returns`, a row-major
    /// T×N matrix (T observations of N assets): the returns are centred per asset, then
    /// `C = XᵀX / (T − 1)` with one `cblas_dsyrk` call. NaN entries when T < 2.
    public static func sample(returns: [Double], assets n: Int) -> [Double] {
        precondition(n >= 1 && returns.count % n == 0, "covariance: returns must be a T×\(n) matrix")
        let t = returns.count / n
        guard t >= 2 else { return [Double](repeating: .nan, count: n * n) }
        var centred = returns
        for j in 0..<n {
            var mean = 0.0
            for i in 0..<t { mean += centred[i * n + j] }
            mean /= Double(t)
            for i in 0..<t { centred[i * n + j] -= mean }
        }
        var c = [Double](repeating: 0, count: n * n)
        BLASThreads.useOne()
        centred.withUnsafeBufferPointer { x in
            c.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, blasint(n), blasint(t), 1 / Double(t - 1), x.baseAddress, blasint(n),
                    0, c.baseAddress, blasint(n))
            }
        }
        for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }  // mirror the upper triangle
        return c
    }

    /// `C·w` for a symmetric N×N `c` (`cblas_dsymv`).
    public static func times(_ c: [Double], _ w: [Double]) -> [Double] {
        let n = w.count
        precondition(c.count == n * n)
        var out = [Double](repeating: 0, count: n)
        BLASThreads.useOne()
        c.withUnsafeBufferPointer { c in
            w.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    cblas_dsymv(CblasRowMajor, CblasUpper, blasint(n), 1, c.baseAddress, blasint(n), w.baseAddress, 1, 0, o.baseAddress, 1)
                }
            }
        }
        return out
    }
}

/// How a portfolio's target weights are chosen at a rebalance, from closes up to that bar only.
///
/// Weights are fractions of equity per symbol (negative = short), in the order of the portfolio's
/// symbols. Returns for the estimates are simple close-to-close returns over the last `window` bars
/// ending at the decision bar; volatilities are annualised with the series' `periodsPerYear`.
public enum WeightRule: Sendable, Equatable {
    /// 1/N each.
    case equal
    /// Fixed weights by symbol (symbols not named get 0).
    case fixed([String: Double])
    /// Proportional to 1/σᵢ, summing to 1.
    case inverseVolatility(window: Int)
    /// Equal risk contribution: wᵢ(Cw)ᵢ equal for all i, wᵢ > 0, Σw = 1 (cyclical coordinate
    /// descent on ½wᵀCw − Σ ln wᵢ / N, then normalised).
    case riskParity(window: Int)
    /// The weights of `base`, scaled so that the portfolio's ex-ante volatility √(wᵀCw·P) equals
    /// `annualVolatility`, at most `maxLeverage` gross.
    indirect case volatilityTarget(annualVolatility: Double, window: Int, base: WeightRule)

    /// The bars of history the rule needs before its first decision.
    public var window: Int {
        switch self {
        case .equal, .fixed: 0
        case let .inverseVolatility(w), let .riskParity(w): w
        case let .volatilityTarget(_, w, base): max(w, base.window)
        }
    }

    /// Checks the rule against the portfolio's symbols (one-line errors naming the field).
    public func validate(symbols: [String]) throws {
        switch self {
        case .equal: break
        case let .fixed(weights):
            for (name, w) in weights.sorted(by: { $0.key < $1.key }) {
                guard symbols.contains(name) else { throw LabExecutionError.unknownSymbol(name, known: symbols) }
                guard w.isFinite else { throw LabExecutionError.invalidParameter(field: "weights.\(name)", reason: "must be finite, got \(w)") }
            }
        case let .inverseVolatility(w), let .riskParity(w):
            guard w >= 2 else { throw LabExecutionError.invalidParameter(field: "weights.window", reason: "must be ≥ 2 bars, got \(w)") }
        case let .volatilityTarget(v, w, base):
            guard v > 0, v.isFinite else { throw LabExecutionError.invalidParameter(field: "weights.annual_volatility", reason: "must be > 0, got \(v)") }
            guard w >= 2 else { throw LabExecutionError.invalidParameter(field: "weights.window", reason: "must be ≥ 2 bars, got \(w)") }
            try base.validate(symbols: symbols)
        }
    }

    /// The weights decided at the close of `bar` (needs `bar ≥ window`).
    public func weights(_ bars: [BarSeries], at bar: Int, maxLeverage: Double) -> [Double] {
        let n = bars.count
        switch self {
        case .equal:
            return [Double](repeating: 1 / Double(n), count: n)
        case let .fixed(weights):
            return bars.map { weights[$0.symbol] ?? 0 }
        case let .inverseVolatility(window):
            let c = Self.covariance(bars, at: bar, window: window)
            let inverse = (0..<n).map { 1 / c[$0 * n + $0].squareRoot() }
            let total = inverse.reduce(0, +)
            return total.isFinite && total > 0 ? inverse.map { $0 / total } : [Double](repeating: 1 / Double(n), count: n)
        case let .riskParity(window):
            return Self.riskParity(Self.covariance(bars, at: bar, window: window), assets: n)
        case let .volatilityTarget(target, window, base):
            let w = base.weights(bars, at: bar, maxLeverage: maxLeverage)
            let c = Self.covariance(bars, at: bar, window: window)
            let cw = Covariance.times(c, w)
            let variance = zip(w, cw).reduce(0) { $0 + $1.0 * $1.1 } * bars[0].periodsPerYear
            guard variance > 0, variance.isFinite else { return w }
            let gross = w.reduce(0) { $0 + abs($1) }
            let scale = min(target / variance.squareRoot(), gross > 0 ? maxLeverage / gross : 1)
            return w.map { $0 * scale }
        }
    }

    /// Sample covariance of simple returns over the `window` bars ending at `bar`.
    static func covariance(_ bars: [BarSeries], at bar: Int, window: Int) -> [Double] {
        let n = bars.count
        var x = [Double](repeating: 0, count: window * n)
        for (j, s) in bars.enumerated() {
            for k in 0..<window {
                let i = bar - window + 1 + k
                x[k * n + j] = s.close[i] / s.close[i - 1] - 1
            }
        }
        return Covariance.sample(returns: x, assets: n)
    }

    /// Equal-risk-contribution weights for covariance `c` (positive definite): cyclical coordinate
    /// descent on f(w) = ½wᵀCw − Σ ln wᵢ / N (each step the positive root of the 1-D first-order
    /// condition), stopped when no weight moves by more than 1e-13 relative, then normalised.
    static func riskParity(_ c: [Double], assets n: Int) -> [Double] {
        guard c.allSatisfy(\.isFinite), (0..<n).allSatisfy({ c[$0 * n + $0] > 0 }) else {
            return [Double](repeating: 1 / Double(n), count: n)
        }
        var w = (0..<n).map { 1 / c[$0 * n + $0].squareRoot() }
        let budget = 1 / Double(n)
        for _ in 0..<10_000 {
            var moved = 0.0
            for i in 0..<n {
                var cross = 0.0
                for j in 0..<n where j != i { cross += c[i * n + j] * w[j] }
                let a = c[i * n + i]
                let next = (-cross + (cross * cross + 4 * a * budget).squareRoot()) / (2 * a)
                moved = max(moved, abs(next - w[i]) / w[i])
                w[i] = next
            }
            if moved < 1e-13 { break }
        }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }
}
