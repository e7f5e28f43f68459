import Benchmark
import EVM
import EVMRPC
import EVMSigner
import DevnetSupport
import Foundation

// Client-side cost of JSON-RPC calls (encode request, decode response) and round trips against the devnet.
//
// The devnet benchmarks start `Scripts/devnet` once (port 0) and skip themselves when it cannot start.

/// A devnet process started by this benchmark (DevnetSupport's launcher, as in the tests); it exits when its stdin
/// is closed.
private final class Devnet: @unchecked Sendable {
    let url: String
    let wsURL: String?
    private let child: ChildProcess

    private init(url: String, wsURL: String?, child: ChildProcess) {
        self.url = url
        self.wsURL = wsURL
        self.child = child
    }

    /// Starts a fresh devnet and waits for its readiness line (nil when it cannot start).
    static func start() -> Devnet? {
        guard let child = try? DevnetLauncher.start(), let url = child.readyLine["url"] as? String else { return nil }
        return Devnet(url: url, wsURL: child.readyLine["wsUrl"] as? String, child: child)
    }

    /// Closes its stdin (`--exit-with-stdin`) and waits for it to exit.
    func stop() { child.stop() }
}

/// The devnet shared by the round-trip benchmarks, started once; it lives as long as the process.
private let sharedDevnet: Devnet? = Devnet.start()

private let account = try! Address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
private let balanceResponse = Array(#"{"jsonrpc":"2.0","id":1,"result":"0x21e19e0c9bab2400000"}"#.utf8)
private let receiptResponse = Array("""
    {"jsonrpc":"2.0","id":1,"result":{"transactionHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","blockHash":"0x1d59ff54b1eb26b013ce3cb5fc9dab3705b415a67127a003c3e61eb445bb8df2","blockNumber":"0x5daf3b","transactionIndex":"0x41","from":"0xa7d9ddbe1f17865597fbd27ec712455208b6b76d","to":"0xf02c1c8e6114b1dbe8937a39260b5b0a374432bb","contractAddress":null,"status":"0x1","gasUsed":"0x5208","cumulativeGasUsed":"0x33bc","effectiveGasPrice":"0x4a817c800","type":"0x2","logs":[{"address":"0xf02c1c8e6114b1dbe8937a39260b5b0a374432bb","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x000000000000000000000000a7d9ddbe1f17865597fbd27ec712455208b6b76d"],"data":"0x00000000000000000000000000000000000000000000000000000000000003e8","blockNumber":"0x5daf3b","transactionHash":"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b","transactionIndex":"0x41","blockHash":"0x1d59ff54b1eb26b013ce3cb5fc9dab3705b415a67127a003c3e61eb445bb8df2","logIndex":"0x0","removed":false}]}}
    """.utf8)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2))

    Benchmark("JSON-RPC encode eth_getBalance") { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(JSONRPCCodec.encode(RPCRequest("eth_getBalance", [.address(account), "latest"]), id: i))
        }
    }

    Benchmark("JSON-RPC decode balance response to UInt256") { benchmark in
        for _ in benchmark.scaledIterations {
            let response = try JSONRPCCodec.decode(balanceResponse)[0]
            blackHole(try RPCResult(method: "eth_getBalance", json: response.outcome.get()).decode(as: UInt256.self))
        }
    }

    Benchmark("JSON-RPC decode receipt response (1 log)") { benchmark in
        for _ in benchmark.scaledIterations {
            let response = try JSONRPCCodec.decode(receiptResponse)[0]
            blackHole(try RPCResult(method: "eth_getTransactionReceipt", json: response.outcome.get()).decode(as: Receipt.self))
        }
    }

    Benchmark("JSON-RPC encode batch of 1,000 eth_getBalance", configuration: .init(scalingFactor: .one)) { benchmark in
        let requests = (0..<1000).map { _ in RPCRequest("eth_getBalance", [.address(account), "latest"]) }
        for _ in benchmark.scaledIterations {
            blackHole(JSONRPCCodec.encodeBatch(requests, firstID: 1))
        }
    }

    sendBenchmarks()

    guard let url = sharedDevnet?.url else { return }
    // RPCClient(urls:) picks PlainHTTPTransport for the devnet's http:// URL (before 2026-12-05: HTTPTransport).
    let client = RPCClient(urls: [url], configuration: RPCConfiguration(retry: .noRetries))
    let transport = HTTPTransport(url: url)
    let plain = try! PlainHTTPTransport(url: url)  // the devnet's URL is http://
    let chainIdBody = JSONRPCCodec.encode(RPCRequest("eth_chainId"), id: 1)

    Benchmark("devnet raw HTTP round trip eth_chainId", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await transport.roundTrip(chainIdBody, method: "eth_chainId", timeout: .seconds(10)))
        }
    }

    Benchmark("devnet raw HTTP round trip eth_chainId, PlainHTTPTransport", configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal])) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await plain.roundTrip(chainIdBody, method: "eth_chainId", timeout: .seconds(10)))
        }
    }

    // The same exchange over a NIO channel with a minimal handler and one promise per request (WebSocketTransport):
    // what a NIO-based HTTP/1.1 transport would cost, beside PlainHTTPTransport's thread blocked in poll(2).
    if let wsURL = sharedDevnet?.wsURL, let socket = try? WebSocketTransport(url: wsURL) {
        Benchmark("devnet raw WebSocket round trip eth_chainId (NIO)", configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal])) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try await socket.roundTrip(chainIdBody, method: "eth_chainId", timeout: .seconds(10)))
            }
        }
    }

    Benchmark("devnet client eth_chainId (encode + round trip + decode)", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await client.chainId())
        }
    }

    Benchmark("devnet batch of 1,000 eth_getBalance", configuration: .init(metrics: [.wallClock], maxIterations: 20)) { _ in
        let balances = try await client.batch("eth_getBalance", Array(repeating: [.address(account), "latest"], count: 1000), as: UInt256.self)
        blackHole(balances)
    }
}

