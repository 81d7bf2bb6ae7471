import Foundation
import LabCore

/// Performance and trade statistics of a backtest, computed from its equity curve, its closed
/// trades and the traded instrument's closes — one pure function, so a saved report can be
/// re-checked (``compute(_:)``).
///
/// Conventions (those of backtesting.py 0.6.6 `compute_stats`, which this reproduces to 1e-9 on
/// the reference run in `Tests/LabMetricsTests`):
/// - Returns are **simple**, taken on the equity resampled to calendar periods (the last value of
///   each day; of each week, month or year for weekly, monthly, yearly bars), empty periods dropped.
/// - Periods per year P: from the median spacing of the last 100 bars in whole days — 7 → 52,
///   31 → 12, 365 → 1, otherwise 365 when more than 2/7·0.6 of the bars fall on a weekend, else 252.
/// - `annualReturn = (1 + g)^P − 1` with g the geometric mean period return;
///   `annualVolatility = √((var(r, ddof 1) + (1 + g)²)^P − (1 + g)^(2P))` (not σ·√P);
///   `sharpe = (annualReturn − rf) / annualVolatility`; `sortino = annualReturn / (√mean(min(r, 0)²)·√P)`;
///   `cagr` over calendar years of 365.25 days; `calmar = annualReturn / |maxDrawdown|`.
/// - Drawdown `dd = 1 − equity / running max`; episodes run between bars where dd = 0 (the last bar
///   closes one); durations are rounded up to the data's resolution.
/// - Beta: covariance of equity and close log returns over all bars (ddof 1) over the close's variance;
///   `alpha = return − rf − β·(buyAndHold − rf)`.
/// - Trade statistics use closed trades only; exposure is the share of all bars inside any closed
///   trade's [entry, exit] bars.
/// - Percentages are fractions here (0.05 = 5 %); durations are seconds.
public struct PerformanceStats: Sendable, Equatable, Codable {
    /// First bar, ns since the epoch (UTC).
    public var start: Int64
    /// Last bar, ns since the epoch (UTC).
    public var end: Int64
    /// Seconds from first to last bar.
    public var duration: Double
    /// Fraction of bars inside a closed trade.
    public var exposureTime: Double
    /// Equity after the last bar, account currency.
    public var equityFinal: Double
    /// Highest equity, account currency.
    public var equityPeak: Double
    /// Commission of closed trades (account currency).
    public var commissions: Double
    /// equityFinal / starting equity − 1 (fraction).
    public var totalReturn: Double
    /// Last close / close at `buyAndHoldStart` − 1 (fraction).
    public var buyAndHoldReturn: Double
    /// Annualised geometric mean period return (fraction).
    public var annualReturn: Double
    /// Annualised volatility of period returns (fraction), the formula above.
    public var annualVolatility: Double
    /// Compound annual growth over calendar years of 365.25 days (fraction).
    public var cagr: Double
    /// (annualReturn − rf) / annualVolatility.
    public var sharpe: Double
    /// annualReturn over annualised downside deviation (the formula above).
    public var sortino: Double
    /// annualReturn / |maxDrawdown|.
    public var calmar: Double
    /// Return not explained by beta × buy & hold (fraction).
    public var alpha: Double
    /// Sensitivity of equity log returns to close log returns.
    public var beta: Double
    /// Negative fraction (−0.34 = −34 %).
    public var maxDrawdown: Double
    /// Negative fraction: minus the mean of the episodes' peak drawdowns.
    public var averageDrawdown: Double
    /// Longest drawdown episode, seconds.
    public var maxDrawdownDuration: Double
    /// Mean drawdown episode, seconds.
    public var averageDrawdownDuration: Double
    /// Closed trades.
    public var trades: Int
    /// Fraction of closed trades with P&L > 0.
    public var winRate: Double
    /// Highest trade return (fraction).
    public var bestTrade: Double
    /// Lowest trade return (fraction).
    public var worstTrade: Double
    /// Geometric mean of trade returns.
    public var averageTrade: Double
    /// Longest trade, seconds.
    public var maxTradeDuration: Double
    /// Mean trade length, seconds.
    public var averageTradeDuration: Double
    /// Sum of winning trade returns / |sum of losing trade returns| (infinity without losses).
    public var profitFactor: Double
    /// Arithmetic mean of trade returns.
    public var expectancy: Double
    /// System quality number: √trades × mean P&L / std of P&L.
    public var sqn: Double
    /// Kelly fraction: win rate − (1 − win rate) / (mean win / mean loss).
    public var kelly: Double
    /// Periods per year used for annualisation.
    public var periodsPerYear: Double
    /// Mean equity over the bars (account currency; what turnover and cost drag divide by).
    public var meanEquity: Double

