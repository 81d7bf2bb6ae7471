/// A seeded, platform-independent pseudo-random generator: xoshiro256** 1.0 (Blackman & Vigna, 2018).
///
/// - Seeding: the 64-bit seed is expanded into the 256-bit state with SplitMix64, so nearby seeds
///   give unrelated streams and the all-zero state cannot occur.
/// - Stream splitting for parallel workers: ``stream(_:)`` returns the generator advanced by
///   `index` calls of the xoshiro256** `jump()` function (2^128 steps each). Stream `k` of a seed
///   therefore never overlaps stream `j ≠ k` for any realistic draw count, and worker `k` gets the
///   same numbers whatever the number of workers is. Always derive per-job generators as
///   `SeededRNG(seed: s).stream(jobIndex)`, never from a shared generator.
/// - Derived variates (``nextUniform()``, ``nextNormal()``) use only integer arithmetic plus
///   `log`, `sqrt` and `cos`, and never the standard library's `random(in:)` (whose algorithm may
///   change between Swift versions), so a seed gives the same doubles on every build.
public struct SeededRNG: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose state is four SplitMix64 outputs of `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SeededRNG.rotl(s3, 45)
        return result
    }

    /// Advances the state by 2^128 steps (the reference `jump()`).
    public mutating func jump() {
        let table: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
        for word in table {
            for bit in 0..<64 {
                if word & (UInt64(1) << UInt64(bit)) != 0 {
                    a ^= s0
                    b ^= s1
                    c ^= s2
                    d ^= s3
                }
                _ = next()
            }
        }
        s0 = a
        s1 = b
        s2 = c
        s3 = d
    }

    /// The independent stream number `index` of this generator (this state jumped `index` times).
    public func stream(_ index: Int) -> SeededRNG {
        precondition(index >= 0, "stream index must be ≥ 0")
        var g = self
        for _ in 0..<index { g.jump() }
        return g
    }

    /// Streams `0 ..< count` of this generator (`streams(n)[k] == stream(k)`), made with `count − 1`
    /// jumps in all rather than `k` jumps for each.
    public func streams(_ count: Int) -> [SeededRNG] {
        var result: [SeededRNG] = []
        result.reserveCapacity(max(count, 0))
        var g = self
        for k in 0..<max(count, 0) {
            if k > 0 { g.jump() }
            result.append(g)
        }
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0 ..< upperBound` (Lemire's nearly-divisionless method, unbiased).
    @inlinable
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        let bound = UInt64(upperBound)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A standard normal variate (Box–Muller; one value per call, the pair's second half discarded
    /// so the draw count per variate is fixed at two).
    @inlinable
    public mutating func nextNormal() -> Double {
        let u1 = 1.0 - nextUniform()  // (0, 1]
        let u2 = nextUniform()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
