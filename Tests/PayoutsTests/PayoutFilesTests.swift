import EVM
import EVMSigner
import Foundation
import Payouts
import TestSupport
import Testing

/// The protocol's EIP-712 fixtures (`eip712` of Tests/Fixtures/protocol-vectors.json).
private func eip712Fixture() throws -> JSONValue {
    let text = String(decoding: try fixtureData("protocol-vectors.json"), as: UTF8.self)
    return try #require(try JSONValue(parsing: text)["eip712"])
}

private let vault = try! Address("0x5157a0150000000000000000000000000000c0dE")  // invariant: a constant address
private let keys = (1...6).map { try! PrivateKey(hex: "0x" + String(repeating: String(format: "%02x", $0), count: 32)) }  // invariant: constant keys

private func sampleBatch(nonce: UInt64 = 7, count: Int = 3, chainId: UInt64 = 137, at address: Address = vault) throws -> PayoutBatch {
    let entries = (0..<count).map { i in
        PayoutBatch.Entry(payout: Payout(token: .zero, recipient: keys[i % 6].address, amount: UInt256(UInt64(1_000 + i)),
                                         receipt: Keccak256.hash(utf8: "receipt \(i)")), round: "BTC-USD@1795612140", outcome: "win")
    }
    return try PayoutBatch(chainId: chainId, vault: address, nonce: nonce, deadline: 1_795_612_200, entries: entries)
}

