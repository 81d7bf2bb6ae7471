import Foundation
import LabCore
import LabReport

/// The lab's version, reported in every run.
public enum Version {
    /// Semantic version of the lab.
    public static let current = "0.2.0"

    /// The report's environment: this version and, when the caller knows it, the source commit
    /// (`GSLAB_GIT_COMMIT`; `scripts/run` sets it from git). No wall-clock or host values: the
    /// report stays byte-identical for the same code, scenario, data and seed.
    static var environment: RunReport.Environment {
        let commit = ProcessInfo.processInfo.environment["GSLAB_GIT_COMMIT"].flatMap { $0.isEmpty ? nil : $0 }
        return RunReport.Environment(gslab_version: current, schema_version: RunReport.schemaVersion, git_commit: commit)
    }
}

/// A run's id: FNV-1a (64-bit) over the scenario text, the bars' hash and the seed, as 16 hex
/// digits — the same inputs give the same id (and report folder).
enum RunID {
    /// A hash of the bars of every series, 16 hex digits: each series' ``hash(of:)`` folded in
    /// order by FNV-1a's xor and multiply (a series' hash does not depend on the others, so a
    /// universe hashes its symbols on several threads, each right after checking it).
    static func hash(series: [BarSeries]) -> String { combine(series.map(hash(of:))) }

    /// The hashes of several series (``hash(of:)``, in order) as the bars' hash, 16 hex digits.
    static func combine(_ hashes: [UInt64]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in hashes {
            h = (h ^ x) &* 0x100_0000_01b3
            h ^= h >> 32
        }
        return String(h, radix: 16).leftPadded(to: 16)
    }

    /// One series' hash: the symbol's bytes by FNV-1a, then the timestamps and OHLCV columns a
    /// 64-bit value at a time (FNV-1a's xor and multiply on the whole word, then its high half
    /// folded into the low) in four interleaved lanes — word i into lane i mod 4 — folded into
    /// the hash at the end of each column: four independent chains, where one chain's multiply
    /// latency bounded the speed.
    static func hash(of s: BarSeries) -> UInt64 {
        let prime: UInt64 = 0x100_0000_01b3
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ lane: inout UInt64, _ word: UInt64) {
            lane = (lane ^ word) &* prime
            lane ^= lane >> 32
        }
        func column(_ words: UnsafeBufferPointer<UInt64>) {
            var l0 = h, l1 = h ^ 1, l2 = h ^ 2, l3 = h ^ 3
            let n = words.count, body = n - n % 4
            var i = 0
            while i < body {
                mix(&l0, words[i])
                mix(&l1, words[i + 1])
                mix(&l2, words[i + 2])
                mix(&l3, words[i + 3])
                i += 4
            }
            while i < n {
                mix(&l0, words[i])
                i += 1
            }
            for lane in [l0, l1, l2, l3] { mix(&h, lane) }
        }
        for b in s.symbol.utf8 { h = (h ^ UInt64(b)) &* prime }
        s.timestamps.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self, column) }
        for values in [s.open, s.high, s.low, s.close, s.volume] {
            values.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self, column) }
        }
        return h
    }

    /// The id of a run of `scenario` (its text) over bars whose ``hash(series:)`` is `dataHash`,
    /// with `seed`, by this version of gslab. (Hashing the bars' hash, not the bars again: a second
    /// pass over a million bars was a tenth of a second after the jobs, on one core.)
    static func make(scenario: String, dataHash: String, seed: UInt64) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func eat<T>(_ values: [T]) { values.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } } }
        eat(Array(scenario.utf8))
        eat(Array(dataHash.utf8))
        eat([seed])
        eat(Array(Version.current.utf8))
        return String(h, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
