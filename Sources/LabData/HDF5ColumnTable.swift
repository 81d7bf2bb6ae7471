import Foundation
import LabCore

/// Every column of one symbol's group with its timestamps, without requiring the bar fields: how a
/// signals file (a target or rule columns computed elsewhere, e.g. in pandas) is read.
public struct ColumnTable: Sendable {
    /// Symbol (group) read.
    public let symbol: String
    /// Layout it was stored in.
    public let layout: DatasetLayout
    /// Row times, ns UTC, labelled as bars are (daily rows at midnight UTC of their date).
    public let timestamps: [Int64]
    /// Every column in file order (the index or timestamp column first).
    public let columns: [String]
    /// The numeric columns (integers and booleans converted to Double), each `timestamps.count` long.
    public let numeric: [String: [Double]]
    /// Columns that are not numeric 1-D data, with the reason (`type: string`, a shape).
    public let unusable: [String: String]
}

extension HDF5BarStore {
    /// The columns of `symbol` in `path` (plain layout or pandas, as ``read(_:symbol:columnOverrides:)``
    /// reads them), none required but the timestamps.
    /// - Throws: ``LabDataError`` naming the file, symbol and column: no such symbol, no timestamp
    ///   column, a column whose length is not the index's.
    public static func readColumns(_ path: String, symbol: String) throws -> ColumnTable {
        let file = try HDF5File.openForReading(path)
        let entries = discover(file)
        let name = symbol.hasPrefix("/") ? String(symbol.dropFirst()) : symbol
        guard let entry = entries.first(where: { $0.symbol == name }) else {
            throw LabDataError.symbolNotFound(path: path, symbol: symbol, present: entries.map(\.symbol))
        }
        guard let layout = entry.layout else {
            throw LabDataError.unsupportedLayout(path: path, symbol: name, detail: entry.unsupportedReason ?? "unsupported")
        }
        guard let group = file.root.group(name) else { throw LabDataError.symbolNotFound(path: path, symbol: symbol, present: []) }
        var reader = ColumnarSource(path: path, symbol: name)
        reader.readsEveryColumn = true
        switch layout {
        case .plain: try reader.loadPlain(group)
        case .pandasFixed: try reader.loadPandasFixed(group)
        case .pandasTable: try reader.loadPandasTable(group)
        }
        guard let stamps = reader.timestamps else {
            throw LabDataError.columnMissing(path: path, symbol: name, field: "timestamp", present: reader.columns)
        }
        if let (first, last) = BarSeries.overflowingSpan(stamps) {
            throw LabDataError.badIndex(path: path, symbol: name, detail: LabCoreError.spanPhrase(first: first, last: last))
        }
        for (column, values) in reader.numeric where values.count != stamps.count {
            throw LabDataError.columnLengthMismatch(path: path, symbol: name, column: column, expected: stamps.count, actual: values.count)
        }
        let zone = (layout == .plain ? group.stringAttribute("timezone") : nil) ?? reader.timezone ?? "UTC"
        var unusable = reader.unusable
        for (k, v) in unusable where v.hasPrefix("type:") { unusable[k] = "type " + v.dropFirst(5) }
        return ColumnTable(
            symbol: name, layout: layout, timestamps: ColumnarSource.dateLabels(stamps, timezone: zone), columns: reader.columns,
            numeric: reader.numeric, unusable: unusable)
    }
}
