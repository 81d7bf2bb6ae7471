import Foundation
import LabCore
import LabExecution
import LabMetrics
import LabSignals

/// Many backtests of one instrument over one shared, read-only series — a parameter sweep — at
/// the engine's speed: each worker keeps one targets buffer and reuses it for every combination
/// (no per-bar allocation); with the `.key` scope no equity curve is materialised — the bar loop
/// feeds an ``EquitySummary`` — and the period grid of the statistics is made once,
/// and each combination's statistics come from ``Backtest/statistics(equity:timestamps:benchmark:trades:costs:tradedValue:buyAndHoldStart:timezone:scope:grid:summary:)``,
/// the same definitions as a single run (one Sharpe). With the `.key` scope a combination costs a
/// kernel pass and the bar loop; its key statistics have the same bits as the full report of the
/// same combination (tested).
public enum SweepEngine {
    /// The statistics of one combination.
    public struct Outcome: Sendable {
        /// The combination index given to `source` (outcomes come in this order).
        public var combination: Int
        /// Its statistics (``Statistic/key`` rows with the `.key` scope).
        public var statistics: StatsTable
        /// Its simple returns between the period ends of the statistics' grid (``PeriodGrid``: the
        /// returns its Sharpe ratio is taken from), when asked for (`returns: true`): one value a
        /// day on intraday or daily bars, never a bar-by-bar curve.
        public var periodReturns: [Double]?
    }

    /// Runs `count` combinations over `bars`: combination k trades `source(k)` through
    /// `simulator`. Workers take the next combination when free; outcomes are in combination
    /// order, so they do not depend on `workers`. The first error in combination order is
    /// rethrown. Returns nil when `isCancelled` stopped it.
    public static func run(
        _ bars: BarSeries, simulator: ExecutionSimulator, count: Int, workers: Int, scope: PerformanceStats.Scope = .key, returns: Bool = false,
        isCancelled: @escaping @Sendable () -> Bool = { false }, source: @escaping @Sendable (Int) throws -> Backtest.SignalSource
    ) throws -> [Outcome]? {
        try run(
            bars, simulators: { _ in simulator }, count: count, workers: workers, scope: scope, returns: returns, isCancelled: isCancelled,
            source: source)
    }

    /// ``run(_:simulator:count:workers:scope:isCancelled:source:)`` with combination k traded
    /// through `simulators(k)` (a sweep over execution settings). `returns`: keep each combination's
    /// period returns (``Outcome/periodReturns``).
    public static func run(
        _ bars: BarSeries, simulators: @escaping @Sendable (Int) -> ExecutionSimulator, count: Int, workers: Int, scope: PerformanceStats.Scope = .key,
        returns: Bool = false, isCancelled: @escaping @Sendable () -> Bool = { false }, source: @escaping @Sendable (Int) throws -> Backtest.SignalSource
    ) throws -> [Outcome]? {
        guard !bars.isEmpty else { return [] }
        let grid = PeriodGrid(timestamps: bars.timestamps, timezone: bars.timezone, annualisation: bars.annualisation)
        // Every source first (errors surface in combination order); strategies of one batched
        // type get their targets together, in one chunk per worker.
        let sources: [Result<Backtest.SignalSource, any Error>] = (0..<count).map { k in Result { try source(k) } }
        let events = try batchedEvents(bars, sources: sources, workers: workers, isCancelled: isCancelled)
        return try WorkerPool.map(count, workers: workers, isCancelled: isCancelled, state: { Buffers(bars: bars.count) }) { buffers, k in
            let signals = try sources[k].get()
            let simulator = simulators(k)
            let start = Backtest(simulator: simulator, source: signals).decisionStart(bars)
            // The key statistics from the bar loop's running summary (no curve); every statistic
            // from the curve.
            var summary = scope == .key ? EquitySummary(grid: grid) : nil
            let execution = try buffers.run(bars, signals, events: events[k], simulator: simulator, start: start, summary: &summary)
            let periodReturns = returns ? (summary?.periodReturns ?? PeriodGrid.returns(of: execution.equity, grid: grid)) : nil
            let (_, table) =
                try summary.map { summary in
                    try Backtest.statistics(
                        equity: [], timestamps: bars.timestamps, benchmark: bars.close, trades: execution.trades, costs: execution.costs,
                        tradedValue: execution.tradedValue, buyAndHoldStart: max(0, start - 1), timezone: bars.timezone, annualisation: bars.annualisation,
                        scope: .key, grid: grid,
                        summary: summary)
                } ?? Backtest.statistics(bars, equity: execution.equity, execution: execution, decisionStart: start, scope: .full, grid: grid)
            return Outcome(combination: k, statistics: table, periodReturns: periodReturns)
        }
    }

