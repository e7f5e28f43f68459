import EVM
import Foundation
import Receipts
import TestSupport
import Testing

/// docs/PROTOCOL.md §3.1 documents the single-receipt proof file; its example must load and pass every offline check.
@Suite("Proof file format (PROTOCOL §3.1)")
struct ProofFileDocTests {
    static func example() throws -> String {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        let section = try #require(text.range(of: "### 3.1 The receipt proof file"))
        let rest = text[section.upperBound...]
        let start = try #require(rest.range(of: "```json\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    @Test func documentedExampleVerifiesOffline() throws {
        // What the Swift code writes for the fixture's first placement in the fixture placement batch.
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let fields = try #require((vectors["placementReceipts"] as? [[String: Any]])?.map { $0["fields"]! })
        let receipts = try fields.map { try JSONDecoder().decode(Receipt.self, from: JSONSerialization.data(withJSONObject: $0)) }
        let batch = try ReceiptBatch(id: BatchID(kind: .placement, sequence: 1), receipts: receipts)
        let opening = try #require((vectors["userCommitments"] as? [[String: Any]])?.first)
        let written = try batch.proofFile(for: 0, chainId: 137, registry: try Address("0x5157a01500000000000000000000000000000001"),
                                          opening: CommitmentOpening(user: try Address(opening["user"] as! String),
                                                                     salt: try Bytes32(hex: opening["salt"] as! String)))
        if ProcessInfo.processInfo.environment["SIXNINES_PRINT_EXAMPLE"] != nil {
            print(String(decoding: try written.jsonData(), as: UTF8.self))
            return
        }
        let file = try ReceiptProofFile.load(from: Data(try Self.example().utf8))
        #expect(file.format == ReceiptProofFile.formatName)
        let checks = file.offlineChecks()
        let failed = checks.filter { !$0.passed }
        #expect(failed.isEmpty, "\(failed)")
        #expect(checks.map(\.name).contains("commitment opening"))
        #expect(written == file)
    }
}
