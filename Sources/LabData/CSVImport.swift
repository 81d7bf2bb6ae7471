import Foundation
import LabCore
import SwiftCSV

/// Imports OHLCV bars from a CSV file with a header line.
///
/// - The timestamp column is found through ``BarField/aliases`` (`Date`, `Datetime`, `timestamp`…)
///   or is the first column when its header cell is empty (a pandas index written by `to_csv`).
/// - Timestamps: ISO 8601 dates or date-times (see `CivilTime.parseISO8601`), or epoch numbers whose
///   unit is inferred from magnitude (< 1e11 seconds, < 1e14 ms, < 1e17 µs, else ns).
///   A date without a time is midnight UTC of that date (the exchange's calendar date). A
///   date-time without an offset is local time in `timezone`.
/// - Price and volume columns through ``BarField/aliases``, case-insensitive.
/// - Errors name the file and the line (`GOOG.csv:14: timestamp: "2004-13-01" is not …`).
public enum CSVImport {
    /// Reads `path` into a series named `symbol`. Returns the series and which column fed each field.
    public static func read(_ path: String, symbol: String, timezone: String = "UTC") throws -> (BarSeries, [BarField: String]) {
        try LabDataError.requireRegularFile(path)
        guard TimeZoneOffsets.isKnown(timezone) else {
            throw LabDataError.invalidParameter(owner: "csv import", field: "timezone", reason: "unknown time zone \"\(timezone)\"")
        }
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(url: URL(fileURLWithPath: path), delimiter: .comma, loadColumns: false)
        } catch {
            throw LabDataError.writeFailed(path: path, detail: "cannot read CSV: \(error)")
        }
        let header = csv.header
        guard !header.isEmpty, header != [""] else { throw LabDataError.csvEmpty(path: path) }
        var sources: [BarField: String] = [:]
        let timeIndex: Int
        if let name = ColumnMapping.column(for: .timestamp, in: header), let k = header.firstIndex(of: name) {
            timeIndex = k
        } else if header[0].trimmingCharacters(in: .whitespaces).isEmpty {
            timeIndex = 0
        } else {
            throw LabDataError.csvMissingColumn(path: path, field: "timestamp", header: header)
        }
        sources[.timestamp] = header[timeIndex].isEmpty ? "(index)" : header[timeIndex]
        var valueIndex: [BarField: Int] = [:]
        let others = header.enumerated().filter { $0.offset != timeIndex }.map(\.element)
        for field in BarField.values {
            guard let name = ColumnMapping.column(for: field, in: others), let k = header.firstIndex(of: name) else {
                throw LabDataError.csvMissingColumn(path: path, field: field.rawValue, header: header)
            }
            valueIndex[field] = k
            sources[field] = name
        }

        // The rows as written: `csv.rows` pads a short row with empty cells, which would read as NaN.
        var rows: [[String]] = []
        do { try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { rows.append($0) } } catch {
            throw LabDataError.writeFailed(path: path, detail: "cannot read CSV: \(error)")
        }
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(rows.count)
        var columns: [BarField: [Double]] = [:]
        for field in BarField.values { columns[field] = [] }
        for field in BarField.values { columns[field]!.reserveCapacity(rows.count) }
        for (r, row) in rows.enumerated() {
            let line = r + 2
            guard row.count == header.count else {
                throw LabDataError.csvRowLength(path: path, line: line, expected: header.count, actual: row.count)
            }
            let text = row[timeIndex].trimmingCharacters(in: .whitespaces)
            guard let t = parseTimestamp(text, timezone: timezone) else {
                if case .failure(.outOfRange) = CivilTime.parseISO8601Checked(Substring(text)) {
                    throw LabDataError.csvDateOutOfRange(path: path, line: line, text: text)
                }
                throw LabDataError.csvBadDate(path: path, line: line, text: text)
            }
            timestamps.append(t)
            for field in BarField.values {
                let cell = row[valueIndex[field]!].trimmingCharacters(in: .whitespaces)
                let value: Double
                if cell.isEmpty || cell.lowercased() == "nan" || cell.lowercased() == "null" {
                    value = .nan
                } else if let v = Double(cell) {
                    value = v
                } else {
                    throw LabDataError.csvBadNumber(path: path, line: line, column: sources[field]!, text: cell)
                }
                columns[field]!.append(value)
            }
        }
        if timestamps.isEmpty { throw LabDataError.emptyDataset(path: path, symbol: symbol) }
        let series = try BarSeries(
            symbol: symbol, timestamps: timestamps, open: columns[.open]!, high: columns[.high]!, low: columns[.low]!,
            close: columns[.close]!, volume: columns[.volume]!, timezone: timezone,
            metadata: ["source": URL(fileURLWithPath: path).lastPathComponent])
        return (series, sources)
    }

    /// Parses one timestamp cell (see the type's documentation). Nil when it is neither form.
    public static func parseTimestamp(_ text: String, timezone: String) -> Int64? {
        if let first = text.utf8.first, first >= 48 && first <= 57, text.count >= 10, text.utf8.dropFirst(4).first == 45 {
            guard let t = CivilTime.parseISO8601(Substring(text)) else { return nil }
            let hasTime = text.count > 10
            let hasOffset = hasTime && (text.hasSuffix("Z") || text.dropFirst(11).contains("+") || text.dropFirst(11).contains("-"))
            guard hasTime, !hasOffset, timezone != "UTC" else { return t }
            // Local wall time: subtract the zone's offset (evaluated at the UTC guess, then refined once).
            let (guess, o1) = t.subtractingReportingOverflow(Int64(TimeZoneOffsets.secondsFromUTC(timezone, at: t)) * CivilTime.nanosPerSecond)
            guard !o1 else { return nil }
            let (local, o2) = t.subtractingReportingOverflow(Int64(TimeZoneOffsets.secondsFromUTC(timezone, at: guess)) * CivilTime.nanosPerSecond)
            return o2 ? nil : local
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        let scale: Double =
            value < 1e11 ? 1e9 : value < 1e14 ? 1e6 : value < 1e17 ? 1e3 : 1
        let ns = value * scale
        guard ns < 9.2e18 else { return nil }
        return Int64(ns.rounded())
    }
}
