import CVectorMath

/// Natural log and exp over whole buffers, vectorised, for the kernels that apply them to every bar.
///
/// The kernels are C (`Sources/CVectorMath`), compiled for AVX2 and for baseline x86-64 and chosen at
/// run time; both use the same operations in the same order without fused multiply-adds, so they
/// give identical bits.
///
/// Accuracy: within 4 ulp of libm (about 1e-15 relative) for finite positive inputs of log and
/// inputs of exp in [−700, 700] (checked against libm in the tests); lanes outside those ranges
/// (zero, negative, NaN, ±inf, huge) fall back to libm, so the results are always libm-compatible
/// in special cases. Pure Double arithmetic without fused operations: the same input gives the
/// same bits on every platform.
///
/// Methods (table-driven, constants in `Sources/CVectorMath/tables.h`, made with mpmath and rounded
/// to nearest): exp — `x = (64m + j)·ln2/64 + r`, `|r| ≤ ln2/128`, `e^x = 2^m · 2^(j/64) · p(r)` with
/// the degree-6 Taylor polynomial; log — `x = 2^e·m`, `m ∈ [√½, √2)`, `c = 1 + j/128` nearest to m,
/// `log m = log c + 2·atanh((m − c)/(m + c))` with the odd series to the 7th power.
public enum VectorMath {
    /// `x[i] = log(x[i])` for every element.
    public static func log(_ x: inout [Double]) {
        x.withUnsafeMutableBufferPointer { log($0) }
    }

    /// `x[i] = exp(x[i])` for every element.
    public static func exp(_ x: inout [Double]) {
        x.withUnsafeMutableBufferPointer { exp($0) }
    }

    /// In-place natural log of a buffer.
    public static func log(_ x: UnsafeMutableBufferPointer<Double>) {
        guard let base = x.baseAddress else { return }
        gslab_vlog(base, x.count)
    }

    /// In-place exp of a buffer.
    public static func exp(_ x: UnsafeMutableBufferPointer<Double>) {
        guard let base = x.baseAddress else { return }
        gslab_vexp(base, x.count)
    }
}
