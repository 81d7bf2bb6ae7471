import Foundation
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabReport
import LabRobustness
import LabSignals
import LabStress
import Yams

/// A parsed, validated scenario file (schema in docs/scenarios.md and scenarios/scenario.schema.json).
public struct Scenario: Sendable {
    /// Scenario name (letters, digits, `_`, `-`; at most 64 characters and 128 bytes of UTF-8):
    /// the report folder's name.
    public var name: String
    public var description: String
    /// Seed of every random draw (stress variants, random search), overridable by `--seed`.
    public var seed: UInt64
    /// The file it came from (for messages) and its text (hashed into the run id).
    public var file: String
    /// The file's text (hashed into the run id).
    public var text: String
    /// The dataset and which part of it to use.
    public var dataset: DatasetSpec
    /// What is done with data-quality findings before the run.
    public var dataQuality: DataQualityPolicy
    /// Stress variants run next to the baseline, in order.
    public var stress: StressPlan
    /// The strategy and its parameters.
    public var strategy: StrategySpec
    /// Signal filters, applied in order.
    public var filters: [SignalFilterRule]
    /// The confidence feedback loop; nil keeps raw confidence.
    public var calibration: ConfidenceCalibrator?
    /// Fills, slippage, costs, liquidity and sizing.
    public var execution: ExecutionSimulator.Config
    /// Parameter sets: the strategy's own parameters overlaid with each grid point (one set without
    /// a sweep), those the constraint excludes and those no strategy can be built from left out.
    public var parameterSets: [[String: String]]
    /// The sweep's objective, constraint and what it left out; nil without a sweep.
    public var sweep: SweepPlan?
    /// What the report contains.
    public var report: ReportOptions
    /// Baseline file to check the run against (`gslab run --check`), resolved against the scenario's folder.
    public var baseline: String?
    /// Walk-forward optimisation over the parameter sets, on the baseline data.
    public var walkForward: WalkForward?
    /// A portfolio of `dataset.symbols` rebalanced by a weight rule (instead of a signal strategy).
    public var portfolio: PortfolioSpec?
    /// Signals brought from a file (`strategy.signals`; the strategy is then `signals`).
    public var signals: SignalsDeclaration?
    /// The execution settings of each parameter set when the sweep varies `execution.…` keys
    /// (parallel to ``parameterSets``); nil otherwise (every set uses ``execution``).
    public var executionBySet: [ExecutionSimulator.Config]?
    /// Is the headline result luck? What the run's robustness analysis computes (`robustness:`).
    public var robustness = RobustnessSettings()

    /// The prefix of a sweep key that varies an execution setting (`execution.commission.rate`).
    public static let executionPrefix = "execution."

    /// The execution settings of the parameter set `parameters`.
    public func execution(for parameters: [String: String]) -> ExecutionSimulator.Config {
        guard let executionBySet, let k = parameterSets.firstIndex(of: parameters) else { return execution }
        return executionBySet[k]
    }

    /// The strategy's own parameters of a parameter set (the `execution.…` keys left out).
    public static func strategyParameters(_ parameters: [String: String]) -> [String: String] {
        parameters.filter { !$0.key.hasPrefix(executionPrefix) }
    }

    /// `sweep:` beyond its grid: how the best combination is chosen and what was left out.
    public struct SweepPlan: Sendable {
        /// The statistic that ranks combinations (`sweep.objective`, default Sharpe ratio); its
        /// direction says whether higher or lower is better.
        public var objective: Statistic
        /// `sweep.constraint`, when given.
        public var constraint: ParameterConstraint?
        /// Combinations the constraint excluded.
        public var excluded: Int
        /// Combinations skipped because no strategy can be built from them (e.g. fast ≥ slow).
        public var invalid: Int
        /// Why the first skipped combination is invalid.
        public var firstInvalid: String?
    }

    /// `portfolio:` — the weight rule and the rebalancing schedule.
    public struct PortfolioSpec: Sendable {
        /// How target weights are set.
        public var rule: WeightRule
        /// When the portfolio is rebalanced.
        public var schedule: RebalanceSchedule
        /// Fractional units instead of whole units.
        public var fractionalUnits: Bool
        /// For a universe portfolio (`weights:` an expression): the program and its normalisation;
        /// `rule` is then unused.
        public var universe: UniversePlan? = nil
    }

