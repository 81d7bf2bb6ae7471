import Foundation
import LabCore
import Testing

@testable import LabSignals

/// Loads the fixtures shared by the LabSignals tests.
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// GOOG daily bars (the data of ../shared/data), stamped at midnight UTC.
    static func goog() throws -> BarSeries {
        let lines = try String(contentsOf: url("GOOG_daily.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let f = lines.map { $0.split(separator: ",").map(String.init) }
        return try BarSeries(
            symbol: "GOOG", timestamps: f.map { CivilTime.parseISO8601(Substring($0[0]))! },
            open: f.map { Double($0[1])! }, high: f.map { Double($0[2])! }, low: f.map { Double($0[3])! },
            close: f.map { Double($0[4])! }, volume: f.map { Double($0[5])! })
    }

    /// Columns of goog_pandas_indicators.csv by name (NaN for empty cells).
    static func pandasIndicators() throws -> [String: [Double]] {
        let lines = try String(contentsOf: url("goog_pandas_indicators.csv"), encoding: .utf8).split(separator: "\n")
        let names = lines[0].split(separator: ",").map(String.init)
        var columns = [String: [Double]]()
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            for (k, name) in names.enumerated() { columns[name, default: []].append(Double(cells[k]) ?? .nan) }
        }
        return columns
    }
}

/// Equal to `rel` relative (or both NaN).
func same(_ a: Double, _ b: Double, rel: Double = 1e-12) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= rel * max(1, abs(b))
}

func same(_ a: [Double], _ b: [Double], rel: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { same($0, $1, rel: rel) }
}

let nan = Double.nan

@Suite struct IndicatorHandComputedTests {
    let x: [Double] = [1, 2, 3, 4, 5, 6]

    @Test func simpleMovingAverage() {
        #expect(same(Indicators.sma(x, window: 3), [nan, nan, 2, 3, 4, 5]))
        #expect(same(Indicators.sma(x, window: 1), x))
    }

    @Test func exponentialMovingAverage() {
        // span 3 → α = 0.5: 1, 1.5, 2.25, 3.125, 4.0625, 5.03125; warm-up 2 hidden.
        #expect(same(Indicators.ema(x, span: 3), [nan, nan, 2.25, 3.125, 4.0625, 5.03125]))
    }

    @Test func weightedMovingAverage() {
        // window 3: (1·1 + 2·2 + 3·3)/6 = 14/6, (2 + 6 + 12)/6 = 20/6, …
        let expected: [Double] = [nan, nan, 14.0 / 6, 20.0 / 6, 26.0 / 6, 32.0 / 6]
        #expect(same(Indicators.wma(x, window: 3), expected))
    }

    @Test func relativeStrengthIndex() {
        // Changes: +2, −1, +2, −2, +3. Window 2: first averages at bar 2 from (+2, −1): gain 1, loss 0.5 →
        // RSI 100 − 100/3; bar 3 (+2): gain (1 + 2)/2 = 1.5, loss 0.25 → 100 − 100/7;
        // bar 4 (−2): gain 0.75, loss 1.125 → 40; bar 5 (+3): gain 1.875, loss 0.5625 → 100 − 100/(1 + 10/3).
        let p: [Double] = [10, 12, 11, 13, 11, 14]
        let last: Double = 100 - 100 / (1 + 1.875 / 0.5625)
        let expected: [Double] = [nan, nan, 100 - 100.0 / 3, 100 - 100.0 / 7, 40, last]
        #expect(same(Indicators.rsi(p, window: 2), expected))
        // No losses → 100; no change at all → 50.
        #expect(Indicators.rsi([1, 2, 3], window: 2)[2] == 100)
        #expect(Indicators.rsi([5, 5, 5], window: 2)[2] == 50)
    }

    @Test func macdLineSignalAndHistogram() {
        // fast 1 (α 1: the value itself), slow 2 (α 2/3), signal 1.
        // emaSlow: 1, 1 + 2/3·1 = 5/3, 5/3 + 2/3·(4/3) = 23/9; line from bar 1: 2 − 5/3 = 1/3, 3 − 23/9 = 4/9.
        let m = Indicators.macd([1, 2, 3], fast: 1, slow: 2, signal: 1)
        #expect(same(m.line, [nan, 1.0 / 3, 4.0 / 9]))
        #expect(same(m.signal, [nan, 1.0 / 3, 4.0 / 9]))
        #expect(same(m.histogram, [nan, 0, 0]))
        // signal span 2 (α 2/3): seeded with the first line value, then 1/3 + 2/3·(4/9 − 1/3) = 11/27; shown from the 2nd line.
        let m2 = Indicators.macd([1, 2, 3], fast: 1, slow: 2, signal: 2)
        #expect(same(m2.signal, [nan, nan, 11.0 / 27]))
        #expect(same(m2.histogram, [nan, nan, 4.0 / 9 - 11.0 / 27]))
    }

