import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock that lets one issue sync at a time work on a store: two at once could
/// both create an issue for the same gap. An advisory `flock` on a file in the store's
/// directory, so the kernel releases it when the holder dies, however it dies.
final class SyncLock {
    /// The open lock file (internal for tests).
    let descriptor: Int32

    /// Takes the lock without waiting.
    ///
    /// - Throws: ``GitHubError`` with kind ``GitHubError/Kind/invalidConfiguration`` when
    ///   another sync holds it or the file cannot be opened.
    init(storePath: String) throws(GitHubError) {
        let path = (storePath as NSString).appendingPathComponent("github-sync.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GitHubError(.invalidConfiguration, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw GitHubError(
                    .invalidConfiguration,
                    "another `gapsearch github sync` is running on the store at \(storePath); wait for it to finish")
            }
            throw GitHubError(.invalidConfiguration, "cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        // Unlocked explicitly, not just closed: a child process another thread is starting may
        // hold a copy of the descriptor until it execs (O_CLOEXEC closes it only then), and the
        // lock belongs to the open file, so closing ours alone would leave the store locked for
        // that moment — long enough for the next sync to be refused.
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
