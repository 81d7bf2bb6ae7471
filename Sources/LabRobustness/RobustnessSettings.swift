/// What a run's robustness analysis computes and how (the scenario's `robustness:` section).
public struct RobustnessSettings: Sendable, Equatable {
    /// Whether the analysis runs at all (`robustness: off` turns it off).
    public var enabled = true
    /// Blocks S of the PBO's cross-validation (even, in ``BacktestOverfitting/blockRange``).
    public var blocks = 16
    /// Bootstrap replications B of the Reality Check and the SPA test.
    public var replications = 1000
    /// Mean block length of their stationary bootstrap, in periods; nil: ⌊√T⌋.
    public var blockLength: Int?
    /// What a strategy's excess return is measured against.
    public var benchmark: Benchmark = .buyAndHold
    /// The confidence a DSR, a PSR and the minimum track record length are read at (0.95: 95 %).
    public var confidence = 0.95
    /// Paths of the trade Monte Carlo.
    public var monteCarloPaths = 10_000
    /// The loss, a fraction of equity, whose probability the trade Monte Carlo reports.
    public var lossFraction = 0.2

    /// The default settings.
    public init() {}

    /// The benchmark of the Reality Check and the SPA test.
    public enum Benchmark: String, Sendable, Equatable, CaseIterable {
        /// Buying the instrument at the first bar and holding it (its close's period returns).
        case buyAndHold = "buy_and_hold"
        /// A zero return every period (cash).
        case zero
    }
}
