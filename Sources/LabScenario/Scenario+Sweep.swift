import Foundation
import LabCore
import LabExecution
import LabMetrics
import LabSignals
import Yams

/// Reading `sweep:` — the grid or random search, the constraint, the objective — and the
/// execution settings a sweep varies (`execution.…` keys).
extension Scenario {
    /// The parameter sets: without a sweep, the strategy's own; with `sweep.grid`, the cartesian
    /// product of the listed values (keys in sorted order, values in the order written); with
    /// `sweep.random`, seeded draws.
    static func parseSweep(
        _ node: YAMLNode?, strategy: StrategySpec, at strategyNode: YAMLNode, seed: UInt64, execution: YAMLNode?, buildsStrategy: Bool
    ) throws -> ([[String: String]], SweepPlan?, [ExecutionSimulator.Config]?) {
        func build(_ set: [String: String]) throws {
            guard buildsStrategy else { return }
            var spec = strategy
            spec.parameters = strategyParameters(set)
            _ = try StrategyCatalog.make(spec)
        }
        guard let node else {
            do { try build(strategy.parameters) } catch { throw strategyNode.error("\(error)") }
            return ([strategy.parameters], nil, nil)
        }
        let m = try node.mapping()
        let objective = try m.optional("objective").map(parseObjective) ?? .sharpe_ratio
        let constraintNode = m.optional("constraint")
        let all = try parseGrid(m, base: strategy.parameters, seed: seed)
        let names = Set(all.flatMap(\.keys)).union(strategy.parameters.keys)
        let constraint = try constraintNode.map { node -> ParameterConstraint in
            do { return try ParameterConstraint(try node.string(), parameters: names) } catch let f as ParameterConstraint.Failure {
                throw node.error(f.description)
            }
        }
        let kept = constraint.map { c in all.filter(c.accepts) } ?? all
        guard !kept.isEmpty else { throw constraintNode!.error("no combination of the grid satisfies \(constraint!.text)") }
        if !buildsStrategy, let key = names.sorted().first(where: { !$0.hasPrefix(executionPrefix) }) {
            throw node.error("a signals strategy has no parameters to sweep (\(key)); sweep execution.… settings instead")
        }
        let varies = names.contains { $0.hasPrefix(executionPrefix) }
        var sets: [[String: String]] = [], executions: [ExecutionSimulator.Config] = [], firstInvalid: String?
        for set in kept {
            do {
                try build(set)
                if varies { executions.append(try executionConfig(execution, overriding: set, at: node)) }
                sets.append(set)
            } catch {
                firstInvalid = firstInvalid ?? "\(error)"
            }
        }
        guard !sets.isEmpty else { throw node.error("no combination builds a valid strategy: \(firstInvalid ?? "")") }
        return (
            sets,
            SweepPlan(
                objective: objective, constraint: constraint, excluded: all.count - kept.count, invalid: kept.count - sets.count, firstInvalid: firstInvalid),
            varies ? executions : nil
        )
    }

    /// The execution settings of `execution` (the scenario's section, or the defaults) with the
    /// set's `execution.…` keys written in at their paths, read as the section is.
    /// Values written in are placed at `sweep` (the sweep section) for error messages.
    static func executionConfig(_ execution: YAMLNode?, overriding set: [String: String], at sweep: YAMLNode) throws -> ExecutionSimulator.Config {
        let mark = sweep.node.mark
        var node = execution?.node ?? Node.mapping(Node.Mapping([], .implicit, .any, mark))
        for key in set.keys.sorted() where key.hasPrefix(executionPrefix) {
            node = overriding(node, path: key.dropFirst(executionPrefix.count).split(separator: ".").map(String.init), value: set[key]!, mark: mark)
        }
        return try parseExecution(YAMLNode(node: node, path: "execution", file: sweep.file))
    }

    /// `node` with the scalar at `path` (mapping keys, created when missing) set to `value`; new
    /// nodes carry `mark`.
    static func overriding(_ node: Node, path: [String], value: String, mark: Mark?) -> Node {
        guard let first = path.first else { return .scalar(Node.Scalar(value, .implicit, .any, mark)) }
        var pairs: [(Node, Node)] = []
        if case let .mapping(m) = node { pairs = m.map { ($0.key, $0.value) } }
        let rest = Array(path.dropFirst())
        if let i = pairs.firstIndex(where: { $0.0.scalar?.string == first }) {
            pairs[i].1 = overriding(pairs[i].1, path: rest, value: value, mark: mark)
        } else {
            let empty = Node.mapping(Node.Mapping([], .implicit, .any, mark))
            pairs.append((.scalar(Node.Scalar(first, .implicit, .any, mark)), overriding(empty, path: rest, value: value, mark: mark)))
        }
        return .mapping(Node.Mapping(pairs, .implicit, .any, node.mark ?? mark))
    }

