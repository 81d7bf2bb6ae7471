import LabCore

/// Errors raised while reading, writing, importing or checking datasets.
///
/// Every case prints as one line that starts with the file and names the symbol and the
/// field (column) involved, e.g. `datasets/x.h5: GOOG: column close is missing (columns: Open, High)`.
public enum LabDataError: LabError, Equatable {
    /// No file at the path.
    case fileNotFound(path: String)
    /// The path is a folder.
    case isDirectory(path: String)
    /// The path is a FIFO, a device or a socket (which a read would block on or never finish).
    case notRegularFile(path: String, kind: String)
    /// An output path names something that is not a regular file (it is never replaced).
    case outputRefused(path: String, detail: String)
    /// The file cannot be read by this user.
    case permissionDenied(path: String)
    /// The file is not HDF5.
    case notHDF5(path: String)
    /// The file ends early (a partial copy or an interrupted write).
    case truncated(path: String)
    /// Another process holds a lock on the file (retryable).
    case fileLocked(path: String, detail: String)
    /// A transient input/output failure (retryable).
    case ioFailure(path: String, detail: String)
    /// The file holds no group in a layout the lab reads.
    case noBarData(path: String)
    /// The symbol asked for is not in the file.
    case symbolNotFound(path: String, symbol: String, present: [String])
    /// A bar field has no column (after aliases and overrides).
    case columnMissing(path: String, symbol: String, field: String, present: [String])
    /// A column is not of a numeric (or time) type.
    case columnType(path: String, symbol: String, column: String, found: String)
    /// A column's length differs from the index's.
    case columnLengthMismatch(path: String, symbol: String, column: String, expected: Int, actual: Int)
    /// A column is not one-dimensional.
    case columnShape(path: String, symbol: String, column: String, detail: String)
    /// The symbol has no rows.
    case emptyDataset(path: String, symbol: String)
    /// Fewer rows than the operation needs.
    case tooFewRows(path: String, symbol: String, rows: Int)
    /// The time index cannot be read (unit, type or time zone).
    case badIndex(path: String, symbol: String, detail: String)
    /// A pandas/PyTables layout the reader does not handle.
    case unsupportedLayout(path: String, symbol: String, detail: String)
    /// The CSV file has no header or no rows.
    case csvEmpty(path: String)
    /// The CSV header lacks a bar field.
    case csvMissingColumn(path: String, field: String, header: [String])
    /// A CSV date cannot be parsed (1-based line).
    case csvBadDate(path: String, line: Int, text: String)
    /// A CSV date outside the range nanosecond timestamps hold (1-based line).
    case csvDateOutOfRange(path: String, line: Int, text: String)
    /// A CSV number cannot be parsed (1-based line).
    case csvBadNumber(path: String, line: Int, column: String, text: String)
    /// A CSV row has the wrong number of fields (1-based line).
    case csvRowLength(path: String, line: Int, expected: Int, actual: Int)
    /// A parameter out of its range, naming the owner and the field.
    case invalidParameter(owner: String, field: String, reason: String)
    /// A file could not be written (internal error).
    case writeFailed(path: String, detail: String)
    /// Every source of a dataset reference failed; one `(source, reason)` pair per source, in order.
    case allSourcesFailed(attempts: [SourceFailure])
    /// A dataset whose declared shape a reader refuses before sizing any buffer (too large, or
    /// not the shape the layout allows); `dataset` is its path inside the file.
    case datasetRefused(path: String, dataset: String, detail: String)
    /// An HDF5 call that should not fail did.
    case hdf5(path: String, operation: String, detail: String)

    /// One failed source of a fallback chain.
    public struct SourceFailure: Sendable, Equatable, Codable {
        /// Path of the source.
        public let source: String
        /// Why it failed, one line.
        public let reason: String
        /// A failure of `source` for `reason`.
        public init(source: String, reason: String) {
            self.source = source
            self.reason = reason
        }
    }

    /// Throws unless `path` is a regular file: ``fileNotFound(path:)``, ``isDirectory(path:)`` or
    /// ``notRegularFile(path:kind:)`` (a FIFO would block a read forever).
    static func requireRegularFile(_ path: String) throws {
        switch FileKind(path: path) {
        case .regular: return
        case .missing: throw LabDataError.fileNotFound(path: path)
        case .directory: throw LabDataError.isDirectory(path: path)
        case let other: throw LabDataError.notRegularFile(path: path, kind: other.phrase)
        }
    }

