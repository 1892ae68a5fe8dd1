import Foundation

/// A dedicated OS thread running one closure, for tests that need real blocking concurrency
/// (several readers holding transactions while a writer commits) without tying up the
/// cooperative thread pool of Swift concurrency.
public final class BackgroundThread: @unchecked Sendable {
    // @unchecked Sendable: the semaphore is the only shared state and is thread-safe.
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread.
    public init(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [finished] in
            body()
            finished.signal()
        }
        thread.start()
    }

    /// Blocks until the closure has returned.
    public func wait() { finished.wait() }
}
