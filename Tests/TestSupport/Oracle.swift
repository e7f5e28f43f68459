@_exported import DevnetSupport
import Foundation
import Testing

/// Root of the repository, derived from this file's location (Tests/TestSupport/…).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Loads a fixture under `Tests/Fixtures/`.
public func fixtureData(_ relativePath: String) throws -> Data {
    try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/\(relativePath)"))
}

/// Loads and parses a JSON fixture under `Tests/Fixtures/`.
public func fixtureJSON(_ relativePath: String) throws -> Any {
    try JSONSerialization.jsonObject(with: fixtureData(relativePath), options: [.fragmentsAllowed])
}

/// Errors from running the Python reference stack.
public struct OracleError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// The Python reference stack (`Tests/Python/oracle.py` in `.venv`), answering batches of cases.
///
/// The interpreter is `$SIXNINES_PYTHON` or `<repo>/.venv/bin/python`. A missing interpreter
/// is a failure, not a skip: CI always has the venv (`Scripts/test` runs `Scripts/setup`).
public enum PythonOracle {
    public static var interpreter: URL {
        if let path = ProcessInfo.processInfo.environment["SIXNINES_PYTHON"] {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".venv/bin/python")
    }

    /// Sends `cases` (JSON-serialisable values) to `op` (`area.function`) and returns one result per case.
    public static func run(_ op: String, _ cases: [Any]) throws -> [Any] {
        guard FileManager.default.isExecutableFile(atPath: interpreter.path) else {
            throw OracleError(description: "no Python venv at \(interpreter.path): run Scripts/setup")
        }
        let process = Process()
        process.executableURL = interpreter
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/Python/oracle.py").path, op]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let processExit = try process.start()
        let payload = try JSONSerialization.data(withJSONObject: cases)
        // Write on another thread so a large answer cannot deadlock against a large question.
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let stderrText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        processExit.wait()
        guard process.terminationStatus == 0 else {
            throw OracleError(description: "oracle \(op) exited \(process.terminationStatus): \(stderrText)")
        }
        guard let results = try JSONSerialization.jsonObject(with: answer) as? [Any], results.count == cases.count else {
            throw OracleError(description: "oracle \(op) returned a malformed answer")
        }
        return results
    }
}

/// A small, fast, seedable PRNG (SplitMix64) so that every random test is reproducible.
///
/// The seed comes from `$SIXNINES_SEED` when set, else from the system; tests print it in
/// every failure message so a failing run can be replayed exactly.
public struct SeededRandom: RandomNumberGenerator {
    public private(set) var state: UInt64
    public let seed: UInt64

    public init(seed: UInt64? = nil) {
        let chosen = seed
            ?? ProcessInfo.processInfo.environment["SIXNINES_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: .min ... .max)
        self.seed = chosen
        self.state = chosen
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// Replay hint attached to failures.
    public var replay: Comment { "replay with SIXNINES_SEED=\(seed)" }
}

/// Loads a gzip'd JSON fixture (ethers ships its test cases as `.json.gz`) through `gzip -dc`.
public func fixtureGzipJSON(_ relativePath: String) throws -> Any {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-dc", repositoryRoot.appendingPathComponent("Tests/Fixtures/\(relativePath)").path]
    let output = Pipe()
    process.standardOutput = output
    let processExit = try process.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    processExit.wait()
    guard process.terminationStatus == 0 else { throw OracleError(description: "gzip failed on \(relativePath)") }
    return try JSONSerialization.jsonObject(with: data)
}
