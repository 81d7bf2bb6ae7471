import COpenBLAS
import Foundation
import LabCore

/// Correlation breakdown: inside the window, the symbols' log returns are moved to a target
/// correlation matrix (in a crisis correlations go to one: "all → 0.9"), keeping each symbol's
/// mean and volatility.
///
/// Model: standardise the window's returns column by column (sample mean and sd), whiten them with
/// the Cholesky factor of their sample correlation `S = L_S L_Sᵀ`, and colour them with the target's
/// `T = L_T L_Tᵀ` (LAPACK `dpotrf`, BLAS `dtrsm`/`dtrmm` through OpenBLAS):
/// `Z' = Z · L_S⁻ᵀ · L_Tᵀ`. The sample correlation of the result is then exactly `T`, and means and
/// standard deviations are exactly the originals. Bars keep their shape around the new closes
/// (open to previous close and high/low to max/min(open, close) ratios unchanged). Requires at least two symbols on one clock and more bars than symbols; a target
/// that is not a positive-definite correlation matrix is an error.
public struct CorrelationBreakdown: StressTransform, Equatable {
    /// The correlation the window's returns are given.
    public enum Target: Sendable, Equatable {
        /// Every pairwise correlation equal to ρ (−1/(N−1) < ρ < 1).
        case uniform(Double)
        /// A full N × N correlation matrix (symmetric, unit diagonal, positive definite).
        case matrix([[Double]])
    }

    public var name: String { "correlation_breakdown" }
    /// The target correlation.
    public var target: Target
    /// Bars whose returns are re-correlated.
    public var window: BarWindow

    /// A breakdown to `target` over `window` (all bars by default); checked when applied.
    public init(target: Target, window: BarWindow = .all) {
        self.target = target
        self.window = window
    }

    func targetMatrix(symbols n: Int) throws -> [[Double]] {
        switch target {
        case let .uniform(rho):
            try require(rho > -1 && rho < 1, name, "target", "correlation must be in (−1, 1), got \(rho)")
            return (0..<n).map { i in (0..<n).map { j in i == j ? 1 : rho } }
        case let .matrix(m):
            try require(m.count == n && m.allSatisfy { $0.count == n }, name, "target", "needs a \(n)×\(n) matrix for \(n) symbols")
            for i in 0..<n {
                try require(m[i][i] == 1, name, "target[\(i)][\(i)]", "diagonal must be 1, got \(m[i][i])")
                for j in 0..<n {
                    try require(m[i][j] == m[j][i], name, "target[\(i)][\(j)]", "matrix must be symmetric")
                    try require(abs(m[i][j]) <= 1, name, "target[\(i)][\(j)]", "correlation must be in [−1, 1], got \(m[i][j])")
                }
            }
            return m
        }
    }

    /// Lower Cholesky factor of a symmetric matrix, column-major, or nil when not positive definite.
    static func cholesky(_ m: [[Double]]) -> [Double]? {
        let n = m.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[j * n + i] = m[i][j] } }
        var uplo = CChar(UInt8(ascii: "L")), order = blasint(n), lda = blasint(n), info: blasint = 0
        dpotrf_(&uplo, &order, &a, &lda, &info)
        guard info == 0 else { return nil }
        for j in 0..<n { for i in 0..<j { a[j * n + i] = 0 } }  // clear the untouched upper triangle
        return a
    }

    public func apply(_ data: StressedData, rng: inout SeededRNG) throws -> StressedData {
        BLASThreads.useOne()
        let n = data.series.count
        guard n >= 2 else { throw LabStressError.unsuitableInput(transform: name, reason: "needs at least 2 symbols, got \(n)") }
        let first = data.series[0]
        for s in data.series.dropFirst() where s.timestamps != first.timestamps {
            throw LabStressError.unsuitableInput(transform: name, reason: "\(s.symbol) is not on the same clock as \(first.symbol) (timestamps differ)")
        }
        let goal = try targetMatrix(symbols: n)
        guard let lTarget = Self.cholesky(goal) else {
            throw LabStressError.invalidParameter(transform: name, field: "target", reason: "not positive definite")
        }
        let range = try window.resolve(in: first, transform: name, rng: &rng)
        let rows = range.count
        guard rows > n else {
            throw LabStressError.unsuitableInput(transform: name, reason: "window of \(rows) bars is too short for \(n) symbols")
        }
        let returns = data.series.map { $0.logReturns(range) }
        // Z: rows × n, column-major, standardised returns.
        var z = [Double](repeating: 0, count: rows * n)
        var means = [Double](repeating: 0, count: n), sds = means
        for j in 0..<n {
            means[j] = Stats.mean(returns[j][...])
            sds[j] = Stats.sd(returns[j][...])
            guard sds[j] > 0 else {
                throw LabStressError.unsuitableInput(transform: name, reason: "\(data.series[j].symbol) has zero volatility in the window")
            }
            for t in 0..<rows { z[j * rows + t] = (returns[j][t] - means[j]) / sds[j] }
        }
        // Sample correlation S = Zᵀ Z / (rows − 1) (dsyrk fills the lower triangle).
        var s = [Double](repeating: 0, count: n * n)
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, blasint(n), blasint(rows), 1 / Double(rows - 1), z, blasint(rows), 0, &s, blasint(n))
        let sample = (0..<n).map { i in (0..<n).map { j in i >= j ? s[j * n + i] : s[i * n + j] } }
        guard let lSample = Self.cholesky(sample) else {
            throw LabStressError.unsuitableInput(transform: name, reason: "the window's sample correlation is singular (collinear symbols)")
        }
        // Z ← Z · L_S⁻ᵀ (whiten), then Z ← Z · L_Tᵀ (colour).
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, blasint(rows), blasint(n), 1, lSample, blasint(n), &z, blasint(rows))
        cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, blasint(rows), blasint(n), 1, lTarget, blasint(n), &z, blasint(rows))
        var out = data
        for j in 0..<n {
            out.series[j].replaceReturns(range, with: (0..<rows).map { means[j] + sds[j] * z[j * rows + $0] })
        }
        let description: String =
            switch target {
            case let .uniform(rho): "all pairwise correlations → \(rho)"
            case .matrix: "correlation matrix → target"
            }
        out.annotations.append(StressAnnotation(transform: name, start: range.lowerBound, end: range.upperBound, detail: description))
        return out
    }
}
