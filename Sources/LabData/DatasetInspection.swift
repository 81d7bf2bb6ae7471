import Foundation
import LabCore

/// A summary of one symbol of a dataset file, as `gslab dataset inspect` prints it.
public struct SymbolSummary: Sendable, Codable, Equatable {
    /// Symbol (the group in the file).
    public let symbol: String
    /// Layout the file was read as: plain, pandas fixed or pandas table.
    public let layout: DatasetLayout
    /// Bars in the file.
    public let rows: Int
    /// First and last bar time, ISO 8601 UTC.
    public let first: String
    /// Last bar time, ISO 8601 UTC.
    public let last: String
    /// Inferred (or stored) bar frequency label.
    public let frequency: String?
    /// IANA time zone of the exchange.
    public let timezone: String
    /// Columns in the file, in file order.
    public let columns: [String]
    /// Field → column that fed it.
    public let columnSources: [String: String]
    /// First and last close.
    public let firstClose: Double
    /// Last close (price units).
    public let lastClose: Double

    enum CodingKeys: String, CodingKey {
        case symbol, layout, rows, first, last, frequency, timezone, columns
        case columnSources = "column_sources", firstClose = "first_close", lastClose = "last_close"
    }

    /// The summary of a loaded symbol.
    public init(_ loaded: LoadedSymbol) {
        let s = loaded.series
        symbol = s.symbol
        layout = loaded.layout
        rows = s.count
        first = CivilTime.iso8601(s.timestamps.first ?? 0)
        last = CivilTime.iso8601(s.timestamps.last ?? 0)
        frequency = s.frequency?.label
        timezone = s.timezone
        columns = loaded.columns
        columnSources = Dictionary(uniqueKeysWithValues: loaded.columnSources.map { ($0.key.rawValue, $0.value) })
        firstClose = s.close.first ?? .nan
        lastClose = s.close.last ?? .nan
    }

    /// The summary of a group without bar fields (a signals table): its columns and rows, no
    /// field mapping, NaN closes.
    public init(_ table: ColumnTable) {
        symbol = table.symbol
        layout = table.layout
        rows = table.timestamps.count
        first = CivilTime.iso8601(table.timestamps.first ?? 0)
        last = CivilTime.iso8601(table.timestamps.last ?? 0)
        frequency = BarFrequency.infer(timestamps: table.timestamps)?.label
        timezone = "UTC"
        columns = table.columns
        columnSources = [:]
        firstClose = .nan
        lastClose = .nan
    }

    /// The summaries of every symbol of `path`: bars where the group holds them, else its columns
    /// (a group without bar fields, such as a signals table, is listed rather than refused).
    public static func inspect(_ path: String) throws -> [SymbolSummary] {
        let entries = try HDF5BarStore.symbols(in: path)
        guard !entries.isEmpty else { throw LabDataError.noBarData(path: path) }
        return try entries.map { entry in
            do { return SymbolSummary(try HDF5BarStore.read(path, symbol: entry.symbol)) } catch LabDataError.columnMissing(_, _, let field, _)
                where field != "timestamp"
            {
                return SymbolSummary(try HDF5BarStore.readColumns(path, symbol: entry.symbol))
            }
        }
    }
}

/// JSON encoding used by every machine-readable output: sorted keys, pretty-printed, so the
/// same input always gives the same bytes.
public enum LabJSON {
    /// `value` as sorted-key JSON bytes ending in a newline: pretty-printed, or `compact` (no
    /// whitespace: report.json, whose sweep table may hold 10 000 rows; `jq .` shows it indented).
    /// Non-finite numbers are the strings `nan`, `inf`, `-inf`.
    /// - Throws: the encoder's error for a value JSON cannot hold.
    public static func encode<T: Encodable>(_ value: T, compact: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
