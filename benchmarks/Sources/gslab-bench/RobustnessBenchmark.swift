import Foundation
import LabCore
import LabRobustness

/// `gslab-bench robustness`: the robustness analysis' three costly parts on synthetic inputs of
/// the sizes, best of `runs`, on 2 workers:
/// - PBO (S = 16) over 1 000 combinations × 2 600 daily periods (1M minute bars at 390 a day);
/// - Reality Check and SPA with B = 1 000 over 100 combinations × 5 000 daily returns;
/// - the trade Monte Carlo with 10 000 paths of 1 000 trades.
/// Prints `robustness PBO_SECONDS SPA_SECONDS MONTE_CARLO_SECONDS`.
enum RobustnessBenchmark {
    static func run(runs: Int) {
        var rng = SeededRNG(seed: 21)
        func series(_ n: Int, _ t: Int) -> [[Double]] { (0..<n).map { _ in (0..<t).map { _ in rng.nextNormal() * 0.01 } } }
        let pboInput = series(1000, 2600)
        let pbo = best(runs) { blackHole(try! BacktestOverfitting.estimate(returns: pboInput, blocks: 16, workers: 2).get()) }
        let spaInput = series(100, 5000), benchmark = series(1, 5000)[0]
        let spa = best(runs) {
            var models = spaInput
            blackHole(try! SuperiorPredictiveAbility.test(models: &models, benchmark: benchmark, replications: 1000, seed: 1, workers: 2).get())
        }
        let trades = series(1, 1000)[0].map { $0 * 3 }
        let mc = best(runs) { blackHole(try! TradeMonteCarlo.simulate(returns: trades, paths: 10_000, lossFraction: 0.2, seed: 1, workers: 2).get()) }
        print("robustness \(pbo) \(spa) \(mc)")
    }
}