    /// How much ``compute(_:)`` computes.
    public enum Scope: Sendable, Equatable {
        /// Every statistic.
        case full
        /// What one pass over the equity needs and the trade statistics (``Statistic/key``):
        /// average drawdown, drawdown durations, alpha and beta are NaN. Every value it computes is
        /// the same bits as with `.full`.
        case key
    }

    /// Inputs of ``compute(_:)``.
    public struct Inputs: Sendable {
        /// Equity after each bar (account currency), one value per bar.
        public var equity: [Double]
        /// Bar times, ns since the epoch (UTC), same length as `equity`.
        public var timestamps: [Int64]
        /// The instrument's closes, same length (for buy & hold and beta).
        public var close: [Double]
        /// Closed trades, in exit order.
        public var trades: [TradeRecord]
        /// Bar whose close starts the buy-and-hold comparison (backtesting.py: the indicator warm-up).
        public var buyAndHoldStart: Int
        /// Annual risk-free rate as a fraction.
        public var riskFreeRate: Double
        /// Overrides the inferred periods per year.
        public var periodsPerYear: Double?
        /// IANA zone of the exchange: calendar days of intraday bars are taken there (without a
        /// calendar annualisation).
        public var timezone: String
        /// How the returns are annualised (the trading calendar); nil: backtesting.py's rule.
        public var annualisation: Annualisation?
        /// The period grid of `timestamps` when the caller made it already (a sweep shares one).
        public var grid: PeriodGrid?
        /// Which statistics to compute.
        public var scope: Scope
        /// The curve's summary when the caller kept no curve (a sweep combination: the simulator
        /// fed it bar by bar); `equity` is then empty and the scope `.key`.
        public var summary: EquitySummary?

        /// Inputs for ``compute(_:)``; see each field for units.
        public init(
            equity: [Double], timestamps: [Int64], close: [Double], trades: [TradeRecord], buyAndHoldStart: Int = 0,
            riskFreeRate: Double = 0, periodsPerYear: Double? = nil, timezone: String = "UTC", annualisation: Annualisation? = nil, grid: PeriodGrid? = nil,
            scope: Scope = .full, summary: EquitySummary? = nil
        ) {
            self.annualisation = annualisation
            self.summary = summary
            self.grid = grid
            self.scope = scope
            self.equity = equity
            self.timestamps = timestamps
            self.close = close
            self.trades = trades
            self.buyAndHoldStart = buyAndHoldStart
            self.riskFreeRate = riskFreeRate
            self.periodsPerYear = periodsPerYear
            self.timezone = timezone
        }
    }

