import EVM
@testable import EVMRPC
import Foundation
import Testing

@Suite("EVMRPC WebSocket")
struct WebSocketTests {
    @Test func requestsAndBatchesOverWebSocket() async throws {
        try await Devnet.shared.isolated { info, _ in
            let ws = try WebSocketTransport(url: info.wsURL)
            let client = RPCClient(transports: [ws])
            #expect(try await client.chainId() == 31337)
            let many = try await client.batch("eth_getBalance", info.accounts.map { [.address($0), "latest"] }, as: UInt256.self)
            #expect(many.count == 10)
            await ws.close()
        }
    }

    @Test func newHeadsAndLogsSubscriptions() async throws {
        try await Devnet.shared.isolated { info, client in
            let probe = try await deployProbe(client, info)
            let ws = try WebSocketTransport(url: info.wsURL)
            let heads = try await ws.newHeads()
            let logs = try await ws.logs(addresses: [probe])
            let receipt = try await sendAndWait(client, info.signer(0), to: probe, data: Probe.ping(42))
            var headIterator = heads.makeAsyncIterator()
            let head = try #require(await headIterator.next())
            #expect(head.number == receipt.blockNumber)
            var logIterator = logs.makeAsyncIterator()
            let log = try #require(await logIterator.next())
            #expect(log.topics.first == Probe.pingTopic)
            #expect(log.data == Probe.word(42))
            await ws.close()
        }
    }

    @Test func reconnectsAndResubscribesAfterADroppedConnection() async throws {
        try await Devnet.shared.isolated { info, client in
            let ws = try WebSocketTransport(url: info.wsURL, reconnect: RetryPolicy(maxAttempts: 20, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200)))
            let heads = try await ws.newHeads()
            var iterator = heads.makeAsyncIterator()
            let _: String = try await client.call("evm_mine")
            let first = try #require(await iterator.next())
            await ws.dropConnectionForTesting()
            #expect(try await eventually {
                let count = await ws.connectCount
                let subscribed = await ws.isSubscribedForTesting
                return count >= 2 && subscribed
            })
            let _: String = try await client.call("evm_mine")
            let second = try #require(await iterator.next())
            #expect(second.number == first.number + 1)
            await ws.close()
        }
    }

    @Test func reorgsDeliverRemovedLogs() async throws {
        try await Devnet.shared.isolated { info, client in
            let probe = try await deployProbe(client, info)
            let ws = try WebSocketTransport(url: info.wsURL)
            let logs = try await ws.logs(addresses: [probe], topics: [[Probe.pingTopic]])
            var iterator = logs.makeAsyncIterator()
            let snapshot: String = try await client.call("evm_snapshot")
            _ = try await sendAndWait(client, info.signer(0), to: probe, data: Probe.ping(5))
            let added = try #require(await iterator.next())
            #expect(!added.removed)
            let _: Bool = try await client.call("evm_revert", [.string(snapshot)])
            let removed = try #require(await iterator.next())
            #expect(removed.removed)
            #expect(removed.transactionHash == added.transactionHash)
            await ws.close()
        }
    }
}
