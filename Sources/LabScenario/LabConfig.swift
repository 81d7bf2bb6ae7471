import Foundation
import LabCore
import Yams

/// Per-installation settings (not per scenario): where reports and the history go, how many
/// workers, the memory cap, the regression gate's default tolerances and the Prometheus metrics file.
///
/// Layers, each overriding the one before: built-in defaults; the config file (`--config PATH`,
/// else `gslab.yaml` in the working directory when present); `GSLAB_*` environment variables;
/// command-line flags (applied by each command). ``sources`` says where each value came from.
public struct LabConfig: Sendable, Equatable {
    /// Folder reports are written under.
    public var reports = "reports"
    /// Empty: `<reports>/history.sqlite`.
    public var history = ""
    /// 0: the number of cores.
    public var workers = 0
    /// Largest estimated memory of a run's bars (dataset × variants), in MB; 0: the default
    /// budget, a quarter of physical memory (``MemoryBudget/defaultMB``).
    public var memoryCapMB = 0
    /// Default relative tolerance of the regression gate (fraction of |baseline|).
    public var toleranceRelative = 0.01
    /// Default absolute tolerance of the regression gate (metric units).
    public var toleranceAbsolute = 1e-9
    /// Empty: no metrics file (`gslab run --metrics-file`).
    public var metricsFile = ""
    /// Where each key's value came from: `default`, the config file's path, or the variable's name.
    public var sources: [String: String] = [:]

    /// The keys, as written in the file; the variable is `GSLAB_` + the key upper-cased.
    public static let keys = ["reports", "history", "workers", "memory_cap_mb", "tolerance_relative", "tolerance_absolute", "metrics_file"]

    /// The built-in defaults, each sourced `default`.
    public init() {
        for k in Self.keys { sources[k] = "default" }
    }

    /// Where the run history lives — the one rule every command follows: `explicit` (a command's
    /// `--history`), else the config's `history`, else `history.sqlite` in `reports` (a command's
    /// `--out` folder), else in the config's reports folder.
    public func historyPath(explicit: String? = nil, reports folder: String? = nil) -> String {
        if let explicit { return explicit }
        if !history.isEmpty { return history }
        let base = folder ?? reports
        return (base.hasSuffix("/") ? base : base + "/") + "history.sqlite"
    }

    /// Loads the layers. `file` is `--config` (an error when missing); without it `gslab.yaml` is read when present.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LabConfig {
        var config = LabConfig()
        let path = file ?? (FileManager.default.fileExists(atPath: "gslab.yaml") ? "gslab.yaml" : nil)
        if let path {
            let data = try ScenarioError.contents(of: path, what: "config", maxBytes: Scenario.maximumFileBytes)
            guard let text = String(data: data, encoding: .utf8) else { throw ScenarioError.file(path, reason: "not UTF-8 text") }
            let root = try YAMLNode.parse(text, file: path).mapping()
            for key in keys {
                guard let node = root.optional(key) else { continue }
                try config.set(key, text: node.scalarText ?? "", origin: path) { node.error($0) }
            }
            try root.finish()
        }
        for key in keys {
            let name = "GSLAB_" + key.uppercased()
            guard let value = environment[name] else { continue }
            try config.set(key, text: value, origin: name) { ScenarioError.run("\(name): \($0)") }
        }
        return config
    }

    mutating func set(_ key: String, text: String, origin: String, error: (String) -> ScenarioError) throws {
        func number(_ range: ClosedRange<Double>) throws -> Double {
            guard let v = Double(text), range.contains(v) else {
                throw error("expected a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            }
            return v
        }
        func whole() throws -> Int {
            guard let v = Int(text), v >= 0 else { throw error("expected a whole number ≥ 0, got \"\(text)\"") }
            return v
        }
        switch key {
        case "reports": reports = text
        case "history": history = text
        case "workers": workers = try whole()
        case "memory_cap_mb": memoryCapMB = try whole()
        case "tolerance_relative": toleranceRelative = try number(0...1e6)
        case "tolerance_absolute": toleranceAbsolute = try number(0...1e12)
        case "metrics_file": metricsFile = text
        default: return
        }
        sources[key] = origin
    }

    /// `key = value  (source)` lines, in key order.
    public func rendered() -> String {
        let values: [String: String] = [
            "reports": reports, "history": historyPath(), "workers": workers == 0 ? "\(ProcessInfo.processInfo.activeProcessorCount) (cores)" : "\(workers)",
            "memory_cap_mb": memoryCapMB == 0 ? "\(MemoryBudget.defaultMB) (a quarter of memory)" : "\(memoryCapMB)",
            "tolerance_relative": "\(toleranceRelative)",
            "tolerance_absolute": "\(toleranceAbsolute)", "metrics_file": metricsFile.isEmpty ? "none" : metricsFile,
        ]
        let width = max(30, values.values.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        return Self.keys.map { "\(pad($0, 20)) \(pad(values[$0]!, width)) (\(sources[$0]!))" }.joined(separator: "\n") + "\n"
    }
}
