import LabCore

/// Errors of the execution simulator: bad parameters and bars it cannot fill on.
public enum LabExecutionError: LabError, Equatable {
    /// A setting out of its range, naming the field.
    case invalidParameter(field: String, reason: String)
    /// A fill would use a price that is not a positive finite number.
    case badFillPrice(symbol: String, bar: Int, field: String, value: Double)
    /// An input column's length differs from the bars'.
    case lengthMismatch(field: String, expected: Int, actual: Int)
    /// Orders or weights name a symbol the portfolio does not hold.
    case unknownSymbol(String, known: [String])
    /// A portfolio's symbols do not share one clock.
    case unaligned(symbol: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownSymbol(name, known): "execution: orders for unknown symbol \"\(name)\" (portfolio: \(known.joined(separator: ", ")))"
        case let .unaligned(symbol, reason): "execution: \(symbol): \(reason) (a portfolio's symbols must share one clock)"
        case let .invalidParameter(field, reason): "execution: \(field): \(reason)"
        case let .badFillPrice(symbol, bar, field, value): "execution: \(symbol): bar \(bar): \(field) \(value) cannot be filled at"
        case let .lengthMismatch(field, expected, actual): "execution: \(field) has \(actual) values, expected \(expected) (one per bar)"
        }
    }
}
