import DevnetSupport
import Foundation
import Testing

/// Result of one `sixnines` invocation.
public struct CLIResult: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything written to stdout.
    public let stdout: String
    /// Everything written to stderr.
    public let stderr: String
}

/// Runs the built `sixnines` executable (it sits beside the test bundle in the build products folder).
public enum CLI {
    /// The `sixnines` executable.
    public static let executable: URL = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for folder in candidates {
            let url = folder.appendingPathComponent("sixnines")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        fatalError("sixnines executable not found beside the tests (looked in \(candidates.map(\.path)))")
    }()

    /// Runs `sixnines` with `arguments`, feeding `stdin` if given (else an empty stdin), with `environment` added
    /// to this process's, in `directory` when given (for relative paths).
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                           in directory: URL? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            process.environment = env
        }
        // Standard streams are files, not pipes: a child that fills one pipe while the other is being drained cannot
        // stall the test, and the exit is awaited without a run loop (ProcessExit).
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-cli-\(UUID().uuidString)")
        let inPath = base.path + ".in", outPath = base.path + ".out", errPath = base.path + ".err"
        defer { for path in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        guard FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data()),
              FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil),
              let input = FileHandle(forReadingAtPath: inPath), let out = FileHandle(forWritingAtPath: outPath),
              let err = FileHandle(forWritingAtPath: errPath) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base.path])
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exit = try process.start()
        try? input.close()
        try? out.close()
        try? err.close()
        exit.wait()
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Asserts success and returns stdout without its trailing newline.
    public static func value(_ arguments: [String], stdin: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, stdin: stdin)
        #expect(result.status == 0, "sixnines \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    /// Asserts the failure contract: exit code 1, nothing on stdout, one line on stderr containing `fragment`.
    public static func fails(_ arguments: [String], mentioning fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        #expect(result.status == 1, "sixnines \(arguments) exited \(result.status)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}
