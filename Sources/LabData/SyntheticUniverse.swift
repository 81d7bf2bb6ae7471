import Foundation
import LabCore

/// A seeded synthetic equity universe: many symbols with correlated returns, listings, delistings,
/// trading halts and a volume level per symbol, on NYSE trading days (`gslab dataset synth --symbols N`).
///
/// Model (daily log returns): `r_it = α_i + β_i·m_t + γ_i·f_{g(i),t} + σ_i·ε_it`, with a market
/// factor m (σ 16 %/yr, drift 6 %/yr), one factor per sector f_g (σ 10 %/yr), β_i ∈ [0.5, 1.5],
/// γ_i ∈ [0.5, 1], idiosyncratic σ_i ∈ [15, 45] %/yr and α_i ~ N(0, 4 %/yr), all normal. Each bar
/// opens at the previous close times a third of the day's move and closes at the day's return; high and low extend beyond open and close by half-normal amounts.
/// Volume: a per-symbol level (log-uniform 10⁵ … 10⁷ shares) times a lognormal day factor that
/// rises with the size of the move.
///
/// Life cycle: 60 % of the symbols are listed on the first day, the others list on a uniform day
/// of the first 80 %; a fifth of the symbols delist on a uniform day at least 60 bars after
/// listing; about one bar in 500 is missing (a halt). Each symbol carries its sector as the
/// `sector` attribute (11 sector names). Symbol k draws from stream k + 1 of the seed, the
/// factors from stream 0, so the same seed and count give the same file.
public enum SyntheticUniverse {
    /// The sector names symbols are drawn from.
    public static let sectors = [
        "Communication", "ConsumerDiscretionary", "ConsumerStaples", "Energy", "Financials", "HealthCare", "Industrials", "InformationTechnology",
        "Materials", "RealEstate", "Utilities",
    ]

    /// `symbols` symbols over `days` NYSE trading days from `startDay` (days since 1970-01-01),
    /// named `S` + a zero-padded number, daily bars stamped at midnight UTC, zone America/New_York.
    /// - Throws: ``LabDataError/invalidParameter(owner:field:reason:)`` for fewer than one symbol
    ///   or fewer than 120 days.
    public static func make(symbols: Int, days: Int, startDay: Int64, seed: UInt64) throws -> [BarSeries] {
        guard symbols >= 1 else { throw LabDataError.invalidParameter(owner: "synth", field: "symbols", reason: "must be ≥ 1, got \(symbols)") }
        guard days >= 120, days < 100_000 else {
            throw LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "a universe needs 120 … 99 999 days, got \(days)")
        }
        let calendar = try SyntheticBars.tradingDays(from: startDay, count: days)
        let dt = 1.0 / 252
        var factors = SeededRNG(seed: seed).stream(0)
        let market = (0..<days).map { _ in (0.06 - 0.5 * 0.16 * 0.16) * dt + 0.16 * dt.squareRoot() * factors.nextGaussian() }
        let sector = sectors.map { _ in (0..<days).map { _ in 0.10 * dt.squareRoot() * factors.nextGaussian() } }
        let width = String(symbols - 1).count
        let streams = SeededRNG(seed: seed).streams(symbols + 1)
        return try (0..<symbols).map { k in
            var rng = streams[k + 1]
            let g = rng.nextInt(below: sectors.count)
            let beta = 0.5 + rng.nextUniform(), gamma = 0.5 + 0.5 * rng.nextUniform()
            let sigma = 0.15 + 0.30 * rng.nextUniform()
            let alpha = 0.04 * rng.nextGaussian()
            let level = pow(10, 5 + 2 * rng.nextUniform())
            let first = rng.nextUniform() < 0.6 ? 0 : rng.nextInt(below: days * 4 / 5)
            var last = days - 1
            if rng.nextUniform() < 0.2, days - 1 - (first + 60) > 0 { last = first + 60 + rng.nextInt(below: days - 1 - (first + 60)) }
            var price = 10 + 190 * rng.nextUniform()
            var ts: [Int64] = [], o: [Double] = [], h: [Double] = [], l: [Double] = [], c: [Double] = [], v: [Double] = []
            let count = last - first + 1
            ts.reserveCapacity(count)
            o.reserveCapacity(count)
            h.reserveCapacity(count)
            l.reserveCapacity(count)
            c.reserveCapacity(count)
            v.reserveCapacity(count)
            let idiosyncratic = sigma * dt.squareRoot()
            for i in first...last {
                let r = (alpha - 0.5 * sigma * sigma) * dt + beta * market[i] + gamma * sector[g][i] + idiosyncratic * rng.nextGaussian()
                let overnight = r / 3
                let open = price * exp(overnight)
                let close = open * exp(r - overnight)
                let spread = idiosyncratic * 0.5
                let high = max(open, close) * exp(abs(rng.nextGaussian()) * spread)
                let low = min(open, close) * exp(-abs(rng.nextGaussian()) * spread)
                let volume = (level * exp(0.4 * rng.nextGaussian() - 0.08 + 8 * abs(r))).rounded()
                price = close
                if i != first && i != last && rng.nextUniform() < 0.002 { continue }  // a halt: no bar
                ts.append(calendar[i])
                o.append(open)
                h.append(high)
                l.append(low)
                c.append(close)
                v.append(volume)
            }
            let name = "S" + String(repeating: "0", count: width - String(k).count) + String(k)
            return try BarSeries(
                symbol: name, timestamps: ts, open: o, high: h, low: l, close: c, volume: v, frequency: .day, timezone: "America/New_York",
                metadata: [
                    "source": "gslab dataset synth", "seed": String(seed), "sector": sectors[g],
                    "model":
                        "factor model beta=\(String(format: "%.3f", beta)) gamma=\(String(format: "%.3f", gamma)) volatility=\(String(format: "%.3f", sigma))",
                ])
        }
    }
}