    /// The targets of the plain-strategy sources whose strategy type is ``BatchedTargets``, by
    /// combination (nil for the others). Each type's combinations are computed together: their bars
    /// cut into one contiguous range per worker where the type computes by ranges
    /// (``BatchedTargets/batchTargets(_:bars:range:)``: every shared column once in all), otherwise
    /// the combinations cut into one chunk per worker.
    static func batchedEvents(
        _ bars: BarSeries, sources: [Result<Backtest.SignalSource, any Error>], workers: Int, isCancelled: @escaping @Sendable () -> Bool
    ) throws -> [TargetEvents?] {
        var groups: [ObjectIdentifier: [Int]] = [:]
        for (k, source) in sources.enumerated() {
            if case let .success(.strategy(strategy)) = source, strategy is any BatchedTargets, !strategy.sizesPositions {
                groups[ObjectIdentifier(type(of: strategy)), default: []].append(k)
            }
        }
        var out = [TargetEvents?](repeating: nil, count: sources.count)
        let parts = max(1, workers)
        for members in groups.values.sorted(by: { $0[0] < $1[0] }) where members.count > 1 {
            let batch: [any SignalStrategy] = members.map { k in
                guard case let .success(.strategy(s)) = sources[k] else { preconditionFailure() }
                return s
            }
            let first = batch[0] as! any BatchedTargets
            let cuts = (0...parts).map { bars.count * $0 / parts }
            guard
                let ranged = try WorkerPool.map(
                    parts, workers: workers, isCancelled: isCancelled,
                    { p in
                        Self.events(first, batch, bars: bars, range: cuts[p]..<cuts[p + 1])
                    })
            else { return out }
            if ranged.allSatisfy({ $0 != nil }) {
                for (j, k) in members.enumerated() {
                    var events = TargetEvents()
                    for part in ranged { events.append(part![j]) }
                    out[k] = events
                }
                continue
            }
            let size = (members.count + parts - 1) / parts
            let chunks = stride(from: 0, to: members.count, by: size).map { $0..<min($0 + size, members.count) }
            guard
                let computed = try WorkerPool.map(
                    chunks.count, workers: workers, isCancelled: isCancelled,
                    { c in
                        Self.events(first, Array(batch[chunks[c]]), bars: bars)
                    })
            else { return out }
            for (c, chunk) in chunks.enumerated() { for (j, m) in chunk.enumerated() { out[members[m]] = computed[c][j] } }
        }
        return out
    }

    /// `S.batchTargets` of `batch` (every member an `S`, the type of `first`).
    static func events<S: BatchedTargets>(_ first: S, _ batch: [any SignalStrategy], bars: BarSeries) -> [TargetEvents] {
        S.batchTargets(batch.map { $0 as! S }, bars: bars)
    }

    /// `S.batchTargets` of `batch` over `range` (nil where `S` computes only whole batches).
    static func events<S: BatchedTargets>(_ first: S, _ batch: [any SignalStrategy], bars: BarSeries, range: Range<Int>) -> [TargetEvents]? {
        S.batchTargets(batch.map { $0 as! S }, bars: bars, range: range)
    }
}

/// One worker's targets buffer, reused for every combination it runs.
private final class Buffers {
    var targets: [TargetDirection?]

    init(bars: Int) {
        targets = Array(repeating: nil, count: bars)
    }

    /// The execution of `signals` with the equity added to `summary` (no curve), or, without a
    /// summary, kept as the result's curve.
    func run(
        _ bars: BarSeries, _ signals: Backtest.SignalSource, events: TargetEvents?, simulator: ExecutionSimulator, start: Int,
        summary: inout EquitySummary?
    ) throws -> ExecutionSimulator.Result {
        switch signals {
        case let .strategy(strategy) where strategy.sizesPositions:
            let orders = SignalRun.orders(strategy.signals(for: bars), count: bars.count)
            guard summary != nil else { return try simulator.run(bars, orders: orders, start: start) }
            return try orders.withUnsafeBufferPointer { o in try simulator.run(bars, orders: o, start: start, summary: &summary!) }
        case let .strategy(strategy):
            targets.withUnsafeMutableBufferPointer { t in
                if let events { events.write(into: t) } else { strategy.fillTargets(bars, into: t) }
            }
        case let .pipeline(pipeline, flagged):
            let run = try pipeline.run(bars, flagged: flagged)
            if run.needsOrders {
                let orders = run.orders
                guard summary != nil else { return try simulator.run(bars, orders: orders, start: start) }
                return try orders.withUnsafeBufferPointer { o in try simulator.run(bars, orders: o, start: start, summary: &summary!) }
            }
            targets.withUnsafeMutableBufferPointer { t in
                for i in t.indices { t[i] = nil }
                for s in run.passed where s.bar < t.count { t[s.bar] = s.direction }
            }
        }
        guard summary != nil else { return try simulator.run(bars, targets: targets, start: start) }
        return try targets.withUnsafeBufferPointer { t in try simulator.run(bars, targets: t, start: start, summary: &summary!) }
    }
}
