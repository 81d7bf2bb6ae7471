#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide memory-allocator settings for a batch process that loads large columns.
///
/// glibc returns every freed block above its mmap threshold (≤ 32 MiB) to the kernel at once, so
/// each new multi-megabyte column costs a page fault and a kernel page-zeroing per 4 KiB touched.
/// ``keepLargeAllocationsInHeap()`` raises the mmap and trim thresholds (as the environment
/// variables `MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` would) so freed columns stay in
/// the heap and are reused by the next load — the same effect numpy gets from its allocator.
/// The price is a resident set that does not shrink after a large dataset is freed, which suits
/// a run that ends when its job does. `gslab` calls it at start-up; libraries never do.
public enum AllocatorTuning {
    /// Raises glibc's mmap threshold to 1 GiB and its trim threshold to 4 GiB. No effect elsewhere.
    /// Returns true when the settings were applied.
    @discardableResult
    public static func keepLargeAllocationsInHeap() -> Bool {
        #if canImport(Glibc)
            // mallopt is declared in <malloc.h>, which the Glibc module does not export.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3
            let mmapOK = mallopt(M_MMAP_THRESHOLD, 1 << 30) == 1
            let trimOK = mallopt(M_TRIM_THRESHOLD, Int32.max) == 1
            return mmapOK && trimOK
        #else
            return false
        #endif
    }
}