    /// The statistics of a backtest. Fewer than two bars give zero returns and NaN ratios.
    /// - Throws: ``LabMetricsError`` when the columns differ in length or are empty.
    public static func compute(_ input: Inputs) throws -> PerformanceStats {
        if input.summary != nil && (input.scope != .key || !input.equity.isEmpty) {
            throw LabMetricsError.invalidInput(field: "summary", reason: "stands for the curve: equity must be empty and the scope key")
        }
        let n = input.summary?.count ?? input.equity.count
        guard n >= 1 else { throw LabMetricsError.invalidInput(field: "equity", reason: "is empty") }
        guard input.timestamps.count == n, input.close.count == n else {
            throw LabMetricsError.invalidInput(
                field: "timestamps/close", reason: "need \(n) values like equity, got \(input.timestamps.count)/\(input.close.count)")
        }
        guard (0..<n).contains(input.buyAndHoldStart) else {
            throw LabMetricsError.invalidInput(field: "buyAndHoldStart", reason: "bar \(input.buyAndHoldStart) outside 0..<\(n)")
        }
        let eq = input.equity, ts = input.timestamps
        let grid = input.grid.flatMap { $0.bars == n ? $0 : nil } ?? PeriodGrid(timestamps: ts, timezone: input.timezone, annualisation: input.annualisation)
        let summary =
            input.summary
            ?? eq.withUnsafeBufferPointer { eq in
                var summary = EquitySummary(grid: grid)
                for i in eq.indices { summary.add(eq[i], at: i) }
                return summary
            }
        var s = PerformanceStats.empty
        s.start = ts[0]
        s.end = ts[n - 1]
        s.duration = Double(ts[n - 1] - ts[0]) / 1e9
        let resolution = grid.resolution

        s.exposureTime = Double(Self.barsHeld(input.trades, bars: n)) / Double(n)
        s.equityFinal = summary.last
        s.commissions = input.trades.reduce(0) { $0 + $1.commission }
        s.totalReturn = summary.last / summary.first - 1
        let c0 = input.close[input.buyAndHoldStart]
        s.buyAndHoldReturn = (input.close[n - 1] - c0) / c0

        let returns = summary.periodReturns
        let p = input.periodsPerYear ?? grid.periodsPerYear
        s.periodsPerYear = p
        let g = Stats.geometricMean(returns)
        s.annualReturn = pow(1 + g, p) - 1
        // A period after the equity reached zero has no return (0 / 0 is NaN): the variance and the
        // downside skip it, as pandas does for backtesting.py (a bankrupt run keeps a volatility
        // over the periods before, and an annual return of 0, so Sharpe and Sortino are 0).
        let observed = returns.contains { $0.isNaN } ? returns.filter { !$0.isNaN } : returns
        let variance = Stats.variance(observed)
        s.annualVolatility = (pow(variance + (1 + g) * (1 + g), p) - pow(1 + g, 2 * p)).squareRoot()
        s.cagr = s.duration > 0 ? pow(summary.last / summary.first, 1 / (s.duration / 86_400 / 365.25)) - 1 : 0
        s.sharpe = (s.annualReturn - input.riskFreeRate) / s.annualVolatility
        let downside =
            observed.isEmpty ? Double.nan : (observed.reduce(0) { $0 + min($1, 0) * min($1, 0) } / Double(observed.count)).squareRoot()
        s.sortino = (s.annualReturn - input.riskFreeRate) / (downside * p.squareRoot())

        // Drawdown dd = 1 − equity / running max. Within a stretch of one running max the deepest
        // point is the lowest equity (division is monotone), so one division per new peak gives
        // the maximum with the same bits as the bar-by-bar maximum.
        let (peak, maxDD) = summary.maxDrawdown.isNaN && !eq.isEmpty ? Self.peakAndMaxDrawdownWithNaN(eq) : (summary.peak, summary.maxDrawdown)
        let sum = summary.sum
        s.equityPeak = peak
        s.meanEquity = sum / Double(n)
        s.maxDrawdown = -maxDD
        s.calmar = s.annualReturn / (maxDD != 0 ? maxDD : .nan)
        if input.scope == .key {
            for path in [\PerformanceStats.averageDrawdown, \.maxDrawdownDuration, \.averageDrawdownDuration, \.alpha, \.beta] {
                s[keyPath: path] = .nan
            }
            return tradeStatistics(s, trades: input.trades, resolution: resolution)
        }
        var running = -Double.infinity
        var dd = [Double](repeating: 0, count: n)
        for i in 0..<n {
            running = max(running, eq[i])
            dd[i] = 1 - eq[i] / running
        }
        let episodes = Stats.drawdownEpisodes(dd, timestamps: ts)
        if episodes.isEmpty {
            s.averageDrawdown = .nan
            s.maxDrawdownDuration = .nan
            s.averageDrawdownDuration = .nan
        } else {
            s.averageDrawdown = -episodes.map(\.peak).reduce(0, +) / Double(episodes.count)
            s.maxDrawdownDuration = PeriodGrid.ceil(episodes.map(\.duration).max()!, to: resolution)
            s.averageDrawdownDuration = PeriodGrid.ceil(episodes.map(\.duration).reduce(0, +) / Double(episodes.count), to: resolution)
        }

        // Beta on log returns over all bars.
        if n > 2 {
            let er = logRatios(eq), mr = logRatios(input.close)
            s.beta = Stats.covariance(er, mr) / Stats.covariance(mr, mr)
        } else {
            s.beta = .nan
        }
        s.alpha = s.totalReturn - input.riskFreeRate - s.beta * (s.buyAndHoldReturn - input.riskFreeRate)

        return tradeStatistics(s, trades: input.trades, resolution: resolution)
    }

    /// `ln(x[i] / x[i−1])` for i in 1..<n, through the vectorised log (within 4 ulp of libm).
    static func logRatios(_ x: [Double]) -> [Double] {
        var r = [Double](unsafeUninitializedCapacity: max(0, x.count - 1)) { out, count in
            x.withUnsafeBufferPointer { x in
                for i in 1..<max(1, x.count) { out[i - 1] = x[i] / x[i - 1] }
            }
            count = max(0, x.count - 1)
        }
        VectorMath.log(&r)
        return r
    }

