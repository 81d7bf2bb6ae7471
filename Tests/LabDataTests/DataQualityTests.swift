import Foundation
import LabCore
import Testing

@testable import LabData

@Suite struct DataQualityTests {
    static func goog() throws -> BarSeries {
        try CSVImport.read(Fixture.path("GOOG_daily.csv"), symbol: "GOOG", timezone: "America/New_York").0
    }

    @Test func googIsCleanUnderTheNYSECalendar() throws {
        // Weekends and every NYSE holiday 2004–2013 (incl. Reagan's funeral, Ford's funeral, Hurricane Sandy)
        // are absent from the data and must not count as gaps; the +19.99 % jump of 2008-04-18 is real, not a spike.
        let report = try DataQuality.validate(try Self.goog())
        #expect(report.findings.isEmpty)
        #expect(report.score == 100 && report.calendar == "NYSE" && report.frequency == "1d")
    }

    @Test func aMissingSessionIsAGap() throws {
        let goog = try Self.goog()
        var keep = Array(repeating: true, count: goog.count)
        keep[100] = false  // 2005-01-11 (a Tuesday)
        let report = try DataQuality.validate(goog.filtered(keeping: keep))
        #expect(report.counts == [.gap: 1])
        let gap = try #require(report.findings.first)
        #expect(gap.row == 100 && gap.severity == .warning)
        #expect(gap.detail == "1 trading session missing between 2005-01-10 and 2005-01-12")
        let expectedScore: Double = 100 * (1 - 0.25 / 2147.0)
        #expect(report.score == expectedScore)
    }

    /// Hand-made bars with one defect per row.
    static func dirty() throws -> BarSeries {
        let d = CivilTime.nanosPerDay
        let base = CivilTime.daysFromCivil(year: 2024, month: 1, day: 2) * d  // Tuesday
        let ts: [Int64] = [base, base + d, base + d, base + 2 * d, base + d, base + 3 * d, base + 6 * d, base + 7 * d]
        return try BarSeries(
            symbol: "D", timestamps: ts,
            open: [10, 10, 10, .nan, 10, 10, 10, 10],
            high: [11, 11, 11, 11, 9, 11, 11, 11],
            low: [9, 9, 9, 9, 9, -1, 9, 9],
            close: [10, 10.5, 10, 10, 10, 10, 10, 10],
            volume: [100, 100, 100, 100, 100, 100, -5, .infinity],
            frequency: .day)
    }

