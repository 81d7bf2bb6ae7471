import CHDF5
import Foundation
import LabCore

/// How a symbol's bars are laid out in an HDF5 file.
public enum DatasetLayout: String, Sendable, Codable {
    /// The lab's own layout: a group per symbol with 1-D `timestamp`, `open`, `high`, `low`,
    /// `close`, `volume` datasets and string attributes (`timezone`, `frequency`, `source`, …).
    case plain
    /// pandas `DataFrame.to_hdf(format="fixed")`: `axis0` (columns), `axis1` (index) and
    /// `blockN_items` / `blockN_values` per dtype block.
    case pandasFixed = "pandas-fixed"
    /// pandas `DataFrame.to_hdf(format="table")`: a PyTables table with an `index` column,
    /// `values_block_N` array columns and one column per `data_columns` entry.
    case pandasTable = "pandas-table"
}

/// One symbol read from a file, with where each field came from.
public struct LoadedSymbol: Sendable {
    /// The bars.
    public let series: BarSeries
    /// Layout the symbol was stored in.
    public let layout: DatasetLayout
    /// Every column the file holds for the symbol, in file order (index first).
    public let columns: [String]
    /// Which file column fed each bar field (`close` → `Adj Close`).
    public let columnSources: [BarField: String]

    /// The file's columns that feed no bar field (nor the plain layout's `spread`): what a run
    /// names as ignored rather than dropping silently.
    public var unusedColumns: [String] {
        let used = Set(columnSources.values)
        return columns.filter { !used.contains($0) && !(layout == .plain && $0 == "spread") }
    }
}

/// A symbol found in a file, before its data is read.
public struct SymbolEntry: Sendable, Equatable {
    /// Symbol name: the group path without the leading `/` (`GOOG`, `equities/GOOG`).
    public let symbol: String
    /// Detected layout, or nil when the group is a pandas object the lab cannot read.
    public let layout: DatasetLayout?
    /// Why the group cannot be read, when `layout` is nil.
    public let unsupportedReason: String?
}

/// Options for writing the plain layout.
public struct HDF5WriteOptions: Sendable {
    /// Rows per chunk; 0 writes contiguous datasets (unless gzip is on).
    public var chunkRows: Int
    /// Deflate level 1…9, 0 for none. Compression implies chunking.
    public var gzipLevel: Int

    /// Contiguous and uncompressed unless given.
    public init(chunkRows: Int = 0, gzipLevel: Int = 0) {
        self.chunkRows = chunkRows
        self.gzipLevel = gzipLevel
    }
}

/// Reads and writes bar data in HDF5 files: the plain layout (read and write) and files written
/// by pandas `to_hdf` in `fixed` and `table` format (read).
///
/// Timestamps come out as ns since the epoch, UTC; a pandas DatetimeIndex of any unit
/// (`s`, `ms`, `us`, `ns`) is converted and its time zone, if any, kept as the series' `timezone`.
/// Integer price and volume columns are converted to `Double`; string columns are rejected.
/// Every failure is a ``LabDataError`` naming the file, symbol and column.
public enum HDF5BarStore {
    /// Group names PyTables/pandas use internally; never symbols.
    static let internalGroups: Set<String> = ["_i_table"]

    // MARK: Reading

    /// Reads the given symbols (all when `symbols` is nil), in the order asked (name order for all).
    /// - Parameter columnOverrides: exact column names to use for some fields, bypassing the aliases.
    public static func read(
        _ path: String, symbols wanted: [String]? = nil, columnOverrides: [BarField: String] = [:]
    ) throws -> [LoadedSymbol] {
        let file = try HDF5File.openForReading(path)
        let chosen: [SymbolEntry]
        if let wanted {
            // Each wanted group opened and classified directly: no walk over the whole file (a
            // universe of thousands of symbols); the walk only names what is present on a miss.
            chosen = try wanted.map { name in
                let trimmed = name.hasPrefix("/") ? String(name.dropFirst()) : name
                guard !trimmed.isEmpty, !internalGroups.contains(trimmed), let group = file.root.group(trimmed), let entry = classify(group),
                    entry.symbol == trimmed
                else {
                    throw LabDataError.symbolNotFound(path: path, symbol: name, present: discover(file).map(\.symbol))
                }
                return entry
            }
        } else {
            chosen = discover(file)
            guard !chosen.isEmpty else { throw LabDataError.noBarData(path: path) }
        }
        return try chosen.map { try read(entry: $0, file: file, overrides: columnOverrides) }
    }

