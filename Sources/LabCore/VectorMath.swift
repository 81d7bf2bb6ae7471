#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural log and exp over whole buffers, four lanes at a time (SIMD), for the kernels that apply
/// them to every bar.
///
/// Accuracy: within 4 ulp of libm (about 1e-15 relative) for finite positive inputs of log and
/// inputs of exp in [−700, 700] (checked against libm in the tests); lanes outside those ranges
/// (zero, negative, NaN, ±inf, huge) fall back to libm, so the results are always libm-compatible
/// in special cases. Pure Double arithmetic without fused operations: the same input gives the
/// same bits on every platform.
///
/// Methods: exp — `x = n·ln2 + r`, `|r| ≤ ln2/2`, degree-13 Taylor polynomial for `e^r` (truncation
/// < 4e-18), scaled by `2^n` built in the exponent bits. log — `x = 2^e·m`, `m ∈ [√½, √2)`,
/// `log m = 2·atanh(s)`, `s = (m − 1)/(m + 1)`, odd series to `s²¹` (truncation < 6e-17).
public enum VectorMath {
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10

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
        let n = x.count
        var i = 0
        let raw = UnsafeMutableRawPointer(x.baseAddress)
        while i + 4 <= n, let raw {
            let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
            if all(v .> 1e-300) && all(v .< 1e300) {
                raw.storeBytes(of: log4(v), toByteOffset: i * 8, as: SIMD4<Double>.self)
            } else {
                for k in i..<(i + 4) { x[k] = Glibc_log(x[k]) }
            }
            i += 4
        }
        while i < n {
            x[i] = Glibc_log(x[i])
            i += 1
        }
    }

    /// In-place exp of a buffer.
    public static func exp(_ x: UnsafeMutableBufferPointer<Double>) {
        let n = x.count
        var i = 0
        let raw = UnsafeMutableRawPointer(x.baseAddress)
        while i + 4 <= n, let raw {
            let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
            if all(v .> -700) && all(v .< 700) {
                raw.storeBytes(of: exp4(v), toByteOffset: i * 8, as: SIMD4<Double>.self)
            } else {
                for k in i..<(i + 4) { x[k] = Glibc_exp(x[k]) }
            }
            i += 4
        }
        while i < n {
            x[i] = Glibc_exp(x[i])
            i += 1
        }
    }

    /// 1.5 · 2^52: adding it rounds a double of magnitude < 2^51 to an integer (ties to even) and
    /// leaves that integer in the low mantissa bits — no per-lane conversion instructions needed.
    static let roundingMagic = 6_755_399_441_055_744.0

    @inline(__always)
    static func exp4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let shifted = x * 1.4426950408889634 + roundingMagic
        let n = shifted - roundingMagic
        let nBits = unsafeBitCast(shifted, to: SIMD4<Int64>.self) &- roundingMagic.bitPattern.toInt64
        let r = (x - n * ln2Hi) - n * ln2Lo
        // Horner form of Σ r^k / k!, k = 0…13.
        var p = SIMD4<Double>(repeating: 1.0 / 6_227_020_800)
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = (nBits &+ 1023) &<< 52
        return p * unsafeBitCast(scale, to: SIMD4<Double>.self)
    }

    @inline(__always)
    static func log4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let bits = unsafeBitCast(x, to: SIMD4<Int64>.self)
        var e = (bits &>> 52) &- 1023
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: SIMD4<Double>.self)
        let big = m .> 1.4142135623730951
        m.replace(with: m * 0.5, where: big)
        e.replace(with: e &+ 1, where: unsafeBitCast(big, to: SIMDMask<SIMD4<Int64>>.self))
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = SIMD4<Double>(repeating: 1.0 / 21)
        p = p * s2 + 1.0 / 19
        p = p * s2 + 1.0 / 17
        p = p * s2 + 1.0 / 15
        p = p * s2 + 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        // e as a double through the same magic-number trick (|e| ≤ 1075).
        let ed = unsafeBitCast(e &+ roundingMagic.bitPattern.toInt64, to: SIMD4<Double>.self) - roundingMagic
        return ed * ln2Hi + (2 * s * p + ed * ln2Lo)
    }
}

extension UInt64 {
    fileprivate var toInt64: Int64 { Int64(bitPattern: self) }
}

@inline(__always) private func Glibc_log(_ x: Double) -> Double { log(x) }
@inline(__always) private func Glibc_exp(_ x: Double) -> Double { exp(x) }
