import Foundation
import LabCore
import SwiftCSV

/// Which symbols of a file a universe takes (`dataset.symbols`).
public enum SymbolSelection: Sendable, Equatable {
    /// Every symbol of the file, in name order.
    case all
    /// These symbols, in this order.
    case list([String])
    /// The symbols whose name matches a shell pattern (`*`, `?`, `[a-z]`; POSIX `fnmatch`), in name order.
    case glob(String)

    /// The default limit on a universe's size (`dataset.max_symbols`).
    public static let defaultMaxSymbols = 20_000

    /// The chosen names among `available` (the file's symbols, in name order).
    /// - Throws: ``LabDataError/invalidParameter(owner:field:reason:)`` (owner `dataset`, field
    ///   `symbols`) for a pattern or list entry that matches nothing, or more than `maxSymbols`.
    public func resolve(in available: [String], file: String, maxSymbols: Int = defaultMaxSymbols) throws -> [String] {
        let chosen: [String]
        switch self {
        case .all:
            chosen = available
            guard !chosen.isEmpty else { throw LabDataError.noBarData(path: file) }
        case let .list(names):
            let present = Set(available)
            if let missing = names.first(where: { !present.contains($0) }) {
                throw LabDataError.symbolNotFound(path: file, symbol: missing, present: available)
            }
            chosen = names
        case let .glob(pattern):
            chosen = available.filter { fnmatch(pattern, $0, 0) == 0 }
            guard !chosen.isEmpty else {
                let sample = available.prefix(5).joined(separator: ", ") + (available.count > 5 ? ", …" : "")
                throw LabDataError.invalidParameter(
                    owner: "dataset", field: "symbols",
                    reason: "the pattern \"\(pattern)\" matches none of the \(available.count) symbols of \(file) (\(sample))")
            }
        }
        guard chosen.count <= maxSymbols else {
            throw LabDataError.invalidParameter(
                owner: "dataset", field: "symbols",
                reason: "\(chosen.count) symbols chosen from \(file), more than max_symbols (\(maxSymbols)); raise dataset.max_symbols or narrow the selection")
        }
        return chosen
    }
}

/// Groups (sectors) of a universe's symbols, for the `group_*` operators.
public enum SymbolGroups {
    /// The `symbol,sector` pairs of a CSV file with a header naming a `symbol` and a `sector` (or
    /// `group`) column; other columns are ignored.
    /// - Throws: ``LabDataError/invalidParameter(owner:field:reason:)`` naming the file for a
    ///   missing column, an empty sector or a symbol listed twice.
    public static func read(csv path: String) throws -> [String: String] {
        let table: NamedCSV
        do { table = try NamedCSV(url: URL(fileURLWithPath: path), delimiter: .comma, loadColumns: false) } catch {
            throw LabDataError.invalidParameter(owner: path, field: "sectors", reason: "cannot be read as CSV: \(error)")
        }
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let symbolColumn = header.firstIndex(of: "symbol"), let sectorColumn = header.firstIndex(of: "sector") ?? header.firstIndex(of: "group")
        else {
            throw LabDataError.invalidParameter(
                owner: path, field: "header", reason: "needs a symbol and a sector (or group) column, got \(table.header.joined(separator: ","))")
        }
        var out: [String: String] = [:]
        for (k, row) in table.rows.enumerated() {
            let symbol = (row[table.header[symbolColumn]] ?? "").trimmingCharacters(in: .whitespaces)
            let sector = (row[table.header[sectorColumn]] ?? "").trimmingCharacters(in: .whitespaces)
            guard !symbol.isEmpty, !sector.isEmpty else {
                throw LabDataError.invalidParameter(owner: path, field: "row \(k + 2)", reason: "needs a symbol and a sector")
            }
            guard out.updateValue(sector, forKey: symbol) == nil else {
                throw LabDataError.invalidParameter(owner: path, field: "row \(k + 2)", reason: "\(symbol) is listed twice")
            }
        }
        return out
    }

    /// The `sector` attribute of each symbol that has one (the plain layout keeps a group's string
    /// attributes in the series' metadata).
    public static func fromMetadata(_ series: [BarSeries]) -> [String: String] {
        var out: [String: String] = [:]
        for s in series { if let sector = s.metadata["sector"], !sector.isEmpty { out[s.symbol] = sector } }
        return out
    }
}
