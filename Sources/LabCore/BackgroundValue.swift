import Foundation

/// A value computed on another thread from the moment it is made, read (waiting if it must) with
/// ``value``: work that does not feed the next steps — a hash of the bars for the report — off
/// the critical path.
public final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: T?

    /// Starts `compute` on a global queue.
    public init(_ compute: @escaping @Sendable () -> T) {
        done.enter()
        DispatchQueue.global().async {
            self.result = compute()
            self.done.leave()
        }
    }

    /// The value, once computed.
    public var value: T {
        done.wait()
        return result!
    }
}