    /// Reads the symbols `entries` found (``symbols(in:)``) in `path`, in their order, without
    /// classifying their groups again: those ``HDF5DirectReader`` reads on `workers` threads, the
    /// others through the HDF5 library on this thread.
    public static func read(
        _ path: String, entries: [SymbolEntry], columnOverrides: [BarField: String] = [:], workers: Int = 1
    ) throws -> [LoadedSymbol] {
        try read(path, entries: entries, columnOverrides: columnOverrides, workers: workers) { _ in () }.map(\.symbol)
    }

    /// ``read(_:entries:columnOverrides:workers:)``, each symbol then given to `process` on the
    /// worker that read it, while its columns are still in the core's cache (a symbol read through
    /// the library: on the worker pool afterwards); results in the entries' order.
    public static func read<T: Sendable>(
        _ path: String, entries: [SymbolEntry], columnOverrides: [BarField: String] = [:], workers: Int = 1,
        then process: @escaping @Sendable (LoadedSymbol) -> T
    ) throws -> [(symbol: LoadedSymbol, processed: T)] {
        let file = try HDF5File.openForReading(path)
        var done = [(symbol: LoadedSymbol, processed: T)?](repeating: nil, count: entries.count)
        if let direct = file.direct, let address = file.root.address, let links = direct.links(ofGroupAt: UInt64(address)) {
            let root = Dictionary(links.map { ($0.name, $0.address) }, uniquingKeysWith: { a, _ in a })
            done =
                try WorkerPool.map(entries.count, workers: workers) { k in
                    guard entries[k].layout == .plain, let plan = direct.plan(entries[k].symbol, root: root),
                        let symbol = direct.read(plan, overrides: columnOverrides)
                    else { return nil }
                    return (symbol, process(symbol))
                } ?? done
        }
        // The rest through the library, in order (a symbol whose groups' links it lists may still
        // be read directly), then processed on the pool.
        let rest = entries.indices.filter { done[$0] == nil }
        var read: [LoadedSymbol] = []
        for k in rest { read.append(try Self.read(entry: entries[k], file: file, overrides: columnOverrides)) }
        let symbols = read
        let processed = try WorkerPool.map(rest.count, workers: workers) { i in process(symbols[i]) }!
        for (i, k) in rest.enumerated() { done[k] = (symbols[i], processed[i]) }
        return done.map { $0! }
    }

    /// Reads one symbol.
    public static func read(_ path: String, symbol: String, columnOverrides: [BarField: String] = [:]) throws -> LoadedSymbol {
        try read(path, symbols: [symbol], columnOverrides: columnOverrides)[0]
    }

    /// Reads one symbol: through ``HDF5DirectReader`` when `direct` and it can, else through the library.
    static func read(entry: SymbolEntry, file: HDF5File, overrides: [BarField: String], direct: Bool = true) throws -> LoadedSymbol {
        if direct, entry.layout == .plain, let reader = file.direct, let plan = file.directPlan(entry.symbol),
            let loaded = reader.read(plan, overrides: overrides)
        {
            return loaded
        }
        guard let layout = entry.layout else {
            throw LabDataError.unsupportedLayout(path: file.path, symbol: entry.symbol, detail: entry.unsupportedReason ?? "unsupported")
        }
        guard let group = file.root.group(entry.symbol) else {
            throw LabDataError.symbolNotFound(path: file.path, symbol: entry.symbol, present: [])
        }
        var reader = ColumnarSource(path: file.path, symbol: entry.symbol, overrides: overrides)
        switch layout {
        case .plain: try reader.loadPlain(group)
        case .pandasFixed: try reader.loadPandasFixed(group)
        case .pandasTable: try reader.loadPandasTable(group)
        }
        return try reader.assemble(layout: layout, overrides: overrides, attributes: group.stringAttributes())
    }

