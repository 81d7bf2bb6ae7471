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

    /// Names the runner knows.
    public static let names = [
        "bootstrap", "correlation_breakdown", "drift_shift", "flash_crash", "gaps", "garch", "liquidity_drought", "regime_switch", "vol_scale",
    ]

    /// The transform for `series` (defaults that depend on the bar frequency are taken from it).
    public func build(for series: BarSeries) throws -> any StressTransform {
        let intraday = series.frequency?.isIntraday ?? false
        var p = ParameterReader(owner: "stress.\(transform)", values: parameters)
        let transform: any StressTransform
        switch self.transform {
        case "flash_crash":
            let preset = intraday ? FlashCrash.may2010Intraday() : FlashCrash.daily()
            var crash = preset
            crash.depth = try p.number("depth", default: preset.depth, in: 0.001...0.99)
            crash.dropBars = try p.integer("drop_bars", default: preset.dropBars)
            crash.troughBars = try p.integer("trough_bars", default: preset.troughBars, minimum: 0)
            crash.recoveryBars = try p.integer("recovery_bars", default: preset.recoveryBars, minimum: 0)
            crash.recovery = try p.number("recovery", default: preset.recovery, in: 0...1)
            if let at = p.text("at") {
                guard let t = CivilTime.parseISO8601(Substring(at)) else {
                    throw LabSignalsError.invalidParameter(owner: "stress.flash_crash", field: "at", reason: "expected a date YYYY-MM-DD, got \"\(at)\"")
                }
                crash.placement = .time(t)
            }
            transform = crash
        case "vol_scale":
            transform = VolatilityScaling(factor: try p.number("factor", default: 2, in: 0.01...100))
        case "drift_shift":
            transform = DriftShift(mode: .add(annualDrift: try p.number("annual_drift", default: -0.5, in: -100...100)))
        case "garch":
            transform = GARCHRegime(volatilityMultiplier: try p.number("volatility_multiplier", default: 2, in: 0.01...100))
        case "regime_switch":
            _ = try p.choice("preset", default: "calm_and_stressed", in: ["calm_and_stressed"])
            transform = RegimeSwitching.calmAndStressed
        case "liquidity_drought":
            let share = try p.number("share_of_bars", default: 0.1, in: 0.0001...1)
            transform = LiquidityDrought(
                volumeFactor: try p.number("volume_factor", default: 0.2, in: 0...1),
                spreadMultiplier: try p.number("spread_multiplier", default: 5, in: 1...1000),
                window: .random(count: max(1, Int(Double(series.count) * share))))
        case "gaps":
            transform = SessionGaps(
                size: try p.number("size", default: 0.05, in: 0.0001...0.99), probability: try p.number("probability", default: 0.05, in: 0...1))
        case "correlation_breakdown":
            transform = CorrelationBreakdown(target: .uniform(try p.number("correlation", default: 0.9, in: -0.49...0.999)))
        case "bootstrap":
            transform = StationaryBootstrap(meanBlock: try p.number("mean_block", default: intraday ? 390 : 20, in: 1...1e9))
        default:
            let hint = NameSuggestion.closest(to: self.transform, in: Self.names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw LabSignalsError.invalidParameter(
                owner: "stress", field: "transform", reason: "unknown transform \"\(self.transform)\"\(hint); known: \(Self.names.joined(separator: ", "))")
        }
        try p.rejectUnknown()
        return transform
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
