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