    // MARK: Writing

    /// Writes `series` in the plain layout, replacing `path` atomically (temporary file, then rename).
    public static func write(_ series: [BarSeries], to path: String, options: HDF5WriteOptions = HDF5WriteOptions()) throws {
        guard (0...9).contains(options.gzipLevel) else {
            throw LabDataError.invalidParameter(owner: "hdf5 writer", field: "gzipLevel", reason: "must be 0…9, got \(options.gzipLevel)")
        }
        guard options.chunkRows >= 0 else {
            throw LabDataError.invalidParameter(owner: "hdf5 writer", field: "chunkRows", reason: "must be ≥ 0, got \(options.chunkRows)")
        }
        try AtomicFile.write(to: path) { temporary in
            let file = try HDF5File.create(temporary)
            let root = file.root
            for s in series {
                let group = try root.createGroup(s.symbol)
                try group.write("timestamp", s.timestamps, chunkRows: options.chunkRows, gzipLevel: options.gzipLevel)
                for (name, column) in [("open", s.open), ("high", s.high), ("low", s.low), ("close", s.close), ("volume", s.volume)] {
                    try group.write(name, column, chunkRows: options.chunkRows, gzipLevel: options.gzipLevel)
                }
                if let spread = s.spread {
                    try group.write("spread", spread, chunkRows: options.chunkRows, gzipLevel: options.gzipLevel)
                }
                try group.setStringAttribute("symbol", s.symbol)
                try group.setStringAttribute("timezone", s.timezone)
                if let f = s.frequency { try group.setStringAttribute("frequency", f.label) }
                for key in s.metadata.keys.sorted() where !ColumnarSource.reservedAttributes.contains(key) {
                    try group.setStringAttribute(key, s.metadata[key]!)
                }
            }
            try file.flush()
        }
    }
}

/// Columns read from one group before they become a `BarSeries`.
struct ColumnarSource {
    let path: String
    let symbol: String
    var columns: [String] = []
    var timestamps: [Int64]?
    var timezone: String?
    /// Numeric columns by name (already converted to Double), or the reason a column is unusable.
    var numeric: [String: [Double]] = [:]
    var unusable: [String: String] = [:]
    /// Rows declared by the index (pandas) or the timestamp column.
    var rowCount: Int?

    static let reservedAttributes: Set<String> = [
        "symbol", "timezone", "frequency", "CLASS", "TITLE", "VERSION", "PYTABLES_FORMAT_VERSION",
    ]

    /// Explicit field → column choices (see `HDF5BarStore.read`).
    let overrides: [BarField: String]
    /// Read every numeric column of a pandas table, not only those feeding a bar field (what
    /// `HDF5BarStore.readColumns` asks for).
    var readsEveryColumn = false
    /// A fixed-length string column of a pandas table to read as codes (a long table's symbol
    /// column): `labels` row by row, indices into `labelNames` in order of first appearance.
    var labelColumn: String?
    var labels: [Int32] = []
    var labelNames: [String] = []

    init(path: String, symbol: String, overrides: [BarField: String] = [:]) {
        self.path = path
        self.symbol = symbol
        self.overrides = overrides
    }

    // MARK: Plain layout

