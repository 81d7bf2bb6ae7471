// A structure-aware fuzzer for the dataset readers, run under AddressSanitizer by scripts/fuzz
// (which scripts/test calls for a bounded time).
//
//   fuzz-hdf5-reader SECONDS [SEED] [FOLDER]
//
// Each iteration writes, through the HDF5 C API, a valid HDF5 file of hostile structure — the
// layouts the lab reads (plain groups, pandas fixed and table frames) with random ranks, shapes
// (up to 2^40 rows declared with no data), element types, attributes (units, kinds, block counts,
// transposition flags, pickled metadata: valid, truncated, deeply nested, random bytes) and links
// (soft, external to itself or elsewhere, hard cycles) — then reads it as every command does:
// symbol discovery, every symbol, one symbol by name, and the data-quality pass. A reader error is
// fine (it must be a `LabDataError`, one line); a crash, a hang or an ASan report fails the run.
// Byte-level corruption of the HDF5 format itself is out of scope: that tests the HDF5 library,
// not the lab. Deterministic for a seed; the failing iteration's file is kept for a regression
// fixture.
import CHDF5
import Foundation
import LabCore
import LabData

/// The fuzzer's draws, from the lab's seeded generator.
struct Generator {
    var rng: SeededRNG
    init(seed: UInt64) { rng = SeededRNG(seed: seed) }
    mutating func next() -> UInt64 { rng.next() }
    mutating func below(_ n: Int) -> Int { rng.nextInt(below: max(n, 1)) }
    mutating func chance(_ p: Double) -> Bool { rng.nextUniform() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// `H5F_ACC_TRUNC` (a macro calling `H5check()`, which does not import into Swift).
let truncate: UInt32 = 0x0002

/// Writes one hostile file at `path`.
struct FileMaker {
    var g: Generator
    let path: String

    /// A row count: mostly small, sometimes empty, one, or declared huge.
    mutating func rows() -> Int {
        switch g.below(10) {
        case 0: return 0
        case 1: return 1
        case 2: return g.pick([1 << 20, 1 << 31, 1 << 40, Int(Int32.max) + 7])
        default: return 2 + g.below(60)
        }
    }

    /// Dimensions: usually `[n]`, sometimes scalar, 2-D or 3-D.
    mutating func dims(_ n: Int) -> [Int] {
        switch g.below(8) {
        case 0: return []
        case 1: return [n, 1 + g.below(4)]
        case 2: return [1 + g.below(3), n]
        case 3: return [n, 2, 2]
        default: return [n]
        }
    }

    /// A dataset of random element type; huge ones are chunked with no data written.
    mutating func dataset(_ loc: hid_t, _ name: String, dims: [Int]) {
        let count = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        var d = dims.map { hsize_t($0) }
        let space = dims.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(d.count), &d, nil)
        defer { H5Sclose(space) }
        let kind = g.below(6)
        let type: hid_t
        switch kind {
        case 0: type = H5Tcopy(gslab_H5T_NATIVE_INT64())
        case 1: type = H5Tcopy(gslab_H5T_NATIVE_INT32())
        case 2: type = H5Tcopy(gslab_H5T_NATIVE_UINT8())
        case 3:
            type = H5Tcopy(gslab_H5T_C_S1())
            H5Tset_size(type, 1 + g.below(12))
        default: type = H5Tcopy(gslab_H5T_NATIVE_DOUBLE())
        }
        defer { H5Tclose(type) }
        let dcpl = H5Pcreate(gslab_H5P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        let write = count <= 4096
        if !write && !dims.isEmpty {
            var chunk = dims.map { _ in hsize_t(64) }
            H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        }
        let ds = H5Dcreate2(loc, name, type, space, hid_t(H5P_DEFAULT), dcpl, hid_t(H5P_DEFAULT))
        guard ds >= 0 else { return }
        defer { H5Dclose(ds) }
        guard write else { return }
        let bytes = max(1, count) * H5Tget_size(type)
        var buffer = [UInt8](repeating: 0, count: bytes)
        if kind == 0 {
            buffer.withUnsafeMutableBytes { raw in
                let p = raw.bindMemory(to: Int64.self)
                var t: Int64 = g.pick([0, 1_600_000_000, 1_600_000_000_000_000_000, Int64.max - 100, Int64.min])
                for k in p.indices {
                    p[k] = g.chance(0.05) ? g.pick([Int64.max, Int64.min, -1, 0]) : t
                    t = t &+ Int64(g.pick([1, 60, 86_400, 60_000_000_000, 86_400_000_000_000]))
                }
            }
        } else if kind >= 4 {
            buffer.withUnsafeMutableBytes { raw in
                let p = raw.bindMemory(to: Double.self)
                for k in p.indices { p[k] = g.chance(0.05) ? g.pick([.nan, .infinity, -1, 0, 1e308]) : 100 + Double(g.below(1000)) / 10 }
            }
        } else {
            for k in buffer.indices { buffer[k] = UInt8(truncatingIfNeeded: g.next()) }
        }
        H5Dwrite(ds, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), &buffer)
    }

    mutating func stringAttribute(_ loc: hid_t, _ name: String, _ value: String) {
        var bytes = Array(value.utf8)
        if bytes.isEmpty { bytes = [0] }
        let type = H5Tcopy(gslab_H5T_C_S1())
        H5Tset_size(type, bytes.count)
        let space = H5Screate(H5S_SCALAR)
        let attr = H5Acreate2(loc, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        if attr >= 0 {
            H5Awrite(attr, type, &bytes)
            H5Aclose(attr)
        }
        H5Sclose(space)
        H5Tclose(type)
    }

    mutating func integerAttribute(_ loc: hid_t, _ name: String, _ value: Int64) {
        var v = value
        let space = H5Screate(H5S_SCALAR)
        let attr = H5Acreate2(loc, name, gslab_H5T_NATIVE_INT64(), space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        if attr >= 0 {
            H5Awrite(attr, gslab_H5T_NATIVE_INT64(), &v)
            H5Aclose(attr)
        }
        H5Sclose(space)
    }

    /// A pickle: valid pandas metadata, a truncation of it, deep nesting, doubling memos, or bytes.
    mutating func pickle() -> String {
        let valid = [
            "(lp0\nVopen\np1\naVhigh\np2\naVlow\np3\naVclose\np4\naVvolume\np5\na.",
            "(lp0\n(I1\n(lp1\nVopen\np2\naVhigh\naVlow\naVclose\naVvolume\natp3\na.",
            "(dp0\nVindex\np1\n(dp2\nVtz\np3\nVAsia/Tokyo\np4\nss.",
            "(lp0\n(Vindex\np1\nVindex\np2\ntp3\na.",
        ]
        switch g.below(6) {
        case 0, 1: return g.pick(valid)
        case 2:
            let v = g.pick(valid)
            return String(v.prefix(g.below(v.count)))
        case 3: return String(repeating: "(", count: 1 + g.below(5000)) + String(repeating: "l", count: g.below(5000)) + "."
        case 4: return "Vx\np0\n" + String(repeating: "(g0\ng0\ntp0\n", count: g.below(80)) + "."
        default: return String((0..<g.below(200)).map { _ in Character(Unicode.Scalar(UInt8(32 + g.below(95)))) })
        }
    }

    mutating func plain(_ group: hid_t) {
        let n = rows()
        let names = ["timestamp", "open", "high", "low", "close", "volume", "spread"]
        for name in names where !g.chance(0.08) {
            dataset(group, name, dims: g.chance(0.85) ? [n] : dims(max(0, n + g.below(3) - 1)))
        }
        if g.chance(0.5), H5Lexists(group, "timestamp", hid_t(H5P_DEFAULT)) > 0 {
            let ds = H5Dopen2(group, "timestamp", hid_t(H5P_DEFAULT))
            if ds >= 0 {
                stringAttribute(ds, "unit", g.pick(["ns", "us", "ms", "s", "", "minutes"]))
                H5Dclose(ds)
            }
        }
        if g.chance(0.4) { stringAttribute(group, "timezone", g.pick(["UTC", "America/New_York", "Mars/Olympus", ""])) }
        if g.chance(0.3) { stringAttribute(group, "frequency", g.pick(["1d", "1min", "bogus", ""])) }
    }

    mutating func pandasFixed(_ group: hid_t) {
        stringAttribute(group, "pandas_type", "frame")
        if g.chance(0.1) { stringAttribute(group, "axis1_variety", "multi") }
        let n = rows()
        dataset(group, "axis0", dims: dims(5))
        dataset(group, "axis1", dims: dims(n))
        if g.chance(0.6), H5Lexists(group, "axis1", hid_t(H5P_DEFAULT)) > 0 {
            let ds = H5Dopen2(group, "axis1", hid_t(H5P_DEFAULT))
            if ds >= 0 {
                stringAttribute(ds, "kind", g.pick(["datetime64", "datetime64[s]", "datetime64[us]", "integer", "float", "datetime64[fs]"]))
                if g.chance(0.3) { stringAttribute(ds, "tz", g.pick(["UTC", "Europe/London", "nowhere"])) }
                H5Dclose(ds)
            }
        }
        let blocks = g.pick([0, 1, 2, 3, Int64(Int32.max), -1])
        integerAttribute(group, "nblocks", blocks)
        for b in 0..<Int(min(max(blocks, 0), 3)) {
            dataset(group, "block\(b)_items", dims: dims(1 + g.below(5)))
            dataset(group, "block\(b)_values", dims: g.chance(0.7) ? [n, 1 + g.below(5)] : dims(n))
            if g.chance(0.3), H5Lexists(group, "block\(b)_values", hid_t(H5P_DEFAULT)) > 0 {
                let ds = H5Dopen2(group, "block\(b)_values", hid_t(H5P_DEFAULT))
                if ds >= 0 {
                    integerAttribute(ds, "transposed", Int64(g.below(2)))
                    H5Dclose(ds)
                }
            }
        }
    }

    mutating func pandasTable(_ group: hid_t) {
        stringAttribute(group, "pandas_type", "frame_table")
        for key in ["index_cols", "non_index_axes", "info", "levels"] where g.chance(0.6) { stringAttribute(group, key, pickle()) }
        let width = g.pick([0, 1, 5, 7])
        let record = H5Tcreate(H5T_COMPOUND, 8 + 8 * max(width, 1))
        defer { H5Tclose(record) }
        H5Tinsert(record, g.chance(0.9) ? "index" : "time", 0, g.chance(0.9) ? gslab_H5T_NATIVE_INT64() : gslab_H5T_NATIVE_DOUBLE())
        if width > 0 {
            var d = [hsize_t(width)]
            let array = H5Tarray_create2(gslab_H5T_NATIVE_DOUBLE(), 1, &d)
            H5Tinsert(record, "values_block_0", 8, array)
            H5Tclose(array)
        }
        let n = rows()
        var dims = (g.chance(0.9) ? [n] : [n, 2]).map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(gslab_H5P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        let write = n <= 4096 && dims.count == 1
        if !write {
            var chunk = dims.map { _ in hsize_t(64) }
            H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        }
        let ds = H5Dcreate2(group, "table", record, space, hid_t(H5P_DEFAULT), dcpl, hid_t(H5P_DEFAULT))
        guard ds >= 0 else { return }
        defer { H5Dclose(ds) }
        if g.chance(0.6) { stringAttribute(ds, "values_block_0_kind", pickle()) }
        if g.chance(0.4) { stringAttribute(ds, "index_kind", g.pick(["datetime64", "integer", "datetime64[ms]", "string"])) }
        guard write, n > 0 else { return }
        let size = H5Tget_size(record)
        var buffer = [UInt8](repeating: 0, count: n * size)
        buffer.withUnsafeMutableBytes { raw in
            for r in 0..<n {
                raw.storeBytes(of: Int64(r) * 86_400_000_000_000, toByteOffset: r * size, as: Int64.self)
                for k in 0..<width { raw.storeBytes(of: 100 + Double(g.below(100)), toByteOffset: r * size + 8 + 8 * k, as: Double.self) }
            }
        }
        H5Dwrite(ds, record, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), &buffer)
    }

    /// Writes the file; returns false when HDF5 refused to create it.
    mutating func make() -> Bool {
        let file = H5Fcreate(path, truncate, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        guard file >= 0 else { return false }
        defer { H5Fclose(file) }
        for s in 0..<(1 + g.below(3)) {
            let name = g.chance(0.1) ? "nest/SYM\(s)" : "SYM\(s)"
            let lcpl = H5Pcreate(gslab_H5P_LINK_CREATE())
            H5Pset_create_intermediate_group(lcpl, 1)
            let group = H5Gcreate2(file, name, lcpl, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
            H5Pclose(lcpl)
            guard group >= 0 else { continue }
            switch g.below(3) {
            case 0: plain(group)
            case 1: pandasFixed(group)
            default: pandasTable(group)
            }
            if g.chance(0.15) { H5Lcreate_hard(file, "/", group, "up", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) }
            if g.chance(0.1) { H5Lcreate_hard(group, ".", group, "self", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) }
            H5Gclose(group)
        }
        if g.chance(0.15) { H5Lcreate_external(path, "/", file, "loop", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) }
        if g.chance(0.1) { H5Lcreate_external("/nonexistent.h5", "/", file, "away", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) }
        if g.chance(0.15) { H5Lcreate_soft(g.pick(["/", "/SYM0", "/missing", "/soft"]), file, "soft", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) }
        return true
    }
}

/// Reads `path` as every command does; returns the error kinds seen (for the summary).
func read(_ path: String) -> [String] {
    var seen: [String] = []
    func attempt(_ body: () throws -> Void) {
        do {
            try body()
            seen.append("ok")
        } catch let error as LabDataError {
            precondition(!error.description.contains("\n"), "a reader error spans lines: \(error)")
            seen.append("\(error)".split(separator: "(").first.map(String.init) ?? "")
        } catch {
            seen.append("other: \(type(of: error))")
        }
    }
    var symbols: [String] = []
    attempt { symbols = try HDF5BarStore.symbols(in: path).map(\.symbol) }
    attempt {
        for loaded in try HDF5BarStore.read(path) { _ = try DataQuality.validate(loaded.series) }
    }
    for symbol in symbols.prefix(3) { attempt { _ = try HDF5BarStore.read(path, symbol: symbol) } }
    return seen
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let seconds = Double(arguments[1]), seconds > 0 else {
    FileHandle.standardError.write(Data("usage: fuzz-hdf5-reader SECONDS [SEED] [FOLDER]\n".utf8))
    exit(2)
}
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1
let folder = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory() + "gslab-fuzz-\(getpid())"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
H5open()
H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
print("fuzz-hdf5-reader: seed \(seed), files in \(folder) (on a crash the last, current.h5, stays there)")
var master = Generator(seed: seed)
let deadline = Date().addingTimeInterval(seconds)
var iterations = 0, outcomes = 0, accepted = 0
let current = folder + "/current.h5"
while Date() < deadline {
    var maker = FileMaker(g: Generator(seed: master.next()), path: current)
    guard maker.make() else { continue }
    let seen = read(current)
    outcomes += seen.count
    accepted += seen.filter { $0 == "ok" }.count
    iterations += 1
}
try? FileManager.default.removeItem(atPath: folder)
print("fuzz-hdf5-reader: \(iterations) files, \(outcomes) reads (\(accepted) accepted, the rest one-line errors) in \(Int(seconds)) s: no crash")
