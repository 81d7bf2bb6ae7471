import Foundation
import LabCore
import LabExecution
import LabSignals
import LabStress

/// Every registry a scenario file names entries of, with the YAML key that names them: what
/// `gslab scenario models` prints and docs/models.md holds (a test keeps the two equal), and what
/// the schema's name lists are tested against.
public enum ModelCatalog {
    /// One registry as a scenario file sees it.
    public struct Kind: Sendable {
        /// Heading (`Slippage models`).
        public var title: String
        /// The YAML key naming an entry (`execution.slippage.model`).
        public var key: String
        /// Names, sorted; `builtIn` only the lab's own.
        public var names: @Sendable (_ builtIn: Bool) -> [String]
        /// An entry's one-line summary.
        public var summary: @Sendable (String) throws -> String
        /// An entry's parameters.
        public var parameters: @Sendable (String) throws -> [ParameterSpec]
    }

    static func kind<C, P>(_ title: String, _ key: String, _ r: Registry<C, P>, context: @escaping @Sendable () -> C) -> Kind {
        Kind(
            title: title, key: key, names: { $0 ? r.builtInNames : r.names }, summary: { try r.entry(named: $0).summary },
            parameters: { try r.parameters(of: $0, context: context()) })
    }

    /// The registries, in the order of a scenario file.
    public static var kinds: [Kind] {
        [
            kind("Stress transforms", "stress[].steps[].transform", StressRegistry.shared, context: { (try? Scenario.probeSeries())! }),
            kind("Strategies", "strategy.name", StrategyRegistry.shared, context: { StrategySpec(name: "probe") }),
            kind("Signal filters", "filters[].rule", FilterRegistry.shared, context: {}),
            kind("Commission models", "execution.commission.model (default standard)", CommissionRegistry.shared, context: {}),
            kind("Slippage models", "execution.slippage.model", SlippageRegistry.shared, context: {}),
            kind("Sizing rules", "execution.sizing.mode", SizingRegistry.shared, context: {}),
        ]
    }

    /// The catalogue as Markdown: a table per registry (name, summary, parameters with type,
    /// range and default); `builtIn` lists only the lab's own entries (docs/models.md).
    public static func markdown(builtIn: Bool) throws -> String {
        var out = "# Models a scenario file can name\n\n"
        out += "Generated from the registries by `gslab scenario models` (a test keeps this file equal to its output).\n"
        out += "A Swift user adds an entry with `register(_:)` on the registry (see Examples/CustomModels).\n"
        for k in kinds {
            out += "\n## \(k.title) — `\(k.key)`\n\n| name | what | parameters (type, default) |\n| --- | --- | --- |\n"
            for name in k.names(builtIn) {
                let params = try k.parameters(name).map { p in
                    "`\(p.name)` (\(p.kindDescription.replacingOccurrences(of: "|", with: "\\|")), \(p.defaultValue.map { "default \($0)" } ?? (p.isRequired ? "required" : "optional")))"
                }
                out += "| `\(name)` | \(try k.summary(name)) | \(params.isEmpty ? "—" : params.joined(separator: "; ")) |\n"
            }
        }
        out += "\n## Strategy language functions — `strategy.rules`, `strategy.let`, `strategy.confidence`\n\n"
        out += "Definitions, units and warm-ups: docs/strategies.md. A Swift user adds one with `ExpressionFunctions.register(_:)`.\n\n"
        out += "| function | what |\n| --- | --- |\n"
        let functions = ExpressionFunctions.builtIn + (builtIn ? [] : ExpressionFunctions.registeredNames.compactMap(ExpressionFunctions.named))
        for f in functions.sorted(by: { $0.name < $1.name }) {
            out += "| `\(f.signature.replacingOccurrences(of: "|", with: "\\|"))` | \(f.summary) |\n"
        }
        out += "\n## Cross-sectional operators — `portfolio.weights`, `portfolio.let`\n\n"
        out += "Across a universe's symbols at each bar; each `cs_` operator has a `group_` form within sectors (docs/portfolios.md). "
        out += "A Swift user adds one with `CrossSectionalFunctions.register(_:)`.\n\n"
        out += "| operator | what |\n| --- | --- |\n"
        for f in (builtIn ? CrossSectionalFunctions.builtIn.sorted { $0.name < $1.name } : CrossSectionalFunctions.all) {
            out += "| `\(f.signature)`, `group_\(f.word)` | \(f.summary) |\n"
        }
        return out
    }
}
