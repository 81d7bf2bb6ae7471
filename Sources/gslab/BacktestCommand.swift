import ArgumentParser
import Foundation
import LabBacktest
import LabCore
import LabData
import LabExecution
import LabMetrics
import LabSignals

/// `gslab backtest`: one backtest without a scenario file.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run one strategy on one symbol and print its statistics.",
        discussion: """
            Every signal of the strategy is traded (no filters), at the next bar's open, sized with all \
            available cash in whole units; the simulation starts after the strategy's warm-up. \
            --preset backtesting_py uses backtesting.py 0.6.6's conventions exactly (no slippage, commission \
            on both legs, trades still open at the end left out of the trade statistics), so its numbers can \
            be held against backtesting.py's `stats`. Statistics are printed in backtesting.py's names and \
            units (see docs/execution.md); --json prints them as one JSON object.
            Strategies: \(StrategyCatalog.names.filter { $0 != "composite" }.joined(separator: ", ")) (see docs/signals.md).
            """)

    @Argument(help: "HDF5 file (plain layout or written by pandas).")
    var file: String

    @Option(help: "Symbol in the file (optional when it holds one).")
    var symbol: String?

    @Option(help: "Strategy name, e.g. sma_cross.")
    var strategy: String

    @Option(name: .customLong("param"), help: "Strategy parameter as key=value (repeatable), e.g. --param fast=10.")
    var parameters: [String] = []

    @Option(help: "Convention preset: backtesting_py.")
    var preset: String?

    @Option(help: "Starting cash (account currency).")
    var cash: Double = 10_000

    @Option(help: "Commission per fill as a fraction of traded value, in [0, 0.1) (0.002 = 0.2 %).")
    var commission: Double = 0

    @Option(name: .customLong("slippage-bps"), help: "Slippage per fill in basis points of the price (not with --preset backtesting_py).")
    var slippageBps: Double = 0

    @Flag(help: "Print the statistics as JSON.")
    var json = false

    func run() throws {
        var values: [String: String] = [:]
        for p in parameters {
            let parts = p.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--param: expected key=value, got \"\(p)\"")
            }
            guard values[parts[0]] == nil else { throw ValidationError("--param: \(parts[0]) given twice") }
            values[parts[0]] = parts[1]
        }
        let strategy = try StrategyCatalog.make(StrategySpec(name: strategy, parameters: values))
        if let preset, preset != "backtesting_py" {
            throw ValidationError("--preset: unknown preset \"\(preset)\" (known: backtesting_py)")
        }
        guard cash > 0, cash.isFinite else { throw ValidationError("--cash: must be > 0, got \(cash)") }
        guard commission >= 0, commission < 0.1 else {
            throw ValidationError("--commission: must be in [0, 0.1) (the commission model's range), got \(commission)")
        }
        guard slippageBps >= 0, slippageBps.isFinite else { throw ValidationError("--slippage-bps: must be ≥ 0, got \(slippageBps)") }
        if preset != nil && slippageBps > 0 { throw ValidationError("--slippage-bps: backtesting.py has no slippage; drop it or the preset") }

        if symbol == nil {
            let present = try HDF5BarStore.symbols(in: file).map(\.symbol)
            if present.count > 1 {
                throw ValidationError("--symbol: \(file) holds \(present.count) symbols (\(present.joined(separator: ", "))); name one")
            }
        }
        // Annualised by the inferred trading calendar, or by backtesting.py's own rule under the preset (docs/data.md).
        let bars = CalendarInference.annualised(
            try HDF5BarStore.read(file, symbols: symbol.map { [$0] }).first!.series, rule: preset == nil ? .calendar : .backtestingPy)
        let warmUp = strategy.warmUp
        guard bars.count > warmUp + 1 else {
            throw ValidationError("\(file): \(bars.symbol): \(bars.count) bars, the strategy needs more than \(warmUp + 1)")
        }
        let config =
            preset == nil
            ? ExecutionSimulator.Config(
                cash: cash, commission: CommissionModel(rate: commission), slippage: slippageBps > 0 ? .fixedBasisPoints(slippageBps) : .none)
            : ExecutionSimulator.Config(cash: cash, commissionRate: commission)
        let table = try Backtest(simulator: try ExecutionSimulator(config: config), source: .strategy(strategy)).run(bars).statistics
        if json {
            let document = BacktestDocument(
                file: file, symbol: bars.symbol, strategy: strategy.name, parameters: values, preset: preset, cash: cash,
                commission: commission, slippage_bps: slippageBps, bars: bars.count, stats: table.dictionary, undefined_stats: table.undefinedByLabel)
            emit(String(decoding: try LabJSON.encode(document), as: UTF8.self))
        } else {
            emit(
                "\(bars.symbol) \(strategy.name)(\(values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", "))) on \(bars.count) bars\(preset.map { ", preset \($0)" } ?? "")\n"
            )
            emit(table.rendered())
        }
    }
}

/// JSON printed by `gslab backtest --json`.
struct BacktestDocument: Codable {
    var schema_version = 1
    let file: String
    let symbol: String
    let strategy: String
    let parameters: [String: String]
    let preset: String?
    let cash: Double
    let commission: Double
    let slippage_bps: Double
    let bars: Int
    let stats: [String: StatValue]
    /// Why each NaN statistic has no value, by label.
    var undefined_stats: [String: String]?
}