    /// A statistic named at `node` (`sweep.objective`, `walk_forward.objective`) with a better
    /// direction (one to maximise or minimise).
    static func parseObjective(_ node: YAMLNode) throws -> Statistic {
        let name = try node.string()
        let s: Statistic
        do { s = try Statistic.parse(name, field: node.path) } catch let error as LabMetricsError { throw node.error(error.reason) }
        guard s.direction != .neither else {
            throw node.error("\(s.id) has no better direction to optimise (pick e.g. sharpe_ratio, return_pct, max_drawdown_pct)")
        }
        return s
    }

    /// The grid's or the random search's parameter sets (before the constraint).
    static func parseGrid(_ m: MappingReader, base: [String: String], seed: UInt64) throws -> [[String: String]] {
        let cap = try m.optional("max_combinations")?.integer(minimum: 1, "a whole number ≥ 1") ?? maximumCombinations
        if let randomNode = m.optional("random") {
            // Seeded random search: `samples` draws, each parameter uniform in its [low, high]
            // (whole numbers when both bounds are), from a stream of the scenario's seed.
            let r = try randomNode.mapping()
            let samplesNode = try r.required("samples")
            let samples = try samplesNode.integer(minimum: 1, "a whole number ≥ 1")
            guard samples <= min(cap, maximumCombinations) else {
                throw samplesNode.error("\(samples) samples exceed the cap of \(min(cap, maximumCombinations))")
            }
            let rangesNode = try r.required("ranges")
            let ranges = try rangesNode.mapping()
            var axes: [(String, Double, Double, Bool)] = []
            for key in ranges.keys.sorted() {
                let boundsNode = try ranges.required(key)
                let bounds = try boundsNode.list()
                guard bounds.count == 2 else { throw boundsNode.error("expected [low, high]") }
                let lo = try bounds[0].number(), hi = try bounds[1].number()
                guard lo <= hi else { throw boundsNode.error("expected low ≤ high, got [\(lo), \(hi)]") }
                let whole = [bounds[0], bounds[1]].allSatisfy { Int($0.scalarText ?? "") != nil }
                if whole, max(abs(lo), abs(hi)) > Double(YAMLNode.maximumWholeNumber) {
                    throw boundsNode.error(
                        "whole-number bounds must lie within ±\(YAMLNode.maximumWholeNumber), got [\(bounds[0].scalarText ?? ""), \(bounds[1].scalarText ?? "")]"
                    )
                }
                axes.append((key, lo, hi, whole))
            }
            try ranges.finish()
            guard !axes.isEmpty else { throw rangesNode.error("the search has no parameters (zero combinations)") }
            try r.finish()
            if m.optional("grid") != nil { throw randomNode.error("give grid or random, not both") }
            try m.finish()
            var rng = SeededRNG(seed: seed ^ 0x5357_4545_5000_0000)  // the sweep's own generator, apart from the stress streams
            return (0..<samples).map { _ in
                var set = base
                for (key, lo, hi, whole) in axes {
                    if whole {
                        set[key] = String(Int(lo) + rng.nextInt(below: Int(hi) - Int(lo) + 1))
                    } else {
                        set[key] = String(format: "%.6g", lo + (hi - lo) * rng.nextUniform())
                    }
                }
                return set
            }
        }
        let gridNode = try m.required("grid")
        let grid = try gridNode.mapping()
        var axes: [(String, [String])] = []
        for key in grid.keys.sorted() {
            let valuesNode = try grid.required(key)
            let values = try valuesNode.list().map { try $0.string() }
            guard !values.isEmpty else { throw valuesNode.error("expected at least one value") }
            axes.append((key, values))
        }
        try grid.finish()
        guard !axes.isEmpty else { throw gridNode.error("the grid has no parameters (zero combinations)") }
        // The count with overflow checks: a grid of many long lists is refused, never wraps.
        var total: Int? = 1
        for (_, values) in axes {
            total = total.flatMap { t in
                let (product, overflow) = t.multipliedReportingOverflow(by: values.count)
                return overflow ? nil : product
            }
        }
        guard let total, total <= min(cap, maximumCombinations) else {
            throw gridNode.error("\(total.map(String.init) ?? "more than \(Int.max)") combinations exceed the cap of \(min(cap, maximumCombinations))")
        }
        try m.finish()
        var sets: [[String: String]] = [base]
        for (key, values) in axes {
            sets = sets.flatMap { set in
                values.map { v in
                    var s = set; s[key] = v; return s
                }
            }
        }
        return sets
    }
}