    /// Rolling in-sample / out-of-sample windows (bars): in each window the parameter set with the
    /// best in-sample objective is chosen, then run on the following out-of-sample bars.
    public struct WalkForward: Sendable, Equatable {
        /// Bars of each in-sample window.
        public var inSample: Int
        /// Bars of each out-of-sample window.
        public var outOfSample: Int
        /// Bars between window starts (default: `outOfSample`, so the out-of-sample periods tile).
        public var step: Int
        /// The statistic that picks the in-sample parameter set (default Sharpe ratio).
        public var objective: Statistic
    }

    /// Where a dataset comes from and which part of it to use.
    public struct DatasetSpec: Sendable {
        /// Absolute path (resolved against the scenario file's folder).
        public var path: String
        /// As written in the scenario (reported; keeps reports independent of where the repo lives).
        public var pathAsWritten: String
        /// The symbol (nil: the file's only symbol).
        public var symbol: String?
        /// Several symbols of the file, for a portfolio (`symbols:` as a list).
        public var symbols: [String]
        /// `symbols:` as written: a list, `all`, or a pattern (nil: one symbol).
        public var selection: SymbolSelection? = nil
        /// Most symbols a selection may choose (`max_symbols`).
        public var maxSymbols = SymbolSelection.defaultMaxSymbols
        /// A CSV file of `symbol,sector` pairs for the `group_*` operators (absolute, and as written).
        public var sectors: (path: String, written: String)? = nil
        /// For a universe stored as one long pandas table: the string column naming each row's
        /// symbol (`symbol_column`), and the table's key when the file holds several (`table`).
        public var symbolColumn: String? = nil
        /// The long table's key (`table`; nil: the file's only pandas table).
        public var table: String? = nil
        /// Files tried in order when `path` cannot serve the data (absolute), with their paths as written.
        public var fallbacks: [(path: String, written: String)] = []
        /// First time kept (a date at 00:00 UTC), ns since the epoch; nil: from the start.
        public var start: Int64?
        /// Last date kept (its whole day: bars before end + 24 h), ns since the epoch; nil: to the end.
        public var end: Int64?
        /// The bars' trading calendar (`calendar`); nil: inferred (``CalendarInference``).
        public var calendar: TradingCalendar? = nil
    }

    /// What to do with data-quality findings of error severity.
    public enum DataQualityPolicy: String, Sendable {
        /// Repair them (`DataQuality.clean`), log the changes, and score signals down where bars were repaired.
        case clean
        /// Refuse to run.
        case strict
        /// Run on the data as it is.
        case ignore
    }

    /// Report settings.
    public struct ReportOptions: Sendable, Equatable {
        /// Trades kept per job in report.json (the count is always reported).
        public var tradesCap = 200
        /// Points of each downsampled equity curve (largest-triangle-three-buckets).
        public var equityPoints = 400
        /// Sweep combinations reported in full detail besides the headline job: the best by the objective.
        public var sweepDetail = 5
    }
}

extension Scenario {
    /// Largest number of parameter sets a sweep may expand to.
    public static let maximumCombinations = 10_000

    /// Largest scenario file read, in bytes (1 MiB: a scenario is a page of YAML).
    public static let maximumFileBytes = 1 << 20

    /// Reads and validates the scenario at `path` (a regular file of at most ``maximumFileBytes``).
    public static func load(_ path: String, seed override: UInt64? = nil) throws -> Scenario {
        let data = try ScenarioError.contents(of: path, what: "scenario", maxBytes: maximumFileBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError.file(path, reason: "cannot read the file (permissions, or not UTF-8 text)")
        }
        // The folder with its links resolved, as the kernel resolves `folder/../x`: a relative
        // dataset path names the same file whatever link led to the scenario.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().resolvingSymlinksInPath().path
        return try parse(text, file: path, folder: folder, seed: override)
    }

