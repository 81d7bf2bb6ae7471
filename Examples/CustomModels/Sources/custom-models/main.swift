// Registers the models, runs scenario.yaml (next to Package.swift, or the path given) through the
// lab's runner, and prints the headline job's statistics.
import Foundation
import LabScenario

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "scenario.yaml"
do {
    try CustomModels.register()
    let scenario = try Scenario.load(path)
    let report = try ScenarioRunner(workers: 2).run(scenario).report
    guard let headline = report.headline else { throw ScenarioError.run("no jobs") }
    print("headline job \(headline.id) \(headline.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) (\(report.headline_reason ?? ""))")
    for key in ["Return [%]", "Sharpe Ratio", "Slippage [$]", "# Trades"] { print("\(key) \(headline.stats[key].map { "\($0.number)" } ?? "-")") }
    print("combinations \(report.sweep.count)")
} catch {
    FileHandle.standardError.write(Data("custom-models: \(error)\n".utf8))
    exit(2)
}
