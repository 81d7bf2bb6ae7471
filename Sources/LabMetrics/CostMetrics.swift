/// Trading activity and cost drag of a backtest.
///
/// Conventions: `turnover` is traded value (entries and exits, |units × fill price|) per year as a
/// multiple of the mean equity (2.0 = twice the book traded per year); `costDragBps` is all costs
/// (commission + slippage + borrow) per year in basis points of the mean equity; years are
/// calendar years of 365.25 days between the first and last bar.
public struct CostMetrics: Sendable, Equatable, Codable {
    /// Traded value per year over mean equity (2.0 = the book traded twice a year).
    public var turnover: Double
    /// Commission paid, account currency.
    public var commission: Double
    /// Slippage paid, account currency.
    public var slippage: Double
    /// Borrow fees paid, account currency.
    public var borrow: Double
    /// commission + slippage + borrow, account currency.
    public var totalCosts: Double
    /// All costs per year in basis points of mean equity.
    public var costDragBps: Double

    /// - Parameters: costs and traded value in account currency; `seconds` the backtest's duration.
    /// - Throws: ``LabMetricsError`` for negative costs, an empty equity curve or a zero duration.
    public static func compute(
        tradedValue: Double, commission: Double, slippage: Double, borrow: Double, equity: [Double], seconds: Double
    ) throws -> CostMetrics {
        guard !equity.isEmpty else { throw LabMetricsError.invalidInput(field: "equity", reason: "is empty") }
        return try compute(
            tradedValue: tradedValue, commission: commission, slippage: slippage, borrow: borrow, meanEquity: equity.reduce(0, +) / Double(equity.count),
            seconds: seconds)
    }

    /// ``compute(tradedValue:commission:slippage:borrow:equity:seconds:)`` from the mean equity
    /// (account currency) when the caller has it (``PerformanceStats/meanEquity``).
    public static func compute(
        tradedValue: Double, commission: Double, slippage: Double, borrow: Double, meanEquity: Double, seconds: Double
    ) throws -> CostMetrics {
        for (name, value) in [("tradedValue", tradedValue), ("commission", commission), ("slippage", slippage), ("borrow", borrow)] {
            guard value >= 0 && value.isFinite else {
                throw LabMetricsError.invalidInput(field: name, reason: "must be ≥ 0, got \(value)")
            }
        }
        guard seconds > 0 else { throw LabMetricsError.invalidInput(field: "duration", reason: "must be > 0 seconds, got \(seconds)") }
        let years = seconds / 86_400 / 365.25
        let total = commission + slippage + borrow
        return CostMetrics(
            turnover: tradedValue / meanEquity / years, commission: commission, slippage: slippage, borrow: borrow,
            totalCosts: total, costDragBps: total / meanEquity / years * 10_000)
    }
}
