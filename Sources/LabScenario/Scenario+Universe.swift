import LabData
import LabExecution
import LabSignals

/// A universe portfolio's weights expression and how its scores become weights.
public struct UniversePlan: Sendable {
    /// `weights`, `params` and `let`, checked.
    public var program: WeightsProgram
    /// `long_only`, `max_weight`, `gross_leverage`, `net_exposure`.
    public var constraints: WeightConstraints
}

extension Scenario {
    /// `portfolio:` with `weights:` an expression — a universe portfolio:
    /// `{weights, params, let, rebalance, long_only, max_weight, gross_leverage, net_exposure,
    /// fractional_units}`. The expression is parsed and type-checked here (cross-sectional
    /// operators allowed), before any data is read.
    static func parseUniversePortfolio(_ m: MappingReader, at node: YAMLNode, dataset: DatasetSpec) throws -> PortfolioSpec {
        if dataset.selection == nil { throw node.error("a weights: expression needs dataset.symbols (all, a pattern or a list)") }
        var (parameters, lets, nodes) = try parseParamsAndLets(m)
        let weightsNode = try m.required("weights")
        nodes["weights"] = weightsNode
        let schedule = try parseSchedule(m.optional("rebalance"))
        var constraints = WeightConstraints()
        constraints.longOnly = try m.optional("long_only")?.bool() ?? false
        constraints.grossLeverage = try m.optional("gross_leverage")?.number(1e-9...100, "a fraction of equity in (0, 100]") ?? 1
        let maxNode = m.optional("max_weight"), netNode = m.optional("net_exposure")
        constraints.maxWeight = try maxNode?.number(1e-9...100, "a fraction of equity in (0, gross_leverage]")
        constraints.netExposure = try netNode?.number(-100...100, "a fraction of equity within ±gross_leverage")
        if let cap = constraints.maxWeight, cap > constraints.grossLeverage, let maxNode {
            throw maxNode.error("max_weight \(cap) is above gross_leverage \(constraints.grossLeverage)")
        }
        if let net = constraints.netExposure, let netNode {
            if abs(net) > constraints.grossLeverage { throw netNode.error("net_exposure \(net) is outside ±gross_leverage \(constraints.grossLeverage)") }
            if constraints.longOnly && net != constraints.grossLeverage {
                throw netNode.error("a long_only portfolio's net exposure is its gross leverage (\(constraints.grossLeverage)), got \(net)")
            }
        }
        let fractional = try m.optional("fractional_units")?.bool() ?? true
        try m.finish()
        let program: WeightsProgram
        let text = try weightsNode.string()
        do {
            program = try WeightsProgram(parameters: parameters, lets: lets, weights: .init(key: "weights", text: text))
        } catch {
            throw programError(error, nodes: nodes, under: node)
        }
        var spec = PortfolioSpec(rule: .equal, schedule: schedule, fractionalUnits: fractional)
        spec.universe = UniversePlan(program: program, constraints: constraints)
        return spec
    }

    /// The `execution` keys a portfolio (rule or universe) has no use for, refused at their line
    /// rather than ignored: its fills follow the target weights at the next open.
    static func refuseSingleInstrumentKeys(_ node: YAMLNode) throws {
        guard case .mapping = node.node else { return }
        let m = try node.mapping()
        let reasons = [
            "fill": "a portfolio trades at the next open after each decision",
            "unfilled": "a portfolio does not carry unfilled parts over (what the participation cap cuts is not traded)",
            "sizing": "a portfolio's sizes follow its target weights",
            "exits": "a portfolio has no protective exits",
            "intrabar": "a portfolio has no protective exits to order within a bar",
            "fractional_units": "a portfolio's units are set by portfolio.fractional_units",
            "finalize_trades": "a portfolio keeps no trades to finalize (its fills are reported)",
        ]
        for key in reasons.keys.sorted() {
            if let k = m.optional(key) { throw k.error("\(reasons[key]!): remove execution.\(key)") }
        }
    }

    /// `rebalance:` — daily, weekly, monthly (the default), on_change, or a number of bars ≥ 1.
    static func parseSchedule(_ node: YAMLNode?) throws -> RebalanceSchedule {
        guard let node else { return .monthly }
        let expected = "expected daily, weekly, monthly, on_change or a number of bars ≥ 1, got \(node.described())"
        if let text = node.scalarText, let every = Int(text) {
            guard every >= 1 else { throw node.error(expected) }
            return .everyBars(every)
        }
        switch try node.string() {
        case "daily": return .daily
        case "weekly": return .weekly
        case "monthly": return .monthly
        case "on_change": return .onChange
        default: throw node.error(expected)
        }
    }
}
