#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SeededRNG {
    /// A standard normal variate by the ziggurat method (Marsaglia & Tsang 2000, with Doornik's 2005
    /// correction: the layer index and the uniform come from separate bits). About 99 % of draws
    /// cost one 64-bit output, a multiply and a compare — several times cheaper than ``nextNormal()``,
    /// for the kernels that need one normal per bar. Deterministic for a seed like every draw here;
    /// it gives different numbers from ``nextNormal()`` (a different algorithm).
    @inlinable
    public mutating func nextGaussian() -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 127)
            let u = Double(Int64(bitPattern: bits) >> 11) * 0x1.0p-52  // uniform in [-1, 1)
            let x = Ziggurat.x
            if abs(u) < Ziggurat.ratio[i] { return u * x[i] }
            if i == 0 {
                // Tail beyond r (Marsaglia 1964).
                var a: Double, b: Double
                repeat {
                    a = -_zlog(1 - nextUniform()) / Ziggurat.r
                    b = -_zlog(1 - nextUniform())
                } while 2 * b < a * a
                return u < 0 ? -(Ziggurat.r + a) : Ziggurat.r + a
            }
            let candidate = u * x[i]
            let f0 = _zexp(-0.5 * (x[i] * x[i] - candidate * candidate))
            let f1 = _zexp(-0.5 * (x[i + 1] * x[i + 1] - candidate * candidate))
            if f1 + nextUniform() * (f0 - f1) < 1 { return candidate }
        }
    }
}

/// Ziggurat tables for the standard normal with 128 layers.
@usableFromInline
enum Ziggurat {
    @usableFromInline static let r = 3.442619855899
    static let v = 9.91256303526217e-3
    /// Layer edges x[0] > x[1] = r > … > x[128] = 0 (x[0] = v / f(r) is the base strip's virtual width).
    @usableFromInline static let x: [Double] = {
        var x = [Double](repeating: 0, count: 129)
        let f = { (t: Double) -> Double in _zexp(-0.5 * t * t) }
        x[0] = v / f(r)
        x[1] = r
        for i in 1..<127 { x[i + 1] = (-2 * _zlog(v / x[i] + f(x[i]))).squareRoot() }
        x[128] = 0
        return x
    }()
    /// x[i+1] / x[i]: below it a draw is inside the layer's rectangle and accepted at once.
    @usableFromInline static let ratio: [Double] = (0..<128).map { x[$0 + 1] / x[$0] }
}

@usableFromInline func _zlog(_ x: Double) -> Double { log(x) }
@usableFromInline func _zexp(_ x: Double) -> Double { exp(x) }
