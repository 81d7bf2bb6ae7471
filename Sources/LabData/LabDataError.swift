import LabCore

/// Errors raised while reading, writing, importing or checking datasets.
///
/// Every case prints as one line that starts with the file and names the symbol and the
/// field (column) involved, e.g. `datasets/x.h5: GOOG: column close is missing (columns: Open, High)`.
public enum LabDataError: LabError, Equatable {
    case fileNotFound(path: String)
    case isDirectory(path: String)
    case permissionDenied(path: String)
    case notHDF5(path: String)
    case truncated(path: String)
    /// Another process holds a lock on the file (retryable).
    case fileLocked(path: String, detail: String)
    /// A transient input/output failure (retryable).
    case ioFailure(path: String, detail: String)
    case noBarData(path: String)
    case symbolNotFound(path: String, symbol: String, present: [String])
    case columnMissing(path: String, symbol: String, field: String, present: [String])
    case columnType(path: String, symbol: String, column: String, found: String)
    case columnLengthMismatch(path: String, symbol: String, column: String, expected: Int, actual: Int)
    case columnShape(path: String, symbol: String, column: String, detail: String)
    case emptyDataset(path: String, symbol: String)
    case tooFewRows(path: String, symbol: String, rows: Int)
    case badIndex(path: String, symbol: String, detail: String)
    case unsupportedLayout(path: String, symbol: String, detail: String)
    case csvEmpty(path: String)
    case csvMissingColumn(path: String, field: String, header: [String])
    case csvBadDate(path: String, line: Int, text: String)
    case csvBadNumber(path: String, line: Int, column: String, text: String)
    case csvRowLength(path: String, line: Int, expected: Int, actual: Int)
    case invalidParameter(owner: String, field: String, reason: String)
    case writeFailed(path: String, detail: String)
    /// Every source of a dataset reference failed; one `(source, reason)` pair per source, in order.
    case allSourcesFailed(attempts: [SourceFailure])
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

    public var description: String {
        switch self {
        case let .fileNotFound(path): "\(path): no such file"
        case let .isDirectory(path): "\(path): is a directory, expected an HDF5 file"
        case let .permissionDenied(path): "\(path): permission denied (cannot read the file)"
        case let .notHDF5(path): "\(path): not an HDF5 file"
        case let .truncated(path): "\(path): truncated HDF5 file (ends before its declared size)"
        case let .fileLocked(path, detail): "\(path): file is locked by another process (\(detail))"
        case let .ioFailure(path, detail): "\(path): input/output error (\(detail))"
        case let .noBarData(path): "\(path): no bar data found (no group with a plain-layout or pandas table)"
        case let .symbolNotFound(path, symbol, present):
            "\(path): symbol \"\(symbol)\" not found (present: \(present.isEmpty ? "none" : present.joined(separator: ", ")))"
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
        case let .csvBadDate(path, line, text):
            "\(path):\(line): timestamp: \"\(text)\" is not an ISO 8601 date or an epoch number"
        case let .csvBadNumber(path, line, column, text): "\(path):\(line): \(column): \"\(text)\" is not a number"
        case let .csvRowLength(path, line, expected, actual):
            "\(path):\(line): row has \(actual) fields, the header has \(expected)"
        case let .invalidParameter(owner, field, reason): "\(owner): \(field): \(reason)"
        case let .writeFailed(path, detail): "\(path): cannot write (\(detail))"
        case let .allSourcesFailed(attempts):
            "all dataset sources failed: " + attempts.map { "\($0.source): \($0.reason)" }.joined(separator: "; ")
        case let .hdf5(path, operation, detail): "\(path): HDF5 \(operation) failed (\(detail))"
        }
    }
}