    mutating func loadPlain(_ group: HDF5Group) throws {
        // Each hard link opened as a dataset once (what is not a dataset is left out): listing the
        // children's kinds first read every object header twice.
        let links = group.linkNames()
        var opened: [String: HDF5Dataset] = [:]
        for name in links { if let ds = group.dataset(name) { opened[name] = ds } }
        let names = links.filter { opened[$0] != nil }
        columns = names
        guard let timeColumn = ColumnMapping.column(for: .timestamp, in: names), let ds = opened[timeColumn] else {
            throw LabDataError.columnMissing(path: path, symbol: symbol, field: "timestamp", present: names)
        }
        let shape = ds.shape
        guard shape.count == 1 else {
            throw LabDataError.columnShape(path: path, symbol: symbol, column: timeColumn, detail: "expected a 1-D dataset, got shape \(shape)")
        }
        guard case .integer = ds.typeClass else {
            throw LabDataError.badIndex(
                path: path, symbol: symbol,
                detail: "column \(timeColumn) has type \(ds.typeClass.name), expected int64 nanoseconds since the epoch")
        }
        let unit = ds.stringAttribute("unit") ?? "ns"
        guard let scale = Self.nanosPerUnit(unit) else {
            throw LabDataError.badIndex(path: path, symbol: symbol, detail: "unknown unit attribute \"\(unit)\" (use s, ms, us or ns)")
        }
        try checkRows(shape[0], columns: names.count, dataset: timeColumn)
        rowCount = shape[0]
        timestamps = try nanoseconds(ds.readAll(as: Int64.self, count: shape[0]), scale: scale, unit: unit)
        for name in names where name != timeColumn {
            guard let column = opened[name] else { continue }
            let s = column.shape
            guard s.count == 1 else {
                unusable[name] = "expected a 1-D dataset, got shape \(s)"
                continue
            }
            switch column.typeClass {
            case .integer, .float:
                numeric[name] = try column.readAll(as: Double.self, count: s[0])
            case let other:
                unusable[name] = "type:" + other.name
            }
        }
    }

    /// Throws unless `rows` rows of `columns` columns fit ``ReadLimits/current`` (checked before
    /// `dataset`, a path inside the symbol's group, is read).
    func checkRows(_ rows: Int, columns: Int, dataset: String) throws {
        if let refusal = ReadLimits.current.refusal(rows: rows, columns: columns) {
            throw LabDataError.datasetRefused(path: path, dataset: "/\(symbol)/\(dataset)", detail: refusal)
        }
    }

    /// `stamps` in `unit` (`scale` nanoseconds each) as nanoseconds; throws naming the first row
    /// whose value does not fit an int64 of nanoseconds (outside 1677-09-21 … 2262-04-11).
    func nanoseconds(_ stamps: [Int64], scale: Int64, unit: String) throws -> [Int64] {
        guard scale != 1 else { return stamps }
        var out = stamps
        for i in out.indices {
            let (ns, overflow) = stamps[i].multipliedReportingOverflow(by: scale)
            guard !overflow else {
                throw LabDataError.badIndex(
                    path: path, symbol: symbol,
                    detail: "row \(i): \(stamps[i]) \(unit) is outside the nanosecond range 1677-09-21 … 2262-04-11")
            }
            out[i] = ns
        }
        return out
    }

    static func nanosPerUnit(_ unit: String) -> Int64? {
        switch unit {
        case "ns": 1
        case "us": 1_000
        case "ms": 1_000_000
        case "s": 1_000_000_000
        default: nil
        }
    }

    /// Converts a pandas index `kind` (`datetime64`, `datetime64[us]`, `integer`) to a unit scale.
    func indexScale(kind: String?) throws -> Int64 {
        guard let kind else { return 1 }
        if kind == "datetime64" || kind == "integer" { return 1 }
        if kind.hasPrefix("datetime64["), kind.hasSuffix("]") {
            let unit = String(kind.dropFirst("datetime64[".count).dropLast())
            if let s = Self.nanosPerUnit(unit) { return s }
        }
        throw LabDataError.badIndex(
            path: path, symbol: symbol, detail: "index kind \"\(kind)\" is neither integer nor a pandas DatetimeIndex")
    }

