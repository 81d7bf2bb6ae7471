import Foundation
import LabCore

/// A universe stored as one long pandas table: one row per bar of one symbol, the time as the
/// index, a string column naming the symbol and the bar columns — what
/// `df.set_index("date").to_hdf(path, key="bars", format="table")` writes, with or without
/// `data_columns=["symbol"]`.
///
/// Rows may come in any order: each symbol's rows are taken in the table's order and sorted by
/// time when they are not already (two rows of one symbol at one time are refused). Column names
/// map to bar fields as for any pandas frame (``ColumnMapping``).
public enum LongTable {
    /// Reads the table `key` of `path` (the file's only pandas table when nil) and splits it into
    /// one ``LoadedSymbol`` per distinct value of `symbolColumn`, in name order.
    /// - Throws: ``LabDataError`` naming the file and the table or symbol: no such table (or
    ///   several and no key), no such string column, a bar column missing, two rows of one symbol at
    ///   one time.
    public static func read(_ path: String, key: String?, symbolColumn: String) throws -> [LoadedSymbol] {
        let file = try HDF5File.openForReading(path)
        let tables = HDF5BarStore.discover(file).filter { $0.layout == .pandasTable }.map(\.symbol)
        let name: String
        if let key {
            let trimmed = key.hasPrefix("/") ? String(key.dropFirst()) : key
            guard tables.contains(trimmed) else { throw LabDataError.symbolNotFound(path: path, symbol: key, present: tables) }
            name = trimmed
        } else {
            guard tables.count == 1 else {
                throw LabDataError.invalidParameter(
                    owner: path, field: "table",
                    reason: tables.isEmpty
                        ? "holds no pandas table (to_hdf(..., format=\"table\"))"
                        : "holds \(tables.count) pandas tables (\(tables.joined(separator: ", "))); name one with dataset.table")
            }
            name = tables[0]
        }
        guard let group = file.root.group(name) else { throw LabDataError.symbolNotFound(path: path, symbol: name, present: tables) }
        var whole = ColumnarSource(path: path, symbol: name)
        whole.readsEveryColumn = true
        whole.labelColumn = symbolColumn
        try whole.loadPandasTable(group)
        guard let stamps = whole.timestamps else {
            throw LabDataError.columnMissing(path: path, symbol: name, field: "timestamp", present: whole.columns)
        }
        // Rows of each symbol, in table order (a counting sort by code).
        let codes = whole.labels, m = whole.labelNames.count
        var starts = [Int](repeating: 0, count: m + 1)
        for c in codes { starts[Int(c) + 1] += 1 }
        for k in 0..<m { starts[k + 1] += starts[k] }
        var order = [Int](repeating: 0, count: codes.count)
        var next = starts
        for (row, c) in codes.enumerated() {
            order[next[Int(c)]] = row
            next[Int(c)] += 1
        }
        let columns = whole.columns.filter { $0 != symbolColumn }
        var out: [LoadedSymbol] = []
        let attributes = group.stringAttributes()
        for code in whole.labelNames.indices.sorted(by: { whole.labelNames[$0] < whole.labelNames[$1] }) {
            let symbol = whole.labelNames[code]
            var rows = Array(order[starts[code]..<starts[code + 1]])
            if rows.indices.dropFirst().contains(where: { stamps[rows[$0]] <= stamps[rows[$0 - 1]] }) {
                rows.sort { stamps[$0] != stamps[$1] ? stamps[$0] < stamps[$1] : $0 < $1 }
                if let k = rows.indices.dropFirst().first(where: { stamps[rows[$0]] == stamps[rows[$0 - 1]] }) {
                    throw LabDataError.invalidParameter(
                        owner: path, field: "\(name).\(symbolColumn)",
                        reason: "\(symbol) has two rows at \(CivilTime.iso8601(stamps[rows[k]])) (one bar per symbol and time)")
                }
            }
            var part = ColumnarSource(path: path, symbol: symbol)
            part.columns = columns
            part.timestamps = rows.map { stamps[$0] }
            part.timezone = whole.timezone
            part.rowCount = rows.count
            for (column, values) in whole.numeric { part.numeric[column] = rows.map { values[$0] } }
            part.unusable = whole.unusable.filter { $0.key != symbolColumn }
            out.append(try part.assemble(layout: .pandasTable, overrides: [:], attributes: attributes))
        }
        return out
    }
}
