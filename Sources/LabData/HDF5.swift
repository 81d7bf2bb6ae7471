import CHDF5
import Foundation
import LabCore

// A thin, internal wrapper over the HDF5 C API. Every handle is owned by a class that closes it
// in `deinit`; every failure becomes a `LabDataError` naming the file. HDF5's own error-stack
// printing is switched off on every thread that calls in (see `HDF5Library.prepare()`): its messages are read back
// through `H5Ewalk2` only to classify a failure (truncated file, lock held, I/O error).

/// Process-wide HDF5 initialisation.
enum HDF5Library {
    private static let once: Void = { H5open() }()

    /// Initialises the library and silences its error printing on the calling thread. In HDF5's
    /// thread-safe build the error stack — and whether it is printed — is per thread, so this runs
    /// before every entry into HDF5 (it is cheap), not once per process. Idempotent and thread-safe.
    static func prepare() {
        _ = once
        H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
    }

    /// True when HDF5 would print its error stack on the calling thread.
    static var printsErrorsOnThisThread: Bool {
        var function: H5E_auto2_t? = nil
        var data: UnsafeMutableRawPointer? = nil
        H5Eget_auto2(hid_t(H5E_DEFAULT), &function, &data)
        return function != nil
    }

    /// The descriptions on the current HDF5 error stack, innermost last.
    static func errorStack() -> [String] {
        final class Box { var lines: [String] = [] }
        let box = Box()
        let unmanaged = Unmanaged.passUnretained(box).toOpaque()
        H5Ewalk2(
            hid_t(H5E_DEFAULT), H5E_WALK_DOWNWARD,
            { _, err, client in
                guard let err, let client else { return 0 }
                let box = Unmanaged<Box>.fromOpaque(client).takeUnretainedValue()
                if let desc = err.pointee.desc { box.lines.append(String(cString: desc)) }
                return 0
            }, unmanaged)
        H5Eclear2(hid_t(H5E_DEFAULT))
        return box.lines
    }

    /// Version string of the linked library, e.g. `1.10.8`.
    static var version: String {
        prepare()
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }
}

/// The storage class of an HDF5 datatype, as far as the readers care.
enum HDF5TypeClass: Equatable {
    case integer(bytes: Int, signed: Bool)
    case float(bytes: Int)
    case string
    case bitfield
    case compound
    case array
    case other(String)

    init(type: hid_t) {
        switch H5Tget_class(type) {
        case H5T_INTEGER: self = .integer(bytes: H5Tget_size(type), signed: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_FLOAT: self = .float(bytes: H5Tget_size(type))
        case H5T_STRING: self = .string
        case H5T_BITFIELD: self = .bitfield
        case H5T_COMPOUND: self = .compound
        case H5T_ARRAY: self = .array
        case H5T_VLEN: self = .other("object (strings)")  // pandas object columns: pickled VLArrays
        case H5T_ENUM: self = .other("enum")
        case H5T_OPAQUE: self = .other("opaque")
        case H5T_REFERENCE: self = .other("reference")
        case H5T_TIME: self = .other("time")
        default: self = .other("unknown")
        }
    }

    /// Name used in error messages.
    var name: String {
        switch self {
        case let .integer(bytes, signed): "\(signed ? "int" : "uint")\(bytes * 8)"
        case let .float(bytes): "float\(bytes * 8)"
        case .string: "string"
        case .bitfield: "bool"
        case .compound: "compound"
        case .array: "array"
        case let .other(name): name
        }
    }
}

/// An owned HDF5 identifier, closed with `closer` when released.
final class HDF5Handle {
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = closer
    }

    deinit { _ = closer(id) }
}

/// An open HDF5 file.
final class HDF5File {
    let path: String
    let handle: HDF5Handle
    /// A reader of this file's bytes that bypasses the library (nil when the file's superblock is
    /// not one it reads); made on first use.
    private(set) lazy var direct: HDF5DirectReader? = HDF5DirectReader(path: path)
    var root: HDF5Group { HDF5Group(file: self, handle: HDF5Handle(H5Gopen2(handle.id, "/", hid_t(H5P_DEFAULT)), closer: H5Gclose), path: "/") }

    private init(path: String, id: hid_t) {
        self.path = path
        self.handle = HDF5Handle(id, closer: H5Fclose)
    }