    // MARK: pandas format="fixed"

    mutating func loadPandasFixed(_ group: HDF5Group) throws {
        if group.stringAttribute("axis1_variety") == "multi" || group.stringAttribute("axis0_variety") == "multi" {
            throw LabDataError.unsupportedLayout(
                path: path, symbol: symbol,
                detail: "pandas MultiIndex frames are not supported (reset_index() or select one level before to_hdf)")
        }
        guard let axis0 = group.dataset("axis0"), let axis1 = group.dataset("axis1") else {
            throw LabDataError.unsupportedLayout(path: path, symbol: symbol, detail: "pandas fixed frame without axis0/axis1")
        }
        let columnNames = (try? axis0.readStrings()) ?? []
        let indexName = axis1.stringAttribute("name").flatMap { $0 == "N." ? nil : $0 } ?? "index"
        columns = [indexName] + columnNames
        let indexShape = axis1.shape
        guard indexShape.count == 1 else {
            throw LabDataError.badIndex(path: path, symbol: symbol, detail: "index axis1 has shape \(indexShape), expected a 1-D dataset")
        }
        let n = indexShape[0]
        try checkRows(n, columns: columnNames.count + 1, dataset: "axis1")
        rowCount = n
        let kind = axis1.stringAttribute("kind")
        guard case .integer = axis1.typeClass else {
            throw LabDataError.badIndex(
                path: path, symbol: symbol,
                detail: "index has type \(axis1.typeClass.name) (kind \(kind ?? "?")); expected integer or a pandas DatetimeIndex")
        }
        let scale = try indexScale(kind: kind)
        timestamps = try nanoseconds(axis1.readAll(as: Int64.self, count: n), scale: scale, unit: kind ?? "ns")
        if let tz = axis1.stringAttribute("tz"), !tz.isEmpty { timezone = tz }

        // Every block holds at least one column: more blocks than columns cannot be meant (and a
        // count of 2^31 would be a loop of 2^31 lookups).
        let blocks = group.integerAttribute("nblocks") ?? 0
        guard blocks >= 0, blocks <= max(columnNames.count, 1) else {
            throw LabDataError.unsupportedLayout(
                path: path, symbol: symbol, detail: "nblocks \(blocks) is outside 0 … \(max(columnNames.count, 1)) (one block per dtype of the columns)")
        }
        for b in 0..<Int(blocks) {
            guard let itemsSet = group.dataset("block\(b)_items"), let values = group.dataset("block\(b)_values") else { continue }
            let items = (try? itemsSet.readStrings()) ?? []
            let typeClass = values.typeClass
            guard HDF5Dataset.ElementKind(typeClass) != nil else {
                for item in items { unusable[item] = "type:" + typeClass.name }
                continue
            }
            let shape = values.shape
            guard shape.count == 2 else { continue }
            // pandas stores the block transposed (rows × items) unless the flag says otherwise.
            let transposed = values.integerAttribute("transposed").map { $0 != 0 } ?? true
            let rows = transposed ? shape[0] : shape[1]
            let width = transposed ? shape[1] : shape[0]
            guard width == items.count, let cells = values.elementCount else { continue }
            let flat = try values.readAll(as: Double.self, count: cells)
            for (k, item) in items.enumerated() {
                var column = [Double](repeating: 0, count: rows)
                if transposed {
                    for r in 0..<rows { column[r] = flat[r * width + k] }
                } else {
                    for r in 0..<rows { column[r] = flat[k * rows + r] }
                }
                numeric[item] = column
            }
        }
    }

    // MARK: pandas format="table"

