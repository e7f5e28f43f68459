import Foundation
import Synchronization
import TestSupport

/// Starts a devnet (`Scripts/devnet` on a free loopback port) that lives until the test process exits: it stops
/// when its stdin closes. Each caller gets its own chain, so suites that move the clock do not disturb others.
func launchDevnet() -> (url: String, accounts: [String]) {
    let process = Process()
    process.executableURL = repositoryRoot.appendingPathComponent("Scripts/devnet")
    process.arguments = ["--port", "0", "--json-ready", "--exit-with-stdin", "--quiet"]
    let out = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardInput = input
    process.standardError = FileHandle.nullDevice
    try! process.run()
    devnetStdins.withLock { $0.append(input) }
    var line = Data()
    while true {
        let byte = out.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty || byte == Data([0x0A]) { break }
        line.append(byte)
    }
    guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
          let url = object["url"] as? String, let accounts = object["accounts"] as? [String] else {
        fatalError("Scripts/devnet did not print its readiness line (got \(String(decoding: line, as: UTF8.self)))")
    }
    return (url, accounts)
}

/// The devnets' stdin pipes, kept open for the life of the process.
private let devnetStdins = Mutex<[Pipe]>([])
