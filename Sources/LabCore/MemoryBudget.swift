import Foundation

/// How much memory a run may plan to hold, checked before the work starts (a refusal is one line
/// that names the knob). The default is a quarter of the machine's physical memory; `gslab run
/// --memory-limit`, the config's `memory_cap_mb` and `gslab stress suite --memory-limit` set
/// another. The estimate counts the bars held: ``bytesPerBar`` a bar (timestamp, OHLC, volume).
public enum MemoryBudget {
    /// Bytes one bar takes in memory: six 8-byte columns.
    public static let bytesPerBar = 48

    /// A quarter of the physical memory, in MiB.
    public static var defaultMB: Int { Int(clamping: (ProcessInfo.processInfo.physicalMemory / 4) >> 20) }

    /// MiB that `bars` bars in each of `copies` copies take (saturating, never trapping).
    public static func megabytes(bars: Int, copies: Int) -> Double {
        Double(bars) * Double(copies) * Double(bytesPerBar) / 1_048_576
    }
}
