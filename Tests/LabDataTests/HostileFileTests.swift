import CHDF5
import Foundation
import LabCore
import Testing

@testable import LabData

/// Files crafted to steer the reader: shapes that do not match the layout, declared sizes with no
/// data behind them, links that loop, timestamps whose unit conversion overflows. Each one is
/// refused with one line naming the file and the dataset, before any buffer is sized from it.
@Suite struct HostileFileTests {
    /// `H5F_ACC_RDWR` (a macro calling `H5check()`, which does not import into Swift).
    static let readWrite: UInt32 = 0x0001

    /// A dataset of int64 `values` with dimensions `dims` (product = values.count), or, with no
    /// values, chunked so that nothing is allocated in the file however large `dims` is.
    static func dataset(_ group: HDF5Group, _ name: String, dims: [Int], values: [Int64] = []) {
        var d = dims.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(d.count), &d, nil)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(gslab_H5P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        if values.isEmpty {
            var chunk = dims.map { _ in hsize_t(1024) }
            H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        }
        let id = H5Dcreate2(group.handle.id, name, gslab_H5T_STD_I64LE(), space, hid_t(H5P_DEFAULT), dcpl, hid_t(H5P_DEFAULT))
        precondition(id >= 0)
        defer { H5Dclose(id) }
        if !values.isEmpty {
            precondition(
                values.withUnsafeBufferPointer {
                    H5Dwrite(id, gslab_H5T_NATIVE_INT64(), hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress)
                } >= 0)
        }
    }

