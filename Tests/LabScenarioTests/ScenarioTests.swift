import Foundation
import LabCore
import LabExecution
import LabSignals
import Testing

@testable import LabScenario

/// The repository root (scenario paths in tests resolve against it).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A minimal valid scenario on the bundled GOOG data, with `extra` YAML appended.
func scenarioText(_ extra: String = "", name: String = "t") -> String {
    """
    name: \(name)
    dataset:
      path: datasets/GOOG.h5
      symbol: GOOG
    strategy:
      name: sma_cross
      params: {fast: 10, slow: 20}
    \(extra)
    """
}

func parse(_ text: String) throws -> Scenario { try Scenario.parse(text, file: "s.yaml", folder: repository) }

/// A new empty folder under the system temporary directory, named `prefix-<uuid>`.
func scratch(_ prefix: String = "gslab-scenario") -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func message(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

@Suite struct ScenarioParsingTests {
    @Test func defaultsAndPaths() throws {
        let s = try parse(scenarioText())
        #expect(s.name == "t" && s.seed == 42 && s.dataQuality == .clean)
        #expect(s.dataset.path == repository + "/datasets/GOOG.h5" && s.dataset.pathAsWritten == "datasets/GOOG.h5")
        #expect(s.parameterSets == [["fast": "10", "slow": "20"]])
        #expect(s.execution == .init(cash: 10_000))
        #expect(s.calibration == ConfidenceCalibrator())
    }

    @Test func sweepGridIsACartesianProduct() throws {
        let s = try parse(scenarioText("sweep:\n  grid:\n    fast: [5, 10]\n    slow: [30, 40, 50]"))
        #expect(s.parameterSets.count == 6)
        #expect(s.parameterSets.first == ["fast": "5", "slow": "30"] && s.parameterSets.last == ["fast": "10", "slow": "50"])
    }

    @Test func seededRandomSweep() throws {
        let text = scenarioText("sweep:\n  random:\n    samples: 12\n    ranges:\n      fast: [2, 9]\n      slow: [20, 60]")
        let a = try parse(text), b = try parse(text)
        #expect(a.parameterSets.count == 12 && a.parameterSets == b.parameterSets)
        for set in a.parameterSets {
            let f = Int(set["fast"]!)!, s = Int(set["slow"]!)!
            #expect((2...9).contains(f) && (20...60).contains(s))
        }
        #expect(Set(a.parameterSets.map { $0["slow"]! }).count > 3)
        let reseeded = try Scenario.parse(text, file: "s.yaml", folder: repository, seed: 99)
        #expect(reseeded.seed == 99 && reseeded.parameterSets != a.parameterSets)
        #expect(
            message { _ = try parse(scenarioText("sweep:\n  random:\n    samples: 5\n    ranges:\n      fast: [9, 2]")) }
                == "s.yaml:12:13: sweep.random.ranges.fast: expected low ≤ high, got [9.0, 2.0]")
    }

    @Test func everyShippedScenarioValidates() throws {
        let folder = repository + "/scenarios"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for f in files { #expect(throws: Never.self) { _ = try Scenario.load(folder + "/" + f) } }
    }

    @Test(arguments: [
        ("name: x\n", "s.yaml:1:1: dataset: missing (required)"),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\nexecution:\n  slippage:\n    model: fixed_bps\n    bps: ten\n",
            "s.yaml:9:10: execution.slippage.bps: expected a number in [0, 10000], got \"ten\""
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\n  simbol: GOOG\nstrategy:\n  name: sma_cross\n",
            "s.yaml:4:11: dataset.simbol: unknown key (did you mean \"symbol\"?)"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cros\n",
            "s.yaml:5:9: strategy.name: unknown strategy \"sma_cros\" (did you mean \"sma_cross\"?); known: bollinger, composite, donchian, ema_cross, macd, rsi_reversion, sma_cross, or your own under rules: (docs/strategies.md)"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\n  params: {fast: 30, slow: 10}\n",
            "s.yaml:5:3: strategy: sma_cross: slow: must be > fast (30), got 10"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\n  start: 2010-01-01\n  end: 2009-01-01\nstrategy:\n  name: sma_cross\n",
            "s.yaml:5:8: dataset.end: the date range is empty (end before start)"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\nsweep:\n  grid: {}\n",
            "s.yaml:7:9: sweep.grid: the grid has no parameters (zero combinations)"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\nsweep:\n  max_combinations: 3\n  grid:\n    fast: [1, 2]\n    slow: [30, 40]\n",
            "s.yaml:9:5: sweep.grid: 4 combinations exceed the cap of 3"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\nstress:\n  - name: crash\n    steps:\n      - transform: flash_crash\n        depht: 0.2\n",
            "s.yaml:9:9: stress[0].steps[0]: stress.flash_crash: depht: unknown parameter (known: at, depth, drop_bars, preset, recovery, recovery_bars, trough_bars); did you mean \"depth\"?"
        ),
        (
            "name: t\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\nfilters:\n  - rule: confidense\n    minimum: 0.5\n",
            "s.yaml:7:11: filters[0].rule: unknown filter rule \"confidense\" (did you mean \"confidence\"?)"
        ),
        (
            "name: ../evil\ndataset:\n  path: datasets/GOOG.h5\nstrategy:\n  name: sma_cross\n",
            "s.yaml:1:7: name: expected letters, digits, _ or - (at most 64, and 128 bytes of UTF-8), got \"../evil\""
        ),
        ("name: t\n  dataset: [\n", "s.yaml:2:10: invalid YAML: mapping values are not allowed in this context"),
    ])
    func badScenariosAreOneLineErrors(text: String, expected: String) {
        #expect(message { _ = try parse(text) } == expected)
    }

    @Test func missingFile() {
        #expect(message { _ = try Scenario.load("/nonexistent/x.yaml") } == "/nonexistent/x.yaml: no such scenario file")
    }
}

