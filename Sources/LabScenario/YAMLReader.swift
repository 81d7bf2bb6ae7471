import Foundation
import LabCore
import LabReport
import LabSignals
import Yams

/// Errors of scenario files and runs. Every case prints as one line; a problem inside a scenario
/// file names the file, line and column, and the key path:
/// `scenarios/x.yaml:14:7: execution.slippage.bps: expected a number ≥ 0, got "ten"`.
public enum ScenarioError: LabError, Equatable {
    /// A problem at a place in a scenario file.
    case invalid(file: String, line: Int, column: Int, path: String, reason: String)
    /// A mistake inside an expression of the strategy language: the one-line message, and as
    /// ``excerpt`` the expression and a caret under the place (two lines).
    case expression(file: String, line: Int, column: Int, path: String, reason: String, excerpt: String)
    /// A problem with a file as a whole (missing, unreadable, not YAML).
    case file(String, reason: String)
    /// A problem found while running (a dataset without the symbol, an empty date range …).
    case run(String)

    public var description: String {
        switch self {
        case let .invalid(file, line, column, path, reason): "\(file):\(line):\(column): \(path.isEmpty ? "" : path + ": ")\(reason)"
        case let .expression(file, line, column, path, reason, _): "\(file):\(line):\(column): \(path): \(reason)"
        case let .file(file, reason): "\(file): \(reason)"
        case let .run(message): message
        }
    }

    /// The expression and a caret under the mistake, for an error inside an expression.
    public var excerpt: String? {
        guard case let .expression(_, _, _, _, _, excerpt) = self else { return nil }
        return excerpt
    }

    /// The bytes of the regular file at `path` (at most `maxBytes`), or a one-line error naming
    /// it: `no such <what> file`, not a regular file, too large.
    public static func contents(of path: String, what: String, maxBytes: Int) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw ScenarioError.file(path, reason: "no such \(what) file") }
        switch FileKind.contents(of: path, maxBytes: maxBytes) {
        case let .success(data): return data
        case let .failure(refusal): throw ScenarioError.file(path, reason: refusal.reason)
        }
    }
}

/// Typed reading of a YAML node tree with positions: each accessor names the key path in its
/// errors, and a mapping read through ``MappingReader`` rejects keys nobody asked for (with a
/// did-you-mean suggestion).
struct YAMLNode {
    let node: Node
    let path: String
    let file: String

    func error(_ reason: String) -> ScenarioError {
        .invalid(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, path: path, reason: reason)
    }

    /// The text of a scalar (quoted or not).
    var scalarText: String? { node.scalar?.string }

    func described() -> String {
        switch node {
        case let .scalar(s): "\"\(s.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func string() throws -> String {
        guard let s = scalarText, !s.isEmpty else { throw error("expected a text, got \(described())") }
        return s
    }

    func number(_ range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, _ what: String = "a number") throws -> Double {
        guard let s = scalarText, let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite, range.contains(v) else {
            throw error("expected \(what), got \(described())")
        }
        return v
    }

    /// The largest whole number a scenario may give anywhere (2^31 − 1, the most bars a dataset
    /// may hold: see `ReadLimits`), so that no count, window or latency overflows in arithmetic.
    static let maximumWholeNumber = ParameterReader.maximumInteger

    /// A whole number in `minimum ... maximumWholeNumber`; `what` describes it in the error.
    func integer(minimum: Int, _ what: String) throws -> Int {
        guard let s = scalarText, let v = Int(s.trimmingCharacters(in: .whitespaces)), v >= minimum else { throw error("expected \(what), got \(described())") }
        guard v <= Self.maximumWholeNumber else { throw error("expected \(what), at most \(Self.maximumWholeNumber), got \(described())") }
        return v
    }

    func bool() throws -> Bool {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \(described())")
        }
    }

    /// A date `YYYY-MM-DD` (or full ISO 8601), ns UTC.
    func date() throws -> Int64 {
        guard let s = scalarText else { throw error("expected a date YYYY-MM-DD, got \(described())") }
        switch CivilTime.parseISO8601Checked(Substring(s)) {
        case let .success(t): return t
        case .failure(.malformed): throw error("expected a date YYYY-MM-DD, got \(described())")
        case let .failure(failure): throw error(failure.reason(s))
        }
    }

