import Foundation
import LabCore

/// One place a dataset can be read from.
public struct DatasetSource: Sendable, Equatable, Codable {
    /// Path of an HDF5 file (plain layout or written by pandas).
    public var path: String
    /// A source read from `path`.
    public init(path: String) { self.path = path }
}

/// Capped exponential backoff for transient read failures.
///
/// Attempt `k` (1-based) that fails transiently is followed by a wait of
/// `min(maxDelay, initialDelay · multiplier^(k−1))` seconds, up to `maxAttempts` attempts per source.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries per source, ≥ 1.
    public var maxAttempts: Int
    /// Seconds before the second attempt.
    public var initialDelay: Double
    /// Growth of the wait from one attempt to the next (≥ 1).
    public var multiplier: Double
    /// Upper bound on any single wait, seconds.
    public var maxDelay: Double

    /// 4 tries per source, waits 0.1 s, 0.2 s, 0.4 s (capped at 2 s).
    public init(maxAttempts: Int = 4, initialDelay: Double = 0.1, multiplier: Double = 2, maxDelay: Double = 2) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
    }

    /// The wait after failed attempt `attempt` (1-based), in seconds.
    public func delay(afterAttempt attempt: Int) -> Double {
        min(maxDelay, initialDelay * pow(multiplier, Double(attempt - 1)))
    }
}

/// What happened with one source of a fallback chain.
public struct SourceAttempt: Sendable, Equatable, Codable {
    /// Path of the source.
    public let source: String
    /// True for the source that served the data.
    public let served: Bool
    /// Tries made on this source (retries included).
    public let tries: Int
    /// Why it failed (nil when it served).
    public let reason: String?
}

/// Symbols loaded from the first source that could serve them.
public struct LoadedDataset: Sendable {
    /// The symbols read (those asked for, or every symbol in the file).
    public let symbols: [LoadedSymbol]
    /// The source that served.
    public let source: DatasetSource
    /// Every source tried, in order, the last one being the one that served.
    public let attempts: [SourceAttempt]
}

/// Loads a dataset from a chain of fallback sources.
///
/// Sources are tried in order. A transient failure (``LabDataError/isTransient``: the file is
/// locked by a writer, EAGAIN, EIO) is retried on the same source with ``RetryPolicy`` backoff;
/// a permanent one (missing file, not HDF5, symbol or column missing) moves on to the next
/// source at once. When every source fails, the error lists each source and its reason.
public struct DatasetLoader: Sendable {
    /// Backoff for transient failures.
    public var retry: RetryPolicy
    /// Sleeps for the given number of seconds (injected so tests need not wait).
    public var sleep: @Sendable (Double) -> Void

    /// A loader; `sleep` waits for real unless a test injects one.
    public init(retry: RetryPolicy = RetryPolicy(), sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.retry = retry
        self.sleep = sleep
    }

    /// Reads `symbols` (all when nil) from the first source that can serve all of them.
    public func load(
        from sources: [DatasetSource], symbols: [String]? = nil, columnOverrides: [BarField: String] = [:]
    ) throws -> LoadedDataset {
        guard !sources.isEmpty else {
            throw LabDataError.invalidParameter(owner: "dataset", field: "sources", reason: "at least one source is needed")
        }
        guard retry.maxAttempts >= 1 else {
            throw LabDataError.invalidParameter(owner: "retry", field: "maxAttempts", reason: "must be ≥ 1, got \(retry.maxAttempts)")
        }
        var attempts: [SourceAttempt] = []
        var failures: [LabDataError.SourceFailure] = []
        for source in sources {
            var tries = 0
            while true {
                tries += 1
                do {
                    let loaded = try HDF5BarStore.read(source.path, symbols: symbols, columnOverrides: columnOverrides)
                    attempts.append(SourceAttempt(source: source.path, served: true, tries: tries, reason: nil))
                    return LoadedDataset(symbols: loaded, source: source, attempts: attempts)
                } catch let error as LabDataError where error.isTransient && tries < retry.maxAttempts {
                    sleep(retry.delay(afterAttempt: tries))
                } catch {
                    var reason = String(describing: error)
                    if reason.hasPrefix(source.path + ": ") { reason.removeFirst(source.path.count + 2) }
                    if let e = error as? LabDataError, e.isTransient { reason += " after \(tries) tries" }
                    attempts.append(SourceAttempt(source: source.path, served: false, tries: tries, reason: reason))
                    failures.append(.init(source: source.path, reason: reason))
                    break
                }
            }
        }
        throw LabDataError.allSourcesFailed(attempts: failures)
    }
}
