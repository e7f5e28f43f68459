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