    /// The trade statistics of `trades` (closed, in exit order) written into `stats`; durations
    /// rounded up to `resolution` seconds.
    static func tradeStatistics(_ stats: PerformanceStats, trades: [TradeRecord], resolution: Double) -> PerformanceStats {
        var s = stats
        s.trades = trades.count
        let pnl = trades.map(\.pnl), rets = trades.map(\.returnPct)
        if trades.isEmpty {
            for path in [
                \PerformanceStats.winRate, \.bestTrade, \.worstTrade, \.averageTrade, \.maxTradeDuration, \.averageTradeDuration, \.profitFactor, \.expectancy,
                \.sqn, \.kelly,
            ] {
                s[keyPath: path] = .nan
            }
            return s
        }
        let winRate = Double(pnl.filter { $0 > 0 }.count) / Double(trades.count)
        s.winRate = winRate
        s.bestTrade = rets.max()!
        s.worstTrade = rets.min()!
        s.averageTrade = Stats.geometricMean(rets)
        let durations = trades.map { Double($0.exitTime - $0.entryTime) / 1e9 }
        s.maxTradeDuration = PeriodGrid.ceil(durations.max()!, to: resolution)
        s.averageTradeDuration = PeriodGrid.ceil(durations.reduce(0, +) / Double(durations.count), to: resolution)
        let gains = rets.filter { $0 > 0 }.reduce(0, +), losses = rets.filter { $0 < 0 }.reduce(0, +)
        s.profitFactor = gains / abs(losses)
        s.expectancy = rets.reduce(0, +) / Double(rets.count)
        s.sqn = Double(trades.count).squareRoot() * (pnl.reduce(0, +) / Double(pnl.count)) / Stats.variance(pnl).squareRoot()
        let wins = pnl.filter { $0 > 0 }, lossesPnl = pnl.filter { $0 < 0 }
        let averageWin = wins.reduce(0, +) / Double(wins.count), averageLoss = -lossesPnl.reduce(0, +) / Double(lossesPnl.count)
        s.kelly = winRate - (1 - winRate) / (averageWin / averageLoss)
        return s
    }

    /// Bars inside any of `trades`' [entry, exit] bar ranges, clipped to 0..<bars (the union: a
    /// reversal's bar belongs to both trades and counts once).
    static func barsHeld(_ trades: [TradeRecord], bars n: Int) -> Int {
        var ranges = trades.compactMap { t -> (Int, Int)? in
            let a = max(0, t.entryBar), b = min(n - 1, t.exitBar)
            return t.entryBar <= t.exitBar && a <= b ? (a, b) : nil
        }
        ranges.sort { $0.0 < $1.0 }
        var held = 0, end = -1
        for (a, b) in ranges where b > end {
            held += b - max(a, end + 1) + 1
            end = b
        }
        return held
    }

    /// The peak and maximum drawdown of a curve holding NaN, bar by bar (whatever `max` makes of
    /// it): what ``EquitySummary``'s single pass stands for on numbers.
    static func peakAndMaxDrawdownWithNaN(_ eq: [Double]) -> (peak: Double, maxDrawdown: Double) {
        var running = -Double.infinity
        let dd = eq.map { e -> Double in
            running = max(running, e)
            return 1 - e / running
        }
        return (eq.max()!, dd.max()!)
    }

    static let empty = PerformanceStats(
        start: 0, end: 0, duration: 0, exposureTime: 0, equityFinal: 0, equityPeak: 0, commissions: 0, totalReturn: 0,
        buyAndHoldReturn: 0, annualReturn: 0, annualVolatility: 0, cagr: 0, sharpe: 0, sortino: 0, calmar: 0, alpha: 0, beta: 0,
        maxDrawdown: 0, averageDrawdown: 0, maxDrawdownDuration: 0, averageDrawdownDuration: 0, trades: 0, winRate: 0,
        bestTrade: 0, worstTrade: 0, averageTrade: 0, maxTradeDuration: 0, averageTradeDuration: 0, profitFactor: 0,
        expectancy: 0, sqn: 0, kelly: 0, periodsPerYear: 0, meanEquity: 0)
}

/// Errors of the metrics module.
public enum LabMetricsError: LabError, Equatable {
    /// Input data that cannot give the metric (too short, mismatched, negative costs).
    case invalidInput(field: String, reason: String)
    /// A parameter out of its range, naming the metric and the field.
    case invalidParameter(metric: String, field: String, reason: String)
    /// A statistic named where the lab has none (`--tolerance`, `sweep.objective`), with the nearest id.
    case unknownStatistic(field: String, name: String, suggestion: String?)

    public var description: String {
        switch self {
        case let .invalidInput(field, reason): "metrics: \(field): \(reason)"
        case let .invalidParameter(metric, field, reason): "\(metric): \(field): \(reason)"
        case let .unknownStatistic(field, _, _): "\(field): \(reason)"
        }
    }

    /// The message without its leading field (for callers that locate the field themselves).
    public var reason: String {
        switch self {
        case let .invalidInput(_, reason), let .invalidParameter(_, _, reason): reason
        case let .unknownStatistic(_, name, suggestion):
            "unknown statistic \"\(name)\""
                + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "; known: \(Statistic.allCases.map(\.id).joined(separator: ", "))")
        }
    }
}
