import BatchWriter
import EVM
import EVMRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Receipts
import Synchronization
import TestSupport
import Testing

/// A `sixnines daemon run` child process.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    /// The waiter for the daemon's exit (no run loop: ``ProcessExit``).
    let exited: ProcessExit
    let base: String
    let stderrPath: String

    /// Starts the daemon with `config` and waits for its listening line.
    init(config: String, logDirectory: URL, environment: [String: String] = [:]) throws {
        process.executableURL = CLI.executable
        process.arguments = ["daemon", "run", "--config", config]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        stderrPath = logDirectory.appendingPathComponent("daemon-\(UUID()).log").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)!
        exited = try process.start()
        // A daemon that says nothing for 5 minutes is killed and reported, not waited for forever.
        let line = readLine(from: out.fileHandleForReading, within: 300) ?? Data()
        if process.isRunning && line.isEmpty { Foundation.kill(process.processIdentifier, SIGKILL) }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let address = object["listening"] as? String else {
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw DaemonFailure(message: "daemon did not print its listening line: \(String(decoding: line, as: UTF8.self)) \(log)")
        }
        base = "http://\(address)"
    }

    struct DaemonFailure: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// SIGKILL, then waits for the exit.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        exited.wait()
    }

    /// SIGTERM, then waits; returns the exit status.
    func terminate() -> Int32 {
        process.terminate()
        // A daemon that ignores SIGTERM for two minutes fails the test instead of hanging the run.
        if !exited.wait(seconds: 120) {
            Issue.record("the daemon did not exit within 120 s of SIGTERM; killed")
            Foundation.kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// One HTTP request; status and body.
    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 10
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    /// One request whose body is a JSON object.
    func json(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
        let (status, data) = try await request(method, path, body: body)
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }
}

/// Writes a daemon config for `registry` into `dir`.
func daemonConfig(dir: URL, database: String, rpc: String, registry: Address, extra: [String: Any] = [:]) throws -> String {
    let keyFile = dir.appendingPathComponent("writer.key").path
    try devKeyHex[1].write(toFile: keyFile, atomically: true, encoding: .utf8)
    var object: [String: Any] = [
        "database": database, "rpc_url": rpc, "registry": registry.description, "writer_key_file": keyFile, "listen_port": 0,
        "max_batch_size": 50, "max_age_ms": 300, "poll_interval_ms": 50, "rebroadcast_after_ms": 1000, "log_level": "info",
    ]
    for (k, v) in extra { object[k] = v }
    let path = dir.appendingPathComponent("daemon-\(UUID()).json").path
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    return path
}

/// The JSON body of receipts.
func receiptsBody(_ receipts: [Receipts.Receipt]) throws -> Data { try JSONEncoder().encode(receipts) }
