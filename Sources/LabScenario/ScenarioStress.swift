import Foundation
import LabCore
import LabReport
import LabSignals
import LabStress

/// The stress part of a scenario: the standard suite, or named variants of transform steps.
public enum StressPlan: Sendable {
    /// `StressSuite.standard` (its baseline excluded: the runner always runs the baseline).
    case suite(bootstrapPaths: Int)
    /// Variants in the order written.
    case variants([StressVariantSpec])

    /// The variants for a series (transform defaults follow its bar frequency).
    public func variants(for series: BarSeries) throws -> [(name: String, steps: [any StressTransform])] {
        switch self {
        case let .suite(paths):
            return StressSuite.standard(for: [series], bootstrapPaths: paths).filter { $0.name != "baseline" }.map { ($0.name, $0.pipeline.steps) }
        case let .variants(specs):
            return try specs.map { v in (v.name, try v.steps.map { try $0.build(for: series) }) }
        }
    }
}

/// A named variant: steps applied in order.
public struct StressVariantSpec: Sendable {
    public var name: String
    /// Transforms, in order.
    public var steps: [StressStepSpec]
}

/// One transform step as written: its name and parameters (text), built against the series at run time.
public struct StressStepSpec: Sendable {
    /// Transform name (`flash_crash`, `vol_scale`, …).
    public var transform: String
    /// Parameters as written (key → text).
    public var parameters: [String: String]

    /// Names the runner knows (``StressRegistry``).
    public static var names: [String] { StressRegistry.shared.names }

    /// The transform for `series` (defaults that depend on the bar frequency are taken from it).
    public func build(for series: BarSeries) throws -> any StressTransform {
        try StressRegistry.shared.make(transform, parameters: parameters, owner: "stress.\(transform)", context: series)
    }
}

extension Scenario {
    /// `stress:` as a list of variants, or `{suite: standard, bootstrap_paths: N}`.
    static func parseStress(_ node: YAMLNode) throws -> StressPlan {
        if case .mapping = node.node {
            let m = try node.mapping()
            let suite = try m.required("suite")
            guard try suite.string() == "standard" else { throw suite.error("expected standard, got \(suite.described())") }
            let paths = try m.optional("bootstrap_paths")?.integer(minimum: 0, "a whole number ≥ 0") ?? 3
            try m.finish()
            return .suite(bootstrapPaths: paths)
        }
        var seen = Set<String>(["baseline"])
        let probe = try probeSeries()
        let variants = try node.list().map { item -> StressVariantSpec in
            let m = try item.mapping()
            let nameNode = try m.required("name")
            let name = try nameNode.string()
            guard seen.insert(name).inserted else { throw nameNode.error("variant \"\(name)\" is defined twice (or is named baseline, which always runs)") }
            let steps = try m.required("steps").list().map { stepNode -> StressStepSpec in
                let sm = try stepNode.mapping()
                let transform = try sm.required("transform").string()
                var params: [String: String] = [:]
                for key in sm.keys where key != "transform" { params[key] = try sm.required(key).scalarOrList() }
                try sm.finish()
                let spec = StressStepSpec(transform: transform, parameters: params)
                // Check names and ranges now, against a small daily series, so a typo fails before any data is read.
                do { _ = try spec.build(for: probe) } catch { throw stepNode.error("\(error)") }
                return spec
            }
            guard !steps.isEmpty else { throw item.error("a variant needs at least one step") }
            try m.finish()
            return StressVariantSpec(name: name, steps: steps)
        }
        return .variants(variants)
    }

    /// A tiny daily series used only to validate transform parameters at parse time.
    static func probeSeries() throws -> BarSeries {
        let n = 30
        let close = (0..<n).map { 100 + Double($0 % 3) }
        return try BarSeries(
            symbol: "PROBE", timestamps: (0..<n).map { Int64($0) * CivilTime.nanosPerDay }, open: close, high: close.map { $0 + 1 },
            low: close.map { $0 - 1 }, close: close, volume: Array(repeating: 1, count: n))
    }
}
