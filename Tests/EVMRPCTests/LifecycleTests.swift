import EVM
import EVMSigner
@testable import EVMRPC
import Foundation
import NIOConcurrencyHelpers
import Testing

/// Collects lifecycle events from the `onEvent` callback.
final class EventLog: Sendable {
    private let box = NIOLockedValueBox<[TransactionEvent]>([])
    var events: [TransactionEvent] { box.withLockedValue { $0 } }
    func append(_ e: TransactionEvent) { box.withLockedValue { $0.append(e) } }
    var kinds: [String] {
        events.map {
            switch $0 {
            case .sent: "sent"
            case .replacing: "replacing"
            case .replaced: "replaced"
            case .included: "included"
            case .reorgedOut: "reorgedOut"
            case .final: "final"
            }
        }
    }
}

@Suite("EVMRPC transaction lifecycle")
struct LifecycleTests {
    static let fast = SendOptions(replaceAfter: nil, pollInterval: .milliseconds(20), timeout: .seconds(20))

    @Test func sendsWaitsAndReportsEachState() async throws {
        try await Devnet.shared.isolated { info, client in
            let sender = TransactionSender(client: client, signer: info.signer(3), chain: .local)
            let log = EventLog()
            var options = Self.fast
            options.confirmations = 3
            let target = try Address("0x00000000000000000000000000000000000000aa")
            // Mine more blocks in the background until the wait is over.
            let miner = Task {
                while !Task.isCancelled {
                    let _: String? = try? await client.call("evm_mine")
                    try? await Task.sleep(for: .milliseconds(30))
                }
            }
            defer { miner.cancel() }
            let receipt = try await sender.send(TransactionRequest(to: target, value: 1, chainId: info.chainId), options: options) { log.append($0) }
            #expect(receipt.status)
            #expect(log.kinds == ["sent", "included", "final"])
            if case .final(_, _, let confirmations) = log.events.last { #expect(confirmations >= 3) }
        }
    }

    @Test func estimatesFeesAndGasWhenNotGiven() async throws {
        try await Devnet.shared.isolated { info, client in
            let sender = TransactionSender(client: client, signer: info.signer(3), chain: .local)
            let probe = try await deployProbe(client, info)
            var options = Self.fast
            options.fees = nil
            let receipt = try await sender.send(TransactionRequest(to: probe, data: Probe.ping(9), chainId: info.chainId), options: options)
            #expect(receipt.status)
            #expect(receipt.gasUsed > 21000)
        }
    }

    @Test func hundredConcurrentSendsLandWithConsecutiveNonces() async throws {
        try await Devnet.shared.isolated { info, client in
            let signer = info.signer(4)
            let sender = TransactionSender(client: client, signer: signer, chain: .local)
            let start = try await client.nonce(of: signer.address)
            let target = try Address("0x00000000000000000000000000000000000000bb")
            let hashes = try await withThrowingTaskGroup(of: RawTransaction.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await sender.submit(TransactionRequest(to: target, value: 1, gasLimit: 21000, chainId: info.chainId), fees: cheapFees)
                    }
                }
                var all: [RawTransaction] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(Set(hashes.map(\.nonce)) == Set(start..<(start + 100)))
            #expect(try await eventually { try await client.nonce(of: signer.address) == start + 100 })
            let receipts = try await client.batch("eth_getTransactionReceipt", hashes.map { [.hash($0.hash)] }, as: Receipt.self)
            #expect(receipts.filter { !$0.status }.isEmpty)
            #expect(try await client.balance(of: target) == 100)
        }
    }

    @Test func replacesAStuckTransaction() async throws {
        try await Devnet.shared.isolated { info, client in
            let sender = TransactionSender(client: client, signer: info.signer(5), chain: .local)
            let log = EventLog()
            var options = Self.fast
            options.replaceAfter = .milliseconds(200)
            // A max fee of a few wei is below the base fee: stuck in the pool for good.
            options.fees = .eip1559(maxFeePerGas: 10, maxPriorityFeePerGas: 1)
            let receipt = try await sender.send(
                TransactionRequest(to: info.accounts[6], value: 5, gasLimit: 21000, chainId: info.chainId), options: options
            ) { log.append($0) }
            #expect(receipt.status)
            #expect(log.kinds.first == "sent")
            #expect(log.kinds.contains("replaced"))
            // Each replacement is reported (to be recorded) before it is sent, with the hash it then has.
            let replacing = log.events.compactMap { if case .replacing(_, let r) = $0 { r.hash } else { nil } }
            let replaced = log.events.compactMap { if case .replaced(_, let new, _) = $0 { new } else { nil } }
            #expect(!replacing.isEmpty && replaced.allSatisfy(replacing.contains))
            #expect(log.kinds.firstIndex(of: "replacing")! < log.kinds.firstIndex(of: "replaced")!)
            #expect(log.kinds.suffix(2) == ["included", "final"])
            guard case .sent(let firstHash, let nonce, _) = log.events[0] else { return }
            #expect(receipt.transactionHash != firstHash)
            #expect(try await client.nonce(of: info.accounts[5]) == nonce + 1)
        }
    }