    /// Opens an existing file read-only, classifying every failure into a one-line error.
    static func openForReading(_ path: String) throws -> HDF5File {
        HDF5Library.prepare()
        try LabDataError.requireRegularFile(path)
        guard FileManager.default.isReadableFile(atPath: path) else { throw LabDataError.permissionDenied(path: path) }
        let id = H5Fopen(path, gslab_H5F_ACC_RDONLY(), hid_t(H5P_DEFAULT))
        if id < 0 { throw classifyOpenFailure(path: path, stack: HDF5Library.errorStack()) }
        return HDF5File(path: path, id: id)
    }

    /// Creates (or truncates) a file for writing.
    static func create(_ path: String) throws -> HDF5File {
        HDF5Library.prepare()
        let id = H5Fcreate(path, gslab_H5F_ACC_TRUNC(), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        if id < 0 {
            throw LabDataError.writeFailed(path: path, detail: HDF5Library.errorStack().last ?? "H5Fcreate failed")
        }
        return HDF5File(path: path, id: id)
    }

    /// Flushes buffered data to disk.
    func flush() throws {
        if H5Fflush(handle.id, H5F_SCOPE_GLOBAL) < 0 {
            throw LabDataError.writeFailed(path: path, detail: HDF5Library.errorStack().last ?? "H5Fflush failed")
        }
    }

    static func classifyOpenFailure(path: String, stack: [String]) -> LabDataError {
        let text = stack.joined(separator: " | ")
        if text.contains("unable to lock file") || text.contains("errno = 11") || text.contains("Resource temporarily unavailable") {
            return .fileLocked(path: path, detail: "EAGAIN")
        }
        if text.contains("truncated file") { return .truncated(path: path) }
        if text.contains("Input/output error") || text.contains("errno = 5,") {
            return .ioFailure(path: path, detail: "EIO")
        }
        if text.contains("Permission denied") { return .permissionDenied(path: path) }
        return .notHDF5(path: path)
    }

    func error(_ operation: String) -> LabDataError {
        .hdf5(path: path, operation: operation, detail: HDF5Library.errorStack().last ?? "unknown error")
    }
}

/// Read access to the attributes of a group or dataset.
protocol HDF5Object {
    var file: HDF5File { get }
    var handle: HDF5Handle { get }
    var path: String { get }
}

extension HDF5Object {
    func hasAttribute(_ name: String) -> Bool { H5Aexists(handle.id, name) > 0 }

    /// A string attribute (fixed or variable length; an empty/NULL-space attribute reads as "").
    /// Returns nil when absent or not a string.
    func stringAttribute(_ name: String) -> String? {
        guard hasAttribute(name) else { return nil }
        let attr = HDF5Handle(H5Aopen(handle.id, name, hid_t(H5P_DEFAULT)), closer: H5Aclose)
        guard attr.id >= 0 else { return nil }
        return Self.string(of: attr)
    }

    /// Every scalar string attribute by name, read in one pass over the attributes (in storage
    /// order, each opened once): what reading a group's metadata needs, without a lookup by name
    /// per attribute.
    func stringAttributes() -> [String: String] {
        let count = H5Aget_num_attrs(handle.id)
        guard count > 0 else {
            if count < 0 { _ = HDF5Library.errorStack() }
            return [:]
        }
        var out: [String: String] = [:]
        for index in 0..<hsize_t(count) {
            let attr = HDF5Handle(
                H5Aopen_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), closer: H5Aclose)
            guard attr.id >= 0 else {
                _ = HDF5Library.errorStack()
                continue
            }
            let size = H5Aget_name(attr.id, 0, nil)
            guard size >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            H5Aget_name(attr.id, Int(size) + 1, &buffer)
            let name = String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let value = Self.string(of: attr) { out[name] = value }
        }
        return out
    }

