import Foundation
import LabCore
import Testing

@testable import LabData

/// Records the waits a loader asks for, and runs an action at a given wait.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Double] = []
    var onSleep: (Int) -> Void = { _ in }
    var recorded: [Double] { lock.withLock { waits } }
    func sleep(_ seconds: Double) {
        let n = lock.withLock {
            waits.append(seconds); return waits.count
        }
        onSleep(n)
    }
}

@Suite struct DatasetLoaderTests {
    @Test func permanentFailureMovesToTheNextSourceAtOnce() throws {
        let recorder = SleepRecorder()
        let loader = DatasetLoader(sleep: { recorder.sleep($0) })
        let dataset = try loader.load(
            from: [DatasetSource(path: "/missing/a.h5"), DatasetSource(path: Fixture.path("pandas_fixed.h5"))], symbols: ["GOOG"])
        #expect(dataset.source.path == Fixture.path("pandas_fixed.h5"))
        #expect(dataset.attempts.map(\.served) == [false, true])
        #expect(dataset.attempts[0].reason == "no such file" && dataset.attempts[0].tries == 1)
        #expect(recorder.recorded.isEmpty)
        #expect(dataset.symbols[0].series.count == 300)
    }

    @Test func lockedFileIsRetriedWithCappedExponentialBackoff() throws {
        let path = Fixture.scratch() + "/locked.h5"
        try HDF5BarStore.write([try cleanDaily(20)], to: path)
        // Another open file description holding an exclusive flock, as a writer would.
        let fd = open(path, O_RDWR)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let recorder = SleepRecorder()
        recorder.onSleep = { n in if n == 3 { flock(fd, LOCK_UN); close(fd) } }
        let policy = RetryPolicy(maxAttempts: 5, initialDelay: 0.1, multiplier: 2, maxDelay: 0.3)
        let dataset = try DatasetLoader(retry: policy, sleep: { recorder.sleep($0) }).load(from: [DatasetSource(path: path)])
        #expect(recorder.recorded == [0.1, 0.2, 0.3])
        #expect(dataset.attempts == [SourceAttempt(source: path, served: true, tries: 4, reason: nil)])
    }

    @Test func whenEverySourceFailsTheErrorListsEachReason() throws {
        let path = Fixture.scratch() + "/held.h5"
        try HDF5BarStore.write([try cleanDaily(20)], to: path)
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let loader = DatasetLoader(retry: RetryPolicy(maxAttempts: 2), sleep: { _ in })
        let sources = [DatasetSource(path: path), DatasetSource(path: Fixture.path("pandas_table.h5")), DatasetSource(path: "/missing.h5")]
        do {
            _ = try loader.load(from: sources, symbols: ["SYN"])
            Issue.record("expected failure")
        } catch let error as LabDataError {
            #expect(
                error.description
                    == "all dataset sources failed: \(path): file is locked by another process (EAGAIN) after 2 tries; \(Fixture.path("pandas_table.h5")): symbol \"SYN\" not found (present: GOOG, GOOG2); /missing.h5: no such file"
            )
        }
    }
}

@Suite struct SyntheticBarsTests {
    @Test func sameSeedSameBarsAndConsistentOHLC() throws {
        let a = try SyntheticBars.daily(symbol: "A", startDay: 18_000, bars: 1000, seed: 5)
        let b = try SyntheticBars.daily(symbol: "A", startDay: 18_000, bars: 1000, seed: 5)
        let c = try SyntheticBars.daily(symbol: "A", startDay: 18_000, bars: 1000, seed: 6)
        #expect(a == b && a.close != c.close)
        for i in 0..<a.count {
            #expect(a.low[i] <= min(a.open[i], a.close[i]) && a.high[i] >= max(a.open[i], a.close[i]) && a.volume[i] >= 0)
        }
        #expect(a.timestamps.allSatisfy { TradingCalendar.nyse.isTradingDay($0 / CivilTime.nanosPerDay) })
        #expect(try DataQuality.validate(a).findings.isEmpty)
    }

    @Test func intradaySessionsAndVolumeProfile() throws {
        // 2023-11-24 is the day after Thanksgiving (half day, 210 bars); 2023-11-27 a full day.
        let s = try SyntheticBars.intraday(symbol: "I", startDay: CivilTime.daysFromCivil(year: 2023, month: 11, day: 24), days: 2, seed: 1)
        #expect(s.count == 210 + 390)
        #expect(CivilTime.iso8601(s.timestamps[0], dateOnlyAtMidnight: false) == "2023-11-24T14:30:00Z")  // 09:30 EST
        #expect(CivilTime.iso8601(s.timestamps[210], dateOnlyAtMidnight: false) == "2023-11-27T14:30:00Z")
        let day2 = Array(s.volume[210...])
        let edges = (day2.prefix(30) + day2.suffix(30)).reduce(0, +), middle = day2[180..<240].reduce(0, +)
        #expect(edges > middle * 2)  // U shape: 60 bars at the ends trade over twice the 60 mid-session bars
    }

    /// Regression: 1M daily bars from 2020 ran past the end of Int64 nanoseconds and crashed (overflow trap).
    @Test func tooManyBarsForNanosecondTimestampsIsAnError() {
        #expect(
            throws: LabDataError.invalidParameter(
                owner: "synth", field: "bars", reason: "1000000 daily bars from 2020-01-02 run past 2262-04-11, the last date of nanosecond timestamps")
        ) {
            try SyntheticBars.daily(symbol: "A", startDay: CivilTime.daysFromCivil(year: 2020, month: 1, day: 2), bars: 1_000_000, seed: 1)
        }
        #expect(throws: LabDataError.self) {
            try SyntheticBars.intraday(symbol: "A", startDay: CivilTime.daysFromCivil(year: 2020, month: 1, day: 2), days: 100_000, seed: 1)
        }
    }

    @Test func badParametersAreOneLineErrors() {
        #expect(throws: LabDataError.invalidParameter(owner: "synth", field: "volatility", reason: "must be ≥ 0, got -0.1")) {
            try SyntheticBars.daily(symbol: "A", startDay: 0, bars: 10, parameters: .init(volatility: -0.1), seed: 1)
        }
        #expect(throws: LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "must be ≥ 1, got 0")) {
            try SyntheticBars.daily(symbol: "A", startDay: 0, bars: 0, seed: 1)
        }
    }
}
