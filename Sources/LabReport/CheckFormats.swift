import Foundation

/// How `gslab check` writes its verdict: a table for people, or what CI systems read.
public enum CheckFormat: String, CaseIterable, Sendable {
    /// The compact table (``BaselineComparison/rendered()``).
    case text
    /// JUnit XML: one test case per job × compared metric and per requirement.
    case junit
    /// GitHub Actions: `::error` annotations, and a Markdown summary for `$GITHUB_STEP_SUMMARY`.
    case github
    /// One JSON object with every comparison and requirement.
    case json
}

/// A report's verdict at the gate, in each ``CheckFormat``: the baseline comparison (when a
/// baseline was given) and the requirements.
public struct CheckVerdict: Sendable {
    /// The scenario the report ran.
    public var scenario: String
    /// The baseline comparison; nil when only requirements were checked.
    public var comparison: BaselineComparison?
    /// The requirements (the baseline's and the caller's).
    public var requirements: RequirementCheck

    /// The verdict of `comparison` (its own requirements) or, without a baseline, of `requirements`.
    public init(scenario: String, comparison: BaselineComparison?, requirements: RequirementCheck) {
        self.scenario = scenario
        self.comparison = comparison
        self.requirements = comparison?.requirements ?? requirements
    }

    /// What fails the gate: regressions, missing metrics and failed requirements.
    public var failures: Int { comparison?.regressions ?? requirements.failures }

    /// Whether a compared metric fails the gate.
    static func fails(_ row: BaselineComparison.Row) -> Bool { row.status == .regression || row.status == .missing }

    static func number(_ v: Double) -> String { v.isNaN ? "—" : String(format: "%.6g", v) }

    /// The failure message of a compared metric.
    static func message(_ row: BaselineComparison.Row) -> String {
        if row.metric == "(job)" { return "job \(row.job) is \(row.status == .missing ? "missing from the report" : "new in the report")" }
        return
            "\(row.metric) of \(row.job): \(row.status.rawValue): \(number(row.current)) against baseline \(number(row.baseline)), allowed ±\(number(row.allowed))"
    }

    /// The verdict as text, JUnit XML, GitHub annotations and summary, or JSON.
    public func rendered(_ format: CheckFormat) -> String {
        switch format {
        case .text:
            if let comparison { return comparison.rendered() }
            return requirements.rendered()
                + "\(requirements.failures) of \(requirements.lines.count) requirement\(requirements.lines.count == 1 ? "" : "s") failed\n"
        case .junit: return junit()
        case .github: return annotations() + summary()
        case .json: return json()
        }
    }