    @Test func bollingerBandsAndPercentB() {
        // Window 3 over 1, 2, 3: mean 2, population σ = sqrt(2/3); k = 1.
        let b = Indicators.bollinger([1, 2, 3, 3], window: 3, k: 1)
        let s = (2.0 / 3).squareRoot()
        #expect(same(b.middle, [nan, nan, 2, 8.0 / 3]))
        #expect(same(b.upper[2], 2 + s) && same(b.lower[2], 2 - s))
        #expect(same(b.percentB[2], (3 - (2 - s)) / (2 * s)))
        // A constant window has touching bands: %b undefined.
        #expect(Indicators.bollinger([2, 2, 2], window: 3, k: 2).percentB[2].isNaN)
    }

    @Test func zScoreUsesSampleStandardDeviation() {
        // 1, 2, 3: mean 2, sample σ 1 → z of 3 is 1.
        #expect(same(Indicators.zScore([1, 2, 3], window: 3), [nan, nan, 1]))
    }

    @Test func rollingVolatilityAnnualises() {
        // Log returns ln 2, 0, ln 2 → sample σ = ln2·sqrt(1/3); annualised by sqrt(252).
        let v = Indicators.rollingVolatility([1, 2, 2, 4], window: 3, periodsPerYear: 252)
        #expect(v[0].isNaN && v[2].isNaN)
        #expect(same(v[3], log(2) * (1.0 / 3).squareRoot() * 252.0.squareRoot()))
    }

    @Test func averageTrueRange() {
        // TR: 2 (h − l), max(3, |13 − 10|, |10 − 10|) = 3, max(1, |11 − 12|, |10 − 12|) = 2.
        // Window 2: (2 + 3)/2 = 2.5 at bar 1, then 2.5 + (2 − 2.5)/2 = 2.25.
        let a = Indicators.atr(high: [11, 13, 11], low: [9, 10, 10], close: [10, 12, 10.5], window: 2)
        #expect(same(a, [nan, 2.5, 2.25]))
    }

    @Test func donchianChannel() {
        let d = Indicators.donchian(high: [5, 7, 6, 4, 8], low: [1, 3, 2, 0, 6], window: 3)
        #expect(same(d.upper, [nan, nan, 7, 7, 8]))
        #expect(same(d.lower, [nan, nan, 1, 0, 0]))
        #expect(same(d.middle, [nan, nan, 4, 3.5, 4]))
    }

    @Test func sessionAnchoredVWAP() {
        // Typical prices 10, 20 | 30; volumes 1, 3 | 2; sessions 0, 0, 1.
        let v = Indicators.sessionVWAP(high: [10, 20, 30], low: [10, 20, 30], close: [10, 20, 30], volume: [1, 3, 2], session: [0, 0, 1])
        #expect(same(v, [10, 17.5, 30]))
        #expect(Indicators.sessionVWAP(high: [1], low: [1], close: [1], volume: [0], session: [0])[0].isNaN)
    }

    @Test func rateOfChangeIsAFraction() {
        #expect(same(Indicators.rateOfChange([100, 110, 121], window: 1), [nan, 0.1, 0.1]))
        #expect(same(Indicators.rateOfChange([100, 110, 121], window: 2), [nan, nan, 0.21]))
    }

    @Test func missingValuesRestartTheWindow() {
        let s = Indicators.sma([1, 2, nan, 4, 5, 6], window: 2)
        #expect(same(s, [nan, 1.5, nan, nan, 4.5, 5.5]))
        let e = Indicators.ema([1, nan, 3], span: 1)
        #expect(same(e, [1, nan, 3]))
        let hi = Indicators.rollingExtreme([3, nan, 1, 2], window: 2, greatest: true)
        #expect(same(hi, [nan, nan, nan, 2]))
    }
}

@Suite struct IndicatorReferenceTests {
    @Test func matchesPandasOnGOOG() throws {
        let ref = try Fixtures.pandasIndicators()
        let close = try Fixtures.goog().close
        #expect(ref["close"]! == close)
        #expect(same(Indicators.sma(close, window: 10), ref["sma_10"]!))
        #expect(same(Indicators.sma(close, window: 20), ref["sma_20"]!))
        #expect(same(Indicators.ema(close, span: 12), ref["ema_12"]!))
        #expect(same(Indicators.ema(close, span: 26), ref["ema_26"]!))
        #expect(same(Indicators.rollingMoments(close, window: 20, ddof: 1).std, ref["std_20"]!, rel: 1e-10))
        #expect(same(Indicators.rateOfChange(close, window: 10), ref["roc_10"]!))
    }

