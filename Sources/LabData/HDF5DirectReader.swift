import Foundation
import LabCore

/// An HDF5 file opened for reading bytes at addresses (`pread`, safe from any number of threads).
final class HDF5RawFile: @unchecked Sendable {
    let path: String
    /// Size of the file in bytes when it was opened.
    let size: UInt64
    private let descriptor: Int32

    /// The file, or nil when it cannot be opened.
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 0 else {
            close(fd)
            return nil
        }
        self.path = path
        self.size = UInt64(info.st_size)
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// `count` bytes at `address`, or nil when they are not all in the file.
    func bytes(at address: UInt64, count: Int) -> HDF5Bytes? {
        guard count >= 0, address <= size, UInt64(count) <= size - address else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        let ok = buffer.withUnsafeMutableBytes { read(into: $0, at: address) }
        return ok ? HDF5Bytes(buffer) : nil
    }

    /// Fills `buffer` from `address`; false when the file ends first or a read fails.
    func read(into buffer: UnsafeMutableRawBufferPointer, at address: UInt64) -> Bool {
        guard address <= size, UInt64(buffer.count) <= size - address else { return false }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(address) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// Reads plain-layout symbols whose columns are contiguous, uncompressed 64-bit datasets (what
/// `HDF5BarStore.write` writes, and h5py by default) straight from the file's bytes, on any
/// thread: the groups' symbol tables (``links(ofGroupAt:)``, ``plan(_:root:)``), the object
/// headers and the data are read with `pread`; the library is asked where a symbol's objects are
/// (``HDF5File/directPlan(_:)``) only for a group whose table is not read here.
///
/// Opening a dataset through the library costs about 17 µs (its object header decoded into
/// property lists and caches), which for a universe of 500 symbols × 6 columns was most of the time
/// of reading it; and the library reads on one thread. Anything this reader does not handle — a
/// version 2 object header, chunked or compressed storage, another element type, a
/// variable-length string attribute, a file with a user block — makes ``read(_:overrides:)``
/// return nil, and the caller reads the symbol through the library, which also words every error.
/// The two paths give the same `LoadedSymbol` (HDF5DirectReaderTests checks every fixture).
final class HDF5DirectReader: @unchecked Sendable {
    let file: HDF5RawFile

    /// Where one symbol's objects are in the file.
    struct Plan: Sendable {
        let symbol: String
        /// Address of the symbol's group's object header.
        let group: UInt64
        /// The group's hard links in name order, with the address of the object each points to.
        let links: [(name: String, address: UInt64)]
    }

    /// A reader of `path`, or nil when the file is not one it reads: a superblock other than at
    /// byte 0 (a user block), addresses or lengths not of 8 bytes, a base address other than 0.
    init?(path: String) {
        #if _endian(big)
            return nil
        #else
            guard let file = HDF5RawFile(path: path), let superblock = file.bytes(at: 0, count: 40),
                superblock.slice(0, 8).map({ (0..<8).map($0.u8) }) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A],
                let version = superblock.u8(8)
            else { return nil }
            let sizes: (Int, Int), base: Int
            switch version {
            case 0, 1: (sizes, base) = ((13, 14), version == 0 ? 24 : 28)
            case 2, 3: (sizes, base) = ((9, 10), 12)
            default: return nil
            }
            guard superblock.u8(sizes.0) == 8, superblock.u8(sizes.1) == 8, superblock.u64(base) == 0 else { return nil }
            self.file = file
        #endif
    }

    /// The hard links of the group whose object header is at `address`, in name order, each with
    /// the address of the object it points to: the group's symbol table (an old-style group: a
    /// version 1 B-tree of symbol nodes, names in a local heap) read directly; nil for any other
    /// group (links stored in the header or densely) or a table that does not add up.
    func links(ofGroupAt address: UInt64) -> [(name: String, address: UInt64)]? {
        guard let header = HDF5ObjectHeader(at: address, in: file),
            !header.messages.contains(where: { $0.type == 0x02 || $0.type == 0x06 }),
            let table = header.messages.first(where: { $0.type == 0x11 }), let tree = table.body.u64(0), let heapAddress = table.body.u64(8),
            let heap = file.bytes(at: heapAddress, count: 32), heap.slice(0, 4).map({ $0.string() }) == "HEAP", heap.u8(4) == 0,
            let heapSize = heap.u64(8), heapSize <= UInt64(Self.maxTableBytes), let dataAddress = heap.u64(24),
            let names = file.bytes(at: dataAddress, count: Int(heapSize))
        else { return nil }
        var links: [(name: String, address: UInt64)] = []
        var budget = Self.maxTableNodes
        /// Appends the links under the B-tree node at `node` (children left to right); false when
        /// the tree does not add up.
        func visit(_ node: UInt64, depth: Int) -> Bool {
            budget -= 1
            guard budget >= 0, depth <= 64, let head = file.bytes(at: node, count: 24), head.slice(0, 4)?.string() == "TREE", head.u8(4) == 0,
                let level = head.u8(5), let used = head.u16(6),
                let body = file.bytes(at: node + 24, count: Int(used) * 16 + 8)
            else { return false }
            for k in 0..<Int(used) {
                guard let child = body.u64(16 * k + 8) else { return false }
                if level > 0 {
                    guard visit(child, depth: depth + 1) else { return false }
                } else {
                    guard let symbols = file.bytes(at: child, count: 8), symbols.slice(0, 4)?.string() == "SNOD", symbols.u8(4) == 1,
                        let count = symbols.u16(6), let entries = file.bytes(at: child + 8, count: Int(count) * 40)
                    else { return false }
                    for e in 0..<Int(count) {
                        guard let nameAt = entries.u64(40 * e), let object = entries.u64(40 * e + 8), let cache = entries.u32(40 * e + 16),
                            nameAt < heapSize, let name = names.slice(Int(nameAt), names.count - Int(nameAt))
                        else { return false }
                        if cache != 2 { links.append((name.string(), object)) }  // 2: a soft link
                    }
                }
            }
            return true
        }
        return visit(tree, depth: 0) ? links : nil
    }

    /// Largest local heap of link names read (a universe of 20 000 symbols needs well under 1 MB).
    static let maxTableBytes = 64 << 20
    /// Most B-tree nodes visited for one group's links.
    static let maxTableNodes = 1 << 20

    /// The plan of `symbol` (a path of group names below the root, whose links by name are
    /// `root`) found through the groups' symbol tables; nil when one of them cannot be read directly.
    func plan(_ symbol: String, root: [String: UInt64]) -> Plan? {
        let parts = symbol.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first, var group = root[first], var links = self.links(ofGroupAt: group) else { return nil }
        for part in parts.dropFirst() {
            guard let next = links.first(where: { $0.name == part })?.address, let children = self.links(ofGroupAt: next) else { return nil }
            group = next
            links = children
        }
        return Plan(symbol: symbol, group: group, links: links)
    }

    /// One dataset's description from its object header.
    private struct Column {
        let rows: Int
        let element: HDF5ObjectHeader.Element
        let address: UInt64
        let attributes: [String: String]
    }

    /// The symbol `plan` describes, as `HDF5BarStore.read` would read it through the library, or
    /// nil when it cannot be read here (see the type's notes) or the library path would fail.
    func read(_ plan: Plan, overrides: [BarField: String]) -> LoadedSymbol? {
        guard let group = HDF5ObjectHeader(at: plan.group, in: file), group.isGroup, let attributes = group.stringAttributes() else { return nil }
        var names: [String] = []
        var columns: [String: Column] = [:]
        for link in plan.links {
            guard let header = HDF5ObjectHeader(at: link.address, in: file) else { return nil }
            if header.isGroup { continue }  // not a dataset: not a column, as for the library path
            guard let column = Self.column(header) else { return nil }
            names.append(link.name)
            columns[link.name] = column
        }
        var source = ColumnarSource(path: file.path, symbol: plan.symbol, overrides: overrides)
        source.columns = names
        guard let timeColumn = ColumnMapping.column(for: .timestamp, in: names), let time = columns[timeColumn], time.element == .int64,
            let scale = ColumnarSource.nanosPerUnit(time.attributes["unit"] ?? "ns"),
            (try? source.checkRows(time.rows, columns: names.count, dataset: timeColumn)) != nil,
            let stamps: [Int64] = raw(time),
            let nanos = try? source.nanoseconds(stamps, scale: scale, unit: time.attributes["unit"] ?? "ns")
        else { return nil }
        source.rowCount = time.rows
        source.timestamps = nanos
        for name in names where name != timeColumn {
            let column = columns[name]!
            switch column.element {
            case .float64:
                guard let v: [Double] = raw(column) else { return nil }
                source.numeric[name] = v
            case .int64:
                guard let v: [Int64] = raw(column) else { return nil }
                source.numeric[name] = v.map(Double.init)  // as HDF5 converts: rounded to nearest
            }
        }
        return try? source.assemble(layout: .plain, overrides: overrides, attributes: attributes)
    }

    /// The column a dataset's header describes, or nil unless it is a 1-D contiguous dataset of
    /// 64-bit elements whose storage is all in the file.
    private static func column(_ header: HDF5ObjectHeader) -> Column? {
        var space: HDF5ObjectHeader.Dataspace?, element: HDF5ObjectHeader.Element?, storage: (address: UInt64, size: UInt64)?
        for message in header.messages {
            switch message.type {
            case 0x01: space = message.flags & 0x02 == 0 ? HDF5ObjectHeader.Dataspace(message.body) : nil
            case 0x03: element = message.flags & 0x02 == 0 ? HDF5ObjectHeader.Element(message.body) : nil
            case 0x08: storage = HDF5ObjectHeader.contiguous(message.body)
            case 0x0C, 0x15: continue  // attributes, read below
            default: guard HDF5ObjectHeader.ignoredTypes.contains(message.type) else { return nil }
            }
        }
        guard let space, space.dims.count == 1, !space.isNull, let element, let storage, let attributes = header.stringAttributes(),
            space.dims[0] <= UInt64(Int.max / 8), storage.size == space.dims[0] * 8
        else { return nil }
        let rows = Int(space.dims[0])
        guard rows == 0 || storage.address != .max else { return nil }  // never written: HDF5 would give fill values
        return Column(rows: rows, element: element, address: storage.address, attributes: attributes)
    }

    /// A column's elements (8 bytes each, little-endian as the host), or nil when the file ends
    /// before them (checked before anything is allocated).
    private func raw<T>(_ column: Column) -> [T]? {
        guard column.rows > 0 else { return [] }
        guard column.address <= file.size, UInt64(column.rows) * 8 <= file.size - column.address else { return nil }
        return try? [T](unsafeUninitializedCapacity: column.rows) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            adviseHugePages(bytes)
            guard file.read(into: bytes, at: column.address) else { throw CancellationError() }
            initialized = column.rows
        }
    }
}