// Sustained sends: 1,000 pre-signed EIP-1559 transfers from devnet account 0 (nonces 0…999), the same bytes
// Scripts/bench_reference.py --rpc sends with web3.py, each benchmark iteration on a fresh devnet (started and
// stopped outside the measurement). One iteration is 1,000 sends: sends/s = 1,000 / wall clock, and the client's
// CPU time per iteration (cpuTotal, this process only: the devnet is a child process) / 1,000 = client CPU per send.

private let sendCount = 1000
private let sender = try! Address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
/// Keccak-256 of the 1,000 raw transactions concatenated; bench_reference.py asserts the same digest of eth_account's.
private let transfersDigest = "0xa21fe30e062acf3893ee4bbb6133c1a30beb4ce32f39160f84a456df7f56ad8f"

private let transfers: [[UInt8]] = {
    let key = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
    let recipient = try! Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    let raws = (0..<sendCount).map { i in
        try! DynamicFeeTransaction(chainId: 31337, nonce: UInt64(i), maxPriorityFeePerGas: UInt256(1_000_000_000),
                                   maxFeePerGas: UInt256(3_000_000_000), gasLimit: 21_000, to: recipient,
                                   value: UInt256(UInt64(i + 1))).signed(by: key).rawRepresentation
    }
    precondition(Keccak256.hash(data: raws.flatMap { $0 }).description == transfersDigest,
                 "the transfers differ from bench_reference.py's")
    return raws
}()

/// Sends every transfer with at most `inFlight` requests outstanding; returns when all are acknowledged.
private func sendAll(_ client: RPCClient, inFlight: Int) async throws {
    if inFlight == 1 {
        for raw in transfers { blackHole(try await client.sendRawTransaction(raw)) }
        return
    }
    try await withThrowingTaskGroup(of: Bytes32.self) { group in
        var next = 0
        while next < min(inFlight, transfers.count) {
            let raw = transfers[next]
            group.addTask { try await client.sendRawTransaction(raw) }
            next += 1
        }
        while let hash = try await group.next() {
            blackHole(hash)
            if next < transfers.count {
                let raw = transfers[next]
                group.addTask { try await client.sendRawTransaction(raw) }
                next += 1
            }
        }
    }
}

private func sendBenchmarks() {
    for inFlight in [1, 8] {
        let label = inFlight == 1 ? "sequential" : "\(inFlight) in flight"
        Benchmark("devnet send 1,000 pre-signed EIP-1559 transfers, \(label)",
                  configuration: .init(metrics: [.wallClock, .cpuTotal], timeUnits: .milliseconds,
                                       warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            _ = transfers  // signed (and checked) before the first devnet starts
            guard let devnet = Devnet.start() else { fatalError("the devnet did not start") }
            let client = RPCClient(urls: [devnet.url], configuration: RPCConfiguration(retry: .noRetries))
            let landed: UInt64
            do {
                _ = try await client.chainId()  // connected
                benchmark.startMeasurement()
                try await sendAll(client, inFlight: inFlight)
                benchmark.stopMeasurement()
                landed = try await client.nonce(of: sender)
            } catch {
                await client.shutdown()
                devnet.stop()
                throw error
            }
            await client.shutdown()
            devnet.stop()
            precondition(landed == UInt64(sendCount), "only \(landed) of \(sendCount) transactions landed")
        }
    }
}