    /// The value of a scalar string attribute (fixed or variable length), or nil for another type or shape.
    private static func string(of attr: HDF5Handle) -> String? {
        let type = HDF5Handle(H5Aget_type(attr.id), closer: H5Tclose)
        guard H5Tget_class(type.id) == H5T_STRING else { return nil }
        let space = HDF5Handle(H5Aget_space(attr.id), closer: H5Sclose)
        if H5Sget_simple_extent_type(space.id) == H5S_NULL { return "" }
        guard H5Sget_simple_extent_npoints(space.id) == 1 else { return nil }
        if H5Tis_variable_str(type.id) > 0 {
            var pointer: UnsafeMutablePointer<CChar>? = nil
            let mem = HDF5Handle(H5Tcopy(gslab_H5T_C_S1()), closer: H5Tclose)
            H5Tset_size(mem.id, -1)  // H5T_VARIABLE
            H5Tset_cset(mem.id, H5Tget_cset(type.id))
            guard H5Aread(attr.id, mem.id, &pointer) >= 0, let pointer else { return nil }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(type.id)
        var buffer = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attr.id, type.id, &buffer) >= 0 else { return nil }
        let end = buffer.firstIndex(of: 0) ?? size
        return String(decoding: buffer[0..<end], as: UTF8.self)
    }

    /// An integer (or boolean bitfield) scalar attribute as Int64; nil when absent or not integral.
    func integerAttribute(_ name: String) -> Int64? {
        guard hasAttribute(name) else { return nil }
        let attr = HDF5Handle(H5Aopen(handle.id, name, hid_t(H5P_DEFAULT)), closer: H5Aclose)
        guard attr.id >= 0 else { return nil }
        let type = HDF5Handle(H5Aget_type(attr.id), closer: H5Tclose)
        switch H5Tget_class(type.id) {
        case H5T_INTEGER:
            var value: Int64 = 0
            return H5Aread(attr.id, gslab_H5T_NATIVE_INT64(), &value) >= 0 ? value : nil
        case H5T_BITFIELD:
            guard H5Tget_size(type.id) == 1 else { return nil }
            var value: UInt8 = 0
            return H5Aread(attr.id, type.id, &value) >= 0 ? Int64(value) : nil
        default:
            return nil
        }
    }

    /// Writes (or replaces) a scalar fixed-length UTF-8 string attribute.
    func setStringAttribute(_ name: String, _ value: String) throws {
        if hasAttribute(name) { H5Adelete(handle.id, name) }
        let bytes = Array(value.utf8)
        let type = HDF5Handle(H5Tcopy(gslab_H5T_C_S1()), closer: H5Tclose)
        H5Tset_size(type.id, max(1, bytes.count))
        H5Tset_strpad(type.id, H5T_STR_NULLPAD)
        H5Tset_cset(type.id, H5T_CSET_UTF8)
        let space = HDF5Handle(H5Screate(H5S_SCALAR), closer: H5Sclose)
        let attr = HDF5Handle(
            H5Acreate2(handle.id, name, type.id, space.id, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), closer: H5Aclose)
        guard attr.id >= 0 else { throw file.error("create attribute \(name)") }
        var padded = bytes.isEmpty ? [UInt8(0)] : bytes
        if H5Awrite(attr.id, type.id, &padded) < 0 { throw file.error("write attribute \(name)") }
    }
}

/// An open group.
struct HDF5Group: HDF5Object {
    let file: HDF5File
    let handle: HDF5Handle
    let path: String

    enum ChildKind { case group, dataset, other }

    /// Names of the group's links, in name order, with the kind of object each points to. Only
    /// hard links (objects of this file) are followed: a soft or external link is `.other`, so a
    /// link to another file or back to this file's root is never opened.
    func children() -> [(name: String, kind: ChildKind)] {
        links().compactMap { name, hard in
            guard hard else { return (name, .other) }
            // The object's type from its header (H5Oget_info, basic fields): opening it (H5Oopen)
            // built a whole dataset object per child, most of the time of listing a universe.
            var object = H5O_info_t()
            guard H5Oget_info_by_name2(handle.id, name, &object, UInt32(H5O_INFO_BASIC), hid_t(H5P_DEFAULT)) >= 0 else {
                _ = HDF5Library.errorStack()
                return nil
            }
            switch object.type {
            case H5O_TYPE_GROUP: return (name, .group)
            case H5O_TYPE_DATASET: return (name, .dataset)
            default: return (name, .other)
            }
        }
    }

    /// Names of the group's hard links, in name order, without reading the objects they point to
    /// (cheaper than ``children()`` when only names are needed).
    func linkNames() -> [String] { links().filter(\.hard).map(\.name) }