@Suite struct ScenarioSchemaTests {
    /// The JSON Schema lists exactly the keys the parser accepts (read from the parser's own
    /// "unknown key (known: …)" message), at the root and in `execution`.
    @Test func schemaAndParserAgree() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repository + "/scenarios/scenario.schema.json"))
        let schema = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let properties = schema["properties"] as! [String: Any]
        func known(_ text: String) -> Set<String> {
            let m = message { _ = try parse(text) }
            guard let open = m.range(of: "(known: ")?.upperBound, let close = m[open...].firstIndex(of: ")") else { return [] }
            return Set(m[open..<close].components(separatedBy: ", "))
        }
        #expect(known(scenarioText("zzz: 1")) == Set(properties.keys))
        let execution = (properties["execution"] as! [String: Any])["properties"] as! [String: Any]
        #expect(known(scenarioText("execution:\n  zzz: 1")) == Set(execution.keys))
    }
}

@Suite struct IntrabarScenarioTests {
    /// `execution.intrabar` picks the policy (a misspelt name is one line with a did-you-mean), and
    /// a job with a stop and a take-profit reports its policy and the ambiguous bars it decided.
    @Test func policyFromTheScenarioAndItsCount() throws {
        let bad = message { _ = try parse(scenarioText("execution:\n  exits: {stop_loss: 0.02, take_profit: 0.02}\n  intrabar: optimistc")) }
        #expect(bad == "s.yaml:10:13: execution.intrabar: expected pessimistic, optimistic, open_nearest, got \"optimistc\" (did you mean optimistic?)")
        var counts: [String: Int] = [:], finals: [String: String] = [:]
        for policy in ["pessimistic", "optimistic"] {
            let s = try parse(scenarioText("execution:\n  exits: {stop_loss: 0.02, take_profit: 0.02}\n  intrabar: \(policy)"))
            #expect(s.execution.exits.intrabar.rawValue == policy)
            let job = try ScenarioRunner(workers: 1).run(s).report.jobs[0]
            let section = try #require(job.intrabar)
            #expect(section.policy == policy)
            counts[policy] = section.ambiguous_bars
            finals[policy] = "\(job.stats["Equity Final [$]"]!)"
        }
        // GOOG daily with 2 % levels: some bars reach both, and the reading changes the result.
        #expect(counts["pessimistic"]! > 0 && counts["optimistic"]! > 0)
        #expect(finals["pessimistic"] != finals["optimistic"])
        // Without a take-profit no bar can be ambiguous: no section.
        let plain = try ScenarioRunner(workers: 1).run(try parse(scenarioText("execution:\n  exits: {stop_loss: 0.02}"))).report.jobs[0]
        #expect(plain.intrabar == nil)
    }
}