    @Test func everyDefectIsFoundWithItsRowAndColumn() throws {
        let report = try DataQuality.validate(try Self.dirty(), options: ValidationOptions(staleRunLength: 0))
        let found = report.findings.map { "\($0.row) \($0.column) \($0.kind.rawValue)" }
        #expect(
            found == [
                "2 timestamp duplicate_timestamp",
                "3 open non_finite",
                "4 high ohlc_inconsistent",
                "4 timestamp unordered_timestamp",
                "5 low non_positive_price",
                "6 volume negative_volume",
                "7 volume non_finite",
            ])
        #expect(report.errorRows == 6 && report.warnings == 0)
        let expectedScore: Double = 100 * (1 - 6.0 / 8.0)
        #expect(report.score == expectedScore)
        #expect(!report.isClean)
    }

    @Test func staleRunsAndSpikes() throws {
        var s = try cleanDaily(200, seed: 9)
        for i in 50..<57 { s.close[i] = s.close[49]; s.open[i] = s.close[49]; s.high[i] = max(s.high[i], s.close[49]); s.low[i] = min(s.low[i], s.close[49]) }
        s.close[120] = s.close[119] * 1.5  // a bad tick: +50 % then back
        s.high[120] = s.close[120]
        let report = try DataQuality.validate(s)
        #expect(report.counts[.staleRun] == 1 && report.counts[.outlier] == 1)
        #expect(report.findings.first { $0.kind == .staleRun }?.row == 49)
        #expect(report.findings.first { $0.kind == .staleRun }?.detail == "close unchanged for 8 bars")
        #expect(report.findings.first { $0.kind == .outlier }?.row == 120)
        #expect(report.errorRows == 0)
    }

    @Test func intradayGapsRespectSessionsAndMissingMinutes() throws {
        var s = try SyntheticBars.intraday(symbol: "M", startDay: CivilTime.daysFromCivil(year: 2023, month: 7, day: 3), days: 3, seed: 5)
        #expect(s.count == 210 + 390 + 390)  // 3 July is a half day, 4 July a holiday
        #expect(try DataQuality.validate(s).findings.isEmpty)
        var keep = Array(repeating: true, count: s.count)
        for i in 300..<305 { keep[i] = false }
        s = s.filtered(keeping: keep)
        let report = try DataQuality.validate(s)
        #expect(report.counts == [.gap: 1])
        #expect(report.findings[0].detail.hasPrefix("5 bars missing between"))
    }

    @Test func invalidOptionsAreOneLineErrors() throws {
        let s = try cleanDaily(10)
        #expect(throws: LabDataError.invalidParameter(owner: "validate", field: "staleRunLength", reason: "must be 0 (off) or ≥ 2, got 1")) {
            try DataQuality.validate(s, options: ValidationOptions(staleRunLength: 1))
        }
        #expect(throws: LabDataError.invalidParameter(owner: "validate", field: "gapTolerance", reason: "must be > 1, got 0.5")) {
            try DataQuality.validate(s, options: ValidationOptions(gapTolerance: 0.5))
        }
    }

    @Test func findingsAreCappedButCountsStayExact() throws {
        var s = try cleanDaily(100)
        for i in 0..<100 { s.volume[i] = -1 }
        let report = try DataQuality.validate(s, options: ValidationOptions(maxFindings: 10))
        #expect(report.findings.count == 10 && report.truncated && report.counts[.negativeVolume] == 100)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let report = try DataQuality.validate(try Self.dirty())
        let data = try LabJSON.encode(report)
        let back = try JSONDecoder().decode(DataQualityReport.self, from: data)
        #expect(back == report)
        #expect(try LabJSON.encode(back) == data)
        #expect(String(decoding: data, as: UTF8.self).contains("\"time\" : \"2024-01-03T00:00:00Z\""))
    }

    // MARK: Cleaning

    @Test func defaultCleaningRepairsEverythingAndIsIdempotent() throws {
        let dirty = try Self.dirty()
        let result = try DataQuality.clean(dirty)
        let s = result.series
        #expect(s.timestamps == s.timestamps.sorted() && Set(s.timestamps).count == s.count)
        #expect(try DataQuality.validate(s).isClean)
        // Row 4 is moved back among the rows stamped day+1 (rows 1, 2); keep_last keeps it, drops rows 1 and 2.
        #expect(s.count == 6)
        #expect(s.close[1] == 10)
        let actions = result.changes.map { "\($0.row) \($0.column) \($0.action)" }
        #expect(
            actions == [
                "4 row moved", "1 row dropped", "2 row dropped", "3 open forward_fill", "5 low forward_fill", "6 volume zero",
                "7 volume zero", "4 high clip",
            ])
        #expect(result.changes.first { $0.column == "open" }?.after == 10)
        let again = try DataQuality.clean(s)
        #expect(again.changes.isEmpty && again.series == s)
    }

    @Test func dropPoliciesAndKeepFirst() throws {
        let policy = CleaningPolicy(badPrice: .drop, badVolume: .drop, inconsistent: .drop, duplicates: .keepFirst, unordered: .drop)
        let result = try DataQuality.clean(try Self.dirty(), policy: policy)
        // Dropped: 4 (unordered), 2 (later duplicate), 3 and 5 (bad prices), 6 and 7 (bad volume).
        #expect(result.series.close == [10, 10.5])
        #expect(result.droppedRows == 6)
        #expect(result.changes.map(\.row) == [4, 2, 3, 5, 6, 7])
        #expect(try DataQuality.validate(result.series).isClean)
    }

    @Test func interpolationIsLinearByRow() throws {
        var s = try cleanDaily(10)
        s.close[3] = .nan
        s.close[4] = 0
        let result = try DataQuality.clean(s, policy: CleaningPolicy(badPrice: .interpolate))
        let step = (s.close[5] - s.close[2]) / 3
        #expect(abs(result.series.close[3] - (s.close[2] + step)) < 1e-12)
        #expect(abs(result.series.close[4] - (s.close[2] + 2 * step)) < 1e-12)
        #expect(result.changes.map(\.kind).prefix(2) == [.nonFinite, .nonPositivePrice])
    }

    @Test func cleanTrustsACleanReportAndTreatsSpikesOnRequest() throws {
        var s = try cleanDaily(200, seed: 9)
        s.close[120] = s.close[119] * 1.5
        s.high[120] = s.close[120]
        let report = try DataQuality.validate(s)
        #expect(report.isClean)
        #expect(try DataQuality.clean(s, report: report).changes.isEmpty)
        let fixed = try DataQuality.clean(s, policy: CleaningPolicy(spikes: .interpolate), report: report)
        #expect(fixed.changes.map(\.row) == [120])
        #expect(fixed.series.close[120] == (s.close[119] + s.close[121]) / 2)
        #expect(try DataQuality.validate(fixed.series).counts[.outlier] == nil)
    }

    @Test func cleaningInvariantsHoldOnRandomDamage() throws {
        // Property: whatever the damage, the cleaned series validates without errors, keeps OHLC
        // consistent and cleaning it again changes nothing.
        for seed in UInt64(1)...25 {
            var rng = SeededRNG(seed: seed)
            var s = try cleanDaily(120, seed: seed)
            for _ in 0..<15 {
                let i = rng.nextInt(below: s.count)
                switch rng.nextInt(below: 6) {
                case 0: s.close[i] = .nan
                case 1: s.low[i] = s.high[i] * 1.1
                case 2: s.volume[i] = -rng.nextUniform()
                case 3: s.timestamps[i] = s.timestamps[rng.nextInt(below: s.count)]
                case 4: s.open[i] = -1
                default: s.high[i] = .infinity
                }
            }
            let cleaned = try DataQuality.clean(s).series
            #expect(try DataQuality.validate(cleaned).isClean, "seed \(seed)")
            for i in 0..<cleaned.count {
                #expect(cleaned.low[i] <= min(cleaned.open[i], cleaned.close[i]) && cleaned.high[i] >= max(cleaned.open[i], cleaned.close[i]))
            }
            #expect(try DataQuality.clean(cleaned).changes.isEmpty, "seed \(seed)")
        }
    }

    // MARK: Outliers and normalisation

    @Test func hampelAndRobustZScore() throws {
        let closes: [Double] = [10, 10.1, 9.9, 10, 15, 10, 10.1, 9.9, 10]
        let s = try BarSeries(
            symbol: "H", timestamps: (0..<9).map { Int64($0) * CivilTime.nanosPerDay }, open: closes, high: closes.map { $0 + 5 },
            low: closes.map { $0 - 1 }, close: closes, volume: Array(repeating: 1, count: 9))
        // Window around index 4: [10.1, 9.9, 10, 15, 10, 10.1, 9.9] (k = 3) → median 10, MAD 0.1 → score 5 / 0.14826.
        let hampel = try DataQuality.detectOutliers(s, method: .hampel(halfWidth: 3, threshold: 3))
        #expect(hampel.map(\.index) == [4])
        #expect(abs(hampel[0].score - 5 / 0.14826) < 1e-9)
        let z = try DataQuality.detectOutliers(s, method: .robustZScore(threshold: 5))
        #expect(z.map(\.index) == [4, 5])  // the jump up and the jump back
        #expect(throws: LabDataError.invalidParameter(owner: "hampel", field: "halfWidth", reason: "must be ≥ 1, got 0")) {
            try DataQuality.detectOutliers(s, method: .hampel(halfWidth: 0, threshold: 3))
        }
        #expect(throws: LabDataError.invalidParameter(owner: "robust_zscore", field: "threshold", reason: "must be > 0, got -1.0")) {
            try DataQuality.detectOutliers(s, method: .robustZScore(threshold: -1))
        }
    }

    @Test func normalizations() throws {
        let x: [Double] = [1, 2, 3, 4, 5]
        // mean 3, sample sd √2.5
        #expect(zip(Normalization.zScore(x), [-2, -1, 0, 1, 2].map { $0 / 2.5.squareRoot() }).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(Normalization.minMax(x) == [0, 0.25, 0.5, 0.75, 1])
        let rolling = try Normalization.rollingZScore([1, 2, 4, 8, 16], window: 3)
        // window [1,2,4]: mean 7/3, sd √(7/3) → (4 − 7/3)/√(7/3); [2,4,8]: mean 14/3, sd √(28/3); [4,8,16]: mean 28/3, sd √(112/3)
        #expect(rolling[0].isNaN && rolling[1].isNaN)
        #expect(abs(rolling[2] - (4 - 7.0 / 3) / (7.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(rolling[3] - (8 - 14.0 / 3) / (28.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(rolling[4] - (16 - 28.0 / 3) / (112.0 / 3).squareRoot()) < 1e-12)
        let r = Normalization.logReturns([100, 110, 99])
        #expect(r[0].isNaN && abs(r[1] - log(1.1)) < 1e-15 && abs(r[2] - log(0.9)) < 1e-15)
        #expect(throws: LabDataError.self) { try Normalization.rollingZScore(x, window: 1) }
    }

    @Test func rollingZScoreHasNoLookAheadAndStaysAccurate() throws {
        var rng = SeededRNG(seed: 11)
        let x = (0..<5000).map { _ in 1e6 + rng.nextNormal() }
        let z = try Normalization.rollingZScore(x, window: 50)
        for i in stride(from: 49, to: 5000, by: 97) {
            let w = x[(i - 49)...i]
            let mean = w.reduce(0, +) / 50
            let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 49).squareRoot()
            #expect(abs(z[i] - (x[i] - mean) / sd) < 1e-6)
        }
        // Changing a later value never changes an earlier output.
        var y = x
        y[3000] = 0
        let z2 = try Normalization.rollingZScore(y, window: 50)
        #expect(z2[..<3000].elementsEqual(z[..<3000]) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}

@Suite struct ParallelValidationTests {
    /// Long series take the parallel fast check (≥ 1M bars per worker); a single defect anywhere,
    /// including right at a chunk boundary, must still be found exactly as the sequential pass does.
    @Test func parallelCheckFindsADefectAtTheChunkBoundary() throws {
        var s = try SyntheticBars.intraday(symbol: "P", startDay: 0, days: 5200, seed: 3)  // ≈ 2.0M bars
        #expect(s.count > 2_000_000)
        #expect(try DataQuality.validate(s).findings.isEmpty)
        let boundary = s.count / 2  // the first row of the second worker's chunk on two cores
        for row in [boundary - 1, boundary, boundary + 1] {
            var damaged = s
            damaged.timestamps[row] = damaged.timestamps[row - 1]
            let report = try DataQuality.validate(damaged)
            #expect(report.counts[.duplicateTimestamp] == 1 && report.findings.first?.row == row, "row \(row)")
        }
        s.close[boundary] = s.close[boundary - 1]  // a 2-bar flat close is not a stale run: still no findings
        #expect(try DataQuality.validate(s).findings.isEmpty)
    }
}