    func list() throws -> [YAMLNode] {
        guard case let .sequence(seq) = node else { throw error("expected a list, got \(described())") }
        return seq.enumerated().map { YAMLNode(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }

    func mapping() throws -> MappingReader {
        guard case let .mapping(m) = node else { throw error("expected a mapping, got \(described())") }
        return MappingReader(self, m)
    }

    /// A flat mapping of scalars as text (strategy and transform parameters).
    func textMap() throws -> [String: String] {
        let m = try mapping()
        var out: [String: String] = [:]
        for key in m.keys { out[key] = try m.required(key).scalarOrList() }
        m.markAllUsed()
        return out
    }

    /// A scalar's text, or a list of scalars joined by commas.
    func scalarOrList() throws -> String {
        if let s = scalarText { return s }
        if case .sequence = node { return try list().map { try $0.string() }.joined(separator: ",") }
        throw error("expected a value, got \(described())")
    }
}

/// A mapping being read: remembers which keys were asked for, so ``finish()`` can reject the rest.
final class MappingReader {
    let owner: YAMLNode
    private var entries: [(key: String, node: YAMLNode)] = []
    private var used: Set<String> = []
    private var known: [String] = []

    init(_ owner: YAMLNode, _ mapping: Node.Mapping) {
        self.owner = owner
        for (k, v) in mapping {
            let key = k.scalar?.string ?? ""
            let child = owner.path.isEmpty ? key : owner.path + "." + key
            entries.append((key, YAMLNode(node: v, path: child, file: owner.file)))
        }
    }

    var keys: [String] { entries.map(\.key) }

    func markAllUsed() { used.formUnion(keys) }

    /// The value under `key`, if present.
    func optional(_ key: String) -> YAMLNode? {
        known.append(key)
        used.insert(key)
        return entries.first { $0.key == key }?.node
    }

    /// The value under `key`; a missing key is an error at the mapping.
    func required(_ key: String) throws -> YAMLNode {
        guard let v = optional(key) else {
            throw ScenarioError.invalid(
                file: owner.file, line: owner.node.mark?.line ?? 0, column: owner.node.mark?.column ?? 0,
                path: owner.path.isEmpty ? key : owner.path + "." + key, reason: "missing (required)")
        }
        return v
    }

    /// Throws for the first key no reader asked for, with a did-you-mean suggestion.
    func finish() throws {
        for entry in entries where !used.contains(entry.key) {
            let hint = NameSuggestion.closest(to: entry.key, in: known).map { " (did you mean \"\($0)\"?)" } ?? " (known: \(known.joined(separator: ", ")))"
            // Point at the key itself: its value's mark is on the same line.
            throw entry.node.error("unknown key\(hint)")
        }
        var seen = Set<String>()
        for entry in entries where !seen.insert(entry.key).inserted { throw entry.node.error("key given twice") }
    }
}

extension YAMLNode {
    /// Parses `text` of `file` into its root node (a one-line error on malformed YAML).
    /// The most nodes a scenario may hold with its aliases expanded: a 10 000-combination grid
    /// is about 10 000 nodes, while a "billion laughs" file of a few lines expands to 10^9.
    static let maximumNodes = 200_000

    /// Counts `node`'s nodes (aliases expanded) against `budget`, stopping as soon as it is spent,
    /// so the count itself costs at most `budget` steps.
    private static func within(_ budget: inout Int, _ node: Node) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias: return true
        case let .sequence(s): return s.allSatisfy { within(&budget, $0) }
        case let .mapping(m): return m.allSatisfy { within(&budget, $0.key) && within(&budget, $0.value) }
        }
    }

    /// The YAML tree of `text` (at most ``maximumNodes`` nodes with aliases expanded).
    static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let root = try Yams.compose(yaml: text) else { throw ScenarioError.file(file, reason: "empty scenario file") }
            var budget = maximumNodes
            guard within(&budget, root) else {
                throw ScenarioError.file(file, reason: "more than \(maximumNodes) YAML nodes once aliases are expanded (an alias bomb?)")
            }
            return YAMLNode(node: root, path: "", file: file)
        } catch let error as YamlError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
                throw ScenarioError.invalid(file: file, line: mark.line, column: mark.column, path: "", reason: "invalid YAML: \(problem)")
            default:
                throw ScenarioError.file(file, reason: "invalid YAML: \("\(error)".split(separator: "\n").first ?? "")")
            }
        }
    }
}

extension MappingReader {
    /// Builds the registry entry named at `nameNode` from every other key of this mapping but
    /// `skipping` (values as text). A parameter's error points at its key (file:line:column and
    /// path); an unknown name at `nameNode`.
    func build<Context, Product>(
        _ registry: Registry<Context, Product>, named nameNode: YAMLNode, skipping: Set<String>, owner: String, context: Context
    ) throws -> Product {
        let name = try nameNode.string()
        var parameters: [String: String] = [:]
        for key in keys where !skipping.contains(key) { parameters[key] = try required(key).scalarOrList() }
        do {
            return try registry.make(name, parameters: parameters, owner: owner, context: context)
        } catch let error as LabCoreError {
            switch error {
            case let .invalidParameter(_, field, reason) where keys.contains(field):
                throw try required(field).error(reason)
            case .unknownName:
                throw nameNode.error("\(error)")
            default:
                throw self.owner.error("\(error)")
            }
        }
    }
}

extension YAMLNode {
    /// A scalar `value` standing for a key the file left out (a default), placed at `parent`.
    static func text(_ value: String, at parent: YAMLNode) -> YAMLNode {
        YAMLNode(node: Node(value), path: parent.path, file: parent.file)
    }
}
