import EVM
@testable import EVMRPC
import Foundation
import Testing

@Suite("EVMRPC wire format")
struct WireTests {
    @Test func encodesRequestsCompactlyWithParams() {
        let body = JSONRPCWire.encode(RPCRequest("eth_getBalance", [.address(.zero), "latest"]), id: 7)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000","latest"]}"#)
    }

    @Test func encodesBatchesWithConsecutiveIDs() {
        let body = JSONRPCWire.encodeBatch([RPCRequest("a"), RPCRequest("b", [1, true, nil])], firstID: 3)
        #expect(String(decoding: body, as: UTF8.self)
            == #"[{"jsonrpc":"2.0","id":3,"method":"a","params":[]},{"jsonrpc":"2.0","id":4,"method":"b","params":[1,true,null]}]"#)
    }

    @Test func escapesStrings() {
        #expect(JSONRPCValue.string("a\"b\\c\n\u{01}").jsonText == #""a\"b\\c\n\u0001""#)
    }

    @Test func encodedJSONIsValidForFoundation() throws {
        let value: JSONRPCValue = ["k": [1, "x", ["n": nil]], "q": .quantity(255), "d": .double(0.5)]
        let text = value.jsonText
        #expect(text == #"{"k":[1,"x",{"n":null}],"q":"0xff","d":0.5}"#)
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func parsesResultEnvelope() throws {
        let envelopes = try JSONRPCWire.parse(Array(#" {"jsonrpc":"2.0","id":1,"result":{"a":[1,"}"]}} "#.utf8))
        #expect(envelopes.count == 1)
        #expect(envelopes[0].id == 1)
        #expect(try String(decoding: envelopes[0].outcome.get(), as: UTF8.self) == #"{"a":[1,"}"]}"#)
    }

    @Test func decodesHashesFromTheirBytesLikeJSONDecoder() throws {
        let hex = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"
        let expected = try Bytes32(hex: hex)
        for text in ["\"\(hex)\"", "\"\(hex.uppercased().replacingOccurrences(of: "0X", with: "0x"))\"", "\"\(hex.dropFirst(2))\"", " \"\(hex)\" "] {
            #expect(try RPCResult(method: "m", json: Array(text.utf8)).decode(as: Bytes32.self) == expected, "\(text)")
        }
        for text in ["\"0x\(String(repeating: "g", count: 64))\"", "\"\(hex.dropLast())\"", "1", "null"] {
            #expect(throws: RPCError.self) { try RPCResult(method: "m", json: Array(text.utf8)).decode(as: Bytes32.self) }
        }
    }

    @Test func parsesBatchesInAnyOrder() throws {
        let envelopes = try JSONRPCWire.parse(Array(#"[{"jsonrpc":"2.0","id":2,"result":"0x1"},{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"nope"}}]"#.utf8))
        #expect(envelopes.map(\.id) == [2, 1])
        #expect(throws: RPCError.server(code: -32601, message: "nope", data: nil)) { try envelopes[1].outcome.get() }
    }

    @Test func revertErrorsCarryTheirData() throws {
        let body = #"{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted: too big","data":"0x08c379a0"}}"#
        let envelopes = try JSONRPCWire.parse(Array(body.utf8))
        #expect(throws: RPCError.revert(data: [0x08, 0xC3, 0x79, 0xA0], message: "execution reverted: too big")) { try envelopes[0].outcome.get() }
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":1,"result":"#,
        "not json",
        #"{"jsonrpc":"2.0","id":1}"#,
        #"{"jsonrpc":"2.0","id":1,"result":1} x"#,
        "",
        #"{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}"#,
    ])
    func rejectsMalformedResponses(_ body: String) {
        #expect {
            try JSONRPCWire.parse(Array(body.utf8))
        } throws: { error in
            if case .invalidResponse = error as? RPCError { return true }
            return false
        }
    }

    @Test func classifiesRateLimitsAndRangeRefusals() {
        #expect(RPCError.fromServer(code: -32005, message: "limit exceeded", data: nil) == .rateLimited(retryAfterSeconds: nil))
        let range = RPCError.fromServer(code: -32005, message: "block range too large: max 50 blocks, requested 61 (from 0 to 60)", data: nil)
        #expect(RPCClient.isRangeRefusal(range))
        #expect(RPCClient.suggestedRange(range) == 50)
        #expect(RPCError.fromServer(code: -32000, message: "nonce too low", data: nil).isTransient == false)
        #expect(RPCError.transport("x").isTransient)
        #expect(RPCError.http(status: 503, body: "").isTransient)
        #expect(RPCError.http(status: 400, body: "").isTransient == false)
    }

    @Test func decodesTypedResults() throws {
        let result = RPCResult(method: "eth_getBalance", json: Array(#""0xde0b6b3a7640000""#.utf8))
        #expect(try result.decode(as: UInt256.self) == UInt256(1_000_000_000_000_000_000))
        #expect(throws: RPCError.self) { try result.decode(as: Bool.self) }
    }

    @Test func retryDelaysGrowAndStayBounded() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
        for retry in 1...10 {
            let d = policy.delay(beforeRetry: retry)
            let cap = min(Duration.milliseconds(100) * (1 << (retry - 1)), .seconds(1))
            #expect(d <= cap && d >= cap * 0.5)
        }
    }

    @Test func blockTagsParse() {
        #expect(BlockTag("latest") == .latest)
        #expect(BlockTag("finalized") == .finalized)
        #expect(BlockTag("0x10") == .number(16))
        #expect(BlockTag("42") == .number(42))
        #expect(BlockTag("nope") == nil)
        #expect(BlockTag.number(255).json == "0xff")
    }

    @Test func chainPresets() {
        #expect(Chain.named("polygon")?.id == 137)
        #expect(Chain.polygon.minPriorityFee == UInt256(25_000_000_000))
        #expect(Chain.named("amoy")?.id == 80002)
        #expect(Chain.named("sepolia")?.id == 11_155_111)
        #expect(Chain.named("mainnet") == .ethereum)
        #expect(Chain.withID(31337) == .local)
    }

    @Test func feesFromHistoryRespectTheChainMinimum() throws {
        let json = #"{"oldestBlock":"0x1","baseFeePerGas":["0x64","0xc8"],"gasUsedRatio":[0.5],"reward":[["0x3b9aca00"],["0x77359400"],["0x0"]]}"#
        let history = try RPCResult(method: "eth_feeHistory", json: Array(json.utf8)).decode(as: FeeHistory.self)
        let gwei = UInt256(1_000_000_000)
        #expect(FeeEstimator.fees(from: history, minPriorityFee: .zero) == .eip1559(maxFeePerGas: 400 + gwei * 2, maxPriorityFeePerGas: gwei * 2))
        #expect(FeeEstimator.fees(from: history, minPriorityFee: gwei * 25) == .eip1559(maxFeePerGas: 400 + gwei * 25, maxPriorityFeePerGas: gwei * 25))
    }

    @Test func bumpsRaiseBothFieldsByAtLeastTheMinimum() {
        let bumped = Fees.eip1559(maxFeePerGas: 1000, maxPriorityFeePerGas: 100).bumped(percent: 10)
        #expect(bumped == .eip1559(maxFeePerGas: 1101, maxPriorityFeePerGas: 111))
        let floored = Fees.eip1559(maxFeePerGas: 1000, maxPriorityFeePerGas: 100).bumped(percent: 10, atLeast: .eip1559(maxFeePerGas: 5000, maxPriorityFeePerGas: 50))
        #expect(floored == .eip1559(maxFeePerGas: 5000, maxPriorityFeePerGas: 111))
        #expect(Fees.legacy(gasPrice: 100).bumped() == .legacy(gasPrice: 111))
    }
}
