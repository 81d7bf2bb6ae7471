import Foundation
import Testing

/// docs/report.schema.json types every section, and the reports `gslab run` writes conform to it:
/// the default scenario, a sweep, a portfolio, a walk-forward and the stress suite.
@Suite struct ReportSchemaTests {
    static func schema() throws -> JSONSchemaValidator {
        JSONSchemaValidator(root: try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: Run.repository + "/docs/report.schema.json"))))
    }

    @Test(arguments: ["default", "sweep", "multi-asset", "walk-forward", "stress-suite"])
    func realReportsConform(scenario: String) throws {
        let dir = scratch()
        let run = try Run("run", Run.repository + "/scenarios/\(scenario).yaml", "--out", dir, "--no-history")
        try #require(run.status == 0, "\(run.stderr)")
        let path = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        let report = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path)))
        let errors = try Self.schema().errors(report)
        #expect(errors.isEmpty, "\(errors.prefix(10).joined(separator: "\n"))")
    }

    /// A universe portfolio's report (made from a synthetic universe through the binary: `dataset
    /// synth --symbols`, then `run` of the bundled momentum scenario pointed at it) conforms too.
    @Test func universeReportConforms() throws {
        let dir = scratch()
        let synth = try Run("dataset", "synth", "--symbols", "30", "--bars", "400", "--seed", "5", "--out", dir + "/u.h5")
        try #require(synth.status == 0, "\(synth.stderr)")
        #expect(synth.stdout.hasPrefix("wrote a universe of 30 symbols ("))
        var text = try String(contentsOfFile: Run.repository + "/scenarios/momentum-universe.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "../datasets/universe-500.h5", with: "u.h5").replacingOccurrences(of: "{k: 50}", with: "{k: 5}")
            .replacingOccurrences(of: "ts_mean(returns, 252)", with: "ts_mean(returns, 60)")
        try text.write(toFile: dir + "/m.yaml", atomically: true, encoding: .utf8)
        let run = try Run("run", dir + "/m.yaml", "--out", dir, "--no-history")
        try #require(run.status == 0, "\(run.stderr)")
        let path = try #require(run.stdout.split(separator: "\n").first { $0.contains("report.json") }.map { String($0.split(separator: " ").last!) })
        let report = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path)))
        let errors = try Self.schema().errors(report)
        #expect(errors.isEmpty, "\(errors.prefix(10).joined(separator: "\n"))")
        let html = try String(contentsOfFile: path.replacingOccurrences(of: "report.json", with: "report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Universe portfolio</h2>") && html.contains("aria-label=\"weights heatmap\""))
    }

    /// No section is an untyped object: every object schema lists its properties or types its values.
    @Test func everyObjectIsTyped() throws {
        func untyped(_ v: JSONValue, _ path: String) -> [String] {
            switch v {
            case let .object(o):
                var found: [String] = []
                if o["type"] == .string("object") && o["properties"] == nil && (o["additionalProperties"] == nil || o["additionalProperties"] == .bool(true)) {
                    found.append(path)
                }
                for (k, sub) in o { found += untyped(sub, path + "/" + k) }
                return found
            case let .array(a): return a.enumerated().flatMap { untyped($1, "\(path)/\($0)") }
            default: return []
            }
        }
        let found = untyped(try Self.schema().root, "")
        #expect(found.isEmpty, "\(found)")
    }

    /// The checker fails what it should: a schema-1 key, a missing field, a wrong type, an unknown
    /// exit reason.
    @Test func theCheckerRejectsBrokenReports() throws {
        let schema = try Self.schema()
        let trade: [String: Any] = [
            "entry_bar": 1, "exit_bar": 3, "entry_time": 0, "exit_time": 1, "size": 2.0, "entry_price": 10.0, "exit_price": 11.0, "pnl": 2.0,
            "return_pct": 0.1, "commission": 0.0, "max_adverse_excursion": 0.0, "max_favorable_excursion": 0.1, "exit_reason": "signal",
        ]
        func errors(_ t: [String: Any]) throws -> [String] {
            // Only the trade definition: wrap it in a schema that refers to it.
            guard case let .object(top) = schema.root else { return ["no schema"] }
            var root = top
            root["$ref"] = .string("#/$defs/trade")
            root["required"] = nil
            root["properties"] = nil
            root["additionalProperties"] = nil
            root["type"] = nil
            let value = try JSONValue.parse(JSONSerialization.data(withJSONObject: t))
            return JSONSchemaValidator(root: .object(root)).errors(value)
        }
        #expect(try errors(trade).isEmpty)
        var camel = trade
        camel["entryBar"] = camel.removeValue(forKey: "entry_bar")
        #expect(try errors(camel).contains("$: missing entry_bar") && errors(camel).contains("$: unexpected key entryBar"))
        var wrong = trade
        wrong["exit_bar"] = "3"
        #expect(try errors(wrong).contains { $0.hasPrefix("$.exit_bar: expected integer") })
        var reason = trade
        reason["exit_reason"] = "margin_call"
        #expect(try errors(reason).contains { $0.hasPrefix("$.exit_reason:") })
    }
}