    /// 10M bars of a random walk around 100 against a naive two-pass window computation, 1e-9 relative.
    @Test func tenMillionBarsStayAccurate() {
        let n = 10_000_000
        var rng = SeededRNG(seed: 9)
        var x = [Double](repeating: 0, count: n)
        var p = 100.0
        for i in 0..<n {
            p *= 1 + 0.001 * rng.nextNormal()
            x[i] = p
        }
        let window = 50
        let sma = Indicators.sma(x, window: window)
        let (mean, std) = Indicators.rollingMoments(x, window: window, ddof: 1)
        let wma = Indicators.wma(x, window: window)
        var worst = (sma: 0.0, std: 0.0, wma: 0.0)
        // Check every 997th window (and the last) with exact two-pass sums.
        for i in Array(stride(from: window - 1, to: n, by: 997)) + [n - 1] {
            var s = 0.0, w = 0.0
            for k in 0..<window {
                s += x[i - window + 1 + k]
                w += Double(k + 1) * x[i - window + 1 + k]
            }
            let m = s / Double(window)
            var ss = 0.0
            for j in (i - window + 1)...i { ss += (x[j] - m) * (x[j] - m) }
            let sd = (ss / Double(window - 1)).squareRoot()
            worst.sma = max(worst.sma, abs(sma[i] - m) / m, abs(mean[i] - m) / m)
            worst.std = max(worst.std, abs(std[i] - sd) / sd)
            worst.wma = max(worst.wma, abs(wma[i] - w / Double(window * (window + 1) / 2)) / m)
        }
        #expect(worst.sma < 1e-9 && worst.std < 1e-9 && worst.wma < 1e-9, "worst relative errors: \(worst)")
    }

    /// The output over a prefix is the prefix of the output: nothing looks ahead.
    @Test func kernelsAreCausal() throws {
        let bars = try Fixtures.goog()
        let c = bars.close, h = bars.high, l = bars.low
        let t = 1000
        let cut = Array(c[0...t]), hc = Array(h[0...t]), lc = Array(l[0...t])
        func prefix(_ a: [Double]) -> [Double] { Array(a[0...t]) }
        #expect(same(Indicators.sma(cut, window: 20), prefix(Indicators.sma(c, window: 20)), rel: 0))
        #expect(same(Indicators.ema(cut, span: 20), prefix(Indicators.ema(c, span: 20)), rel: 0))
        #expect(same(Indicators.rsi(cut, window: 14), prefix(Indicators.rsi(c, window: 14)), rel: 0))
        #expect(
            same(Indicators.macd(cut, fast: 12, slow: 26, signal: 9).histogram, prefix(Indicators.macd(c, fast: 12, slow: 26, signal: 9).histogram), rel: 0))
        #expect(same(Indicators.atr(high: hc, low: lc, close: cut, window: 14), prefix(Indicators.atr(high: h, low: l, close: c, window: 14)), rel: 0))
        #expect(same(Indicators.donchian(high: hc, low: lc, window: 20).upper, prefix(Indicators.donchian(high: h, low: l, window: 20).upper), rel: 0))
        #expect(
            same(
                Indicators.rollingVolatility(cut, window: 20, periodsPerYear: 252), prefix(Indicators.rollingVolatility(c, window: 20, periodsPerYear: 252)),
                rel: 0))
    }

    @Test func rollingExtremesMatchBruteForce() {
        var rng = SeededRNG(seed: 4)
        var x = (0..<5000).map { _ in rng.nextUniform() }
        x[2500] = .nan
        let y = x.map { $0 - 1 }
        for window in [1, 2, 7, 64] {
            let highest = Indicators.rollingExtreme(x, window: window, greatest: true)
            let lowest = Indicators.rollingExtreme(y, window: window, greatest: false)
            let channel = Indicators.donchian(high: x, low: y, window: window)
            for i in 0..<x.count {
                let range = max(0, i - window + 1)...i
                let full = i >= window - 1 && !x[range].contains { $0.isNaN }
                #expect(same(highest[i], full ? x[range].max()! : nan, rel: 0))
                #expect(same(lowest[i], full ? y[range].min()! : nan, rel: 0))
                #expect(same(channel.upper[i], highest[i], rel: 0) && same(channel.lower[i], lowest[i], rel: 0))
            }
        }
    }
}