    /// The group's links in name order, each with whether it is a hard link (an object of this
    /// file); no object is read.
    private func links() -> [(name: String, hard: Bool)] {
        var info = H5G_info_t()
        guard H5Gget_info(handle.id, &info) >= 0 else { return [] }
        var result: [(String, Bool)] = []
        for i in 0..<info.nlinks {
            let size = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, hid_t(H5P_DEFAULT))
            guard size >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, Int(size) + 1, hid_t(H5P_DEFAULT))
            let name = String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var link = H5L_info_t()
            guard H5Lget_info(handle.id, name, &link, hid_t(H5P_DEFAULT)) >= 0, link.type == H5L_TYPE_HARD else {
                _ = HDF5Library.errorStack()
                result.append((name, false))
                continue
            }
            result.append((name, true))
        }
        return result
    }

    /// Whether the hard link `name` points to a dataset (its object header read, not opened).
    func isDataset(_ name: String) -> Bool {
        var object = H5O_info_t()
        guard H5Oget_info_by_name2(handle.id, name, &object, UInt32(H5O_INFO_BASIC), hid_t(H5P_DEFAULT)) >= 0 else {
            _ = HDF5Library.errorStack()
            return false
        }
        return object.type == H5O_TYPE_DATASET
    }

    /// The address of the group's object header in the file: the same for every hard link to it.
    var address: haddr_t? {
        var info = H5O_info_t()
        guard H5Oget_info2(handle.id, &info, UInt32(H5O_INFO_BASIC)) >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        return info.addr
    }

    func childPath(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    func group(_ name: String) -> HDF5Group? {
        guard H5Lexists(handle.id, name, hid_t(H5P_DEFAULT)) > 0 else { return nil }
        let id = H5Gopen2(handle.id, name, hid_t(H5P_DEFAULT))
        guard id >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        return HDF5Group(file: file, handle: HDF5Handle(id, closer: H5Gclose), path: childPath(name))
    }

    func dataset(_ name: String) -> HDF5Dataset? {
        guard H5Lexists(handle.id, name, hid_t(H5P_DEFAULT)) > 0 else { return nil }
        let id = H5Dopen2(handle.id, name, hid_t(H5P_DEFAULT))
        guard id >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        return HDF5Dataset(file: file, handle: HDF5Handle(id, closer: H5Dclose), path: childPath(name))
    }

    func createGroup(_ name: String) throws -> HDF5Group {
        // No modification times in object headers, so the same bars always give the same file bytes.
        let gcpl = HDF5Handle(H5Pcreate(gslab_H5P_GROUP_CREATE()), closer: H5Pclose)
        H5Pset_obj_track_times(gcpl.id, false)
        let id = H5Gcreate2(handle.id, name, hid_t(H5P_DEFAULT), gcpl.id, hid_t(H5P_DEFAULT))
        guard id >= 0 else { throw file.error("create group \(name)") }
        return HDF5Group(file: file, handle: HDF5Handle(id, closer: H5Gclose), path: childPath(name))
    }

    /// Writes a 1-D dataset of `values`. `chunkRows > 0` makes it chunked; `gzipLevel` 1…9 adds
    /// deflate compression (requires chunking; a chunk of min(count, 65 536) rows is used if none given).
    func write<T: HDF5Scalar>(_ name: String, _ values: [T], chunkRows: Int = 0, gzipLevel: Int = 0) throws {
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = HDF5Handle(H5Screate_simple(1, &dims, nil), closer: H5Sclose)
        let dcpl = HDF5Handle(H5Pcreate(gslab_H5P_DATASET_CREATE()), closer: H5Pclose)
        H5Pset_obj_track_times(dcpl.id, false)
        var chunk = chunkRows
        if gzipLevel > 0 && chunk <= 0 { chunk = min(max(values.count, 1), 65_536) }
        if chunk > 0 && !values.isEmpty {
            var chunkDims: [hsize_t] = [hsize_t(min(chunk, values.count))]
            H5Pset_chunk(dcpl.id, 1, &chunkDims)
            if gzipLevel > 0 { H5Pset_deflate(dcpl.id, UInt32(gzipLevel)) }
        }
        let dataset = HDF5Handle(
            H5Dcreate2(handle.id, name, T.fileType, space.id, hid_t(H5P_DEFAULT), dcpl.id, hid_t(H5P_DEFAULT)),
            closer: H5Dclose)
        guard dataset.id >= 0 else { throw file.error("create dataset \(name)") }
        if values.isEmpty { return }
        let status = values.withUnsafeBufferPointer {
            H5Dwrite(dataset.id, T.memoryType, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress)
        }
        if status < 0 { throw file.error("write dataset \(name)") }
    }

    /// Writes a 1-D dataset of fixed-length strings (used by tests and fixtures).
    func writeStrings(_ name: String, _ values: [String]) throws {
        let width = max(1, values.map(\.utf8.count).max() ?? 1)
        var bytes = [UInt8](repeating: 0, count: width * values.count)
        for (i, v) in values.enumerated() {
            for (k, b) in v.utf8.enumerated() { bytes[i * width + k] = b }
        }
        let type = HDF5Handle(H5Tcopy(gslab_H5T_C_S1()), closer: H5Tclose)
        H5Tset_size(type.id, width)
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = HDF5Handle(H5Screate_simple(1, &dims, nil), closer: H5Sclose)
        let dataset = HDF5Handle(
            H5Dcreate2(handle.id, name, type.id, space.id, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)),
            closer: H5Dclose)
        guard dataset.id >= 0 else { throw file.error("create dataset \(name)") }
        if H5Dwrite(dataset.id, type.id, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), &bytes) < 0 {
            throw file.error("write dataset \(name)")
        }
    }
}