    mutating func loadPandasTable(_ group: HDF5Group) throws {
        let levels = group.stringAttribute("levels").flatMap(PickleValue.parse)?.stringList?.count ?? 1
        if levels > 1 || (group.stringAttribute("table_type") ?? "").contains("multi") {
            throw LabDataError.unsupportedLayout(
                path: path, symbol: symbol,
                detail: "pandas MultiIndex frames are not supported (reset_index() or select one level before to_hdf)")
        }
        guard let table = group.dataset("table") else {
            throw LabDataError.unsupportedLayout(path: path, symbol: symbol, detail: "pandas table frame without a table dataset")
        }
        let tableShape = table.shape
        guard tableShape.count == 1 else {
            throw LabDataError.unsupportedLayout(path: path, symbol: symbol, detail: "pandas table has shape \(tableShape), expected a 1-D table")
        }
        let n = tableShape[0]
        rowCount = n
        let (native, recordSize, members) = try table.nativeRecordLayout()
        let indexColumn =
            group.stringAttribute("index_cols").flatMap(PickleValue.parse).flatMap { value -> String? in
                guard case let .list(items) = value, case let .tuple(pair)? = items.first, pair.count == 2,
                    case let .string(name) = pair[1]
                else { return nil }
                return name
            } ?? "index"
        guard let indexMember = members.first(where: { $0.name == indexColumn }) else {
            throw LabDataError.badIndex(path: path, symbol: symbol, detail: "pandas table has no \(indexColumn) column")
        }
        let kind = table.stringAttribute("\(indexColumn)_kind")
        guard indexMember.width == 1, case .integer(8, _) = indexMember.typeClass else {
            throw LabDataError.badIndex(
                path: path, symbol: symbol,
                detail: "index has type \(indexMember.typeClass.name) (kind \(kind ?? "?")); expected integer or a pandas DatetimeIndex")
        }
        let scale = try indexScale(kind: kind)
        if let info = group.stringAttribute("info").flatMap(PickleValue.parse), let tz = info[indexColumn]?["tz"] {
            timezone = Self.timezoneName(tz)
        }

        var names: [String] = []
        var wanted: [(name: String, offset: Int, kind: HDF5Dataset.ElementKind)] = []
        var label: (offset: Int, size: Int)?
        for member in members where member.name != indexColumn {
            // values_block_N columns carry their item names in the `<member>_kind` attribute (a pickled list).
            let items = table.stringAttribute("\(member.name)_kind").flatMap(PickleValue.parse)?.stringList ?? [member.name]
            names.append(contentsOf: items)
            guard items.count == member.width else {
                for item in items { unusable[item] = "block width \(member.width) does not match its \(items.count) names" }
                continue
            }
            if let labelColumn, member.typeClass == .string, let k = items.firstIndex(of: labelColumn) {
                label = (member.offset + k * member.elementSize, member.elementSize)
            }
            guard let kind = HDF5Dataset.ElementKind(member.typeClass) else {
                for item in items { unusable[item] = "type:" + member.typeClass.name }
                continue
            }
            for (k, item) in items.enumerated() { wanted.append((item, member.offset + k * kind.size, kind)) }
        }
        // Only the columns that feed a bar field are extracted (every column for a column table),
        // in one pass over the table read in cache-sized blocks.
        if !readsEveryColumn {
            let fieldColumns = Set(BarField.values.compactMap { ColumnMapping.column(for: $0, in: wanted.map(\.name), overrides: overrides) })
            wanted = wanted.filter { fieldColumns.contains($0.name) }
        }
        try checkRows(n, columns: wanted.count + 1, dataset: "table")
        var gatherer = RecordGatherer(
            columns: wanted.map { ($0.offset, $0.kind) }, int64Offset: indexMember.offset, recordSize: recordSize, rows: n)
        if let labelColumn, label == nil {
            throw LabDataError.columnMissing(path: path, symbol: symbol, field: labelColumn, present: [indexColumn] + names)
        }
        var codes = LabelCodes()
        if label != nil { labels = [Int32](repeating: 0, count: n) }
        let blockRows = max(1, (512 << 10) / max(recordSize, 1))
        try table.forEachRecordBlock(native: native, recordSize: recordSize, rows: n, blockRows: blockRows) { block, rows in
            gatherer.add(block: block, rows: rows)
            if let label {
                for (k, row) in rows.enumerated() {
                    labels[row] = codes.code(
                        UnsafeRawBufferPointer(rebasing: block[(k * recordSize + label.offset)..<(k * recordSize + label.offset + label.size)]))
                }
            }
        }
        labelNames = codes.names
        for (w, column) in zip(wanted, gatherer.outputs) { numeric[w.name] = column }
        timestamps = try nanoseconds(gatherer.int64Output, scale: scale, unit: kind ?? "ns")

        // Present the columns in the frame's original order when pandas recorded it.
        if let axes = group.stringAttribute("non_index_axes").flatMap(PickleValue.parse),
            case let .list(pairs) = axes, case let .tuple(pair)? = pairs.first, pair.count == 2,
            let ordered = pair[1].stringList, Set(ordered) == Set(names)
        {
            names = ordered
        }
        columns = [indexColumn] + names
    }

