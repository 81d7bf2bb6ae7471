import Foundation
import LabCore

/// Daily bars of a seeded random walk: open = close, high/low 1 % around it, constant volume.
func randomWalk(symbol: String, count: Int, volatility: Double, volume: Double, rng: inout SeededRNG) throws -> BarSeries {
    var close: [Double] = [100]
    for _ in 1..<count { close.append(close.last! * exp(volatility * rng.nextGaussian())) }
    return try BarSeries(
        symbol: symbol, timestamps: (0..<count).map { Int64($0) * CivilTime.nanosPerDay }, open: close,
        high: close.map { $0 * 1.01 }, low: close.map { $0 * 0.99 }, close: close, volume: Array(repeating: volume, count: count))
}

/// Daily bars of a seeded random walk with gaps: open = previous close · e^(gap·z), close =
/// open · e^(move·z), high and low a fraction `wick` beyond both, volume `volume(rng)` per bar.
func gappedWalk(
    symbol: String, count: Int, start: Double = 100, gap: Double, move: Double, wick: Double, rng: inout SeededRNG,
    volume: (inout SeededRNG) -> Double
) throws -> BarSeries {
    var price = start
    var o: [Double] = [], h: [Double] = [], l: [Double] = [], c: [Double] = [], v: [Double] = []
    for _ in 0..<count {
        let open = price * exp(gap * rng.nextGaussian())
        price = open * exp(move * rng.nextGaussian())
        o.append(open)
        c.append(price)
        h.append(max(open, price) * (1 + wick))
        l.append(min(open, price) * (1 - wick))
        v.append(volume(&rng))
    }
    return try BarSeries(
        symbol: symbol, timestamps: (0..<count).map { Int64($0) * CivilTime.nanosPerDay }, open: o, high: h, low: l, close: c, volume: v)
}