/// Element types the writer and reader handle natively.
protocol HDF5Scalar {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
}

extension Double: HDF5Scalar {
    static var memoryType: hid_t { gslab_H5T_NATIVE_DOUBLE() }
    static var fileType: hid_t { gslab_H5T_IEEE_F64LE() }
}

extension Int64: HDF5Scalar {
    static var memoryType: hid_t { gslab_H5T_NATIVE_INT64() }
    static var fileType: hid_t { gslab_H5T_STD_I64LE() }
}

/// An open dataset.
struct HDF5Dataset: HDF5Object {
    let file: HDF5File
    let handle: HDF5Handle
    let path: String

    /// Dimensions of the dataspace (empty for a scalar).
    var shape: [Int] {
        let space = HDF5Handle(H5Dget_space(handle.id), closer: H5Sclose)
        let rank = Int(H5Sget_simple_extent_ndims(space.id))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space.id, &dims, nil)
        return dims.map { Int(clamping: $0) }
    }

    /// Elements in the dataspace (the product of its dimensions; 1 for a scalar), or nil when
    /// the product does not fit an `Int`.
    var elementCount: Int? {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Throws unless the dataspace holds exactly `count` elements of `bytesPerElement` bytes and
    /// they fit ``ReadLimits/current``'s byte limit: the check that keeps a file from sizing the
    /// buffer HDF5 writes into.
    func checkElements(_ count: Int, bytesPerElement: Int) throws {
        let shape = shape
        guard let found = elementCount, found == count else {
            throw LabDataError.datasetRefused(path: file.path, dataset: path, detail: "shape \(shape) does not hold the \(count) elements expected")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(1, bytesPerElement))
        let limit = ReadLimits.current.maxBytes
        guard !overflow, bytes <= limit else {
            throw LabDataError.datasetRefused(
                path: file.path, dataset: path, detail: "shape \(shape) needs more than half of this machine's memory (\(limit >> 20) MB) to read")
        }
    }

    var typeClass: HDF5TypeClass {
        let type = HDF5Handle(H5Dget_type(handle.id), closer: H5Tclose)
        return HDF5TypeClass(type: type.id)
    }

    /// Reads every element, converted by HDF5 to `T` (integers and floats of any width convert).
    /// Throws, before allocating, unless the dataset holds exactly `count` elements.
    func readAll<T: HDF5Scalar>(as _: T.Type, count: Int) throws -> [T] {
        try checkElements(count, bytesPerElement: MemoryLayout<T>.stride)
        guard count > 0 else { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            let status = H5Dread(handle.id, T.memoryType, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), buffer.baseAddress)
            guard status >= 0 else { throw file.error("read \(path)") }
            initialized = count
        }
    }

    /// Reads a 1-D or 2-D fixed-length string dataset (throws, before allocating, when it would not
    /// fit the byte limit).
    func readStrings() throws -> [String] {
        let type = HDF5Handle(H5Dget_type(handle.id), closer: H5Tclose)
        guard H5Tget_class(type.id) == H5T_STRING, H5Tis_variable_str(type.id) <= 0 else {
            throw file.error("read strings \(path)")
        }
        let width = H5Tget_size(type.id)
        guard let n = elementCount else { throw LabDataError.datasetRefused(path: file.path, dataset: path, detail: "shape \(shape) is too large") }
        try checkElements(n, bytesPerElement: width)
        guard n > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: width * n)
        guard H5Dread(handle.id, type.id, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), &bytes) >= 0 else {
            throw file.error("read \(path)")
        }
        return (0..<n).map { i in
            let row = bytes[(i * width)..<((i + 1) * width)]
            let end = row.firstIndex(of: 0) ?? row.endIndex
            return String(decoding: row[row.startIndex..<end], as: UTF8.self)
        }
    }

    /// A compound member's place in a native record: byte offset, element class and element count.
    struct RecordMember {
        let name: String
        let offset: Int
        let typeClass: HDF5TypeClass
        let width: Int
        /// Bytes of one element (of the array's base type for an array member).
        var elementSize = 0
    }

    /// The members of a compound dataset in the native memory layout of its type, with the record size.
    func nativeRecordLayout() throws -> (native: HDF5Handle, recordSize: Int, members: [RecordMember]) {
        let fileType = HDF5Handle(H5Dget_type(handle.id), closer: H5Tclose)
        let native = HDF5Handle(H5Tget_native_type(fileType.id, H5T_DIR_DEFAULT), closer: H5Tclose)
        guard native.id >= 0, H5Tget_class(native.id) == H5T_COMPOUND else { throw file.error("native type of \(path)") }
        var members: [RecordMember] = []
        for i in 0..<UInt32(max(0, H5Tget_nmembers(native.id))) {
            guard let raw = H5Tget_member_name(native.id, i) else { continue }
            let name = String(cString: raw)
            H5free_memory(raw)
            let offset = H5Tget_member_offset(native.id, i)
            let memberType = HDF5Handle(H5Tget_member_type(native.id, i), closer: H5Tclose)
            if H5Tget_class(memberType.id) == H5T_ARRAY {
                let rank = Int(H5Tget_array_ndims(memberType.id))
                var dims = [hsize_t](repeating: 0, count: max(rank, 1))
                H5Tget_array_dims2(memberType.id, &dims)
                let base = HDF5Handle(H5Tget_super(memberType.id), closer: H5Tclose)
                members.append(
                    RecordMember(
                        name: name, offset: offset, typeClass: HDF5TypeClass(type: base.id), width: Int(dims.prefix(rank).reduce(1, *)),
                        elementSize: H5Tget_size(base.id)))
            } else {
                members.append(
                    RecordMember(
                        name: name, offset: offset, typeClass: HDF5TypeClass(type: memberType.id), width: 1, elementSize: H5Tget_size(memberType.id)))
            }
        }
        return (native, H5Tget_size(native.id), members)
    }

    /// Reads a 1-D compound dataset block by block (`blockRows` records at a time) into one reused
    /// scratch buffer small enough to stay in cache, calling `body` with each block's bytes and the
    /// row range it covers. Columns are gathered from the blocks, so the whole table is never
    /// materialised as records.
    func forEachRecordBlock(
        native: HDF5Handle, recordSize: Int, rows: Int, blockRows: Int,
        _ body: (UnsafeRawBufferPointer, Range<Int>) -> Void
    ) throws {
        guard rows > 0 else { return }
        if try forEachRawChunk(native: native, recordSize: recordSize, rows: rows, body) { return }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: blockRows * recordSize, alignment: 64)
        defer { scratch.deallocate() }
        let fileSpace = HDF5Handle(H5Dget_space(handle.id), closer: H5Sclose)
        for lo in stride(from: 0, to: rows, by: blockRows) {
            let count = min(blockRows, rows - lo)
            var start: [hsize_t] = [hsize_t(lo)], size: [hsize_t] = [hsize_t(count)]
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &size, nil)
            let memSpace = HDF5Handle(H5Screate_simple(1, &size, nil), closer: H5Sclose)
            guard H5Dread(handle.id, native.id, memSpace.id, fileSpace.id, hid_t(H5P_DEFAULT), scratch.baseAddress) >= 0 else {
                throw file.error("read \(path)")
            }
            body(UnsafeRawBufferPointer(rebasing: scratch[0..<(count * recordSize)]), lo..<(lo + count))
        }
    }

    /// The fast path of `forEachRecordBlock`: when the dataset is chunked without filters and its
    /// file type is byte-for-byte the native layout, each chunk is read raw (`H5Dread_chunk`),
    /// skipping HDF5's chunk cache and its copy. Returns false (having done nothing) otherwise.
    private func forEachRawChunk(
        native: HDF5Handle, recordSize: Int, rows: Int, _ body: (UnsafeRawBufferPointer, Range<Int>) -> Void
    ) throws -> Bool {
        let dcpl = HDF5Handle(H5Dget_create_plist(handle.id), closer: H5Pclose)
        guard H5Pget_layout(dcpl.id) == H5D_CHUNKED, H5Pget_nfilters(dcpl.id) == 0 else { return false }
        let fileType = HDF5Handle(H5Dget_type(handle.id), closer: H5Tclose)
        guard H5Tequal(fileType.id, native.id) > 0 else { return false }
        var chunkDims: [hsize_t] = [0]
        guard H5Pget_chunk(dcpl.id, 1, &chunkDims) == 1, chunkDims[0] > 0 else { return false }
        let chunkRows = Int(chunkDims[0])
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkRows * recordSize, alignment: 64)
        defer { scratch.deallocate() }
        for lo in stride(from: 0, to: rows, by: chunkRows) {
            var offset: [hsize_t] = [hsize_t(lo)]
            var stored: hsize_t = 0
            guard H5Dget_chunk_storage_size(handle.id, &offset, &stored) >= 0, Int(stored) == chunkRows * recordSize else {
                _ = HDF5Library.errorStack()
                if lo == 0 { return false }  // nothing read yet: let the general path do it
                throw file.error("read chunk at row \(lo) of \(path)")
            }
            var filters: UInt32 = 0
            guard H5Dread_chunk(handle.id, hid_t(H5P_DEFAULT), &offset, &filters, scratch.baseAddress) >= 0 else {
                throw file.error("read chunk at row \(lo) of \(path)")
            }
            let count = min(chunkRows, rows - lo)
            body(UnsafeRawBufferPointer(rebasing: scratch[0..<(count * recordSize)]), lo..<(lo + count))
        }
        return true
    }

    /// Numeric element kinds a record column can hold.
    enum ElementKind {
        case f64, f32, i64, u64, i32, u32, i16, u16, i8, u8

        init?(_ c: HDF5TypeClass) {
            switch c {
            case .float(8): self = .f64
            case .float(4): self = .f32
            case .integer(8, true): self = .i64
            case .integer(8, false): self = .u64
            case .integer(4, true): self = .i32
            case .integer(4, false): self = .u32
            case .integer(2, true): self = .i16
            case .integer(2, false): self = .u16
            case .integer(1, true): self = .i8
            case .integer(1, false): self = .u8
            default: return nil
            }
        }

        var size: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .i16, .u16: 2
            case .i8, .u8: 1
            }
        }

        @inline(__always)
        func load(_ raw: UnsafeRawPointer, _ offset: Int) -> Double {
            switch self {
            case .f64: raw.loadUnaligned(fromByteOffset: offset, as: Double.self)
            case .f32: Double(raw.loadUnaligned(fromByteOffset: offset, as: Float.self))
            case .i64: Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
            case .u64: Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            case .i32: Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            case .u32: Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            case .i16: Double(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
            case .u16: Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            case .i8: Double(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
            case .u8: Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
            }
        }
    }
}

