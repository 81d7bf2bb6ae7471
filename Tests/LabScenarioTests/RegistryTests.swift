import Foundation
import LabCore
import LabExecution
import LabMetrics
import LabReport
import LabSignals
import LabStress
import Testing

@testable import LabScenario

/// The registries are the one source of names and parameters: the schema, docs/models.md and
/// the parser follow them, and a Swift user's entry works like a built-in.
@Suite struct RegistryTests {
    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: repository + "/scenarios/scenario.schema.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func object(_ root: [String: Any], _ path: [String]) -> [String: Any] {
        path.reduce(root) { ($0[$1] as? [String: Any]) ?? [:] }
    }

    /// Every name list of the schema is its registry's built-ins, and every model's keys are the
    /// parameters its entries read (plus the key naming the model): a new entry or parameter
    /// without the schema fails here.
    @Test func schemaFollowsTheRegistries() throws {
        let root = try schema()
        let props = object(root, ["properties"])
        let execution = object(props, ["execution", "properties"])
        func names(_ o: [String: Any]) -> Set<String> { Set((o["enum"] as? [String]) ?? []) }
        func keys(_ o: [String: Any]) -> Set<String> { Set(((o["properties"] as? [String: Any]) ?? [:]).keys) }
        func parameters<C, P>(_ r: Registry<C, P>, _ context: C) throws -> Set<String> {
            Set(try r.builtInNames.flatMap { try r.parameters(of: $0, context: context).map(\.name) })
        }
        let stressItems = ((props["stress"] as! [String: Any])["oneOf"] as! [[String: Any]])[1]
        let stepSchema = object(stressItems, ["items", "properties", "steps", "items", "properties", "transform"])
        #expect(names(stepSchema) == Set(StressRegistry.shared.builtInNames))
        #expect(names(object(root, ["$defs", "builtin_strategy", "properties", "name"])) == Set(StrategyRegistry.shared.builtInNames))
        #expect(names(object(props, ["filters", "items", "properties", "rule"])) == Set(FilterRegistry.shared.builtInNames))
        #expect(names(object(execution, ["slippage", "properties", "model"])) == Set(SlippageRegistry.shared.builtInNames))
        #expect(names(object(execution, ["sizing", "properties", "mode"])) == Set(SizingRegistry.shared.builtInNames))
        #expect(names(object(execution, ["commission", "properties", "model"])) == Set(CommissionRegistry.shared.builtInNames))
        #expect(keys(object(execution, ["slippage"])) == (try parameters(SlippageRegistry.shared, ())).union(["model"]))
        #expect(keys(object(execution, ["sizing"])) == (try parameters(SizingRegistry.shared, ())).union(["mode"]))
        #expect(keys(object(execution, ["commission"])) == (try parameters(CommissionRegistry.shared, ())).union(["model"]))
        #expect(keys(object(props, ["filters", "items"])) == (try parameters(FilterRegistry.shared, ())).union(["rule"]))
        let objectives = Set(Statistic.names.filter { Statistic(named: $0)!.direction != .neither })
        #expect(names(object(root, ["$defs", "objective"])) == objectives)
    }

    /// docs/models.md is what `gslab scenario models` prints for the built-ins.
    @Test func modelsDocIsGenerated() throws {
        let committed = try String(contentsOfFile: repository + "/docs/models.md", encoding: .utf8)
        #expect(committed == (try ModelCatalog.markdown(builtIn: true)), "regenerate: gslab scenario models > docs/models.md")
    }

    /// Each entry's parameters are recorded with types, ranges and defaults from its builder.
    @Test func parametersComeFromTheBuilders() throws {
        let fixed = try SlippageRegistry.shared.parameters(of: "fixed_bps", context: ())
        #expect(fixed == [ParameterSpec(name: "bps", kind: .number(lower: 0, upper: 10_000), defaultValue: nil, isRequired: true)])
        let sma = try StrategyRegistry.shared.parameters(of: "sma_cross", context: StrategySpec(name: "sma_cross"))
        #expect(sma.map(\.name) == ["fast", "slow", "allow_short"] && sma.map(\.defaultValue) == ["10", "20", "true"])
        #expect(
            message { _ = try SlippageRegistry.shared.make("fixed_bsp", parameters: [:], context: ()) }
                == "unknown slippage model \"fixed_bsp\" (did you mean \"fixed_bps\"?)")
        #expect(
            message { try SlippageRegistry.shared.register(.init("fixed_bps", summary: "again") { _, _ in .none }) }
                == "slippage model: name: \"fixed_bps\" is registered already")
    }

    /// A user's slippage model and filter, registered from Swift, run in a scenario like the
    /// built-ins: the slippage is charged, the filter's rejections are counted.
    @Test func userEntriesRunInAScenario() throws {
        struct Flat: SlippageRule {
            let bps: Double
            var description: String { "test_flat(\(bps))" }
            func fraction(bars: BarSeries, bar: Int, units: Double) -> Double { bps / 10_000 }
        }
        struct EvenBarsOnly: SignalFilter {
            var name: String { "test_even_bars" }
            var description: String { name }
            func passes(_ signal: Signal, indicators: IndicatorCache) -> Bool { signal.bar % 2 == 0 }
        }
        if (try? SlippageRegistry.shared.entry(named: "test_flat")) == nil {
            try SlippageRegistry.shared.register(
                .init("test_flat", summary: "test") { p, _ in .custom(Flat(bps: try p.number("bps", default: 1, in: 0...100))) })
            try FilterRegistry.shared.register(.init("test_even_bars", summary: "test") { _, _ in .custom(EvenBarsOnly()) })
        }
        let custom = try parse(scenarioText("execution:\n  slippage: {model: test_flat, bps: 5}\nfilters:\n  - rule: test_even_bars\ncalibration: false"))
        let builtIn = try parse(scenarioText("execution:\n  slippage: {model: fixed_bps, bps: 5}\nfilters:\n  - rule: test_even_bars\ncalibration: false"))
        let a = try ScenarioRunner(workers: 1).run(custom).report.jobs[0], b = try ScenarioRunner(workers: 1).run(builtIn).report.jobs[0]
        #expect(a.stats == b.stats)  // the same 5 bp, through the user's model
        #expect(a.stats["Slippage [$]"]!.number > 0)
        let rule = try #require(a.signals.quality.filters.first)
        #expect(rule.rule == "test_even_bars" && rule.rejected > 0 && rule.reasons["rejected_by_rule"] == rule.rejected)
        #expect(
            message { _ = try parse(scenarioText("execution:\n  slippage: {model: test_flat, bps: 500}")) }
                == "s.yaml:9:37: execution.slippage.bps: expected a number in [0, 100], got \"500\"")
    }
}
