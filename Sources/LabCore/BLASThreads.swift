#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS held to one thread: the lab parallelises across jobs and symbols, and its matrices are
/// small (one row and column per symbol), where OpenBLAS's own threads only spin.
///
/// The threaded OpenBLAS starts its thread pool when the library is loaded, and each pool thread
/// spins (`sched_yield`) for about 2^28 cycles before it sleeps: on a machine of two cores, a
/// tenth of a second of one core taken from every short run, BLAS used or not.
/// ``useOne()`` sets one thread and shuts the pool down. The calls are looked up in the process
/// (`dlsym`): another BLAS behind `libblas`, or OpenBLAS's serial build, has no pool and nothing
/// happens.
public enum BLASThreads {
    private static let once: Void = {
        #if canImport(Glibc)
            typealias SetThreads = @convention(c) (Int32) -> Void
            typealias Shutdown = @convention(c) () -> Int32
            let process = UnsafeMutableRawPointer(bitPattern: 0)
            if let symbol = dlsym(process, "openblas_set_num_threads") { unsafeBitCast(symbol, to: SetThreads.self)(1) }
            // After the count: setting it re-creates a pool that is not there.
            if let symbol = dlsym(process, "blas_thread_shutdown_") { _ = unsafeBitCast(symbol, to: Shutdown.self)() }
        #endif
    }()

    /// Holds OpenBLAS to the calling thread (once per process; later calls do nothing).
    public static func useOne() { _ = once }
}
