import ArgumentParser
import Foundation
import LabCore
import LabData
import LabReport
import LabStress

struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Stress transforms on price data.",
        subcommands: [Suite.self]
    )

    struct Suite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the standard stress suite on a dataset: a table per scenario, optionally an SVG of the paths and JSON.",
            discussion: """
                Scenarios: baseline, flash_crash, vol_x2, vol_x3, garch_stressed, regime_switch, \
                liquidity_drought, gaps, correlation_breakdown (two or more symbols), bootstrap_1…N. \
                The same data and seed give the same output.
                """)

        @Argument(help: "HDF5 file.")
        var file: String

        @Option(
            name: .customLong("symbol"), help: "Symbols to stress together (repeatable; all when omitted). They must share one clock for correlation_breakdown."
        )
        var symbols: [String] = []

        @Option(help: "Random seed.")
        var seed: UInt64 = 42

        @Option(help: "Bootstrap paths in the suite.")
        var paths = 3

        @Option(help: "Write an SVG of the first symbol's close under every scenario (atomically).")
        var svg: String?

        @Option(help: "Write the per-scenario summary as JSON (atomically).")
        var json: String?

        @Option(name: .customLong("memory-limit"), help: "Memory budget in MB for the paths held (default: a quarter of physical memory).")
        var memoryLimit: Int?

        func run() throws {
            guard paths >= 0 else {
                throw LabStressError.invalidParameter(transform: "stress suite", field: "paths", reason: "must be ≥ 0, got \(paths)")
            }
            if let memoryLimit, memoryLimit < 1 { throw ValidationError("--memory-limit: must be ≥ 1 MB, got \(memoryLimit)") }
            // Each series annualised by its inferred trading calendar, so the presets fit it (docs/stress.md).
            let series = try HDF5BarStore.read(file, symbols: symbols.isEmpty ? nil : symbols).map { CalendarInference.annualised($0.series) }
            let plan = StressSuite.standard(for: series, bootstrapPaths: paths)
            let budget = memoryLimit ?? MemoryBudget.defaultMB
            let needed = MemoryBudget.megabytes(bars: series.reduce(0) { $0 + $1.count }, copies: plan.count + 1)
            guard needed <= Double(budget) else {
                throw ValidationError(
                    "--paths: \(plan.count) scenarios of \(series.reduce(0) { $0 + $1.count }) bars hold about \(String(format: "%.0f", needed)) MB, over the budget of \(budget) MB (--memory-limit)"
                )
            }
            let results = try StressSuite.run(plan, on: series, seed: seed)
            let summaries = results.map { r in SuiteEntry(scenario: r.name, symbols: r.data.series.map(PathSummary.init), annotations: r.data.annotations) }
            func cell(_ text: String, _ width: Int, right: Bool = true) -> String {
                let pad = String(repeating: " ", count: max(0, width - text.count))
                return right ? pad + text : text + pad
            }
            func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
            emit(
                cell("scenario", 22, right: false) + cell("symbol", 10, right: false) + cell("return", 11) + cell("vol (ann)", 11)
                    + cell("max DD", 11) + cell("worst bar", 11) + "\n")
            for entry in summaries {
                for s in entry.symbols {
                    emit(
                        cell(entry.scenario, 22, right: false) + cell(s.symbol, 10, right: false) + cell(percent(s.totalReturn), 11)
                            + cell(percent(s.annualVolatility), 11) + cell(percent(-s.maxDrawdown), 11) + cell(percent(s.worstBar), 11) + "\n")
                }
            }
            if let json {
                try AtomicFile.write(try LabJSON.encode(SuiteDocument(file: file, seed: seed, scenarios: summaries)), to: json)
                emit("summary written to \(json)\n")
            }
            if let svg {
                try AtomicFile.write(Data(StressSuiteChart.chart(results).render().utf8), to: svg)
                emit("chart written to \(svg)\n")
            }
        }
    }
}

/// JSON written by `gslab stress suite --json`.
struct SuiteDocument: Codable {
    var schema_version = 1
    let file: String
    let seed: UInt64
    let scenarios: [SuiteEntry]
}

struct SuiteEntry: Codable {
    let scenario: String
    let symbols: [PathSummary]
    let annotations: [StressAnnotation]
}
