import LabCore
import LabRobustness

extension Scenario {
    /// Reads `robustness:` — `off`/`false`, or `{blocks, bootstrap, block_length, benchmark,
    /// confidence, monte_carlo: {paths, loss_fraction}}` (docs/robustness.md).
    static func parseRobustness(_ node: YAMLNode) throws -> RobustnessSettings {
        var settings = RobustnessSettings()
        if let s = node.scalarText, ["off", "false"].contains(s.lowercased()) {
            settings.enabled = false
            return settings
        }
        let m = try node.mapping()
        if let b = m.optional("blocks") {
            let range = BacktestOverfitting.blockRange
            let blocks = try b.integer(minimum: range.lowerBound, "an even number of blocks in \(range.lowerBound)...\(range.upperBound)")
            guard blocks % 2 == 0, range.contains(blocks) else {
                throw b.error("expected an even number of blocks in \(range.lowerBound)...\(range.upperBound), got \(blocks)")
            }
            settings.blocks = blocks
        }
        if let b = m.optional("bootstrap") {
            settings.replications = try b.integer(minimum: 1, "replications ≥ 1")
            if settings.replications > 100_000 { throw b.error("expected replications in 1...100000, got \(settings.replications)") }
        }
        settings.blockLength = try m.optional("block_length")?.integer(minimum: 1, "periods ≥ 1")
        if let b = m.optional("benchmark") {
            let name = try b.string()
            guard let benchmark = RobustnessSettings.Benchmark(rawValue: name) else {
                let names = RobustnessSettings.Benchmark.allCases.map(\.rawValue)
                let hint = NameSuggestion.closest(to: name, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw b.error("unknown benchmark \"\(name)\"\(hint); expected \(names.joined(separator: " or "))")
            }
            settings.benchmark = benchmark
        }
        settings.confidence = try m.optional("confidence")?.number(0.5...0.9999, "a probability in [0.5, 0.9999]") ?? settings.confidence
        if let mc = try m.optional("monte_carlo")?.mapping() {
            if let p = mc.optional("paths") {
                settings.monteCarloPaths = try p.integer(minimum: 1, "paths ≥ 1")
                if settings.monteCarloPaths > 1_000_000 { throw p.error("expected paths in 1...1000000, got \(settings.monteCarloPaths)") }
            }
            settings.lossFraction = try mc.optional("loss_fraction")?.number(1e-6...1, "a fraction in (0, 1]") ?? settings.lossFraction
            try mc.finish()
        }
        try m.finish()
        return settings
    }
}
