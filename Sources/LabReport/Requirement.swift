import Foundation
import LabCore
import LabMetrics

/// A figure of the robustness analysis a CI gate can hold a report to (`gslab check --require`).
public enum RobustnessFigure: String, CaseIterable, Sendable {
    /// Deflated Sharpe ratio of the headline job.
    case dsr
    /// Probabilistic Sharpe ratio PSR(0) of the headline job.
    case psr
    /// Probability of backtest overfitting.
    case pbo
    /// Share of splits whose in-sample best loses out of sample.
    case pbo_probability_of_loss
    /// Hansen's consistent SPA p-value.
    case spa_p_value
    /// White's Reality Check p-value.
    case reality_check_p_value
    /// Minimum track record length in periods.
    case min_track_record
    /// Share of trade Monte Carlo paths losing the loss fraction or more.
    case monte_carlo_probability_of_loss
    /// Deflated Sharpe ratio of the walk-forward's out-of-sample returns.
    case walk_forward_dsr

    /// The figures a baseline keeps and compares (the minimum track record is left out: it follows
    /// from the Sharpe ratio, which is kept, and has no value when that is ≤ 0).
    public static let kept: [RobustnessFigure] = allCases.filter { $0 != .min_track_record }

    /// Whether a higher value speaks for the result (a DSR) rather than against it (a PBO, a p-value).
    public var higherIsBetter: Bool { [.dsr, .psr, .walk_forward_dsr].contains(self) }

    /// The figure in `report`, or why it is not there.
    public func value(in report: RobustnessReport?) -> Result<Double, Absence> {
        guard let r = report else { return .failure(Absence("the report has no robustness section (robustness: off)")) }
        let note = r.notes.first.map { Absence($0) } ?? Absence("the report has no \(rawValue)")
        func take(_ v: Double?) -> Result<Double, Absence> { v.map { .success($0) } ?? .failure(note) }
        switch self {
        case .dsr: return take(r.sharpe?.dsr)
        case .psr: return take(r.sharpe?.psr)
        case .pbo: return take(r.pbo?.pbo)
        case .pbo_probability_of_loss: return take(r.pbo?.probability_of_loss)
        case .spa_p_value: return take(r.spa?.spa_p_value)
        case .reality_check_p_value: return take(r.spa?.reality_check_p_value)
        case .min_track_record:
            guard let s = r.sharpe else { return .failure(note) }
            return take(s.min_track_record).mapError { _ in Absence("no track record length suffices: the Sharpe ratio is not above 0") }
        case .monte_carlo_probability_of_loss: return take(r.monte_carlo?.probability_of_loss)
        case .walk_forward_dsr: return take(r.walk_forward?.dsr)
        }
    }

    /// Why a figure is missing from a report.
    public struct Absence: Error, Sendable, Equatable {
        /// The report's own note, or what is missing.
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// `NAME OP NUMBER`: a requirement a report must meet (`dsr >= 0.95`, `pbo <= 0.2`,
/// `sharpe_ratio > 0.5`). NAME is a ``RobustnessFigure`` or a statistic of the headline job (by
/// id, label or alias); OP is one of `>=`, `<=`, `>`, `<`, `==`.
public struct Requirement: Sendable, Equatable, CustomStringConvertible {
    /// What is compared.
    public enum Figure: Sendable, Equatable {
        /// A robustness figure.
        case robustness(RobustnessFigure)
        /// A statistic of the headline job.
        case statistic(Statistic)
    }

    /// The comparison.
    public enum Comparison: String, Sendable, CaseIterable {
        /// `>=`, `<=`, `>`, `<`, `==`.
        case atLeast = ">=", atMost = "<=", greater = ">", less = "<", equal = "=="

        /// Whether `value` meets it against `threshold`.
        func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .atLeast: value >= threshold
            case .atMost: value <= threshold
            case .greater: value > threshold
            case .less: value < threshold
            case .equal: value == threshold
            }
        }
    }

    /// The figure.
    public var figure: Figure
    /// The comparison.
    public var comparison: Comparison
    /// The number it is compared with.
    public var threshold: Double

    /// The figure's name as the requirement writes it.
    public var name: String {
        switch figure {
        case let .robustness(f): f.rawValue
        case let .statistic(s): s.id
        }
    }

    /// `name op threshold`.
    public var description: String { "\(name) \(comparison.rawValue) \(String(format: "%.15g", threshold))" }

