import EVM
@testable import EVMRPC
import Foundation
import Testing

/// Helpers shared by the devnet tests.
extension Devnet.Info {
    func signer(_ index: Int) -> EthAccountSigner { EthAccountSigner(address: accounts[index], key: privateKeys[index]) }
}

let gwei = UInt256(1_000_000_000)
let cheapFees = Fees.eip1559(maxFeePerGas: gwei * 100, maxPriorityFeePerGas: gwei)

/// Signs and sends a transaction directly (no lifecycle), waiting for its receipt.
func sendAndWait(_ client: RPCClient, _ signer: EthAccountSigner, to: Address?, value: UInt256 = .zero, data: [UInt8] = [],
                 gas: UInt64 = 500_000, chainId: UInt64 = 31337) async throws -> Receipt {
    let nonce = try await client.nonce(of: signer.address, at: .pending)
    let signed = try await signer.sign(TransactionRequest(to: to, value: value, data: data, chainId: chainId), nonce: nonce, fees: cheapFees, gasLimit: gas)
    let hash = try await client.sendRawTransaction(signed.raw)
    #expect(hash == signed.hash)
    var receipt: Receipt?
    _ = try await eventually { receipt = try await client.receipt(hash); return receipt != nil }
    return try #require(receipt)
}

func deployProbe(_ client: RPCClient, _ info: Devnet.Info) async throws -> Address {
    let receipt = try await sendAndWait(client, info.signer(0), to: nil, data: Probe.initCode)
    #expect(receipt.status)
    return try #require(receipt.contractAddress)
}

@Suite("EVMRPC against the devnet")
struct DevnetTests {
    @Test func readsChainState() async throws {
        try await Devnet.shared.isolated { info, client in
            #expect(try await client.chainId() == 31337)
            _ = try await client.blockNumber()
            let balance = try await client.balance(of: info.accounts[1])
            #expect(balance >= UInt256(1_000_000_000_000_000_000) * 9_000)
            #expect(try await client.code(at: info.accounts[1]).isEmpty)
            #expect(try await client.gasPrice() > .zero)
            #expect(try await client.maxPriorityFeePerGas() == gwei)
            let history = try await client.feeHistory(blockCount: 4, percentiles: [25, 75])
            #expect(!history.baseFeePerGas.isEmpty)
            let latest = try #require(try await client.block(.latest))
            let byHash = try #require(try await client.block(.hash(latest.hash)))
            #expect(byHash.number == latest.number)
            let byNumber = try #require(try await client.block(.number(latest.number)))
            #expect(byNumber.hash == latest.hash)
            #expect(try await client.block(.number(latest.number + 1000)) == nil)
            _ = try #require(try await client.block(.finalized))
            _ = try #require(try await client.block(.safe))
        }
    }

    @Test func transfersValueAndReadsTheTransactionBack() async throws {
        try await Devnet.shared.isolated { info, client in
            let recipient = try Address("0x000000000000000000000000000000000000beef")
            let before = try await client.balance(of: recipient)
            let nonceBefore = try await client.nonce(of: info.accounts[2])
            let receipt = try await sendAndWait(client, info.signer(2), to: recipient, value: 12345, gas: 21000)
            #expect(receipt.status)
            #expect(receipt.from == info.accounts[2])
            #expect(try await client.balance(of: recipient) == before + 12345)
            #expect(try await client.nonce(of: info.accounts[2]) == nonceBefore + 1)
            let tx = try #require(try await client.transaction(receipt.transactionHash))
            #expect(tx.value == 12345)
            #expect(tx.to == recipient)
            #expect(tx.blockNumber == receipt.blockNumber)
            let block = try #require(try await client.block(.number(receipt.blockNumber), fullTransactions: true))
            #expect(block.transactionHashes.contains(receipt.transactionHash))
            #expect(block.transactions?.first { $0.hash == receipt.transactionHash }?.nonce == nonceBefore)
            #expect(try await client.transaction(Bytes32.zero) == nil)
            #expect(try await client.receipt(Bytes32.zero) == nil)
        }
    }

    @Test func deploysCallsAndReadsStorage() async throws {
        try await Devnet.shared.isolated { info, client in
            let probe = try await deployProbe(client, info)
            #expect(try await !client.code(at: probe).isEmpty)
            let receipt = try await sendAndWait(client, info.signer(0), to: probe, data: Probe.ping(77))
            #expect(receipt.logs.count == 1)
            #expect(receipt.logs[0].topics.first == Probe.pingTopic)
            let stored = try await client.call(CallRequest(to: probe, data: Probe.stored))
            #expect(stored == Probe.word(77))
            let slot = try await client.storage(at: probe, slot: 1)
            #expect(slot.bytes == Probe.word(77))
            // At an earlier block the value was not there yet.
            let before = try await client.call(CallRequest(to: probe, data: Probe.stored), at: .number(receipt.blockNumber - 1))
            #expect(before == Probe.word(0))
            let gas = try await client.estimateGas(CallRequest(from: info.accounts[0], to: probe, data: Probe.ping(5)))
            #expect(gas > 21000 && gas < 100_000)
        }
    }

