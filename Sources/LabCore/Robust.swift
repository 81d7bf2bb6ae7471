import Foundation

/// Robust statistics helpers (the data-quality checks, the stress scales).
public enum Robust {
    /// Median of `values` (reorders them). Mean of the two middle values for an even count.
    public static func median(_ values: inout [Double]) -> Double {
        precondition(!values.isEmpty)
        let n = values.count
        let mid = n / 2
        values.withUnsafeMutableBufferPointer { select(&$0, mid) }
        let upper = values[mid]
        if n % 2 == 1 { return upper }
        var lower = -Double.infinity
        for k in 0..<mid where values[k] > lower { lower = values[k] }
        return (lower + upper) / 2
    }

    /// Floyd–Rivest selection (Floyd & Rivest 1975, algorithm SELECT): afterwards `a[k]` is the
    /// k-th smallest (0-based), everything before it ≤ it and everything after it ≥ it.
    ///
    /// A sample of about n^(2/3) elements is selected first (recursively) to find two pivots that
    /// bracket the k-th element closely, so one partition pass leaves a small range: about 1.5 n
    /// comparisons where quickselect with a median-of-three pivot took 2 to 3 n (the two medians of
    /// every symbol's data-quality check were the largest single cost of loading a universe).
    public static func select(_ a: inout UnsafeMutableBufferPointer<Double>, _ k: Int) {
        guard a.count > 1, let base = a.baseAddress else { return }
        select(base, 0, a.count - 1, k)
    }

    /// The selection over `a[left...right]` (a plain pointer: through an `inout` buffer every
    /// access reloaded it).
    private static func select(_ a: UnsafeMutablePointer<Double>, _ left: Int, _ right: Int, _ k: Int) {
        var left = left, right = right
        while right > left {
            if right - left > 600 {
                let n = Double(right - left + 1), i = Double(k - left + 1)
                let z = log(n)
                let s = 0.5 * exp(2 * z / 3)
                let sd = 0.5 * (z * s * (n - s) / n).squareRoot() * (i - n / 2 < 0 ? -1 : 1)
                let newLeft = max(left, Int(Double(k) - i * s / n + sd))
                let newRight = min(right, Int(Double(k) + (n - i) * s / n + sd))
                select(a, newLeft, newRight, k)
            }
            let t = a[k]
            var i = left, j = right
            swap(a, left, k)
            if a[right] > t { swap(a, right, left) }
            while i < j {
                swap(a, i, j)
                i += 1
                j -= 1
                while a[i] < t { i += 1 }
                while a[j] > t { j -= 1 }
            }
            if a[left] == t {
                swap(a, left, j)
            } else {
                j += 1
                swap(a, j, right)
            }
            if j <= k { left = j + 1 }
            if k <= j { right = j - 1 }
        }
    }

    @inline(__always) private static func swap(_ a: UnsafeMutablePointer<Double>, _ i: Int, _ j: Int) {
        let x = a[i]
        a[i] = a[j]
        a[j] = x
    }
}