@Suite("payout batch, signature and proposal files")
struct PayoutFilesTests {
    @Test func batchDigestMatchesTheProtocolFixture() throws {
        let e = try eip712Fixture()
        let message = try #require(e["payoutBatch"]?["message"])
        let payouts = try #require(message["payouts"]?.arrayValue).map { p in
            Payout(token: try Address(#require(p["token"]?.stringValue)), recipient: try Address(#require(p["recipient"]?.stringValue)),
                   amount: try UInt256(decimalString: #require(p["amount"]?.stringValue)), receipt: try Bytes32(hex: #require(p["receipt"]?.stringValue)))
        }
        let batch = try PayoutBatch(chainId: 137, vault: vault, nonce: 7, deadline: 1_795_612_200, entries: payouts.map { .init(payout: $0) })
        #expect(batch.digest.description == e["payoutBatch"]?["digest"]?.stringValue)
        // The fixture's three signatures recover to their signers, ascending.
        let signatures = try #require(e["payoutBatch"]?["signatures"]?.arrayValue)
        var previous = Address.zero
        for s in signatures {
            let bytes = try Hex.decode(#require(s["signature"]?.stringValue))
            let signer = try VaultSignature.recover(bytes, digest: batch.digest)
            #expect(signer.checksummed == s["signer"]?.stringValue)
            #expect(previous < signer)
            previous = signer
        }
        // Written and read back: the same batch.
        #expect(try PayoutBatch(fileText: batch.fileText) == batch)
    }

    @Test func proposalDigestAndIdMatchTheProtocolFixture() throws {
        let e = try eip712Fixture()
        let proposal = try VaultProposal(chainId: 137, vault: vault,
                                         action: .setDailyLimit(token: try Address("0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"), limit: UInt256(20_000_000_000)),
                                         nonce: 8, deadline: 1_795_612_200)
        #expect(proposal.digest.description == e["proposal"]?["digest"]?.stringValue)
        #expect(proposal.proposalId.description == e["proposal"]?["proposalId"]?.stringValue)
        #expect(Hex.encode(proposal.action.data) == e["proposal"]?["message"]?["data"]?.stringValue)
        #expect(try VaultProposal(fileText: proposal.fileText) == proposal)
    }

    @Test func tamperedAmountPayeeNonceOrDeadlineIsADigestMismatch() throws {
        let text = try sampleBatch().fileText
        let payee = keys[1].address.checksummed, other = keys[5].address.checksummed
        for (from, to) in [("\"amount\":\"1001\"", "\"amount\":\"9001\""), (payee, other), ("\"nonce\": 7", "\"nonce\": 8"),
                           ("\"deadline\": 1795612200", "\"deadline\": 1795612999")] {
            #expect(text.contains(from), "\(from)")
            var tampered = text.replacingOccurrences(of: from, with: to)
            if from.hasPrefix("\"amount\"") {  // keep the totals consistent: only the digest can tell
                tampered = tampered.replacingOccurrences(of: "\"amount\":\"3003\"", with: "\"amount\":\"11003\"")
            }
            let result = Result { () throws(PayoutError) in try PayoutBatch(fileText: tampered) }
            if case .failure(.digestMismatch) = result {} else { Issue.record("\(from): \(result)") }
        }
    }

    @Test func malformedBatchFilesAreRefusedWithThePath() throws {
        let text = try sampleBatch().fileText
        let cases: [(String, String, String)] = [
            ("\"amount\":\"1000\"", "\"amount\":\"-1\"", "$.payouts[0].amount"),
            ("\"amount\":\"1000\"", "\"amount\":1000", "$.payouts[0].amount"),
            ("\"format\": \"sixnines-payout-batch-v1\"", "\"format\": \"v0\"", "format"),
            ("\"chainId\": 137", "\"chainId\": 137, \"extra\": 1", "unknown key"),
            ("\"amount\":\"1000\"", "\"amount\":\"0\"", "zero amount"),
        ]
        for (from, to, fragment) in cases {
            #expect(throws: PayoutError.self) { try PayoutBatch(fileText: text.replacingOccurrences(of: from, with: to)) }
            do { _ = try PayoutBatch(fileText: text.replacingOccurrences(of: from, with: to)) } catch {
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
        #expect(throws: PayoutError.self) { try PayoutBatch(fileText: "not json") }
        #expect(throws: PayoutError.self) { try sampleBatch(count: 0) }
        #expect(throws: PayoutError.self) { try sampleBatch(count: VaultMessages.maxPayouts + 1) }
    }

    @Test func signatureFilesCheckWhatTheySign() throws {
        let batch = try sampleBatch()
        let signature = VaultSignature(signing: batch, with: keys[0])
        let parsed = try VaultSignature(fileText: signature.fileText)
        #expect(parsed == signature)
        try parsed.check(against: batch, name: "a.sig")
        #expect(signature.signature.count == 65 && (signature.signature[64] == 27 || signature.signature[64] == 28))
        // Another nonce, chain or vault: another digest, refused.
        #expect(throws: PayoutError.self) { try parsed.check(against: try sampleBatch(nonce: 8), name: "a.sig") }
        #expect(throws: PayoutError.self) { try parsed.check(against: try sampleBatch(chainId: 1), name: "a.sig") }
        #expect(throws: PayoutError.self) { try parsed.check(against: try sampleBatch(at: keys[5].address), name: "a.sig") }
        // A signer that does not match the signature, v = 0/1, 64 bytes.
        var lying = parsed
        lying.signer = keys[1].address
        #expect(throws: PayoutError.self) { try lying.check(against: batch, name: "a.sig") }
        var lowV = parsed
        lowV.signature[64] -= 27
        #expect(throws: PayoutError.self) { try lowV.check(against: batch, name: "a.sig") }
        #expect(throws: PayoutError.self) {
            try VaultSignature(fileText: signature.fileText.replacingOccurrences(of: Hex.encode(signature.signature), with: Hex.encode(Array(signature.signature.prefix(64)))))
        }
    }

    @Test func reportSortsValidSignaturesAscendingAndExplainsInvalidOnes() throws {
        let batch = try sampleBatch()
        let signers = Set(keys.prefix(5).map(\.address))
        let files: [(name: String, file: Result<VaultSignature, PayoutError>)] = [
            ("d", .success(VaultSignature(signing: batch, with: keys[3]))),
            ("a", .success(VaultSignature(signing: batch, with: keys[0]))),
            ("a-again", .success(VaultSignature(signing: batch, with: keys[0]))),
            ("outsider", .success(VaultSignature(signing: batch, with: keys[5]))),
            ("other-batch", .success(VaultSignature(signing: try sampleBatch(nonce: 9), with: keys[2]))),
            ("c", .success(VaultSignature(signing: batch, with: keys[2]))),
        ]
        let report = SignatureReport(message: batch, files: files, signers: signers, threshold: 3)
        #expect(report.sortedValid.map(\.signer) == [keys[0], keys[2], keys[3]].map(\.address).sorted())
        #expect(report.isEnough)
        let problems = Dictionary(uniqueKeysWithValues: report.items.map { ($0.name, $0.problem ?? "") })
        #expect(problems["outsider"]?.contains("is not a signer") == true)
        #expect(problems["a-again"]?.contains("counted once") == true)
        #expect(problems["other-batch"]?.contains("nonce") == true)
        let two = SignatureReport(message: batch, files: Array(files.prefix(2)), signers: signers, threshold: 3)
        #expect(!two.isEnough)
    }

    @Test func proposalsAreCheckedAsTheVaultChecksThem() throws {
        let a = keys[0].address, b = keys[1].address
        let sorted = [a, b].sorted()
        #expect(throws: PayoutError.self) { try VaultProposal(chainId: 1, vault: vault, action: .setSigners(sorted.reversed(), threshold: 2), nonce: 0, deadline: 1) }
        #expect(throws: PayoutError.self) { try VaultProposal(chainId: 1, vault: vault, action: .setSigners(sorted, threshold: 3), nonce: 0, deadline: 1) }
        #expect(throws: PayoutError.self) { try VaultProposal(chainId: 1, vault: vault, action: .migrate(successor: vault, tokens: []), nonce: 0, deadline: 1) }
        let unpause = try VaultProposal(chainId: 1, vault: vault, action: .unpause, nonce: 3, deadline: 99)
        #expect(unpause.action.data.isEmpty)
        #expect(try VaultAction(code: 1, data: VaultAction.setSigners(sorted, threshold: 2).data) == .setSigners(sorted, threshold: 2))
        #expect(throws: PayoutError.self) { try VaultAction(code: 9, data: []) }
        #expect(throws: PayoutError.self) { try VaultProposal(fileText: unpause.fileText.replacingOccurrences(of: "\"nonce\":3", with: "\"nonce\":4")) }
    }
}
