import Foundation

/// The repository the tests and benchmarks run from (derived from this file's location, Tests/DevnetSupport/…).
public let devnetRepositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Why a child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// An error saying `description`.
    public init(description: String) { self.description = description }
}

/// A child process that prints one JSON line when it is ready and exits when its stdin closes (`Scripts/devnet`,
/// `Scripts/dev/faultproxy`): it cannot outlive the test process that started it.
public final class ChildProcess: @unchecked Sendable {
    /// The process.
    public let process = Process()
    /// Its stdin; closing it stops the child.
    public let stdin = Pipe()
    /// The JSON object of its readiness line.
    public let readyLine: [String: Any]
    /// The waiter for its exit (no run loop: ``ProcessExit``).
    private let exited: ProcessExit

    /// Starts `executable` with `arguments` and waits for its readiness line.
    public init(executable: URL, arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        exited = try process.start()
        // A child that says nothing for 5 minutes is stopped and reported, not waited for forever.
        guard let line = readLine(from: stdout.fileHandleForReading, within: 300) else {
            try? stdin.fileHandleForWriting.close()
            kill(process.processIdentifier, SIGKILL)
            throw ChildProcessError(description: "\(executable.lastPathComponent) printed no readiness line within 300 s")
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw ChildProcessError(description: "\(executable.lastPathComponent) did not start (got \(String(decoding: line, as: UTF8.self)))")
        }
        readyLine = object
    }

    /// Stops the child and waits for it.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        exited.wait()
    }
}

/// The one way tests and benchmarks start the project's devnet: `Scripts/devnet` on a free loopback port.
public enum DevnetLauncher {
    /// Starts a devnet (`--port 0 --json-ready --exit-with-stdin --quiet` plus `arguments`).
    public static func start(_ arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(executable: devnetRepositoryRoot.appendingPathComponent("Scripts/devnet"),
                         arguments: ["--port", "0", "--json-ready", "--exit-with-stdin", "--quiet"] + arguments)
    }
}
