/// A bar field: the timestamp or one of the OHLCV columns.
public enum BarField: String, CaseIterable, Sendable, Codable {
    /// Bar time, then the price and volume columns.
    case timestamp, open, high, low, close, volume

    /// Accepted column names after normalisation (lower case, without spaces, `_`, `-`, `.`),
    /// in order of preference: `Close` wins over `Adj Close` when a file has both, so the close
    /// stays consistent with the unadjusted open, high and low.
    public var aliases: [String] {
        switch self {
        case .timestamp: ["timestamp", "timestamps", "time", "datetime", "date", "index", "ts"]
        case .open: ["open", "o", "openprice", "opening"]
        case .high: ["high", "h", "highprice", "max"]
        case .low: ["low", "l", "lowprice", "min"]
        case .close: ["close", "c", "closeprice", "last", "price", "adjclose", "adjustedclose", "closeadj"]
        case .volume: ["volume", "vol", "v", "qty", "quantity", "shares"]
        }
    }

    /// The price and volume fields (everything but the timestamp).
    public static let values: [BarField] = [.open, .high, .low, .close, .volume]
}

/// Matches a file's column names to bar fields, case-insensitively and through ``BarField/aliases``.
public enum ColumnMapping {
    /// Lower-cases and drops spaces, `_`, `-` and `.`: `Adj Close` → `adjclose`.
    public static func normalize(_ name: String) -> String {
        // ASCII names (nearly all) byte by byte: Character iteration was a visible cost of
        // reading a universe, whose every symbol maps six columns.
        let utf8 = name.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(utf8.count)
            for b in utf8 where b != 0x20 && b != 0x5F && b != 0x2D && b != 0x2E {
                bytes.append((0x41...0x5A).contains(b) ? b + 0x20 : b)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(name.lowercased().filter { !" _-.".contains($0) })
    }

    /// The column feeding `field`, or nil when none of its aliases is present.
    /// `overrides` (field → exact column name) takes precedence over the aliases.
    public static func column(for field: BarField, in columns: [String], overrides: [BarField: String] = [:]) -> String? {
        if let explicit = overrides[field] { return columns.contains(explicit) ? explicit : nil }
        let normalized = columns.map(normalize)
        for alias in field.aliases {
            if let k = normalized.firstIndex(of: alias) { return columns[k] }
        }
        return nil
    }
}
