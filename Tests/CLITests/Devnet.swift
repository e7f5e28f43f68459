import Foundation
import Synchronization
@_exported import TestSupport  // CLI, CLIResult and the fixtures, for every file of this target

/// Starts a devnet (`Scripts/devnet` on a free loopback port) that lives until the test process exits: it stops
/// when its stdin closes. Each caller gets its own chain, so suites that move the clock do not disturb others.
func launchDevnet() -> (url: String, accounts: [String]) {
    let child: ChildProcess
    do { child = try DevnetLauncher.start() } catch { fatalError("\(error)") }
    devnets.withLock { $0.append(child) }
    guard let url = child.readyLine["url"] as? String, let accounts = child.readyLine["accounts"] as? [String] else {
        fatalError("Scripts/devnet printed no url/accounts: \(child.readyLine)")
    }
    return (url, accounts)
}

/// The devnets, kept running for the life of the process.
private let devnets = Mutex<[ChildProcess]>([])
