import EVM
import Foundation
import Receipts
import TestSupport
import Testing

/// Parses a JSON fixture file through the EVM module's strict JSON reader.
func jsonValue(_ relativePath: String) throws -> JSONValue {
    try JSONValue(parsing: String(decoding: try fixtureData(relativePath), as: UTF8.self))
}

@Suite("StandardMerkleTree (OpenZeppelin standard-v1)")
struct StandardMerkleTreeTests {
    /// Loads a dump, rebuilds the tree from its values with the same ordering, and compares every node.
    func checkDump(_ dump: JSONValue, sortLeaves: Bool) throws {
        let loaded = try StandardMerkleTree(dump: dump)
        let rebuilt = try StandardMerkleTree(values: loaded.values, leafEncoding: loaded.leafEncoding, sortLeaves: sortLeaves)
        #expect(rebuilt.tree.nodes == loaded.tree.nodes)
        #expect(rebuilt.tree.treeIndices == loaded.tree.treeIndices)
        for index in loaded.values.indices {
            let proof = try rebuilt.proof(forValue: index)
            #expect(try StandardMerkleTree.verify(root: loaded.root, leafEncoding: loaded.leafEncoding,
                                                   value: loaded.values[index], proof: proof))
        }
        // Our own dump loads back to the same tree.
        let again = try StandardMerkleTree(dump: rebuilt.dump())
        #expect(again.tree.nodes == loaded.tree.nodes && again.values == loaded.values)
    }

    @Test(arguments: [("sorted", true), ("unsorted", false)])
    func openZeppelinStringDumps(name: String, sorted: Bool) throws {
        try checkDump(try jsonValue("vectors/openzeppelin-merkle-tree/test/dumps/standard-v1.\(name).1_0_6.json"), sortLeaves: sorted)
    }

    /// OpenZeppelin's seed-0 snapshot: 12 random `(uint256, string[])` leaves, sorted and unsorted.
    @Test func openZeppelinSnapshotDumps() throws {
        let file = try jsonValue("vectors/openzeppelin-merkle-tree/src/standard.test.ts.dumps.json")
        let dumps = try #require(file["dumps"]?.arrayValue)
        #expect(dumps.count == 2)
        for dump in dumps {
            let sorted = dump["options"]?["sortLeaves"]?.boolValue ?? true
            try checkDump(dump, sortLeaves: sorted)
        }
    }

    /// The protocol fixtures' receipt and price dumps; the receipt leaves equal `Receipt.leaf`.
    @Test(arguments: ["placementTree", "settlementTree", "priceTree"])
    func protocolDumps(name: String) throws {
        let vectors = try jsonValue("protocol-vectors.json")
        let dump = try #require(vectors[name]?["dump"])
        try checkDump(dump, sortLeaves: true)
        let root = try #require(vectors[name]?["root"]?.stringValue)
        #expect(try StandardMerkleTree(dump: dump).root.description == root)
    }

    @Test func tamperedDumpsAreRefused() throws {
        let dump = try jsonValue("vectors/openzeppelin-merkle-tree/test/dumps/standard-v1.sorted.1_0_6.json")
        guard case .object(var members) = dump, let valuesAt = members.firstIndex(where: { $0.0 == "values" }),
              case .array(var values) = members[valuesAt].1, case .object(var first) = values[0] else {
            Issue.record("unexpected dump shape")
            return
        }
        first[0] = ("value", .array([.string("not the original")]))
        values[0] = .object(first)
        members[valuesAt] = ("values", .array(values))
        #expect(throws: StandardMerkleTree.Failure.valueMismatch(index: 0)) { try StandardMerkleTree(dump: .object(members)) }
        #expect(throws: StandardMerkleTree.Failure.self) { try StandardMerkleTree(dump: .object([("format", .string("simple-v1"))])) }
    }

    @Test func valuesOfTheWrongTypeNameTheirPosition() throws {
        let types = [try ABIType("address"), try ABIType("uint8")]
        let values: [[ABIValue]] = [[.address(.zero), .uint(1)], [.address(.zero), .uint(256)]]
        #expect(throws: ABIError.self) { _ = try StandardMerkleTree(values: values, leafEncoding: types) }
        do {
            _ = try StandardMerkleTree(values: values, leafEncoding: types)
        } catch {
            #expect("\(error)".contains("[1]"), "\(error)")
        }
    }
}