    /// JUnit XML: a suite for the baseline comparison (one test case per job × metric, a failure
    /// carrying the baseline, the value and the tolerance) and one for the requirements.
    public func junit() -> String {
        // HTML's escaping is XML's; control characters (not allowed in XML 1.0) become spaces.
        func attribute(_ s: String) -> String {
            HTMLText.escape(String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 ? " " : $0 })))
        }
        let checks = comparison?.checks ?? []
        let metricFailures = checks.filter(Self.fails).count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"gslab check\" tests=\"\(checks.count + requirements.lines.count)\" failures=\"\(metricFailures + requirements.failures)\">\n"
        if comparison != nil {
            xml += "  <testsuite name=\"\(attribute(scenario)) baseline\" tests=\"\(checks.count)\" failures=\"\(metricFailures)\">\n"
            for row in checks {
                xml += "    <testcase classname=\"\(attribute(scenario)).\(attribute(row.job))\" name=\"\(attribute(row.metric))\""
                if Self.fails(row) {
                    xml += ">\n      <failure type=\"\(row.status.rawValue)\" message=\"\(attribute(Self.message(row)))\">"
                    xml += "baseline=\(Self.number(row.baseline)) value=\(Self.number(row.current)) tolerance=\(Self.number(row.allowed))</failure>\n"
                    xml += "    </testcase>\n"
                } else {
                    xml +=
                        "><system-out>\(row.status.rawValue): baseline=\(Self.number(row.baseline)) value=\(Self.number(row.current)) tolerance=\(Self.number(row.allowed))</system-out></testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        if !requirements.lines.isEmpty {
            xml +=
                "  <testsuite name=\"\(attribute(scenario)) requirements\" tests=\"\(requirements.lines.count)\" failures=\"\(requirements.failures)\">\n"
            for line in requirements.lines {
                let value = line.value.map(Self.number) ?? "missing"
                xml += "    <testcase classname=\"\(attribute(scenario)).requirements\" name=\"\(attribute(line.requirement.description))\""
                if line.passed {
                    xml += "><system-out>\(attribute(line.requirement.name)) = \(value)</system-out></testcase>\n"
                } else {
                    let why = "\(line.requirement.name) = \(value)" + (line.reason.map { " (\($0))" } ?? "")
                    xml +=
                        ">\n      <failure type=\"requirement\" message=\"\(attribute("requirement \(line.requirement) failed: \(why)"))\">\(attribute(why))</failure>\n"
                    xml += "    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// GitHub Actions workflow commands: one `::error` line per failure (regression, missing
    /// metric or job, failed requirement), `::notice` for an improvement.
    public func annotations() -> String {
        // Workflow-command data escapes %, CR and LF; property values also : and ,.
        func data(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func property(_ s: String) -> String { data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
        var out = ""
        for row in comparison?.checks ?? [] where Self.fails(row) || row.status == .improvement {
            let kind = Self.fails(row) ? "error" : "notice"
            out += "::\(kind) title=\(property("gslab check \(scenario): \(row.metric)"))::\(data(Self.message(row)))\n"
        }
        for line in requirements.lines where !line.passed {
            let value = line.value.map(Self.number) ?? "missing"
            out +=
                "::error title=\(property("gslab check \(scenario): requirement"))::\(data("requirement \(line.requirement) failed: \(line.requirement.name) = \(value)" + (line.reason.map { " (\($0))" } ?? "")))\n"
        }
        return out
    }

    /// A Markdown summary for `$GITHUB_STEP_SUMMARY`: the verdict, the requirements and what moved.
    public func summary() -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var md = "### gslab check: \(cell(scenario)) — \(failures == 0 ? "passed" : "failed (\(failures))")\n\n"
        if !requirements.lines.isEmpty {
            md += "| requirement | value | result |\n| --- | --- | --- |\n"
            for line in requirements.lines {
                let value = line.value.map(Self.number) ?? "missing" + (line.reason.map { " (\($0))" } ?? "")
                md += "| `\(cell(line.requirement.description))` | \(cell(value)) | \(line.passed ? "ok" : "**failed**") |\n"
            }
            md += "\n"
        }
        if let comparison {
            let moved = comparison.rows
            if moved.isEmpty {
                md += "No metric moved beyond its tolerance (\(comparison.compared) compared).\n"
            } else {
                md += "| job | metric | baseline | value | allowed | status |\n| --- | --- | ---: | ---: | ---: | --- |\n"
                for row in moved {
                    let status = Self.fails(row) ? "**\(row.status.rawValue)**" : row.status.rawValue
                    md +=
                        "| \(cell(row.job)) | \(cell(row.metric)) | \(Self.number(row.baseline)) | \(Self.number(row.current)) | \(Self.number(row.allowed)) | \(status) |\n"
                }
                md += "\n\(comparison.compared) metrics compared.\n"
            }
        }
        return md
    }

    /// One JSON object (sorted keys; numbers that are not finite as null): the scenario, whether
    /// it passed, the failure count, every comparison and every requirement.
    public func json() -> String {
        func value(_ v: Double?) -> Any { v.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        let checks: [[String: Any]] = (comparison?.checks ?? []).map { row in
            [
                "job": row.job, "metric": row.metric, "baseline": value(row.baseline), "value": value(row.current), "allowed": value(row.allowed),
                "status": row.status.rawValue, "fails": Self.fails(row),
            ]
        }
        let required: [[String: Any]] = requirements.lines.map { line in
            var entry: [String: Any] = ["requirement": line.requirement.description, "value": value(line.value), "passed": line.passed]
            if let reason = line.reason { entry["reason"] = reason }
            return entry
        }
        var object: [String: Any] = ["scenario": scenario, "passed": failures == 0, "failures": failures, "requirements": required]
        if let comparison {
            object["compared"] = comparison.compared
            object["metrics"] = checks
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
