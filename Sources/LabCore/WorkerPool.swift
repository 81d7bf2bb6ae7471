import Foundation

/// Tasks on a pool of threads, results in task order: a free worker takes the next task (tasks'
/// costs vary with their parameters, and a fixed deal by stride left one worker idle while the
/// other ran the expensive ones), so the results do not depend on the number of workers.
public enum WorkerPool {
    /// `body(state, task)` for tasks `0..<count` on `workers` threads, each with its own `state`
    /// made once by `makeState` (buffers reused from task to task); stops taking tasks once
    /// `isCancelled` says so. The first error in task order is rethrown.
    /// - Returns: the results in task order, or nil when cancelled.
    public static func map<State, T: Sendable>(
        _ count: Int, workers: Int, isCancelled: @escaping @Sendable () -> Bool = { false },
        state makeState: @escaping @Sendable () -> State, _ body: @escaping @Sendable (inout State, Int) throws -> T
    ) throws -> [T]? {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
            var state = makeState()
            while !isCancelled() {
                let task = slots.take()
                guard task < count else { return }
                do { slots.set(task, .success(try body(&state, task))) } catch { slots.set(task, .failure(error)) }
            }
        }
        if isCancelled() { return nil }
        return try slots.values.map { try $0!.get() }
    }

    /// ``map(_:workers:isCancelled:state:_:)`` without per-worker state.
    public static func map<T: Sendable>(
        _ count: Int, workers: Int, isCancelled: @escaping @Sendable () -> Bool = { false }, _ body: @escaping @Sendable (Int) throws -> T
    ) throws -> [T]? {
        try map(count, workers: workers, isCancelled: isCancelled, state: {}) { _, task in try body(task) }
    }
}

/// Per-task results and the next task to take; each worker writes only the slots it took.
private final class Slots<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private var next = 0
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func take() -> Int { lock.lock(); defer { lock.unlock() }; next += 1; return next - 1 }
    func set(_ k: Int, _ value: Result<T, any Error>) { lock.lock(); slots[k] = value; lock.unlock() }
    var values: [Result<T, any Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
}
