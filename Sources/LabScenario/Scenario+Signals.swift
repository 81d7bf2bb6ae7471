import Foundation
import LabCore
import LabData
import LabReport
import LabSignals

/// `strategy.signals`: signals computed outside the lab (in pandas, say), read from an HDF5 file
/// and aligned to the bars by timestamp.
public struct SignalsDeclaration: Sendable, Equatable {
    /// How signal rows meet bars.
    public enum Alignment: String, Sendable, Equatable, CaseIterable {
        /// Every bar has a row at its timestamp and every row a bar; the first mismatch is an error.
        case exact
        /// Each bar takes the latest row at or before its timestamp (bars before the first row get
        /// none); rows at no bar are skipped. Both are counted in the report.
        case ffill
    }

    /// The file, resolved against the scenario's folder (the dataset's file when not given).
    public var path: String
    /// The path as the scenario wrote it (or the dataset's).
    public var pathAsWritten: String
    /// The symbol (group) in the file; nil: the dataset's symbol.
    public var symbol: String?
    /// The column of wanted positions as fractions of equity in [−1, 1] (NaN keeps the position),
    /// or nil for rule columns.
    public var target: String?
    /// Rule columns by rule (0 or 1 per row).
    public var rules: [RuleKind: String]
    /// The confidence column (in [0, 1]), if any.
    public var confidence: String?
    /// How rows are aligned to bars.
    public var align: Alignment
    /// What a rule entry firing while its position is held does.
    public var reentry: Reentry

    /// The columns the scenario reads, in a stable order.
    public var usedColumns: [String] { ([target] + RuleKind.allCases.map { rules[$0] } + [confidence]).compactMap { $0 } }
}

extension Scenario {
    /// Parses `strategy.signals`.
    static func parseSignals(_ node: YAMLNode, folder: String, dataset: DatasetSpec) throws -> SignalsDeclaration {
        let m = try node.mapping()
        let pathNode = m.optional("path")
        let written = try pathNode?.string() ?? dataset.pathAsWritten
        let path =
            pathNode.map { _ in written.hasPrefix("/") ? written : URL(fileURLWithPath: folder).appendingPathComponent(written).standardized.path }
            ?? dataset.path
        let symbol = try m.optional("symbol")?.string()
        let target = try m.optional("column")?.string()
        var rules: [RuleKind: String] = [:]
        for rule in RuleKind.allCases { rules[rule] = try m.optional(rule.rawValue)?.string() }
        let confidence = try m.optional("confidence")?.string()
        var align = SignalsDeclaration.Alignment.exact
        if let a = m.optional("align") {
            guard let value = SignalsDeclaration.Alignment(rawValue: try a.string()) else { throw a.error("expected exact or ffill, got \(a.described())") }
            align = value
        }
        var reentry = Reentry.hold
        if let r = m.optional("reentry") {
            guard let value = Reentry(rawValue: try r.string()) else { throw r.error("expected hold or reopen, got \(r.described())") }
            reentry = value
        }
        try m.finish()
        switch (target, rules.isEmpty) {
        case (nil, true): throw node.error("needs column: (a target column) or rule columns (enter_long: …)")
        case (.some, false): throw node.error("takes column: (a target) or rule columns, not both")
        case (nil, false):
            guard rules[.enter_long] != nil || rules[.enter_short] != nil else { throw node.error("rule columns need enter_long or enter_short") }
            for (exit, entry) in [(RuleKind.exit_long, RuleKind.enter_long), (.exit_short, .enter_short)] where rules[exit] != nil && rules[entry] == nil {
                throw node.error("\(exit.rawValue) has no position to close without \(entry.rawValue)")
            }
        case (.some, true): break
        }
        return SignalsDeclaration(
            path: path, pathAsWritten: written, symbol: symbol, target: target, rules: rules, confidence: confidence, align: align, reentry: reentry)
    }
}

/// Signal columns read and aligned to a run's bars, with what the alignment did.
struct AlignedSignals {
    /// The columns, one value per bar.
    var columns: SignalColumns
    /// What the report says of them.
    var echo: RunReport.SignalsEcho
}

