import Dispatch
import Foundation

/// Waits for a child process to exit without running a run loop.
///
/// `Process.waitUntilExit()` spins the calling thread's run loop until Foundation notices the exit; called from the
/// worker threads of Swift concurrency on Linux it can park that thread for good after many children (a whole test
/// run hung that way). The termination handler, set before `run()`, cannot miss the exit, and the wait is a semaphore.
public final class ProcessExit: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    /// Watches `process`; create it before `process.run()`.
    public init(_ process: Process) {
        let done = self.done
        process.terminationHandler = { _ in done.signal() }
    }

    /// Blocks until the process has exited (any number of calls).
    public func wait() {
        done.wait()
        done.signal()
    }

    /// Blocks until the process has exited or `seconds` passed; whether it exited.
    public func wait(seconds: Double) -> Bool {
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()
        return true
    }
}

extension Process {
    /// Runs the process, then waits for its exit without a run loop (see ``ProcessExit``).
    public func runUntilExit() throws {
        let exit = ProcessExit(self)
        try run()
        exit.wait()
    }

    /// Runs the process and returns the waiter for its exit (see ``ProcessExit``).
    public func start() throws -> ProcessExit {
        let exit = ProcessExit(self)
        try run()
        return exit
    }
}

/// SIGKILLs `process` once `reached()` holds, polling every `interval` seconds from a thread of its own; returns whether
/// the process was still running when it was killed (false: it ended first, or `seconds` passed).
///
/// The watch runs outside Swift concurrency's cooperative pool: the suite's synchronous subprocess tests can hold both
/// of its threads for seconds on this 2-core machine, long enough for an async polling loop to miss the moment.
public func killWhen(_ process: Process, exit: ProcessExit, within seconds: Double, interval: Double = 0.01,
                     _ reached: @escaping @Sendable () -> Bool) -> Bool {
    let outcome = OneShot()
    let pid = process.processIdentifier
    let watcher = Thread {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if exit.wait(seconds: 0) { outcome.set(false); return }
            if reached() {
                // Still running at the moment of the kill: the kill lands mid-way.
                let running = !exit.wait(seconds: 0)
                kill(pid, SIGKILL)
                outcome.set(running)
                return
            }
            Thread.sleep(forTimeInterval: interval)
        }
        kill(pid, SIGKILL)
        outcome.set(false)
    }
    watcher.start()
    exit.wait()
    return outcome.get()
}

/// A Bool set once by one thread and read by another.
private final class OneShot: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var value = false
    func set(_ v: Bool) { lock.lock(); value = v; lock.unlock(); done.signal() }
    func get() -> Bool { done.wait(); done.signal(); lock.lock(); defer { lock.unlock() }; return value }
}

/// Reads one line (without its `\n`) from `handle`, waiting at most `seconds` in all; nil at end of file or on timeout.
/// A child that never prints its readiness line fails the test instead of blocking a thread for good.
public func readLine(from handle: FileHandle, within seconds: Double) -> Data? {
    let deadline = Date().addingTimeInterval(seconds)
    var line = Data()
    var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
    while true {
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { return nil }
        let ready = poll(&poller, 1, Int32(min(left, 1) * 1000))
        if ready < 0 && errno != EINTR { return nil }
        guard ready > 0 else { continue }
        var byte: UInt8 = 0
        let n = read(handle.fileDescriptor, &byte, 1)
        if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
        if n <= 0 { return line.isEmpty ? nil : line }
        if byte == 0x0A { return line }
        line.append(byte)
    }
}
