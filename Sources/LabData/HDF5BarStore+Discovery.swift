import CHDF5
import Foundation
import LabCore

/// Finding the symbols of a file: groups of the plain layout and pandas frames, depth first in
/// name order, from the object headers read directly when the file allows.
extension HDF5BarStore {
    /// The symbols of a file, in name order.
    public static func symbols(in path: String) throws -> [SymbolEntry] {
        discover(try HDF5File.openForReading(path))
    }

    /// The symbols of `file`, depth first in name order: from the object headers read directly
    /// (``discoverDirectly(_:_:)``) when every one of them can be, else through the library.
    static func discover(_ file: HDF5File) -> [SymbolEntry] {
        if let direct = file.direct, let entries = discoverDirectly(file, direct) { return entries }
        return discover(in: file.root)
    }

    /// ``discover(in:)`` of the root with every object header and every group's symbol table read
    /// by `direct` (the library lists the links of a group whose table it cannot read): opening
    /// each group and reading its attributes and its children's kinds through the library was
    /// most of the time of listing a universe of hundreds of symbols. Each group's links are
    /// classified on `workers` threads, then walked in order. Nil when some header cannot be read
    /// directly.
    static func discoverDirectly(
        _ file: HDF5File, _ direct: HDF5DirectReader, workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [SymbolEntry]? {
        var seen: Set<UInt64> = file.root.address.map { [UInt64($0)] } ?? []
        var entries: [SymbolEntry] = []
        func walk(_ path: String, at address: UInt64?, depth: Int) -> Bool {
            guard depth < maxGroupDepth else { return true }
            guard let links = (address.flatMap(direct.links(ofGroupAt:)) ?? file.hardLinks(path))?.filter({ !internalGroups.contains($0.name) })
            else { return false }
            // Each link's object classified on the worker pool (header reads only), then walked in order.
            guard let kinds = try? WorkerPool.map(links.count, workers: workers, { k in classifyDirectly(links[k].address, direct) }) else {
                return false
            }
            for (link, kind) in zip(links, kinds) {
                guard let kind else { return false }
                guard kind != .notGroup, seen.insert(link.address).inserted else { continue }
                let child = path == "/" ? link.name : path + "/" + link.name
                switch kind {
                case let .pandas(type): entries.append(pandasEntry(child, type))
                case .plain: entries.append(SymbolEntry(symbol: child, layout: .plain, unsupportedReason: nil))
                case .container: if !walk(child, at: link.address, depth: depth + 1) { return false }
                case .notGroup: break
                }
            }
            return true
        }
        return walk("/", at: file.root.address.map(UInt64.init), depth: 0) ? entries : nil
    }

    /// What ``discoverDirectly(_:_:workers:)`` makes of an object.
    enum DirectKind: Equatable {
        /// Not a group (a dataset, a named type).
        case notGroup
        /// A group with pandas' `pandas_type` attribute.
        case pandas(String)
        /// A group of the plain layout.
        case plain
        /// A group of groups.
        case container
    }

    /// The kind of the object at `address`, from its header and symbol table read directly (as
    /// ``classify(_:)`` decides through the library); nil when they cannot be read so.
    static func classifyDirectly(_ address: UInt64, _ direct: HDF5DirectReader) -> DirectKind? {
        guard let header = HDF5ObjectHeader(at: address, in: direct.file) else { return nil }
        guard header.isGroup else { return .notGroup }
        guard let attributes = header.stringAttributes(), let children = direct.links(ofGroupAt: address) else { return nil }
        if let pandasType = attributes["pandas_type"] { return .pandas(pandasType) }
        // By link names first (one header read), as `isPlainGroup` does; else every child's kind.
        let names = children.map(\.name)
        for name in [BarField.timestamp, .close].compactMap({ ColumnMapping.column(for: $0, in: names) }) {
            guard let h = HDF5ObjectHeader(at: children.first { $0.name == name }!.address, in: direct.file) else { return nil }
            if h.isDataset { return .plain }
        }
        var datasets: [String] = []
        for child in children {
            guard let h = HDF5ObjectHeader(at: child.address, in: direct.file) else { return nil }
            if h.isDataset { datasets.append(child.name) }
        }
        let plain = ColumnMapping.column(for: .timestamp, in: datasets) != nil || ColumnMapping.column(for: .close, in: datasets) != nil
        return plain ? .plain : .container
    }

    /// The entry of a group carrying pandas' `pandas_type` attribute.
    static func pandasEntry(_ symbol: String, _ pandasType: String) -> SymbolEntry {
        switch pandasType {
        case "frame": SymbolEntry(symbol: symbol, layout: .pandasFixed, unsupportedReason: nil)
        case "frame_table": SymbolEntry(symbol: symbol, layout: .pandasTable, unsupportedReason: nil)
        default: SymbolEntry(symbol: symbol, layout: nil, unsupportedReason: "pandas object of type \(pandasType) is not a DataFrame")
        }
    }

    /// How deep discovery descends into nested groups.
    static let maxGroupDepth = 32

    /// The symbols under `group`, depth first in name order, descending at most ``maxGroupDepth``
    /// levels and into each group once (a hard link to a group already seen — a cycle — is
    /// skipped).
    static func discover(in group: HDF5Group) -> [SymbolEntry] {
        var seen: Set<haddr_t> = group.address.map { [$0] } ?? []
        return discover(in: group, depth: 0, seen: &seen)
    }

    private static func discover(in group: HDF5Group, depth: Int, seen: inout Set<haddr_t>) -> [SymbolEntry] {
        guard depth < maxGroupDepth else { return [] }
        var entries: [SymbolEntry] = []
        for (name, kind) in group.children() where kind == .group && !internalGroups.contains(name) {
            guard let child = group.group(name), let address = child.address, seen.insert(address).inserted else { continue }
            if let entry = classify(child) {
                entries.append(entry)
            } else {
                entries.append(contentsOf: discover(in: child, depth: depth + 1, seen: &seen))
            }
        }
        return entries
    }

    /// The symbol `group` holds (a pandas DataFrame or a plain group), or nil for a group of groups.
    static func classify(_ group: HDF5Group) -> SymbolEntry? {
        let symbol = String(group.path.dropFirst())
        if let pandasType = group.stringAttribute("pandas_type") { return pandasEntry(symbol, pandasType) }
        return isPlainGroup(group) ? SymbolEntry(symbol: symbol, layout: .plain, unsupportedReason: nil) : nil
    }

    static func isPlainGroup(_ group: HDF5Group) -> Bool {
        // By link names first (no object read): a name that maps to the time or close column and
        // is a dataset decides; otherwise every child's kind is read, as the mapping needs.
        let names = group.linkNames()
        for field in [BarField.timestamp, .close] {
            if let name = ColumnMapping.column(for: field, in: names), group.isDataset(name) { return true }
        }
        let datasets = group.children().filter { $0.kind == .dataset }.map(\.name)
        return ColumnMapping.column(for: .timestamp, in: datasets) != nil || ColumnMapping.column(for: .close, in: datasets) != nil
    }
}
