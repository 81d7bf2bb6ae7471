import CHDF5
import COpenBLAS
import Testing

/// Proves that scripts/setup installed the native libraries and that they link and compute.
@Suite struct NativeLibrariesTests {
    @Test func hdf5IsVersion1_10OrLater() {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        #expect(H5get_libversion(&major, &minor, &release) >= 0)
        #expect(major == 1 && minor >= 10)
    }

    @Test func dgemmMultipliesAHandComputedPair() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50], row-major.
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [5, 6, 7, 8]
        var c = [Double](repeating: 0, count: 4)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test func dpotrfFactorsAPositiveDefiniteMatrix() {
        // [4 2; 2 3] = L·Lᵀ with L = [2 0; 1 √2] (column-major, lower triangle).
        var m: [Double] = [4, 2, 2, 3]
        var uplo = CChar(UInt8(ascii: "L")), n: blasint = 2, lda: blasint = 2, info: blasint = -1
        dpotrf_(&uplo, &n, &m, &lda, &info)
        #expect(info == 0)
        #expect(m[0] == 2 && m[1] == 1 && abs(m[3] - 2.0.squareRoot()) < 1e-15)
    }
}