/// Double columns being filled block by block from records (see `HDF5Dataset.forEachRecordBlock`).
struct RecordGatherer {
    let columns: [(offset: Int, kind: HDF5Dataset.ElementKind)]
    let recordSize: Int
    private(set) var outputs: [[Double]]
    var int64Offset: Int?
    private(set) var int64Output: [Int64] = []

    /// Prepares `columns` (converted to Double) and optionally one Int64 column at `int64Offset`, `rows` long.
    init(columns: [(offset: Int, kind: HDF5Dataset.ElementKind)], int64Offset: Int?, recordSize: Int, rows: Int) {
        self.columns = columns
        self.recordSize = recordSize
        self.int64Offset = int64Offset
        // Every element is written by `add(block:rows:)` before the arrays are read, and Double /
        // Int64 are trivial types, so the storage is left unfilled rather than zeroed first.
        outputs = columns.map { _ in
            [Double](unsafeUninitializedCapacity: rows) { out, n in
                adviseHugePages(UnsafeMutableRawBufferPointer(out))
                n = rows
            }
        }
        if int64Offset != nil {
            int64Output = [Int64](unsafeUninitializedCapacity: rows) { out, n in
                adviseHugePages(UnsafeMutableRawBufferPointer(out))
                n = rows
            }
        }
    }

