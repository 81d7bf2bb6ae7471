import Foundation

/// One parameter a registry entry reads, as ``ParameterReader`` records it while the entry is
/// built: its name, type and range, and its default (text, as a scenario file would write it).
public struct ParameterSpec: Sendable, Equatable {
    /// The parameter's type and range.
    public enum Kind: Sendable, Equatable {
        /// A whole number ≥ `minimum`.
        case integer(minimum: Int)
        /// A finite number in [lower, upper].
        case number(lower: Double, upper: Double)
        /// A number in [lower, upper], or `none`.
        case numberOrNone(lower: Double, upper: Double)
        /// `true` or `false`.
        case flag
        /// One of the words.
        case choice([String])
        /// A date `YYYY-MM-DD` (midnight UTC).
        case date
        /// Text the entry parses itself.
        case text
    }

    /// Name as written in a scenario file.
    public var name: String
    /// Type and range.
    public var kind: Kind
    /// Default when absent, as text; nil when there is none (optional or required).
    public var defaultValue: String?
    /// Whether a scenario must give it.
    public var isRequired: Bool

    /// A parameter's description.
    public init(name: String, kind: Kind, defaultValue: String?, isRequired: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = isRequired
    }

    /// The type and range as a scenario file's reader would say it (`integer ≥ 1`, `number in [0, 1]`).
    public var kindDescription: String {
        func f(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        switch kind {
        case let .integer(minimum): return "integer ≥ \(minimum)"
        case let .number(lo, hi): return "number in [\(f(lo)), \(f(hi))]"
        case let .numberOrNone(lo, hi): return "number in [\(f(lo)), \(f(hi))] or none"
        case .flag: return "true or false"
        case let .choice(words): return words.joined(separator: " | ")
        case .date: return "date YYYY-MM-DD"
        case .text: return "text"
        }
    }
}

/// The entries of one kind of pluggable model — strategies, stress transforms, slippage models,
/// commission models, sizing rules, signal filters — by the name a scenario file uses.
///
/// An entry is a name, a one-line summary and a builder that reads its parameters through a
/// ``ParameterReader`` (so their types, ranges and defaults are declared once, where they are
/// read, and ``parameters(of:context:)`` recovers them for the schema, the docs and `gslab
/// scenario validate`). The lab's built-ins are registered at start-up; a Swift user adds an entry
/// with ``register(_:)`` before loading a scenario — no fork. `Context` is what a builder may
/// look at besides its parameters (the bars, for defaults that follow the bar frequency).
public final class Registry<Context, Product>: @unchecked Sendable {
    /// One registered model.
    public struct Entry: @unchecked Sendable {
        /// Name as written in a scenario file (`fixed_bps`).
        public let name: String
        /// One line: what it models and where it comes from.
        public let summary: String
        /// Builds the model from its parameters (unknown ones are refused after it returns).
        public let build: (inout ParameterReader, Context) throws -> Product

        /// An entry.
        public init(_ name: String, summary: String, build: @escaping (inout ParameterReader, Context) throws -> Product) {
            self.name = name
            self.summary = summary
            self.build = build
        }
    }

    /// What the entries are, in messages (`slippage model`).
    public let kind: String
    private var table: [String: Entry] = [:]
    private var builtIn: Set<String> = []
    private let lock = NSLock()

    /// A registry of `kind` holding `entries` (the built-ins).
    public init(kind: String, entries: [Entry]) {
        self.kind = kind
        for e in entries { table[e.name] = e }
        builtIn = Set(entries.map(\.name))
    }

    /// Adds `entry`.
    /// - Throws: ``LabCoreError/invalidParameter(owner:field:reason:)`` when the name is taken or not
    ///   a snake_case word.
    public func register(_ entry: Entry) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !entry.name.isEmpty, entry.name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) else {
            throw LabCoreError.invalidParameter(owner: kind, field: "name", reason: "expected lower-case letters, digits and _, got \"\(entry.name)\"")
        }
        guard table[entry.name] == nil else {
            throw LabCoreError.invalidParameter(owner: kind, field: "name", reason: "\"\(entry.name)\" is registered already")
        }
        table[entry.name] = entry
    }

    /// Every registered name, sorted.
    public var names: [String] {
        lock.lock()
        defer { lock.unlock() }
        return table.keys.sorted()
    }

    /// The built-in names, sorted (what the lab's schema and docs list).
    public var builtInNames: [String] { builtIn.sorted() }

    /// The entry named `name`.
    /// - Throws: ``LabCoreError/unknownName(kind:name:suggestion:known:)`` with a did-you-mean.
    public func entry(named name: String) throws -> Entry {
        lock.lock()
        let e = table[name]
        lock.unlock()
        guard let e else {
            let known = names
            throw LabCoreError.unknownName(kind: kind, name: name, suggestion: NameSuggestion.closest(to: name, in: known), known: known)
        }
        return e
    }

    /// Builds `name` from `parameters` (text); `owner` names it in errors (default: the name).
    /// - Throws: the builder's errors, ``LabCoreError/unknownName(kind:name:suggestion:known:)``, or
    ///   an unknown parameter (with a did-you-mean).
    public func make(_ name: String, parameters: [String: String], owner: String? = nil, context: Context) throws -> Product {
        let entry = try entry(named: name)
        var reader = ParameterReader(owner: owner ?? name, values: parameters)
        let product = try entry.build(&reader, context)
        try reader.rejectUnknown()
        return product
    }

    /// The parameters `name` reads, with their types, ranges and defaults, in the order it reads
    /// them (from a build with every parameter at its default; a parameter with no default
    /// appears as read, with a nil default).
    public func parameters(of name: String, context: Context) throws -> [ParameterSpec] {
        let entry = try entry(named: name)
        var reader = ParameterReader(owner: name, values: [:])
        reader.listing = true
        _ = try? entry.build(&reader, context)
        return reader.specs
    }
}
