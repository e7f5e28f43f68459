import EVM
@testable import EVMRPC
import Foundation
import NIOConcurrencyHelpers
import Testing

/// A transport that answers from a script, counting round trips (no network).
final class ScriptedTransport: RPCTransport {
    let label: String
    private let calls = NIOLockedValueBox(0)
    private let answer: @Sendable (_ call: Int, _ method: String, _ params: [Any]) throws(RPCError) -> String

    init(label: String = "scripted", answer: @escaping @Sendable (Int, String, [Any]) throws(RPCError) -> String) {
        self.label = label
        self.answer = answer
    }

    var count: Int { calls.withLockedValue { $0 } }

    func roundTrip(_ body: [UInt8], method: String, timeout: Duration) async throws(RPCError) -> [UInt8] {
        let n = calls.withLockedValue { $0 += 1; return $0 }
        let parsed = try! JSONSerialization.jsonObject(with: Data(body))
        let requests = (parsed as? [[String: Any]]) ?? [parsed as! [String: Any]]
        var answers: [String] = []
        for request in requests {
            let id = request["id"] as! Int
            let result = try answer(n, request["method"] as! String, request["params"] as! [Any])
            answers.append(#"{"jsonrpc":"2.0","id":\#(id),\#(result)}"#)
        }
        let text = parsed is [Any] ? "[" + answers.reversed().joined(separator: ",") + "]" : answers[0]
        return Array(text.utf8)
    }
}

@Suite("EVMRPC client behaviour (scripted transports)")
struct ClientTests {
    static let quick = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

    @Test func retriesTransientFailuresOnly() async throws {
        let flaky = ScriptedTransport { call, _, _ throws(RPCError) in
            if call < 3 { throw .transport("reset") }
            return #""result":"0x7a69""#
        }
        let client = RPCClient(transports: [flaky], configuration: RPCConfiguration(retry: Self.quick))
        #expect(try await client.chainId() == 31337)
        #expect(flaky.count == 3)

        let refusing = ScriptedTransport { _, _, _ in #""error":{"code":-32000,"message":"nonce too low"}"# }
        let client2 = RPCClient(transports: [refusing], configuration: RPCConfiguration(retry: Self.quick))
        await #expect(throws: RPCError.server(code: -32000, message: "nonce too low", data: nil)) { try await client2.chainId() }
        #expect(refusing.count == 1)

        let down = ScriptedTransport { _, _, _ throws(RPCError) in throw .http(status: 503, body: "") }
        let client3 = RPCClient(transports: [down], configuration: RPCConfiguration(retry: Self.quick))
        await #expect(throws: RPCError.http(status: 503, body: "")) { try await client3.chainId() }
        #expect(down.count == 4)
    }

    @Test func failsOverAndStaysOnTheWorkingEndpoint() async throws {
        let dead = ScriptedTransport(label: "dead") { _, _, _ throws(RPCError) in throw .transport("refused") }
        let alive = ScriptedTransport(label: "alive") { _, _, _ in #""result":"0x10""# }
        let client = RPCClient(transports: [dead, alive], configuration: RPCConfiguration(retry: Self.quick))
        #expect(try await client.blockNumber() == 16)
        #expect(try await client.blockNumber() == 16)
        #expect(dead.count == 1)
        #expect(alive.count == 2)
    }

    @Test func coalescesConcurrentCallsIntoBatches() async throws {
        let node = ScriptedTransport { _, method, params in
            method == "eth_getBalance" ? #""result":"0x\#(String((params[0] as! String).suffix(2)))""# : #""result":null"#
        }
        let client = RPCClient(transports: [node], configuration: RPCConfiguration(coalescingWindow: .milliseconds(20)))
        let addresses = (1...30).map { try! Address(String(repeating: "0", count: 38) + String(format: "%02x", $0)) }
        let balances = try await withThrowingTaskGroup(of: (Int, UInt256).self) { group in
            for (i, a) in addresses.enumerated() { group.addTask { (i, try await client.balance(of: a)) } }
            var all = [Int: UInt256]()
            for try await (i, v) in group { all[i] = v }
            return all
        }
        for i in 0..<30 { #expect(balances[i] == UInt256(UInt64(i + 1))) }
        #expect(node.count < 30)
    }

    @Test func sendRawTransactionTreatsAlreadyKnownAsSent() async throws {
        let node = ScriptedTransport { _, _, _ in #""error":{"code":-32000,"message":"already known"}"# }
        let client = RPCClient(transports: [node])
        let raw: [UInt8] = [0x02, 0xC0]
        #expect(try await client.sendRawTransaction(raw) == Keccak256.hash(data: raw))
    }

    @Test func sendRawTransactionChecksTheHashBeforeResending() async throws {
        let raw: [UInt8] = [0x02, 0xC1, 0x80]
        let hash = Keccak256.hash(data: raw)
        let methods = NIOLockedValueBox<[String]>([])
        let node = ScriptedTransport { call, method, _ throws(RPCError) in
            methods.withLockedValue { $0.append(method) }
            if method == "eth_sendRawTransaction" { throw .timeout(method: method) }  // the node got it, the answer is lost
            return #""result":{"hash":"\#(hash)","type":"0x2","from":"0x0000000000000000000000000000000000000001","nonce":"0x0","value":"0x0","gas":"0x5208","input":"0x"}"#
        }
        let client = RPCClient(transports: [node], configuration: RPCConfiguration(retry: Self.quick))
        #expect(try await client.sendRawTransaction(raw) == hash)
        #expect(methods.withLockedValue { $0 } == ["eth_sendRawTransaction", "eth_getTransactionByHash"])
    }

    @Test func batchesMatchAnswersByID() async throws {
        let node = ScriptedTransport { _, method, _ in
            method == "bad" ? #""error":{"code":-32601,"message":"no"}"# : #""result":"\#(method)""#
        }
        let client = RPCClient(transports: [node])
        let out = try await client.batch([RPCRequest("a"), RPCRequest("bad"), RPCRequest("c")])
        #expect(try out[0].get().decode(as: String.self) == "a")
        #expect(throws: RPCError.server(code: -32601, message: "no", data: nil)) { try out[1].get() }
        #expect(try out[2].get().decode(as: String.self) == "c")
    }

    @Test func sendRawTransactionFailsOverWithoutDuplicates() async throws {
        let raw: [UInt8] = [0x02, 0xC2, 0x80, 0x80]
        let hash = Keccak256.hash(data: raw)
        let dead = ScriptedTransport(label: "dead") { _, _, _ throws(RPCError) in throw .transport("refused") }
        let sends = NIOLockedValueBox(0)
        let alive = ScriptedTransport(label: "alive") { _, method, _ in
            if method == "eth_getTransactionByHash" { return #""result":null"# }
            sends.withLockedValue { $0 += 1 }
            return #""result":"\#(hash)""#
        }
        let client = RPCClient(transports: [dead, alive], configuration: RPCConfiguration(retry: Self.quick))
        #expect(try await client.sendRawTransaction(raw) == hash)
        #expect(sends.withLockedValue { $0 } == 1)
        #expect(dead.count == 1)
    }
}