    /// The IANA name inside a pickled tzinfo (`zoneinfo.ZoneInfo`, `pytz`, `datetime.timezone.utc`).
    static func timezoneName(_ value: PickleValue) -> String? {
        if case let .string(s) = value { return s }
        let strings = value.allStrings
        if strings.contains(where: { $0.hasSuffix("timezone") || $0.hasSuffix("UTC") || $0.hasSuffix("utc") }),
            !strings.contains(where: { $0.contains("/") })
        {
            return "UTC"
        }
        return strings.first { $0.contains("/") || $0 == "UTC" }
    }

    // MARK: Assembly

    /// Daily (or longer) bars stamped at local midnight of a non-UTC zone (a tz-aware pandas
    /// DatetimeIndex of dates) are re-stamped at midnight UTC of the same local date, the lab's
    /// convention for daily bars (see `BarSeries`). Anything else is returned unchanged.
    static func dateLabels(_ timestamps: [Int64], timezone: String) -> [Int64] {
        func localMidnight(_ t: Int64) -> Int64? {
            let offset = Int64(TimeZoneOffsets.secondsFromUTC(timezone, at: t)) * CivilTime.nanosPerSecond
            let (local, overflow) = t.addingReportingOverflow(offset)
            return !overflow && local % CivilTime.nanosPerDay == 0 ? local : nil
        }
        // The first bar decides most files before the frequency is inferred (a pass over them all).
        guard timezone != "UTC", timestamps.count >= 2, TimeZoneOffsets.isKnown(timezone), localMidnight(timestamps[0]) != nil,
            let f = BarFrequency.infer(timestamps: timestamps), !f.isIntraday
        else { return timestamps }
        var out = timestamps
        for i in out.indices {
            guard let local = localMidnight(timestamps[i]) else { return timestamps }
            out[i] = local
        }
        return out
    }