    /// Copies the columns of one block of records (`rows` are the block's row indices).
    mutating func add(block raw: UnsafeRawBufferPointer, rows: Range<Int>) {
        guard let base = raw.baseAddress else { return }
        let size = recordSize, count = rows.count
        for c in columns.indices {
            let (offset, kind) = columns[c]
            outputs[c].withUnsafeMutableBufferPointer { out in
                let destination = out.baseAddress! + rows.lowerBound
                var source = base + offset
                if kind == .f64 {
                    for k in 0..<count {
                        destination[k] = source.loadUnaligned(as: Double.self)
                        source += size
                    }
                } else {
                    for k in 0..<count {
                        destination[k] = kind.load(source, 0)
                        source += size
                    }
                }
            }
        }
        if let offset = int64Offset {
            int64Output.withUnsafeMutableBufferPointer { out in
                let destination = out.baseAddress! + rows.lowerBound
                var source = base + offset
                for k in 0..<count {
                    destination[k] = source.loadUnaligned(as: Int64.self)
                    source += size
                }
            }
        }
    }
}

/// Prepares a large buffer that is about to be filled: asks the kernel to back its 2 MiB-aligned
/// interior with transparent huge pages (as numpy does for arrays ≥ 4 MiB), then pre-faults the
/// whole page range in one call (`MADV_POPULATE_WRITE`, Linux ≥ 5.14) instead of one trap per
/// 4 KiB page. Page faults are otherwise most of the cost of reading a column from the page
/// cache. A no-op for small buffers, and harmless where the kernel declines either advice.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
        let huge = 2 << 20, page = 4096
        guard let base = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let address = Int(bitPattern: base)
        let hugeStart = (address + huge - 1) & ~(huge - 1)
        let hugeEnd = (address + buffer.count) & ~(huge - 1)
        if hugeEnd > hugeStart, let pointer = UnsafeMutableRawPointer(bitPattern: hugeStart) {
            _ = madvise(pointer, hugeEnd - hugeStart, MADV_HUGEPAGE)
        }
        let pageStart = (address + page - 1) & ~(page - 1)
        let pageEnd = (address + buffer.count) & ~(page - 1)
        if pageEnd > pageStart, let pointer = UnsafeMutableRawPointer(bitPattern: pageStart) {
            _ = madvise(pointer, pageEnd - pageStart, 23)  // MADV_POPULATE_WRITE (not in glibc 2.36's headers)
        }
    #endif
}

