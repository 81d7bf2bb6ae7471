/// What kind of failure an error is, so the command line can map it to an exit status
/// and CI can tell "broken input" from "engine failure".
///
/// Exit-status convention held by every `gslab` command:
/// `0` ok, `1` findings or regression (not an error type), `2` invalid input, `3` internal error.
public enum LabErrorCategory: Sendable, Equatable {
    /// The user's input is wrong: a missing file, a malformed dataset, a bad parameter. Exit status 2.
    case invalidInput
    /// The lab itself failed (a native library call that should not fail). Exit status 3.
    case `internal`

    /// The process exit status for this category.
    public var exitStatus: Int32 {
        switch self {
        case .invalidInput: 2
        case .internal: 3
        }
    }
}

/// The error protocol every module's error type conforms to.
///
/// `description` is always a single line that names the file, symbol and field involved where
/// there is one (for example `datasets/GOOG.h5: symbol "MSFT" not found (present: GOOG)`).
public protocol LabError: Error, CustomStringConvertible, Sendable {
    /// Which exit status the command line returns for this error.
    var category: LabErrorCategory { get }
    /// Lines to print under the one-line description, or nil: the expression and a caret under the
    /// mistake, for an error inside an expression of the strategy language.
    var excerpt: String? { get }
}

extension LabError {
    /// Invalid input (exit status 2) unless the error says otherwise.
    public var category: LabErrorCategory { .invalidInput }
    /// No excerpt unless the error has one.
    public var excerpt: String? { nil }
}

/// Errors raised by LabCore value types (bar series construction, parameters, calendars).
public enum LabCoreError: LabError, Equatable {
    /// A column's length differs from the timestamp column's.
    case columnLengthMismatch(symbol: String, field: String, expected: Int, actual: Int)
    /// The timestamps span more than an `Int64` of nanoseconds holds (about 292 years), so their
    /// differences would overflow.
    case timestampSpan(symbol: String, first: Int64, last: Int64)
    /// A parameter is outside its allowed range. `owner` names the thing being configured
    /// (a transform, a generator, a calendar), `field` the parameter.
    case invalidParameter(owner: String, field: String, reason: String)
    /// An operation that needs timestamps in strictly increasing order was given unordered ones.
    case timestampsNotIncreasing(symbol: String, row: Int)
    /// No registry entry of `kind` has this name (with the nearest known one).
    case unknownName(kind: String, name: String, suggestion: String?, known: [String])

    public var description: String {
        switch self {
        case let .columnLengthMismatch(symbol, field, expected, actual):
            return "\(symbol): column \(field) has \(actual) rows, expected \(expected) (the length of timestamp)"
        case let .timestampSpan(symbol, first, last):
            return "\(symbol): \(Self.spanPhrase(first: first, last: last))"
        case let .invalidParameter(owner, field, reason):
            return "\(owner): \(field): \(reason)"
        case let .timestampsNotIncreasing(symbol, row):
            return "\(symbol): timestamp: not strictly increasing at row \(row)"
        case let .unknownName(kind, name, suggestion, known):
            let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? " (known: \(known.joined(separator: ", ")))"
            return "unknown \(kind) \"\(name)\"\(hint)"
        }
    }
}

extension LabCoreError {
    /// Why timestamps from `first` to `last` are refused (their difference overflows an `Int64`).
    public static func spanPhrase(first: Int64, last: Int64) -> String {
        "timestamps span \(CivilTime.iso8601(first)) … \(CivilTime.iso8601(last)), more than the 292 years nanosecond differences hold"
    }
}

extension BarSeries {
    /// The earliest and latest of `timestamps` when the one minus the other overflows an `Int64`
    /// (then some difference of two bars would), else nil.
    public static func overflowingSpan(_ timestamps: [Int64]) -> (first: Int64, last: Int64)? {
        guard let first = timestamps.min(), let last = timestamps.max(), last.subtractingReportingOverflow(first).overflow else { return nil }
        return (first, last)
    }
}

extension String {
    /// The text on one line: line breaks, tabs and other control characters (which a file can put
    /// in a column name, a symbol or a YAML string) written as `\n`, `\t`, `\u{1B}`.
    public var oneLine: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.properties.generalCategory == .control: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
