// Release-mode benchmark harness: best wall-clock time of N runs (ContinuousClock), printed as
// one `name seconds rows` line per case so benchmarks/run can join them with the peers' numbers.
//
// Usage: gslab-bench read FILE SYMBOL RUNS      (HDF5BarStore.read of one symbol)
//        gslab-bench quality ROWS RUNS          (DataQuality.validate + clean, clean and damaged data)
import Foundation
import LabCore
import LabData

/// Keeps the optimiser from discarding results.
@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = min(best, seconds)
    }
    return best
}

// The same allocator settings as `gslab` itself (see AllocatorTuning).
AllocatorTuning.keepLargeAllocationsInHeap()
let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: gslab-bench read FILE SYMBOL RUNS | quality ROWS RUNS\n".utf8))
    exit(2)
}
do {
    switch args[1] {
    case "read":
        let (path, symbol, runs) = (args[2], args[3], Int(args[4]) ?? 5)
        var rows = 0
        let t = try best(runs) {
            let s = try HDF5BarStore.read(path, symbol: symbol).series
            rows = s.count
            blackHole(s)
        }
        print("read \(t) \(rows)")
    case "quality":
        let (rows, runs) = (Int(args[2]) ?? 10_000_000, Int(args[3]) ?? 5)
        let days = rows / 200 + 1  // ≥ 210 bars per session (half days), so enough bars; then cut to `rows`
        var series = try SyntheticBars.intraday(symbol: "Q", startDay: 0, days: days, seed: 1)
        series = series[bars: 0..<rows].materialize()
        let clean = best(runs) {
            let report = try! DataQuality.validate(series)
            blackHole(try! DataQuality.clean(series, report: report))
        }
        print("quality_clean \(clean) \(rows)")
        // Damage 0.1 % of the bars (NaN close, inverted high, negative volume, duplicate time) and clean them all.
        var rng = SeededRNG(seed: 2)
        for _ in 0..<(rows / 1000) {
            let i = 1 + rng.nextInt(below: rows - 1)
            switch rng.nextInt(below: 4) {
            case 0: series.close[i] = .nan
            case 1: series.high[i] = series.low[i] * 0.99
            case 2: series.volume[i] = -1
            default: series.timestamps[i] = series.timestamps[i - 1]
            }
        }
        var changes = 0
        let dirty = best(runs) {
            let report = try! DataQuality.validate(series)
            let result = try! DataQuality.clean(series, report: report)
            changes = result.changes.count
            blackHole(result)
        }
        print("quality_damaged \(dirty) \(rows) \(changes)")
    default:
        FileHandle.standardError.write(Data("unknown benchmark \(args[1])\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("gslab-bench: \(error)\n".utf8))
    exit(2)
}
