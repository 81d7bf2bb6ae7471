import LabCore
import LabExecution
import LabMetrics
import LabSignals

/// One backtest of a universe portfolio: the weights expression evaluated at each decision row
/// (``UniverseEvaluator``), its scores normalised (``WeightConstraints``), traded by
/// ``UniverseSimulator``, and the statistics through the one statistics path single runs take,
/// against the universe's equal-weight index as the buy-and-hold benchmark.
///
/// Conventions (docs/portfolios.md):
/// - Decision rows are the calendar rows the schedule picks (its last bar of each month, week, day,
///   every N rows, or every row for `on_change`); the expression is read at their close and the
///   trades fill at the next row's open.
/// - A symbol's score counts only when it has a bar at the decision row. Within the expression's
///   warm-up on the symbol's own bars (``UniverseEvaluator/warmUp(_:)``: a new listing's first
///   252 bars for 12-month momentum) its score is NaN and it is not held (counted in
///   ``UniverseBacktestResult/missingScores``); a NaN after the warm-up is an error
///   (``UniverseBacktestError/missingScore(symbol:time:warmUp:)``), as ±∞ is. Decisions before
///   the first at which some symbol with a bar has a non-zero score are the warm-up: nothing trades.
///   After it, a decision at which no symbol with a bar has a score goes to cash (counted).
/// - With `on_change`, a decision whose normalised weights equal the last target trades nothing.
/// - The equal-weight index starts at 100 and moves each row by the mean simple return of the
///   symbols with a bar there and one before (close over their previous close).
public struct UniverseBacktest: Sendable {
    /// Fills, costs, leverage and participation of the shared account.
    public var simulator: UniverseSimulator
    /// The weights expression.
    public var program: WeightsProgram
    /// The decision rows.
    public var schedule: RebalanceSchedule
    /// Normalisation of the scores.
    public var constraints: WeightConstraints

    /// A backtest of `program` on `schedule` under `constraints` through `simulator`.
    public init(simulator: UniverseSimulator, program: WeightsProgram, schedule: RebalanceSchedule, constraints: WeightConstraints) {
        self.simulator = simulator
        self.program = program
        self.schedule = schedule
        self.constraints = constraints
    }

    /// Runs over `universe`.
    /// - Parameter parameters: values of the program's parameters (its declared ones when nil).
    /// - Throws: ``UniverseBacktestError`` for a score that is infinite, NaN past the warm-up, or
    ///   negative under `long_only`; ``ExpressionError`` for a fixed argument out of range; ``LabExecutionError``
    ///   from the simulator.
    public func run(_ universe: Universe, parameters: [String: Double]? = nil) throws -> UniverseBacktestResult {
        let clock = universe.clock
        let decisionRows = schedule.bars(clock, from: 0)
        let evaluator = UniverseEvaluator(universe: universe, parameters: parameters ?? program.values)
        let scores = try evaluator.evaluate(program.checked, rows: decisionRows)
        // A score is NaN in a symbol's warm-up (too little history of its own): not held then.
        // NaN after it is an error, as ±∞ (a division by zero, a cross-section of one).
        let warmUp = try evaluator.warmUp(program.checked)
        var cursor = UniverseCursor(universe)
        var targets: [(row: Int, weights: [Double])] = []
        var missing = 0, firstMissing: (row: Int, symbol: Int)?, empty = 0
        var last: [Double]?
        let n = universe.count
        for t in decisionRows {
            cursor.move(to: t)
            var raw = [Double](repeating: 0, count: n)
            var valued = 0
            for s in 0..<n where cursor.bar[s] >= 0 {
                let v = scores[s].value(at: cursor.bar[s])
                if v.isNaN {
                    guard cursor.bar[s] < warmUp else {
                        throw UniverseBacktestError.missingScore(symbol: universe.names[s], time: universe.calendar[t], warmUp: warmUp)
                    }
                    missing += 1
                    if firstMissing == nil { firstMissing = (t, s) }
                    continue
                }
                guard v.isFinite else { throw UniverseBacktestError.infiniteScore(symbol: universe.names[s], time: universe.calendar[t], value: v) }
                if constraints.longOnly && v < 0 { throw UniverseBacktestError.negativeScore(symbol: universe.names[s], time: universe.calendar[t], value: v) }
                valued += 1
                raw[s] = v
            }
            // The warm-up: no score yet, or (true/false scores) none true before the first target.
            guard last != nil || raw.contains(where: { $0 != 0 }) else { continue }
            // After it, a decision without any score goes to cash.
            if valued == 0 { empty += 1 }
            let w = constraints.weights(raw)
            if schedule == .onChange && w == last { continue }
            targets.append((t, w))
            last = w
        }
        // The benchmark index on another core while the account is simulated (one thread).
        let benchmark = BackgroundValue { Self.equalWeightIndex(universe) }
        let execution = try simulator.run(universe, targets: targets, periodsPerYear: clock.periodsPerYear)
        let index = benchmark.value
        let (performance, table) = try Backtest.statistics(
            equity: execution.equity, timestamps: universe.calendar, benchmark: index, trades: [], costs: execution.costs,
            tradedValue: execution.tradedValue, buyAndHoldStart: 0, timezone: clock.timezone, annualisation: clock.annualisation)
        return UniverseBacktestResult(
            execution: execution, benchmark: index, performance: performance, statistics: table, decisions: targets.count,
            missingScores: missing, firstMissing: firstMissing.map { (universe.calendar[$0.row], universe.names[$0.symbol]) }, emptyDecisions: empty)
    }