    /// HDF5 and write failures are internal errors (exit status 3); the rest is invalid input (2).
    public var category: LabErrorCategory {
        switch self {
        case .hdf5, .writeFailed: .internal
        default: .invalidInput
        }
    }

    /// True for failures that may succeed when tried again (a lock held by a writer, EAGAIN, EIO).
    public var isTransient: Bool {
        switch self {
        case .fileLocked, .ioFailure: true
        default: false
        }
    }

    public var description: String { text.oneLine }

    private var text: String {
        switch self {
        case let .fileNotFound(path): "\(path): no such file"
        case let .isDirectory(path): "\(path): is a directory, expected an HDF5 file"
        case let .notRegularFile(path, kind): "\(path): is \(kind), not a regular file"
        case let .outputRefused(path, detail): "\(path): \(detail)"
        case let .permissionDenied(path): "\(path): permission denied (cannot read the file)"
        case let .notHDF5(path): "\(path): not an HDF5 file"
        case let .truncated(path): "\(path): truncated HDF5 file (ends before its declared size)"
        case let .fileLocked(path, detail): "\(path): file is locked by another process (\(detail))"
        case let .ioFailure(path, detail): "\(path): input/output error (\(detail))"
        case let .noBarData(path): "\(path): no bar data found (no group with a plain-layout or pandas table)"
        case let .symbolNotFound(path, symbol, present):
            "\(path): symbol \"\(symbol)\" not found (present: \(present.isEmpty ? "none" : present.count > 12 ? present.prefix(10).joined(separator: ", ") + ", … \(present.count) in all" : present.joined(separator: ", ")))"
        case let .columnMissing(path, symbol, field, present):
            "\(path): \(symbol): column \(field) is missing (columns: \(present.joined(separator: ", ")))"
        case let .columnType(path, symbol, column, found):
            "\(path): \(symbol): column \(column) has type \(found), expected numbers"
        case let .columnLengthMismatch(path, symbol, column, expected, actual):
            "\(path): \(symbol): column \(column) has \(actual) rows, expected \(expected)"
        case let .columnShape(path, symbol, column, detail): "\(path): \(symbol): column \(column): \(detail)"
        case let .emptyDataset(path, symbol): "\(path): \(symbol): dataset is empty (0 rows)"
        case let .tooFewRows(path, symbol, rows):
            "\(path): \(symbol): dataset has \(rows) row, at least 2 bars are needed"
        case let .badIndex(path, symbol, detail): "\(path): \(symbol): timestamp: \(detail)"
        case let .unsupportedLayout(path, symbol, detail): "\(path): \(symbol): \(detail)"
        case let .csvEmpty(path): "\(path): CSV file has no header line"
        case let .csvMissingColumn(path, field, header):
            "\(path): column \(field) is missing (header: \(header.joined(separator: ",")))"
        case let .csvDateOutOfRange(path, line, text):
            "\(path):\(line): timestamp: \(text) is outside the supported range \(CivilTime.supportedRange)"
        case let .csvBadDate(path, line, text):
            "\(path):\(line): timestamp: \"\(text)\" is not an ISO 8601 date or an epoch number"
        case let .csvBadNumber(path, line, column, text): "\(path):\(line): \(column): \"\(text)\" is not a number"
        case let .csvRowLength(path, line, expected, actual):
            "\(path):\(line): row has \(actual) fields, the header has \(expected)"
        case let .invalidParameter(owner, field, reason): "\(owner): \(field): \(reason)"
        case let .writeFailed(path, detail): "\(path): cannot write (\(detail))"
        case let .allSourcesFailed(attempts):
            "all dataset sources failed: " + attempts.map { "\($0.source): \($0.reason)" }.joined(separator: "; ")
        case let .datasetRefused(path, dataset, detail): "\(path): \(dataset): \(detail)"
        case let .hdf5(path, operation, detail): "\(path): HDF5 \(operation) failed (\(detail))"
        }
    }
}
