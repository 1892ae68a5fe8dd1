import Foundation
import GapTestSupport
import Testing

@testable import GapGitHub

#if canImport(Glibc)
import Glibc
#endif

/// ``SyncLock``: one sync at a time, and a finished sync's lock is free at once.
@Suite struct SyncLockTests {
    @Test func aSecondLockIsRefusedWhileTheFirstIsHeld() throws {
        try withTemporaryDirectory { directory in
            let first = try SyncLock(storePath: directory)
            #expect(throws: GitHubError.self) { _ = try SyncLock(storePath: directory) }
            withExtendedLifetime(first) {}
        }
    }

    /// A child process being started elsewhere in the program holds a copy of the descriptor
    /// until it execs; the lock must not outlive the sync that took it for that moment.
    @Test func aReleasedLockIsFreeWhileACopyOfItsDescriptorIsOpen() throws {
        try withTemporaryDirectory { directory in
            var lock: SyncLock? = try SyncLock(storePath: directory)
            let copy = dup(lock!.descriptor)
            #expect(copy >= 0)
            defer { close(copy) }
            lock = nil
            #expect(throws: Never.self) { _ = try SyncLock(storePath: directory) }
        }
    }
}
