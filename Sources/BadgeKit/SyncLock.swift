import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock held by one sync of one journal at a time: `flock` on `<journal file>.badge-sync.lock`. The
/// kernel releases it when its holder closes the file or dies (a SIGKILLed sync never leaves it stale), so a second
/// sync started meanwhile is refused at once instead of minting the same badges with other nonces.
public final class BadgeSyncLock: @unchecked Sendable {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock of the journal at `journalPath`, or throws when another sync holds it.
    public init(journalPath: String) throws(BadgeError) {
        path = journalPath + ".badge-sync.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .journal("\(path): cannot open the sync lock (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            throw .journal(busy ? "another badge sync is running on \(journalPath) (lock \(path))"
                                : "\(path): cannot lock (\(String(cString: strerror(errno))))")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