    @Test func revertsCarryTheirData() async throws {
        try await Devnet.shared.isolated { info, client in
            let probe = try await deployProbe(client, info)
            #expect(try await client.call(CallRequest(to: probe, data: Probe.fail(3))) == Probe.word(6))
            do {
                _ = try await client.call(CallRequest(to: probe, data: Probe.fail(11)))
                Issue.record("expected a revert")
            } catch {
                guard case .revert(let data, let message) = error as? RPCError else { Issue.record("got \(error)"); return }
                #expect(Array(data.prefix(4)) == [0x08, 0xC3, 0x79, 0xA0])  // Error(string)
                #expect(message == "execution reverted: too big")
                #expect((error as? RPCError)?.decodedRevert() == .message("too big"))
            }
            await #expect(throws: RPCError.revert(data: [0xDE, 0xAD, 0xBE, 0xEF], message: "execution reverted")) {
                try await client.call(CallRequest(to: probe, data: Probe.rawFail))
            }
            // A custom error, decoded with the contract's ABI (raw_revert data shaped as a custom error).
            let abi = try ContractABI(json: #"[{"type":"error","name":"Oops","inputs":[{"name":"code","type":"uint256"}]}]"#)
            let custom = RPCError.revert(data: Array(Keccak256.hash(data: Array("Oops(uint256)".utf8)).prefix(4)) + Probe.word(7), message: nil)
            guard case .custom(let definition, let values)? = custom.decodedRevert(abi: abi) else { Issue.record("not decoded"); return }
            #expect(definition.name == "Oops")
            #expect(values == [.uint(7)])
            #expect(RPCError.revert(data: [0xDE, 0xAD, 0xBE, 0xEF], message: nil).decodedRevert() == nil)
            do {
                _ = try await client.estimateGas(CallRequest(from: info.accounts[0], to: probe, data: Probe.fail(11)))
                Issue.record("expected a revert")
            } catch {
                #expect((error as? RPCError)?.code == 3)
            }
            // Unknown method and bad params are plain JSON-RPC errors.
            await #expect(throws: RPCError.self) { let _: String = try await client.call("eth_nope") }
            do {
                let _: String = try await client.call("eth_getBalance", ["0x12"])
            } catch {
                #expect((error as? RPCError)?.code == -32602)
            }
        }
    }

    @Test func logsAreFoundAcrossRefusedRanges() async throws {
        try await Devnet.shared.isolated { info, client in
            let probe = try await deployProbe(client, info)
            var expected: [UInt64] = []
            for round in 0..<3 {
                let r = try await sendAndWait(client, info.signer(0), to: probe, data: Probe.ping(UInt64(round)))
                expected.append(r.blockNumber)
                let _: String = try await client.call("evm_mine", [["blocks": 60]])
            }
            let head = try await client.blockNumber()
            #expect(head >= 180)
            // The devnet refuses ranges above 50 blocks: the client splits.
            await #expect(throws: RPCError.self) {
                let _: [JSONRPCValue] = try await client.call("eth_getLogs", [["fromBlock": "0x0", "toBlock": .quantity(head)]])
            }
            let logs = try await client.logs(LogFilter(addresses: [probe], topics: [[Probe.pingTopic]], fromBlock: .earliest, toBlock: .latest))
            #expect(logs.compactMap(\.blockNumber) == expected)
            let none = try await client.logs(LogFilter(addresses: [probe], topics: [[Bytes32.zero]], fromBlock: .number(0), toBlock: .number(head)))
            #expect(none.isEmpty)
        }
    }

    @Test func batchesAnswerInOrderWithPerCallErrors() async throws {
        try await Devnet.shared.isolated { info, client in
            let balances = try await client.batch("eth_getBalance", (0..<500).map { i in [.address(info.accounts[i % 10]), "latest"] }, as: UInt256.self)
            #expect(balances.count == 500)
            #expect(balances[3] == balances[13])
            let mixed = try await client.batch([RPCRequest("eth_chainId"), RPCRequest("eth_nope"), RPCRequest("eth_blockNumber")])
            #expect(try mixed[0].get().decode(as: String.self) == "0x7a69")
            #expect(throws: RPCError.self) { try mixed[1].get() }
            _ = try mixed[2].get()
            // Larger than the node's maximum (1000): split by the client.
            let small = RPCClient(urls: [info.url], configuration: RPCConfiguration(maxBatchSize: 300))
            let many = try await small.batch("eth_chainId", Array(repeating: [], count: 1001), as: String.self)
            #expect(many.count == 1001)
            await small.shutdown()
        }
    }

    @Test func coalescesConcurrentCalls() async throws {
        try await Devnet.shared.isolated { info, _ in
            let client = RPCClient(urls: [info.url], configuration: RPCConfiguration(coalescingWindow: .milliseconds(5)))
            let values = try await withThrowingTaskGroup(of: (Int, UInt256).self) { group in
                for i in 0..<40 {
                    group.addTask { (i, try await client.balance(of: info.accounts[i % 10])) }
                }
                var all: [Int: UInt256] = [:]
                for try await (i, v) in group { all[i] = v }
                return all
            }
            #expect(values.count == 40)
            #expect(values[0] == values[10])
            await client.shutdown()
        }
    }
}
