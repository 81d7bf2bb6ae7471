import Foundation

/// How much a dataset file may make the readers allocate, checked against the shapes the file
/// declares before any buffer is sized, so that a file cannot steer a reader into an 8 TB
/// allocation (a dataset declared with 2^40 rows and no data) or past its buffers.
///
/// Rows: at most ``maxRows`` per symbol (default 2^31; the environment variable `GSLAB_MAX_ROWS`
/// sets another). Bytes: the columns a read materialises (rows × columns × 8 bytes) at most
/// ``maxBytes``, half of the machine's physical memory.
public struct ReadLimits: Sendable, Equatable {
    /// The default row limit, 2^31.
    public static let defaultMaxRows = 1 << 31

    /// Rows per symbol.
    public var maxRows: Int
    /// Bytes of columns one read may materialise.
    public var maxBytes: Int

    /// Limits of `maxRows` rows and `maxBytes` bytes.
    public init(maxRows: Int = ReadLimits.defaultMaxRows, maxBytes: Int = ReadLimits.memoryShare) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }

    /// Half of the physical memory, in bytes.
    public static var memoryShare: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory / 2) }

    /// The limits in force: `GSLAB_MAX_ROWS` when it is a positive whole number, else the default
    /// (the command line refuses any other value at start-up: ``environmentRefusal``).
    public static var current: ReadLimits {
        // getenv, not ProcessInfo.environment: this is read per dataset, and building the whole
        // environment dictionary each time was 6 % of loading a 5 000-symbol universe.
        let rows = getenv("GSLAB_MAX_ROWS").map { String(cString: $0) }.flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        return ReadLimits(maxRows: rows ?? defaultMaxRows)
    }

    /// Nil when `GSLAB_MAX_ROWS` is unset or a positive whole number, else the one-line reason a
    /// misspelt value is refused rather than ignored.
    public static var environmentRefusal: String? {
        guard let text = ProcessInfo.processInfo.environment["GSLAB_MAX_ROWS"] else { return nil }
        if let rows = Int(text), rows > 0 { return nil }
        return "GSLAB_MAX_ROWS: expected a whole number ≥ 1, got \"\(text)\""
    }

    /// Nil when `rows` rows of `columns` 8-byte columns fit the limits, else why not (one phrase).
    public func refusal(rows: Int, columns: Int) -> String? {
        if rows < 0 { return "declares a negative number of rows" }
        if rows > maxRows { return "declares \(rows) rows, more than the limit of \(maxRows) (GSLAB_MAX_ROWS)" }
        let (cells, overflow) = rows.multipliedReportingOverflow(by: max(1, columns))
        let (bytes, overflow2) = cells.multipliedReportingOverflow(by: 8)
        if overflow || overflow2 || bytes > maxBytes {
            return "declares \(rows) rows × \(columns) columns, more than half of this machine's memory (\(maxBytes >> 20) MB) to read"
        }
        return nil
    }
}
