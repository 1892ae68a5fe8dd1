#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A reader/writer lock that lets this process change the map size safely.
///
/// `mdb_env_set_mapsize` may only be called while the process has no transaction open, so
/// every transaction holds the lock shared and a map resize takes it exclusively. Writers are
/// preferred where the platform allows it so that a resize is not starved by a stream of
/// readers; the price is that a thread must not open a transaction while it already holds one
/// (LMDB forbids nested read transactions on one thread without `MDB_NOTLS` anyway, and
/// ``Environment`` documents the rule).
final class MapLock: @unchecked Sendable {
    // Heap-allocated: a pthread lock must not move in memory.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if canImport(Glibc)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        let rc = pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
        precondition(rc == 0, "pthread_rwlock_init failed: \(rc)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Takes the lock shared: a transaction is about to begin.
    func lockShared() {
        let rc = pthread_rwlock_rdlock(lock)
        precondition(rc == 0, "pthread_rwlock_rdlock failed: \(rc)")
    }

    /// Takes the lock exclusively: the map size is about to change.
    func lockExclusive() {
        let rc = pthread_rwlock_wrlock(lock)
        precondition(rc == 0, "pthread_rwlock_wrlock failed: \(rc)")
    }

    func unlock() {
        let rc = pthread_rwlock_unlock(lock)
        precondition(rc == 0, "pthread_rwlock_unlock failed: \(rc)")
    }
}
