import Foundation

/// Runs the search index upkeep (``GapStore/maintainSearchIndex()``) on a thread of its own
/// when writes ask for it, so that writes return without rebuilding segments. Requests made
/// while a run is under way are coalesced into one more run.
final class IndexUpkeepWorker: @unchecked Sendable {
    // @unchecked Sendable: every field below `condition` is read and written under it.
    private let condition = NSCondition()
    private var requested = false
    private var running = false
    private var stopped = false

    /// Starts the thread. `maintain` returns `false` once there is nothing left to maintain
    /// for (the store is gone), which ends the thread.
    init(_ maintain: @escaping @Sendable () -> Bool) {
        let thread = Thread { [self] in loop(maintain) }
        thread.name = "gapsearch index upkeep"
        thread.start()
    }

    /// Asks for a run; returns at once.
    func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Waits until no run is requested or under way.
    func waitUntilIdle() {
        condition.lock()
        while (requested || running) && !stopped { condition.wait() }
        condition.unlock()
    }

    /// Ends the thread after the run under way, if any.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop(_ maintain: @Sendable () -> Bool) {
        condition.lock()
        while true {
            while !requested && !stopped { condition.wait() }
            if stopped { break }
            requested = false
            running = true
            condition.unlock()
            let alive = maintain()
            condition.lock()
            running = false
            if !alive { stopped = true }
            condition.broadcast()
        }
        condition.unlock()
    }
}
