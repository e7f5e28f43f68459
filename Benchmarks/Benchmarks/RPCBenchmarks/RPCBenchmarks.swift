import Benchmark
import EVM
import EVMRPC
import Foundation

// Client-side cost of JSON-RPC calls (encode request, decode response) and round trips against the devnet.
//
// The devnet benchmarks start `Scripts/devnet` once (port 0) and skip themselves when it cannot start.

/// Starts the devnet and returns its URL (nil when it cannot start).
private let devnetURL: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let process = Process()
    process.executableURL = root.appendingPathComponent("Scripts/devnet")
    process.arguments = ["--port", "0", "--json-ready", "--exit-with-stdin", "--quiet"]
    let out = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardInput = input
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    devnetStdin.append(input)
    var line = Data()
    while true {
        let byte = out.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty || byte == Data([0x0A]) { break }
        line.append(byte)
    }
    guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return nil }
    return object["url"] as? String
}()
nonisolated(unsafe) private var devnetStdin: [Pipe] = []

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

    guard let url = devnetURL else { return }
    let client = RPCClient(urls: [url], configuration: RPCConfiguration(retry: .noRetries))
    let transport = HTTPTransport(url: url)
    let chainIdBody = JSONRPCCodec.encode(RPCRequest("eth_chainId"), id: 1)

    Benchmark("devnet raw HTTP round trip eth_chainId", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await transport.roundTrip(chainIdBody, method: "eth_chainId", timeout: .seconds(10)))
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