extension SignalsDeclaration {
    /// Reads the columns from the file and aligns them to `bars` (the bars after the date range and
    /// cleaning). `file` names the scenario in errors.
    /// - Throws: ``ScenarioError/run(_:)`` naming the file, symbol and column: a missing or
    ///   non-numeric column, values out of range, NaN where not allowed, rows not in time order,
    ///   and with `exact` alignment the first bar without a row or row without a bar.
    func load(for bars: BarSeries, scenarioFile file: String, datasetSymbol: String) throws -> AlignedSignals {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ScenarioError.run("\(file): strategy.signals.path: no such file \(pathAsWritten) (resolved to \(path))")
        }
        if let refusal = FileKind.readRefusal(path) { throw ScenarioError.run("\(file): strategy.signals.path: \(pathAsWritten) \(refusal)") }
        let table = try HDF5BarStore.readColumns(path, symbol: symbol ?? datasetSymbol)
        let at = "\(file): strategy.signals: \(pathAsWritten) /\(table.symbol)"
        func column(_ name: String) throws -> [Double] {
            if let reason = table.unusable[name] { throw ScenarioError.run("\(at): column \(name) is not numeric (\(reason)); write 0/1 or numbers") }
            guard let values = table.numeric[name] else {
                throw ScenarioError.run("\(at): no column \(name) (present: \(table.columns.joined(separator: ", ")))")
            }
            return values
        }
        let stamps = table.timestamps
        for i in stamps.indices.dropFirst() where stamps[i] <= stamps[i - 1] {
            throw ScenarioError.run("\(at): rows are not in strictly increasing time order at row \(i) (\(CivilTime.iso8601(stamps[i])))")
        }
        // Row feeding each bar (nil: none), by timestamp.
        var rowOf = [Int?](repeating: nil, count: bars.count)
        var filled = 0, matched = 0
        var r = 0
        for (b, t) in bars.timestamps.enumerated() {
            while r < stamps.count && stamps[r] < t {
                if align == .exact { throw ScenarioError.run("\(at): row \(r) (\(CivilTime.iso8601(stamps[r]))) matches no bar; align: ffill skips such rows") }
                r += 1
            }
            if r < stamps.count && stamps[r] == t {
                rowOf[b] = r
                matched += 1
                r += 1
            } else if align == .exact {
                throw ScenarioError.run("\(at): bar \(b) (\(CivilTime.iso8601(t))) has no row; align: ffill carries the row before forward")
            } else if r > 0 {
                rowOf[b] = r - 1
                filled += 1
            }
        }
        if align == .exact, r < stamps.count {
            throw ScenarioError.run("\(at): row \(r) (\(CivilTime.iso8601(stamps[r]))) matches no bar; align: ffill skips such rows")
        }
        func aligned(_ values: [Double], _ name: String, allowNaN: Bool, check: (Double) -> String?) throws -> [Double] {
            for (k, v) in values.enumerated() {
                if v.isNaN {
                    guard allowNaN else {
                        throw ScenarioError.run("\(at): column \(name) row \(k) (\(CivilTime.iso8601(stamps[k]))) is NaN, which \(name) may not be")
                    }
                    continue
                }
                if let reason = check(v) { throw ScenarioError.run("\(at): column \(name) row \(k) (\(CivilTime.iso8601(stamps[k]))) is \(v): \(reason)") }
            }
            return rowOf.map { $0.map { values[$0] } ?? .nan }
        }
        let content: SignalColumns.Content
        if let target {
            content = .target(
                try aligned(try column(target), target, allowNaN: true) { v in v >= -1 && v <= 1 ? nil : "outside [−1, 1]" })
        } else {
            var columns: [RuleKind: [Bool]] = [:]
            for (rule, name) in rules {
                let values = try aligned(try column(name), name, allowNaN: false) { v in v == 0 || v == 1 ? nil : "a rule column holds 0 or 1" }
                columns[rule] = values.map { $0 == 1 }
            }
            content = .rules(columns)
        }
        let confidenceValues = try confidence.map { name in
            try aligned(try column(name), name, allowNaN: false) { v in (0...1).contains(v) ? nil : "outside [0, 1]" }
        }
        let used = Set(usedColumns)
        let ignored = table.columns.filter { !used.contains($0) && (table.numeric[$0] != nil || table.unusable[$0] != nil) }
        return AlignedSignals(
            columns: SignalColumns(content: content, confidence: confidenceValues, reentry: reentry, count: bars.count),
            echo: RunReport.SignalsEcho(
                file: pathAsWritten, symbol: table.symbol, columns: usedColumns, align: align.rawValue, rows: stamps.count, matched: matched,
                filled: filled, skipped_rows: stamps.count - Set(rowOf.compactMap { $0 }).count, ignored_columns: ignored))
    }
}
