import LabCore

/// Errors raised by stress transforms: a bad parameter (naming the transform and the field) or
/// input the transform cannot work on.
public enum LabStressError: LabError, Equatable {
    /// A parameter outside its allowed range, e.g. `flash_crash: depth: must be in (0, 1), got 1.2`.
    case invalidParameter(transform: String, field: String, reason: String)
    /// The input does not suit the transform (too few bars, symbols not aligned on one clock, …).
    case unsuitableInput(transform: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(transform, field, reason): "\(transform): \(field): \(reason)"
        case let .unsuitableInput(transform, reason): "\(transform): \(reason)"
        }
    }
}

/// Throws ``LabStressError/invalidParameter(transform:field:reason:)`` unless `condition` holds.
@inline(__always)
func require(_ condition: Bool, _ transform: String, _ field: String, _ reason: @autoclosure () -> String) throws {
    if !condition { throw LabStressError.invalidParameter(transform: transform, field: field, reason: reason()) }
}
