import LabCore

/// Stress variants of a ``Universe``: every step acts on the shared calendar, so a crash, a
/// volatility window or a liquidity drought hits every symbol listed then at the same time.
///
/// Conventions (docs/portfolios.md, "Stress variants"):
/// - Each symbol is laid on the whole calendar: a row without its bar (before listing, after
///   delisting, a halt) is a flat bar at its last close (its first open before listing), volume 0.
///   The steps run on these aligned series exactly as on a multi-symbol portfolio (step k draws
///   from stream k of the seed, windows resolved on the calendar), then each symbol keeps its own
///   rows only: the flat rows are dropped, so a stressed symbol has the bars it had.
/// - `correlation_breakdown` re-correlates the symbols with bars on at least 90 % of its window's
///   rows (at least two; their flat rows inside it take part as zero returns, so a halt's move is
///   carried by the next bar); the others are left as they are (the annotation says how many).
/// - `garch` (fitted per symbol) and `bootstrap` (rows resampled for all symbols together) would
///   read the flat rows as data: they are refused unless every symbol has a bar at every row.
public enum UniverseStress {
    /// The share of a correlation breakdown's window a symbol needs bars on to take part (a halt or
    /// two do not leave it out; a symbol listed for part of the window is left as it is).
    public static let participation = 0.9

    /// Each symbol of `universe` on the whole calendar, flat where it has no bar.
    public static func padded(_ universe: Universe) -> [BarSeries] {
        let length = universe.length
        return universe.symbols.enumerated().map { s, bars in
            let rows = universe.rows[s]
            var open = [Double](repeating: 0, count: length), high = open, low = open, close = open, volume = open
            var spread: [Double]? = bars.spread.map { _ in [Double](repeating: 0, count: length) }
            var j = 0
            var last = bars.open[0]
            var lastSpread = bars.spread?[0] ?? 0
            for t in 0..<length {
                if j < rows.count && Int(rows[j]) == t {
                    open[t] = bars.open[j]
                    high[t] = bars.high[j]
                    low[t] = bars.low[j]
                    close[t] = bars.close[j]
                    volume[t] = bars.volume[j]
                    if let quoted = bars.spread { lastSpread = quoted[j] }
                    last = bars.close[j]
                    j += 1
                } else {
                    open[t] = last
                    high[t] = last
                    low[t] = last
                    close[t] = last
                }
                spread?[t] = lastSpread
            }
            // The calendar's timestamps increase and span no more than the symbols' own: valid.
            return try! BarSeries(
                symbol: bars.symbol, timestamps: universe.calendar, open: open, high: high, low: low, close: close, volume: volume, spread: spread,
                frequency: bars.frequency, timezone: bars.timezone, metadata: bars.metadata, annualisation: bars.annualisation)
        }
    }

    /// `steps` applied to `universe` with `seed` (as ``StressPipeline`` would: step k from stream k):
    /// the stressed universe (each symbol with its own rows) and the annotations (calendar rows).
    /// - Throws: ``LabStressError`` from a step; for `garch` or `bootstrap` on a universe whose
    ///   symbols do not all have a bar at every row; for `correlation_breakdown` when fewer than two
    ///   symbols have a bar at every row of its window.
    public static func apply(_ steps: [any StressTransform], to universe: Universe, seed: UInt64) throws -> (Universe, [StressAnnotation]) {
        var data = StressedData(series: padded(universe))
        let streams = SeededRNG(seed: seed).streams(steps.count)
        for (k, step) in steps.enumerated() {
            var rng = streams[k]
            if var breakdown = step as? CorrelationBreakdown {
                // The window resolved on the calendar (the draw the step itself would make), then
                // the symbols complete over it re-correlated together.
                let range = try breakdown.window.resolve(in: data.series[0], transform: breakdown.name, rng: &rng)
                breakdown.window = .bars(start: range.lowerBound, count: range.count)
                let complete = universe.rows.indices.filter { s in
                    let inside = universe.rows[s].count { Int($0) >= range.lowerBound && Int($0) < range.upperBound }
                    return Double(inside) >= participation * Double(range.count)
                }
                guard complete.count >= 2 else {
                    throw LabStressError.unsuitableInput(
                        transform: breakdown.name,
                        reason: "\(complete.count) symbols have bars on \(Int(participation * 100)) % of the window's rows; at least 2 are needed")
                }
                var part = StressedData(series: complete.map { data.series[$0] })
                part = try breakdown.apply(part, rng: &rng)
                for (i, s) in complete.enumerated() { data.series[s] = part.series[i] }
                data.annotations += part.annotations.map {
                    StressAnnotation(
                        transform: $0.transform, start: $0.start, end: $0.end,
                        detail:
                            "\($0.detail) (\(complete.count) of \(universe.count) symbols: those with bars on \(Int(participation * 100)) % of the window's rows)",
                        regimes: $0.regimes)
                }
                continue
            }
            if (step is GARCHRegime || step is StationaryBootstrap) && !universe.isAligned {
                throw LabStressError.unsuitableInput(
                    transform: step.name,
                    reason: "it would read the rows where a symbol has no bar as data; this universe's symbols have different spans or gaps")
            }
            data = try step.apply(data, rng: &rng)
        }
        let stressed = try universe.symbols.indices.map { s -> BarSeries in
            let rows = universe.rows[s].map { Int($0) }
            let p = data.series[s], own = universe.symbols[s]
            return try BarSeries(
                symbol: own.symbol, timestamps: own.timestamps, open: rows.map { p.open[$0] }, high: rows.map { p.high[$0] },
                low: rows.map { p.low[$0] }, close: rows.map { p.close[$0] }, volume: rows.map { p.volume[$0] },
                spread: p.spread.map { q in rows.map { q[$0] } }, frequency: own.frequency, timezone: own.timezone, metadata: own.metadata,
                annualisation: own.annualisation)
        }
        var groups: [String: String] = [:]
        for (s, g) in universe.groups.enumerated() { if let g { groups[universe.names[s]] = g } }
        return (try Universe(stressed, groups: groups), data.annotations)
    }
}
