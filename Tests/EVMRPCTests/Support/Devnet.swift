import EVM
@testable import EVMRPC
import Foundation
import TestSupport
import Testing

/// The venv interpreter (`$SIXNINES_PYTHON` or `<repo>/.venv/bin/python`).
var pythonInterpreter: URL { PythonOracle.interpreter }

/// The devnet of this test process: started once, lazily, shared by every test; tests take it one at a
/// time with ``Devnet/isolated(_:)`` (snapshot before, revert after).
actor Devnet {
    static let shared = Devnet()

    struct Info: Sendable {
        let url: String
        let wsURL: String
        let chainId: UInt64
        let accounts: [Address]
        let privateKeys: [String]
    }

    private var started: (ChildProcess, Info)?
    private var starting: Task<Info, any Error>?
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var client: RPCClient?

    /// The devnet's connection details (starts it on first use).
    func info() async throws -> Info {
        if let started { return started.1 }
        if let starting { return try await starting.value }
        let task = Task.detached { () throws -> (ChildProcess, Info) in
            let child = try DevnetLauncher.start(["--max-logs-range", "50"])
            let r = child.readyLine
            let info = Info(
                url: r["url"] as! String, wsURL: r["wsUrl"] as! String, chainId: UInt64(r["chainId"] as! Int),
                accounts: (r["accounts"] as! [String]).map { try! Address($0) }, privateKeys: r["privateKeys"] as! [String])
            return (child, info)
        }
        let infoTask = Task { try await task.value.1 }
        starting = infoTask
        let value = try await task.value
        started = value
        starting = nil
        return value.1
    }

    /// A shared client on the devnet.
    func sharedClient() async throws -> RPCClient {
        if let client { return client }
        let made = RPCClient(urls: [try await info().url], configuration: RPCConfiguration(requestTimeout: .seconds(20)))
        client = made
        return made
    }

    /// Runs `body` alone on the chain, between `evm_snapshot` and `evm_revert`.
    func isolated<R: Sendable>(_ body: @Sendable (Info, RPCClient) async throws -> R) async throws -> R {
        await acquire()
        defer { release() }
        let info = try await info()
        let client = try await sharedClient()
        let snapshot: String = try await client.call("evm_snapshot")
        do {
            let result = try await body(info, client)
            let _: Bool = try await client.call("evm_revert", [.string(snapshot)])
            return result
        } catch {
            let _: Bool? = try? await client.call("evm_revert", [.string(snapshot)])
            throw error
        }
    }

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (no sleeping as synchronisation).
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The fault-injecting proxy (`Scripts/dev/faultproxy`) in front of `upstream`.
final class FaultProxy: Sendable {
    let url: String
    private let child: ChildProcess
    private let control: RPCClient

    init(upstream: String) throws {
        child = try ChildProcess(
            executable: repositoryRoot.appendingPathComponent("Scripts/dev/faultproxy"),
            arguments: ["--upstream", upstream, "--lifetime", "120", "--exit-with-stdin"])
        url = child.readyLine["url"] as! String
        control = RPCClient(urls: [url], configuration: RPCConfiguration(retry: .noRetries))
    }

    /// Arms `mode` for the next `count` requests (of `method` only, when given).
    func arm(_ mode: String, count: Int = 1, delay: Double = 0, method: String? = nil) async throws {
        var spec = #"{"mode":"\#(mode)","count":\#(count),"delay":\#(delay)"#
        if let method { spec += #","method":"\#(method)""# }
        spec += "}"
        _ = try await post("/__fault", spec)
    }

    /// How many requests of each method reached the node.
    func forwarded() async throws -> [String: Int] {
        let data = try await post("/__stats", "{}")
        let object = try JSONSerialization.jsonObject(with: Data(data)) as! [String: Any]
        return object["forwarded"] as! [String: Int]
    }

    /// How many requests each fault mode took.
    func faulted() async throws -> [String: Int] {
        let data = try await post("/__stats", "{}")
        let object = try JSONSerialization.jsonObject(with: Data(data)) as! [String: Any]
        return object["faulted"] as! [String: Int]
    }

    /// Disarms every fault and zeroes the counters.
    func reset() async throws { _ = try await post("/__reset", "{}") }

    private func post(_ path: String, _ body: String) async throws -> [UInt8] {
        let transport = try PlainHTTPTransport(url: url + path)
        let answer = try await transport.roundTrip(Array(body.utf8), method: "control", timeout: .seconds(10))
        await transport.shutdown()
        return answer
    }

    func stop() async {
        await control.shutdown()
        child.stop()
    }
}
