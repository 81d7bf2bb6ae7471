import Foundation

/// Parameter values of one registry entry (strategy, transform, model, filter), as text (from a
/// scenario file or `--param k=v`), read into typed fields with one-line errors naming the owner
/// and the field. Unknown keys are errors with a did-you-mean suggestion. Each read records the
/// parameter's ``ParameterSpec`` (type, range, default), so an entry declares its parameters once,
/// where it reads them.
public struct ParameterReader {
    /// What the parameters belong to, named in every error (`sma_cross`, `filters.volume`).
    public let owner: String
    private let values: [String: String]
    private var used: Set<String> = []
    /// The parameters read so far, in order, first read of each name (``Registry/parameters(of:context:)``).
    public private(set) var specs: [ParameterSpec] = []

    /// Set by ``Registry/parameters(of:context:)``: a missing required parameter gives a
    /// placeholder instead of an error, so every parameter of the entry is recorded.
    var listing = false

    /// A reader of `values` (key → text) for `owner`.
    public init(owner: String, values: [String: String]) {
        self.owner = owner
        self.values = values
    }

    /// A date `YYYY-MM-DD` as ns since the epoch (midnight UTC), nil when absent (or, with
    /// `required`, an error — a placeholder of 1970-01-01 while listing parameters).
    public mutating func date(_ key: String, required: Bool = false) throws -> Int64? {
        record(key, .date, nil)
        if required, let last = specs.indices.last, specs[last].name == key { specs[last].isRequired = true }
        guard let text = values[key] else {
            if required && !listing { throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "missing (required)") }
            return required ? 0 : nil
        }
        switch CivilTime.parseISO8601Checked(Substring(text.trimmingCharacters(in: .whitespaces))) {
        case let .success(t): return t
        case let .failure(failure): throw LabCoreError.invalidParameter(owner: owner, field: key, reason: failure.reason(text))
        }
    }

    /// Text that must be given (a placeholder `placeholder` while listing parameters).
    public mutating func requiredText(_ key: String, placeholder: String) throws -> String {
        record(key, .text, nil)
        if let last = specs.indices.last, specs[last].name == key { specs[last].isRequired = true }
        if let v = values[key] { return v }
        if listing { return placeholder }
        throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "missing (required)")
    }

    /// An integer ≥ `minimum` that must be given.
    public mutating func requiredInteger(_ key: String, minimum: Int) throws -> Int {
        guard values[key] != nil || listing else {
            record(key, .integer(minimum: minimum), nil)
            throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "missing (required)")
        }
        let v = try integer(key, default: minimum, minimum: minimum)
        if values[key] == nil, let last = specs.indices.last, specs[last].name == key {
            specs[last].defaultValue = nil
            specs[last].isRequired = true
        }
        return v
    }

    /// A finite number in `range` that must be given.
    public mutating func requiredNumber(_ key: String, in range: ClosedRange<Double>) throws -> Double {
        guard values[key] != nil || listing else {
            record(key, .number(lower: range.lowerBound, upper: range.upperBound), nil)
            throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "missing (required)")
        }
        let v = try number(key, default: range.lowerBound, in: range)
        if values[key] == nil, let last = specs.indices.last, specs[last].name == key {
            specs[last].defaultValue = nil
            specs[last].isRequired = true
        }
        return v
    }

    private mutating func record(_ key: String, _ kind: ParameterSpec.Kind, _ value: String?) {
        if !used.contains(key) { specs.append(ParameterSpec(name: key, kind: kind, defaultValue: value)) }
        used.insert(key)
    }

    /// The largest whole-number parameter (2^31 − 1: no window, count or latency can exceed the
    /// most bars a dataset may hold, and none overflows in arithmetic).
    public static let maximumInteger = Int(Int32.max)

    /// An integer in `minimum ... maximumInteger` (default when absent).
    public mutating func integer(_ key: String, default value: Int, minimum: Int = 1) throws -> Int {
        record(key, .integer(minimum: minimum), String(value))
        guard let text = values[key] else { return value }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v >= minimum else {
            throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "expected an integer ≥ \(minimum), got \"\(text)\"")
        }
        guard v <= Self.maximumInteger else {
            throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "expected an integer ≤ \(Self.maximumInteger), got \"\(text)\"")
        }
        return v
    }

    /// A finite number in `range` (default when absent).
    public mutating func number(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
        record(key, .number(lower: range.lowerBound, upper: range.upperBound), format(value))
        guard let text = values[key] else { return value }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, range.contains(v) else {
            throw LabCoreError.invalidParameter(
                owner: owner, field: key, reason: "expected a number in [\(format(range.lowerBound)), \(format(range.upperBound))], got \"\(text)\"")
        }
        return v
    }

    /// A finite number in `range`, or nil when the text is `none` (default when absent).
    public mutating func numberOrNone(_ key: String, default value: Double?, in range: ClosedRange<Double>) throws -> Double? {
        record(key, .numberOrNone(lower: range.lowerBound, upper: range.upperBound), value.map(format) ?? "none")
        if values[key]?.trimmingCharacters(in: .whitespaces).lowercased() == "none" { return nil }
        guard let text = values[key] else { return value }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, range.contains(v) else {
            throw LabCoreError.invalidParameter(
                owner: owner, field: key,
                reason: "expected a number in [\(format(range.lowerBound)), \(format(range.upperBound))] or none, got \"\(text)\"")
        }
        return v
    }

    /// True when the values hold `key` (whether or not a field has read it).
    public func isGiven(_ key: String) -> Bool { values[key] != nil }

    /// The raw text under `key`, if present (for values the caller parses itself).
    public mutating func text(_ key: String) -> String? {
        record(key, .text, nil)
        return values[key]
    }

    /// One of `choices` (default when absent).
    public mutating func choice(_ key: String, default value: String, in choices: [String]) throws -> String {
        record(key, .choice(choices), value)
        guard let text = values[key] else { return value }
        let v = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard choices.contains(v) else {
            throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "expected one of \(choices.joined(separator: ", ")), got \"\(text)\"")
        }
        return v
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`).
    public mutating func flag(_ key: String, default value: Bool) throws -> Bool {
        record(key, .flag, String(value))
        guard let text = values[key] else { return value }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw LabCoreError.invalidParameter(owner: owner, field: key, reason: "expected true or false, got \"\(text)\"")
        }
    }

    /// Throws for the first key that no field read (sorted, so the error is deterministic).
    public func rejectUnknown() throws {
        for key in values.keys.sorted() where !used.contains(key) {
            let hint = NameSuggestion.closest(to: key, in: Array(used)).map { "; did you mean \"\($0)\"?" } ?? ""
            throw LabCoreError.invalidParameter(
                owner: owner, field: key, reason: "unknown parameter (known: \(used.sorted().joined(separator: ", ")))\(hint)")
        }
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