    @Test func followsAReorgThatDropsTheTransaction() async throws {
        try await Devnet.shared.isolated { info, client in
            let sender = TransactionSender(client: client, signer: info.signer(7), chain: .local)
            let log = EventLog()
            var options = Self.fast
            options.confirmations = 2
            options.replaceAfter = nil  // the dropped transaction is sent again as it is
            options.fees = cheapFees
            let snapshot: String = try await client.call("evm_snapshot")
            let reorged = NIOLockedValueBox(false)
            let receipt = try await sender.send(
                TransactionRequest(to: info.accounts[8], value: 7, gasLimit: 21000, chainId: info.chainId), options: options
            ) { event in
                log.append(event)
                if case .included = event, !reorged.withLockedValue({ $0 }) {
                    reorged.withLockedValue { $0 = true }
                    // Reorg: the block with the transaction leaves the chain, other blocks take its height.
                    let _: Bool? = try? await client.call("evm_revert", [.string(snapshot)])
                    let _: String? = try? await client.call("evm_mine", [["blocks": 2]])
                } else if case .included = event {
                    let _: String? = try? await client.call("evm_mine")
                }
            }
            #expect(receipt.status)
            let kinds = log.kinds
            #expect(kinds.first == "sent")
            #expect(kinds.contains("reorgedOut"))
            #expect(kinds.last == "final")
            #expect(kinds.firstIndex(of: "reorgedOut")! < kinds.lastIndex(of: "included")!)
            #expect(!kinds.contains("replaced"))
        }
    }

    @Test func nonceManagerReusesReleasedNoncesFirst() async throws {
        try await Devnet.shared.isolated { info, client in
            let manager = NonceManager(address: info.accounts[9], client: client)
            let base = try await client.nonce(of: info.accounts[9], at: .pending)
            let a = try await manager.next(), b = try await manager.next(), c = try await manager.next()
            #expect([a, b, c] == [base, base + 1, base + 2])
            await manager.release(b)
            #expect(try await manager.next() == b)
            #expect(try await manager.next() == base + 3)
            await manager.release(base + 3)
            #expect(try await manager.next() == base + 3)
            try await manager.resync(force: true)
            #expect(try await manager.next() == base)
        }
    }
}

@Suite("EVMRPC fee modes")
struct FeeModeTests {
    @Test func legacyChainsUseGasPriceAndFinalizedWaits() async throws {
        try await Devnet.shared.isolated { info, client in
            let legacy = Chain(name: "legacy-local", id: 31337, supportsEIP1559: false)
            let sender = TransactionSender(client: client, signer: info.signer(2), chain: legacy)
            let fees = try await sender.estimator.estimate(client)
            guard case .legacy(let price) = fees else { Issue.record("expected legacy fees, got \(fees)"); return }
            #expect(price == (try await client.gasPrice()))
            var options = LifecycleTests.fast
            options.waitForFinalized = true
            let log = EventLog()
            let receipt = try await sender.send(TransactionRequest(to: info.accounts[3], value: 2, gasLimit: 21000, chainId: info.chainId), options: options) { log.append($0) }
            #expect(receipt.type == 0)
            #expect(log.kinds == ["sent", "included", "final"])
        }
    }

    @Test func polygonFloorAppliesToEstimates() async throws {
        try await Devnet.shared.isolated { _, client in
            let fees = try await FeeEstimator(chain: .polygon).estimate(client)
            guard case .eip1559(let maxFee, let tip) = fees else { Issue.record("expected EIP-1559 fees"); return }
            #expect(tip == gwei * 25)
            #expect(maxFee > tip)
        }
    }
}

@Suite("EVMRPC with EVMSigner keys")
struct KeySignerTests {
    @Test func keySignerMatchesEthAccountAndSends() async throws {
        try await Devnet.shared.isolated { info, client in
            let key = try PrivateKey(hex: info.privateKeys[8])
            let signer = KeySigner(key: key)
            #expect(signer.address == info.accounts[8])
            let request = TransactionRequest(to: info.accounts[1], value: 99, chainId: info.chainId)
            for fees in [cheapFees, Fees.legacy(gasPrice: gwei * 3)] {
                let ours = try await signer.sign(request, nonce: 5, fees: fees, gasLimit: 21000)
                let reference = try await info.signer(8).sign(request, nonce: 5, fees: fees, gasLimit: 21000)
                #expect(ours.raw == reference.raw)
            }
            let sender = TransactionSender(client: client, signer: signer, chain: .local)
            let receipts = try await withThrowingTaskGroup(of: Receipt.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await sender.send(request, options: LifecycleTests.fast) }
                }
                var all: [Receipt] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(receipts.count == 10)
            #expect(receipts.filter { !$0.status }.isEmpty)
        }
    }
}
