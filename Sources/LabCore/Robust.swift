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

    /// Quickselect (Hoare partition, median-of-three pivot): afterwards `a[k]` is the k-th smallest,
    /// everything before it ≤ it and everything after it ≥ it.
    public static func select(_ a: inout UnsafeMutableBufferPointer<Double>, _ k: Int) {
        var lo = 0
        var hi = a.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo
            var j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }
}
