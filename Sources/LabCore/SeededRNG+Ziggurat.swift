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
        gaussian(table: Ziggurat.table)
    }

    /// Fills `out` with standard normal variates: the same numbers, in the same order, as calling
    /// ``nextGaussian()`` once per element, with the table lookup hoisted out of the loop.
    @inlinable
    public mutating func fillGaussian(_ out: inout [Double]) {
        let table = Ziggurat.table
        out.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices { buffer[k] = gaussian(table: table) }
        }
    }

    /// One ziggurat draw given the tables (`x[0…128]`, then the ratios at `x + 129`).
    @inlinable @inline(__always)
    mutating func gaussian(table x: UnsafePointer<Double>) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 127)
            let u = Double(Int64(bitPattern: bits) >> 11) * 0x1.0p-52  // uniform in [-1, 1)
            if abs(u) < x[129 + i] { return u * x[i] }
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

/// Ziggurat tables for the standard normal with 128 layers, in one buffer allocated once for the
/// life of the process (read-only after initialisation, so shared freely between threads).
@usableFromInline
enum Ziggurat {
    @usableFromInline static let r = 3.442619855899
    static let v = 9.91256303526217e-3
    /// `x[0…128]`: layer edges x[0] > x[1] = r > … > x[128] = 0 (x[0] = v / f(r), the base strip's
    /// virtual width); `x[129 + i]` for i in 0…127: x[i+1] / x[i], below which a draw is accepted at once.
    @usableFromInline nonisolated(unsafe) static let table: UnsafePointer<Double> = {
        let t = UnsafeMutablePointer<Double>.allocate(capacity: 129 + 128)
        let f = { (x: Double) -> Double in _zexp(-0.5 * x * x) }
        t[0] = v / f(r)
        t[1] = r
        for i in 1..<127 { t[i + 1] = (-2 * _zlog(v / t[i] + f(t[i]))).squareRoot() }
        t[128] = 0
        for i in 0..<128 { t[129 + i] = t[i + 1] / t[i] }
        return UnsafePointer(t)
    }()
}

@usableFromInline func _zlog(_ x: Double) -> Double { log(x) }
@usableFromInline func _zexp(_ x: Double) -> Double { exp(x) }