    /// Parses `text`; `field` names where it came from in an error.
    /// - Throws: ``RequirementError`` for a malformed comparison or an unknown name.
    public init(_ text: String, field: String) throws {
        let operators = Set("<>=!")
        guard let start = text.firstIndex(where: { operators.contains($0) }) else {
            throw RequirementError.malformed(field: field, text: text)
        }
        let end = text[start...].firstIndex { !operators.contains($0) } ?? text.endIndex
        let name = text[..<start].trimmingCharacters(in: .whitespaces)
        let number = text[end...].trimmingCharacters(in: .whitespaces)
        guard let comparison = Comparison(rawValue: String(text[start..<end])), !name.isEmpty, let threshold = Double(number), threshold.isFinite
        else { throw RequirementError.malformed(field: field, text: text) }
        if let f = RobustnessFigure(rawValue: name.lowercased()) {
            figure = .robustness(f)
        } else if let s = Statistic(named: name) {
            figure = .statistic(s)
        } else {
            let known = RobustnessFigure.allCases.map(\.rawValue) + Statistic.names
            throw RequirementError.unknown(
                field: field, name: name, suggestion: NameSuggestion.closest(to: name.replacingOccurrences(of: " ", with: "_"), in: known))
        }
        self.comparison = comparison
        self.threshold = threshold
    }

    /// The requirement's verdict on `report`: the value, and whether it holds (a figure the report
    /// does not have fails, with the reason).
    public func check(_ report: RunReport) -> (value: Double?, passed: Bool, reason: String?) {
        let value: Result<Double, RobustnessFigure.Absence>
        switch figure {
        case let .robustness(f): value = f.value(in: report.robustness)
        case let .statistic(s):
            if case let .number(v)? = report.headline?.stats[s.label] {
                value = .success(v)
            } else {
                value = .failure(.init("the headline job has no \(s.label)"))
            }
        }
        switch value {
        case let .success(v): return (v, !v.isNaN && comparison.holds(v, threshold), v.isNaN ? "\(name) is not a number" : nil)
        case let .failure(absence): return (nil, false, absence.reason)
        }
    }
}

/// Every requirement checked against one report.
public struct RequirementCheck: Sendable {
    /// One requirement's verdict.
    public struct Line: Sendable {
        /// The requirement.
        public var requirement: Requirement
        /// The report's value (nil when it has none).
        public var value: Double?
        /// Whether it holds.
        public var passed: Bool
        /// Why it could not be checked.
        public var reason: String?
    }

    /// One line per requirement, in the order given.
    public var lines: [Line]
    /// Requirements that fail.
    public var failures: Int { lines.filter { !$0.passed }.count }

    /// Checks `requirements` against `report`.
    public init(report: RunReport, requirements: [Requirement]) {
        lines = requirements.map { r in
            let (value, passed, reason) = r.check(report)
            return Line(requirement: r, value: value, passed: passed, reason: reason)
        }
    }

    /// One line a requirement: `ok` or `FAILED`, the requirement, the value (or why there is none).
    public func rendered() -> String {
        lines.map { line in
            let value = line.value.map { String(format: "%.6g", $0) } ?? "missing"
            return "\(line.passed ? "ok    " : "FAILED") requirement \(line.requirement): \(line.requirement.name) = \(value)"
                + (line.reason.map { " (\($0))" } ?? "") + "\n"
        }.joined()
    }
}

/// Errors of requirements: one line each, exit 2.
public enum RequirementError: LabError, Equatable {
    /// Not `NAME OP NUMBER`.
    case malformed(field: String, text: String)
    /// A name that is neither a robustness figure nor a statistic.
    case unknown(field: String, name: String, suggestion: String?)

    public var description: String {
        switch self {
        case let .malformed(field, text):
            "\(field): malformed requirement \"\(text.oneLine)\": expected NAME OP NUMBER with OP one of >=, <=, >, <, == (e.g. \"dsr >= 0.95\")"
        case let .unknown(field, name, suggestion):
            "\(field): unknown figure \"\(name.oneLine)\""
                + (suggestion.map { " (did you mean \"\($0)\"?)" }
                    ?? "; known: \(RobustnessFigure.allCases.map(\.rawValue).joined(separator: ", ")) or a statistic (gslab scenario models)")
        }
    }
}