    /// Parses scenario `text`; relative dataset paths resolve against `folder`.
    /// `seed` overrides the file's own (it also seeds a random sweep).
    public static func parse(_ text: String, file: String, folder: String, seed override: UInt64? = nil) throws -> Scenario {
        let root = try YAMLNode.parse(text, file: file).mapping()
        let nameNode = try root.required("name")
        let name = try nameNode.string()
        // It names the report folder: at most 64 characters and 128 bytes of UTF-8 (file systems
        // allow 255 bytes a name; 64 four-byte letters would be 256).
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), name.count <= 64, name.utf8.count <= 128
        else {
            throw nameNode.error("expected letters, digits, _ or - (at most 64, and 128 bytes of UTF-8), got \"\(name)\"")
        }
        let description = try root.optional("description")?.string() ?? ""
        let fileSeed =
            try root.optional("seed").map { node -> UInt64 in
                guard let s = node.scalarText, let v = UInt64(s) else { throw node.error("expected a whole number ≥ 0, got \(node.described())") }
                return v
            } ?? 42
        let seed = override ?? fileSeed
        let dataset = try parseDataset(root.required("dataset"), folder: folder)
        let policy: DataQualityPolicy =
            try root.optional("data_quality").map { node in
                guard let p = DataQualityPolicy(rawValue: try node.string()) else {
                    throw node.error("expected clean, strict or ignore, got \(node.described())")
                }
                return p
            } ?? .clean
        let stress = try root.optional("stress").map(parseStress) ?? .variants([])
        let portfolioNode = root.optional("portfolio")
        let strategyNode = portfolioNode == nil ? try root.required("strategy") : root.optional("strategy")
        // `strategy.signals`: columns from a file, aligned to the bars when the run reads them.
        let signalsNode = try strategyNode.flatMap { node -> YAMLNode? in
            guard case .mapping = node.node else { return nil }
            let m = try node.mapping()
            guard let s = m.optional("signals") else { return nil }
            try m.finish()
            return s
        }
        let signals = try signalsNode.map { try parseSignals($0, folder: folder, dataset: dataset) }
        let strategy = signals != nil ? StrategySpec(name: StrategySpec.signalsName) : try strategyNode.map(parseStrategy) ?? StrategySpec(name: "sma_cross")
        if signals != nil, let wf = root.optional("walk_forward") {
            throw wf.error("a signals strategy has no parameters for a walk-forward to choose")
        }
        let portfolio = try portfolioNode.map { try parsePortfolio($0, dataset: dataset) }
        if portfolioNode == nil && dataset.selection != nil, let symbolsNode = try root.required("dataset").mapping().optional("symbols") {
            throw symbolsNode.error("several symbols need a portfolio: section (a strategy trades one symbol)")
        }
        let filters = try root.optional("filters").map { try $0.list().map(parseFilter) } ?? []
        let calibration = try root.optional("calibration").map(parseCalibration) ?? ConfidenceCalibrator()
        let execution = try root.optional("execution").map(parseExecution) ?? ExecutionSimulator.Config()
        let (sets, sweepPlan, executions) = try parseSweep(
            root.optional("sweep"), strategy: strategy, at: strategyNode ?? nameNode, seed: seed, execution: root.optional("execution"),
            buildsStrategy: signals == nil)
        if let portfolioNode, sets.count > 1 { throw portfolioNode.error("a portfolio scenario takes no sweep (yet)") }
        if let executions, Set(executions.map { "\($0.annualisation)\($0.barsPerYear ?? 0)" }).count > 1, let sweepNode = root.optional("sweep") {
            throw sweepNode.error(
                "execution.bars_per_year and execution.preset cannot vary in a sweep (the statistics of every combination share one annualisation)")
        }
        if portfolioNode != nil, let e = root.optional("execution") { try refuseSingleInstrumentKeys(e) }
        var report = ReportOptions()
        if let r = try root.optional("report")?.mapping() {
            report.tradesCap = try r.optional("trades_cap")?.integer(minimum: 0, "a whole number ≥ 0") ?? report.tradesCap
            report.equityPoints = try r.optional("equity_points")?.integer(minimum: 3, "a whole number ≥ 3") ?? report.equityPoints
            report.sweepDetail = try r.optional("sweep_detail")?.integer(minimum: 0, "a whole number ≥ 0") ?? report.sweepDetail
            try r.finish()
        }
        let baseline = try root.optional("baseline").map { node -> String in
            let written = try node.string()
            return written.hasPrefix("/") ? written : URL(fileURLWithPath: folder).appendingPathComponent(written).standardized.path
        }
        let walkForward = try root.optional("walk_forward").map { node -> WalkForward in
            let m = try node.mapping()
            let inSample = try m.required("in_sample").integer(minimum: 20, "bars ≥ 20")
            let outOfSample = try m.required("out_of_sample").integer(minimum: 5, "bars ≥ 5")
            let step = try m.optional("step")?.integer(minimum: 1, "bars ≥ 1") ?? outOfSample
            let objective = try m.optional("objective").map(parseObjective) ?? .sharpe_ratio
            try m.finish()
            return WalkForward(inSample: inSample, outOfSample: outOfSample, step: step, objective: objective)
        }
        let robustness = try root.optional("robustness").map(parseRobustness) ?? RobustnessSettings()
        try root.finish()
        var scenario = Scenario(
            name: name, description: description, seed: seed, file: file, text: text, dataset: dataset, dataQuality: policy,
            stress: stress, strategy: strategy, filters: filters, calibration: calibration, execution: execution,
            parameterSets: sets, sweep: sweepPlan, report: report, baseline: baseline, walkForward: walkForward, portfolio: portfolio)
        scenario.signals = signals
        scenario.executionBySet = executions
        scenario.robustness = robustness
        return scenario
    }

    static func parsePortfolio(_ node: YAMLNode, dataset: DatasetSpec) throws -> PortfolioSpec {
        let m = try node.mapping()
        if m.optional("rule") == nil, let weights = m.optional("weights"), weights.scalarText != nil {
            return try parseUniversePortfolio(m, at: node, dataset: dataset)
        }
        let symbols = dataset.symbols
        if symbols.count < 2 {
            throw node.error("a weight rule needs dataset.symbols as a list of two or more (a weights: expression takes all or a pattern)")
        }
        let ruleNode = try m.required("rule")
        let window = try m.optional("window")?.integer(minimum: 2, "bars ≥ 2") ?? 60
        func baseRule(_ name: String, _ at: YAMLNode) throws -> WeightRule {
            switch name {
            case "equal": return .equal
            case "inverse_volatility": return .inverseVolatility(window: window)
            case "risk_parity": return .riskParity(window: window)
            case "fixed":
                let weightsNode = try m.required("weights")
                let w = try weightsNode.mapping()
                var weights: [String: Double] = [:]
                for key in w.keys {
                    guard symbols.contains(key) else {
                        throw try w.required(key).error("orders for unknown symbol \"\(key)\" (portfolio: \(symbols.joined(separator: ", ")))")
                    }
                    weights[key] = try w.required(key).number(-100...100, "a weight (fraction of equity)")
                }
                try w.finish()
                return .fixed(weights)
            default:
                throw at.error("expected equal, fixed, inverse_volatility, risk_parity or volatility_target, got \(at.described())")
            }
        }
        var rule: WeightRule
        let ruleName = try ruleNode.string()
        if ruleName == "volatility_target" {
            let target = try m.required("annual_volatility").number(1e-6...10, "a fraction > 0")
            let baseNode = m.optional("base")
            rule = .volatilityTarget(annualVolatility: target, window: window, base: try baseRule(try baseNode?.string() ?? "equal", baseNode ?? ruleNode))
        } else {
            rule = try baseRule(ruleName, ruleNode)
        }
        let schedule = try parseSchedule(m.optional("rebalance"))
        let fractional = try m.optional("fractional_units")?.bool() ?? true
        try m.finish()
        return PortfolioSpec(rule: rule, schedule: schedule, fractionalUnits: fractional)
    }

    static func parseDataset(_ node: YAMLNode, folder: String) throws -> DatasetSpec {
        let m = try node.mapping()
        let written = try m.required("path").string()
        func resolve(_ w: String) -> String { w.hasPrefix("/") ? w : URL(fileURLWithPath: folder).appendingPathComponent(w).standardized.path }
        let path = resolve(written)
        let fallbacks =
            try m.optional("fallbacks")?.list().map { node -> (String, String) in
                let w = try node.string(); return (resolve(w), w)
            } ?? []
        let symbolNode = m.optional("symbol"), symbolsNode = m.optional("symbols")
        if symbolNode != nil && symbolsNode != nil { throw symbolsNode!.error("give symbol or symbols, not both") }
        let symbol = try symbolNode?.string()
        var selection: SymbolSelection?
        var symbols: [String] = []
        if let symbolsNode {
            if let text = symbolsNode.scalarText {
                guard !text.isEmpty else { throw symbolsNode.error("expected all, a pattern such as \"S0*\" or a list of symbols") }
                selection = text == "all" ? .all : .glob(text)
            } else {
                symbols = try symbolsNode.list().map { try $0.string() }
                guard !symbols.isEmpty else { throw symbolsNode.error("expected all, a pattern such as \"S0*\" or a list of symbols") }
                if let repeated = symbols.indices.first(where: { symbols[..<$0].contains(symbols[$0]) }) {
                    throw symbolsNode.error("\(symbols[repeated]) is listed twice")
                }
                selection = .list(symbols)
            }
        }
        let maxSymbols = try m.optional("max_symbols")?.integer(minimum: 1, "a whole number ≥ 1") ?? SymbolSelection.defaultMaxSymbols
        let symbolColumn = try m.optional("symbol_column")?.string()
        let tableNode = m.optional("table")
        let table = try tableNode?.string()
        if let tableNode, symbolColumn == nil { throw tableNode.error("table names a long table: give symbol_column too") }
        let sectors = try m.optional("sectors").map { node -> (String, String) in
            let w = try node.string()
            return (resolve(w), w)
        }
        let calendar = try m.optional("calendar").map(parseCalendar)
        let startNode = m.optional("start"), endNode = m.optional("end")
        let start = try startNode?.date(), end = try endNode?.date()
        if let start, let end, end < start, let endNode { throw endNode.error("the date range is empty (end before start)") }
        try m.finish()
        var spec = DatasetSpec(path: path, pathAsWritten: written, symbol: symbol, symbols: symbols, start: start, end: end)
        spec.fallbacks = fallbacks
        spec.selection = selection
        spec.maxSymbols = maxSymbols
        spec.sectors = sectors
        spec.symbolColumn = symbolColumn
        spec.table = table
        spec.calendar = calendar
        return spec
    }

    static func parseStrategy(_ node: YAMLNode) throws -> StrategySpec {
        let m = try node.mapping()
        if m.keys.contains("rules") || m.keys.contains("target") { return try parseProgram(m, at: node) }
        guard let nameNode = m.optional("name") else {
            throw node.error("needs name: (a built-in strategy) or rules: (your own, docs/strategies.md)")
        }
        let name = try nameNode.string()
        guard StrategyCatalog.names.contains(name) else {
            let hint = NameSuggestion.closest(to: name, in: StrategyCatalog.names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw nameNode.error(
                "unknown strategy \"\(name)\"\(hint); known: \(StrategyCatalog.names.joined(separator: ", ")), or your own under rules: (docs/strategies.md)")
        }
        let params = try m.optional("params")?.textMap() ?? [:]
        let members = try m.optional("members").map { try $0.list().map(parseStrategy) } ?? []
        let weight = try m.optional("weight")?.number(0...1e6, "a number ≥ 0") ?? 1
        try m.finish()
        let spec = StrategySpec(name: name, parameters: params, members: members, weight: weight)
        do { _ = try StrategyCatalog.make(spec) } catch { throw node.error("\(error)") }
        return spec
    }

    static func parseFilter(_ node: YAMLNode) throws -> SignalFilterRule {
        let m = try node.mapping()
        let rule = try m.required("rule")
        return try m.build(FilterRegistry.shared, named: rule, skipping: ["rule"], owner: "filters.\(rule.scalarText ?? "")", context: ())
    }

    static func parseCalibration(_ node: YAMLNode) throws -> ConfidenceCalibrator? {
        if let s = node.scalarText, s.lowercased() == "false" || s.lowercased() == "off" { return nil }
        let m = try node.mapping()
        var c = ConfidenceCalibrator()
        c.horizon = try m.optional("horizon")?.integer(minimum: 1, "bars ≥ 1") ?? c.horizon
        c.buckets = try m.optional("buckets")?.integer(minimum: 1, "a whole number in 1...100") ?? c.buckets
        c.priorStrength = try m.optional("prior_strength")?.number(0...1e9, "a number ≥ 0") ?? c.priorStrength
        c.minimumOutcomes = try m.optional("minimum_outcomes")?.integer(minimum: 0, "a whole number ≥ 0") ?? c.minimumOutcomes
        try m.finish()
        if c.buckets > 100 { throw node.error("buckets: expected a whole number in 1...100, got \(c.buckets)") }
        return c
    }

    static func parseExecution(_ node: YAMLNode) throws -> ExecutionSimulator.Config {
        let m = try node.mapping()
        let cash = try m.optional("cash")?.number(1e-9...1e15, "a number > 0") ?? 10_000
        var config: ExecutionSimulator.Config
        if let presetNode = m.optional("preset") {
            guard try presetNode.string() == "backtesting_py" else { throw presetNode.error("expected backtesting_py, got \(presetNode.described())") }
            config = ExecutionSimulator.Config(cash: cash, commissionRate: 0)
            config.annualisation = .backtestingPy
        } else {
            config = ExecutionSimulator.Config(cash: cash)
        }
        if let node = m.optional("commission") {
            let c = try node.mapping()
            let model = c.optional("model")
            config.commission = try c.build(
                CommissionRegistry.shared, named: model ?? YAMLNode.text("standard", at: node), skipping: ["model"], owner: "commission", context: ())
        }
        if let node = m.optional("slippage") {
            let s = try node.mapping()
            config.slippage = try s.build(SlippageRegistry.shared, named: try s.required("model"), skipping: ["model"], owner: "slippage", context: ())
        }
        if let f = try m.optional("fill")?.mapping() {
            let latency = try f.optional("latency")?.integer(minimum: 0, "bars ≥ 0") ?? 0
            let timing = try f.required("timing")
            switch try timing.string() {
            case "next_open": config.fillTiming = .nextOpen(latency: latency)
            case "this_close": config.fillTiming = .thisClose
            case "next_typical": config.fillTiming = .nextTypical(latency: latency)
            default: throw timing.error("expected next_open, this_close or next_typical, got \(timing.described())")
            }
            try f.finish()
        }
        config.borrowRate = try m.optional("borrow_rate")?.number(0...0.999, "a fraction in [0, 1)") ?? config.borrowRate
        config.financingRate = try m.optional("financing_rate")?.number(0...0.999, "a fraction in [0, 1)") ?? config.financingRate
        config.participationCap = try m.optional("participation_cap")?.number(1e-9...1, "a fraction in (0, 1]") ?? config.participationCap
        if let u = m.optional("unfilled") {
            guard let policy = ExecutionSimulator.UnfilledPolicy(rawValue: try u.string()) else {
                throw u.error("expected carry_over or cancel, got \(u.described())")
            }
            config.unfilled = policy
        }
        if let node = m.optional("bars_per_year") {
            config.barsPerYear = try node.number(1e-9...1e12, "a number > 0")
            config.annualisation = .barsPerYear
        }
        config.fractionalUnits = try m.optional("fractional_units")?.bool() ?? config.fractionalUnits
        config.maxLeverage = try m.optional("max_leverage")?.number(1...100, "a number in [1, 100]") ?? config.maxLeverage
        if let node = m.optional("sizing") {
            let s = try node.mapping()
            config.sizing = try s.build(SizingRegistry.shared, named: try s.required("mode"), skipping: ["mode"], owner: "sizing", context: ())
        }
        if let e = try m.optional("exits")?.mapping() {
            config.exits = ExecutionSimulator.ProtectiveExits(
                stopLoss: try e.optional("stop_loss")?.number(1e-9...0.999999, "a fraction in (0, 1)"),
                takeProfit: try e.optional("take_profit")?.number(1e-9...1e6, "a number > 0"),
                trailingStop: try e.optional("trailing_stop")?.number(1e-9...0.999999, "a fraction in (0, 1)"))
            if let r = e.optional("reference") {
                let text = try r.string()
                guard let reference = ExitReference(rawValue: text) else {
                    let names = ExitReference.allCases.map(\.rawValue)
                    let hint = NameSuggestion.closest(to: text, in: names).map { " (did you mean \($0)?)" } ?? ""
                    throw r.error("expected \(names.joined(separator: " or ")), got \(r.described())\(hint)")
                }
                config.exits.reference = reference
            }
            try e.finish()
        }
        config.finalizeTrades = try m.optional("finalize_trades")?.bool() ?? config.finalizeTrades
        if let i = m.optional("intrabar") {
            let text = try i.string()
            guard let policy = IntrabarPolicy(rawValue: text) else {
                let names = IntrabarPolicy.allCases.map(\.rawValue)
                let hint = NameSuggestion.closest(to: text, in: names).map { " (did you mean \($0)?)" } ?? ""
                throw i.error("expected \(names.joined(separator: ", ")), got \(i.described())\(hint)")
            }
            config.exits.intrabar = policy
        }
        try m.finish()
        do { _ = try ExecutionSimulator(config: config) } catch { throw node.error("\(error)") }
        return config
    }
}