    func expectError(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        #expect(throws: LabDataError.self, sourceLocation: sourceLocation) {
            do { try body() } catch let error as LabDataError {
                #expect(error.description == expected, sourceLocation: sourceLocation)
                #expect(error.category == .invalidInput, sourceLocation: sourceLocation)
                throw error
            }
        }
    }

    /// Was `malloc(): corrupted top size`: a 2-D `axis1` was read into a buffer sized by its
    /// first dimension.
    @Test func pandasIndexOfTwoDimensionsIsRefused() throws {
        let path = Fixture.scratch() + "/axis1_2d.h5"
        try FileManager.default.copyItem(atPath: Fixture.path("pandas_fixed.h5"), toPath: path)
        let symbol = try HDF5BarStore.symbols(in: path)[0].symbol
        let rows = try HDF5BarStore.read(path, symbol: symbol).series.count
        let file = H5Fopen(path, Self.readWrite, hid_t(H5P_DEFAULT))
        #expect(file >= 0)
        let group = H5Gopen2(file, symbol, hid_t(H5P_DEFAULT))
        H5Ldelete(group, "axis1", hid_t(H5P_DEFAULT))
        var dims: [hsize_t] = [hsize_t(rows), 4]
        let space = H5Screate_simple(2, &dims, nil)
        let ds = H5Dcreate2(group, "axis1", gslab_H5T_STD_I64LE(), space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        let values = (0..<(rows * 4)).map { Int64($0) * CivilTime.nanosPerDay }
        _ = values.withUnsafeBufferPointer {
            H5Dwrite(ds, gslab_H5T_NATIVE_INT64(), hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress)
        }
        H5Dclose(ds)
        H5Sclose(space)
        H5Gclose(group)
        H5Fclose(file)
        expectError("\(path): \(symbol): timestamp: index axis1 has shape [\(rows), 4], expected a 1-D dataset") {
            _ = try HDF5BarStore.read(path, symbol: symbol)
        }
    }

    /// Was an abort on an 8 TB allocation: 2^40 rows declared, none written.
    @Test func declaredRowsBeyondTheLimitAreRefusedBeforeAllocating() throws {
        let path = Fixture.scratch() + "/huge.h5"
        try Fixture.writeRaw(path) { g in
            Self.dataset(g, "timestamp", dims: [1 << 40])
            for column in ["open", "high", "low", "close", "volume"] { Self.dataset(g, column, dims: [1 << 40]) }
        }
        expectError(
            "\(path): /X/timestamp: declares 1099511627776 rows, more than the limit of 2147483648 (GSLAB_MAX_ROWS)"
        ) { _ = try HDF5BarStore.read(path) }
    }

    @Test func aColumnWhoseShapeDisagreesWithTheCountAsked() throws {
        let path = Fixture.scratch() + "/shape.h5"
        try Fixture.writeRaw(path) { g in Self.dataset(g, "v", dims: [2, 3], values: [1, 2, 3, 4, 5, 6]) }
        let file = try HDF5File.openForReading(path)
        let ds = try #require(file.root.group("X")?.dataset("v"))
        #expect(ds.elementCount == 6)
        expectError("\(path): /X/v: shape [2, 3] does not hold the 2 elements expected") { _ = try ds.readAll(as: Int64.self, count: 2) }
        #expect(try ds.readAll(as: Int64.self, count: 6) == [1, 2, 3, 4, 5, 6])
    }

    @Test func theRowLimitIsAParameterAndCountsBytes() {
        let limits = ReadLimits(maxRows: 100, maxBytes: 8_000)
        #expect(limits.refusal(rows: 100, columns: 10) == nil)
        #expect(limits.refusal(rows: 101, columns: 1) == "declares 101 rows, more than the limit of 100 (GSLAB_MAX_ROWS)")
        #expect(limits.refusal(rows: 100, columns: 11)?.hasPrefix("declares 100 rows × 11 columns, more than half") == true)
        #expect(ReadLimits(maxRows: .max).refusal(rows: .max, columns: .max) != nil)  // no overflow trap
    }

    /// Was a stack overflow (an external link to the file's own root) and a recursion until memory
    /// ran out (a hard link from a group to its parent).
    @Test func linksThatLoopAreNotFollowed() throws {
        let path = Fixture.scratch() + "/loops.h5"
        try HDF5BarStore.write([cleanDaily(20)], to: path)
        let file = H5Fopen(path, Self.readWrite, hid_t(H5P_DEFAULT))
        let nest = H5Gcreate2(file, "nest", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        #expect(H5Lcreate_hard(file, "/nest", nest, "again", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) >= 0)
        #expect(H5Lcreate_hard(file, "/", nest, "root", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) >= 0)
        #expect(H5Lcreate_external(path, "/", file, "self", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) >= 0)
        #expect(H5Lcreate_soft("/nest", file, "soft", hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)) >= 0)
        H5Gclose(nest)
        H5Fclose(file)
        #expect(try HDF5BarStore.symbols(in: path).map(\.symbol) == ["SYN"])
        #expect(try HDF5BarStore.read(path).map(\.series.count) == [20])
    }

    /// Was an integer-overflow trap: seconds whose nanoseconds do not fit an int64.
    @Test func timestampsWhoseUnitConversionOverflowsAreRefused() throws {
        let path = Fixture.scratch() + "/seconds.h5"
        let big = Int64.max / 1_000
        try Fixture.writeRaw(path) { g in
            try g.write("timestamp", [Int64(0), big])
            try #require(g.dataset("timestamp")).setStringAttribute("unit", "s")
            for column in ["open", "high", "low", "close", "volume"] { try g.write(column, [1.0, 1.0]) }
        }
        expectError("\(path): X: timestamp: row 1: \(big) s is outside the nanosecond range 1677-09-21 … 2262-04-11") {
            _ = try HDF5BarStore.read(path)
        }
    }

    /// A pickle of deep nesting or of a memoised value doubled at every level is refused, not
    /// walked without bound.
    @Test func picklesAreBoundedInDepthAndSize() {
        let deep = String(repeating: "(", count: 100) + String(repeating: "l", count: 100) + "."
        #expect(PickleValue.parse(deep) == nil)
        let shallow = String(repeating: "(", count: 60) + String(repeating: "l", count: 60) + "."
        #expect(PickleValue.parse(shallow) != nil)
        // (x, x) memoised and paired again 40 times: 2^40 values once expanded.
        let doubling = "Vx\np0\n" + String(repeating: "(g0\ng0\ntp0\n", count: 40) + "."
        #expect(PickleValue.parse(doubling) == nil)
        let small = "Vx\np0\n" + String(repeating: "(g0\ng0\ntp0\n", count: 10) + "."
        #expect(PickleValue.parse(small)?.allStrings.count == 1024)
    }

    /// Found by scripts/fuzz: a block count of -1 trapped and one of 2^31 looped 2^31 times;
    /// timestamps from Int64.min to Int64.max overflowed their differences and their formatting;
    /// a column name with a line break made a two-line error.
    @Test func fuzzFindingsStayFixed() throws {
        let dir = Fixture.scratch()
        for blocks in [Int64(-1), Int64(Int32.max)] {
            let path = dir + "/blocks\(blocks).h5"
            try FileManager.default.copyItem(atPath: Fixture.path("pandas_fixed.h5"), toPath: path)
            let symbol = try HDF5BarStore.symbols(in: path)[0].symbol
            let file = H5Fopen(path, Self.readWrite, hid_t(H5P_DEFAULT))
            let group = H5Gopen2(file, symbol, hid_t(H5P_DEFAULT))
            H5Adelete(group, "nblocks")
            var value = blocks
            let space = H5Screate(H5S_SCALAR)
            let attr = H5Acreate2(group, "nblocks", gslab_H5T_NATIVE_INT64(), space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
            H5Awrite(attr, gslab_H5T_NATIVE_INT64(), &value)
            H5Aclose(attr)
            H5Sclose(space)
            H5Gclose(group)
            H5Fclose(file)
            expectError("\(path): \(symbol): nblocks \(blocks) is outside 0 … 5 (one block per dtype of the columns)") {
                _ = try HDF5BarStore.read(path, symbol: symbol)
            }
        }
        let wide = dir + "/wide.h5"
        try Fixture.writeRaw(wide) { g in
            try g.write("timestamp", [Int64.min, Int64.max])
            for column in ["open", "high", "low", "close", "volume"] { try g.write(column, [1.0, 1.0]) }
        }
        expectError(
            "\(wide): X: timestamp: timestamps span 1677-09-21T00:12:43.145224192Z … 2262-04-11T23:47:16.854775807Z, more than the 292 years nanosecond differences hold"
        ) { _ = try HDF5BarStore.read(wide) }
        let error = LabDataError.columnMissing(path: "f.h5", symbol: "X", field: "open", present: ["a\nb", "c\u{1B}"])
        #expect(error.description == "f.h5: X: column open is missing (columns: a\\nb, c\\u{1B})")
    }
}