    /// The bars of the columns read, with the symbol group's string `attributes` (time zone,
    /// frequency, metadata).
    func assemble(layout: DatasetLayout, overrides: [BarField: String], attributes: [String: String]) throws -> LoadedSymbol {
        guard let timestamps else {
            throw LabDataError.columnMissing(path: path, symbol: symbol, field: "timestamp", present: columns)
        }
        // Before the frequency is inferred for the date labels (its differences would overflow).
        if let (first, last) = BarSeries.overflowingSpan(timestamps) {
            throw LabDataError.badIndex(path: path, symbol: symbol, detail: LabCoreError.spanPhrase(first: first, last: last))
        }
        var sources: [BarField: String] = [
            .timestamp: layout == .plain ? (ColumnMapping.column(for: .timestamp, in: columns) ?? "timestamp") : columns.first ?? "index"
        ]
        var values: [BarField: [Double]] = [:]
        let candidates = columns.filter { $0 != sources[.timestamp] }
        for field in BarField.values {
            guard let name = ColumnMapping.column(for: field, in: candidates, overrides: overrides) else {
                throw LabDataError.columnMissing(path: path, symbol: symbol, field: field.rawValue, present: columns)
            }
            if let reason = unusable[name] {
                if reason.hasPrefix("type:") {
                    throw LabDataError.columnType(path: path, symbol: symbol, column: name, found: String(reason.dropFirst(5)))
                }
                throw LabDataError.columnShape(path: path, symbol: symbol, column: name, detail: reason)
            }
            guard let column = numeric[name] else {
                throw LabDataError.columnMissing(path: path, symbol: symbol, field: field.rawValue, present: columns)
            }
            guard column.count == timestamps.count else {
                throw LabDataError.columnLengthMismatch(
                    path: path, symbol: symbol, column: name, expected: timestamps.count, actual: column.count)
            }
            values[field] = column
            sources[field] = name
        }
        if timestamps.isEmpty { throw LabDataError.emptyDataset(path: path, symbol: symbol) }
        if timestamps.count == 1 { throw LabDataError.tooFewRows(path: path, symbol: symbol, rows: 1) }

        var metadata: [String: String] = [:]
        if layout == .plain {
            for (name, v) in attributes where !Self.reservedAttributes.contains(name) { metadata[name] = v }
        }
        let storedTimezone = layout == .plain ? attributes["timezone"] : nil
        let frequency = attributes["frequency"].flatMap(BarFrequency.init(label:))
        let zone = storedTimezone ?? timezone ?? "UTC"
        let stamps = Self.dateLabels(timestamps, timezone: zone)
        // Optional quoted spread (plain layout only; fraction of mid).
        var spread: [Double]? = nil
        if layout == .plain, let column = numeric["spread"] {
            guard column.count == timestamps.count else {
                throw LabDataError.columnLengthMismatch(
                    path: path, symbol: symbol, column: "spread", expected: timestamps.count, actual: column.count)
            }
            spread = column
        }
        let series = try BarSeries(
            symbol: symbol, timestamps: stamps,
            open: values[.open]!, high: values[.high]!, low: values[.low]!, close: values[.close]!, volume: values[.volume]!,
            spread: spread, frequency: frequency, timezone: zone, metadata: metadata)
        return LoadedSymbol(series: series, layout: layout, columns: columns, columnSources: sources)
    }
}

extension HDF5Object {
    /// Names of the object's attributes, in name order.
    ///
    /// The count comes first (`H5Aget_num_attrs`) and names are read in storage order, then sorted:
    /// no call past the last attribute, so no error stack to clear.
    func attributeNames() -> [String] {
        let count = H5Aget_num_attrs(handle.id)
        guard count > 0 else {
            if count < 0 { _ = HDF5Library.errorStack() }
            return []
        }
        var names: [String] = []
        for index in 0..<hsize_t(count) {
            let size = H5Aget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, nil, 0, hid_t(H5P_DEFAULT))
            guard size >= 0 else {
                _ = HDF5Library.errorStack()
                break
            }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            H5Aget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, &buffer, Int(size) + 1, hid_t(H5P_DEFAULT))
            names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names.sorted()
    }
}

/// Fixed-length strings (NUL-padded bytes) to codes in order of first appearance, a row at a time:
/// the previous row's code is reused when its bytes repeat (long tables come grouped).
struct LabelCodes {
    private var index: [[UInt8]: Int32] = [:]
    private var last: [UInt8] = []
    private var lastCode: Int32 = -1
    /// The strings, by code.
    private(set) var names: [String] = []

    /// The code of `bytes` (trailing NULs and spaces ignored).
    mutating func code(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0 || bytes[end - 1] == 0x20) { end -= 1 }
        let key = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if lastCode >= 0 && key.elementsEqual(last) { return lastCode }
        let copy = [UInt8](key)
        let code: Int32
        if let known = index[copy] {
            code = known
        } else {
            code = Int32(names.count)
            index[copy] = code
            names.append(String(decoding: copy, as: UTF8.self))
        }
        last = copy
        lastCode = code
        return code
    }
}