extension HDF5File {
    /// Where `symbol`'s group and the objects of its hard links are, asked of the library (on
    /// this thread); nil when `symbol` is not a hard link to an object or its links cannot be
    /// listed.
    func directPlan(_ symbol: String) -> HDF5DirectReader.Plan? {
        var info = H5L_info_t()
        guard H5Lget_info(handle.id, symbol, &info, hid_t(H5P_DEFAULT)) >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        guard info.type == H5L_TYPE_HARD, let links = hardLinks(symbol) else { return nil }
        return HDF5DirectReader.Plan(symbol: symbol, group: UInt64(info.u.address), links: links)
    }

    /// The hard links of the group at `path` in name order, each with the address of the object
    /// it points to (one call into the library, no object opened); nil when the group cannot be
    /// listed.
    func hardLinks(_ path: String) -> [(name: String, address: UInt64)]? {
        final class Links { var items: [(name: String, address: UInt64)] = [] }
        let links = Links()
        var index: hsize_t = 0
        let status = H5Literate_by_name(
            handle.id, path, H5_INDEX_NAME, H5_ITER_INC, &index,
            { _, name, link, context in
                guard let name, let link, let context else { return -1 }
                if link.pointee.type == H5L_TYPE_HARD {
                    Unmanaged<Links>.fromOpaque(context).takeUnretainedValue().items.append((String(cString: name), UInt64(link.pointee.u.address)))
                }
                return 0
            }, Unmanaged.passUnretained(links).toOpaque(), hid_t(H5P_DEFAULT))
        guard status >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        return links.items
    }
}