    /// The equal-weight index of `universe`: 100 at the first row, then × (1 + the mean simple
    /// return of the symbols with a bar at the row and one before).
    public static func equalWeightIndex(_ universe: Universe) -> [Double] {
        var sum = [Double](repeating: 0, count: universe.length), count = [Int](repeating: 0, count: universe.length)
        for (s, bars) in universe.symbols.enumerated() {
            let rows = universe.rows[s]
            for j in bars.close.indices.dropFirst() {
                let r = bars.close[j] / bars.close[j - 1] - 1
                guard r.isFinite else { continue }
                sum[Int(rows[j])] += r
                count[Int(rows[j])] += 1
            }
        }
        var out = [Double](repeating: 100, count: universe.length)
        for t in out.indices.dropFirst() { out[t] = out[t - 1] * (1 + (count[t] > 0 ? sum[t] / Double(count[t]) : 0)) }
        return out
    }
}

/// A universe portfolio's bad scores, each naming the symbol and the decision bar.
public enum UniverseBacktestError: Error, Equatable, CustomStringConvertible {
    /// A score of ±∞ for a symbol with a bar at the decision.
    case infiniteScore(symbol: String, time: Int64, value: Double)
    /// A negative score under `long_only`.
    case negativeScore(symbol: String, time: Int64, value: Double)
    /// A NaN score for a symbol with a bar at the decision past its warm-up of `warmUp` bars.
    case missingScore(symbol: String, time: Int64, warmUp: Int)

    public var description: String {
        switch self {
        case let .infiniteScore(symbol, time, value):
            "weights: \(value) for \(symbol) at \(CivilTime.iso8601(time)) (the first infinite weight of a tradable symbol)"
        case let .negativeScore(symbol, time, value):
            "weights: \(value) for \(symbol) at \(CivilTime.iso8601(time)) is negative under long_only (the first)"
        case let .missingScore(symbol, time, warmUp):
            "weights: NaN for \(symbol) at \(CivilTime.iso8601(time)), past its warm-up of \(warmUp) bars (the first NaN weight of a tradable symbol; fill_nan(x, 0) holds none of such symbols)"
        }
    }
}

/// What one universe backtest produced.
public struct UniverseBacktestResult: Sendable {
    /// Equity, fills, rebalances, contributions and costs.
    public var execution: UniverseSimulator.Result
    /// The equal-weight index the statistics measure buy and hold and beta against.
    public var benchmark: [Double]
    /// The performance statistics.
    public var performance: PerformanceStats
    /// Every statistic as typed rows (the report's `stats`).
    public var statistics: StatsTable
    /// Decisions that set a target (trading at the next open).
    public var decisions: Int
    /// Scores in their symbol's warm-up (NaN) for symbols with a bar at a decision, over all decisions: not held.
    public var missingScores: Int
    /// The first of them: when and which symbol.
    public var firstMissing: (time: Int64, symbol: String)?
    /// Decisions after the warm-up at which no symbol with a bar had a score: the portfolio went to cash.
    public var emptyDecisions: Int
}
