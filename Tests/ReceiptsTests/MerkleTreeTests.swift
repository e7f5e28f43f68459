import EVM
import Foundation
import Receipts
import TestSupport
import Testing

/// Parses an array of 0x-hex words.
func words(_ value: Any?) throws -> [Bytes32] {
    try #require(value as? [String]).map { try Bytes32(hex: $0) }
}

@Suite("Merkle trees (OpenZeppelin layout)")
struct MerkleTreeTests {
    /// OpenZeppelin's SimpleMerkleTree dumps (bytes32 leaves used as given): same nodes, same tree indices.
    @Test(arguments: [("sorted", true), ("unsorted", false)])
    func openZeppelinSimpleDumps(name: String, sorted: Bool) throws {
        let dump = try #require(try fixtureJSON("vectors/openzeppelin-merkle-tree/test/dumps/simple-v1.\(name).1_0_6.json") as? [String: Any])
        let values = try #require(dump["values"] as? [[String: Any]])
        let leaves = try values.map { entry in
            let text = try #require(entry["value"] as? String)
            return try Bytes32(hex: text)
        }
        let tree = try MerkleTree(leaves: leaves, sortLeaves: sorted)
        #expect(tree.nodes == (try words(dump["tree"])))
        #expect(tree.treeIndices == values.map { $0["treeIndex"] as? Int ?? -1 })
        for index in leaves.indices {
            #expect(MerkleTree.verify(root: tree.root, leaf: leaves[index], proof: try tree.proof(forLeaf: index)))
        }
        // Loading the dump back checks every parent.
        let loaded = try MerkleTree(nodes: try words(dump["tree"]), treeIndices: tree.treeIndices)
        #expect(loaded.root == tree.root)
    }

    /// The protocol fixtures' trees: leaves → root, tree indices, proofs and the multiproof.
    @Test(arguments: ["placementTree", "settlementTree", "priceTree"])
    func protocolTrees(name: String) throws {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let fixture = try #require(vectors[name] as? [String: Any])
        let tree = try MerkleTree(leaves: try words(fixture["leaves"]))
        let root = try #require(fixture["root"] as? String)
        #expect(tree.root == (try Bytes32(hex: root)))
        #expect(tree.treeIndices == (fixture["treeIndices"] as? [Int]))
        let proofs = try #require(fixture["proofs"] as? [[String]])
        for (index, proof) in proofs.enumerated() {
            #expect(try tree.proof(forLeaf: index) == proof.map { try Bytes32(hex: $0) })
        }
        if let multi = fixture["multiProof"] as? [String: Any] {
            let valueIndices = try #require(multi["valueIndices"] as? [Int])
            let proof = try tree.multiProof(forLeaves: valueIndices)
            #expect(proof.leaves == (try words(multi["leaves"])))
            #expect(proof.proof == (try words(multi["proof"])))
            #expect(proof.proofFlags == (multi["proofFlags"] as? [Bool]))
            #expect(MerkleTree.verify(root: tree.root, multiProof: proof))
        }
    }

    @Test func singleLeafTreeHasTheLeafAsRoot() throws {
        let leaf = Keccak256.hash(utf8: "only")
        let tree = try MerkleTree(leaves: [leaf])
        #expect(tree.root == leaf)
        #expect(try tree.proof(forLeaf: 0).isEmpty)
        #expect(MerkleTree.verify(root: leaf, leaf: leaf, proof: []))
        #expect(MerkleTree.verify(root: leaf, multiProof: try tree.multiProof(forLeaves: [0])))
    }

    @Test func errors() throws {
        #expect(throws: MerkleError.emptyTree) { try MerkleTree(leaves: []) }
        let tree = try MerkleTree(leaves: (0..<5).map { Keccak256.hash(utf8: "\($0)") })
        #expect(throws: MerkleError.leafIndexOutOfRange(5, count: 5)) { try tree.proof(forLeaf: 5) }
        #expect(throws: MerkleError.notALeaf(treeIndex: 0)) { try tree.proof(treeIndex: 0) }
        #expect(throws: MerkleError.duplicateIndex(tree.treeIndices[1])) { try tree.multiProof(forLeaves: [1, 2, 1]) }
        var nodes = tree.nodes
        nodes[2] = Bytes32.zero
        #expect(throws: MerkleError.inconsistentTree(treeIndex: 0)) { try MerkleTree(nodes: nodes, treeIndices: tree.treeIndices) }
    }

    /// An empty multiproof is never valid here (OpenZeppelin would accept leaves = [], proof = [root]).
    @Test func emptyAndMalformedMultiproofsAreInvalid() throws {
        let tree = try MerkleTree(leaves: (0..<8).map { Keccak256.hash(utf8: "\($0)") })
        let empty = try tree.multiProof(forLeaves: [])
        #expect(empty.proof == [tree.root])
        #expect(!MerkleTree.verify(root: tree.root, multiProof: empty))
        #expect(throws: MerkleError.self) { try MerkleTree.processMultiProof(empty) }
        var good = try tree.multiProof(forLeaves: [0, 3, 5])
        #expect(MerkleTree.verify(root: tree.root, multiProof: good))
        good.proofFlags.append(true)
        #expect(!MerkleTree.verify(root: tree.root, multiProof: good))
        good.proofFlags.removeLast()
        good.proof.append(tree.root)
        #expect(!MerkleTree.verify(root: tree.root, multiProof: good))
    }

    /// Seeded random trees (1 to 5,000 leaves) against the Python reference in Contracts/tests/protocol.py:
    /// same roots, tree indices, proofs and multiproofs; every proof verifies; tampered proofs fail.
    @Test func differentialAgainstPythonReference() throws {
        var rng = SeededRandom()
        var cases: [[String: Any]] = []
        var inputs: [([Bytes32], Bool, [Int])] = []
        var sizes = Array(1...40) + [127, 128, 129, 255, 256, 257, 1000, 5000]
        sizes += (0..<20).map { _ in Int.random(in: 1...600, using: &rng) }
        for size in sizes {
            let values = (0..<size).map { _ in try! Bytes32(rng.bytes(32)) }
            let sort = Bool.random(using: &rng)
            let multi = Array((0..<size).shuffled(using: &rng).prefix(Int.random(in: 1...min(size, 20), using: &rng)))
            inputs.append((values, sort, multi))
            cases.append(["values": values.map(\.description), "sort": sort, "multi": multi])
        }
        let answers = try PythonOracle.run("merkle.bytes32_tree", cases)
        for ((values, sort, multi), answer) in zip(inputs, answers) {
            let expected = try #require(answer as? [String: Any])
            // A bytes32 value's standard leaf is keccak256(keccak256(value)).
            let leaves = values.map { Keccak256.hash(Keccak256.hash($0)) }
            let tree = try MerkleTree(leaves: leaves, sortLeaves: sort)
            #expect(tree.root.description == expected["root"] as? String, "\(values.count) leaves; \(rng.replay)")
            #expect(tree.treeIndices == expected["treeIndices"] as? [Int], "\(rng.replay)")
            let proofs = try #require(expected["proofs"] as? [[String]])
            for index in values.indices {
                let proof = try tree.proof(forLeaf: index)
                #expect(proof.map(\.description) == proofs[index], "leaf \(index) of \(values.count); \(rng.replay)")
                #expect(MerkleTree.verify(root: tree.root, leaf: leaves[index], proof: proof))
                if !proof.isEmpty, index % 7 == 0 {
                    var bent = proof
                    var bytes = bent[0].bytes
                    bytes[Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                    bent[0] = try Bytes32(bytes)
                    #expect(!MerkleTree.verify(root: tree.root, leaf: leaves[index], proof: bent), "\(rng.replay)")
                    let other = leaves[(index + 1) % leaves.count]
                    if other != leaves[index] {
                        #expect(!MerkleTree.verify(root: tree.root, leaf: other, proof: proof), "\(rng.replay)")
                    }
                }
            }
            let multiProof = try tree.multiProof(forLeaves: multi)
            let expectedMulti = try #require(expected["multi"] as? [String: Any])
            #expect(multiProof.leaves.map(\.description) == expectedMulti["leaves"] as? [String], "\(rng.replay)")
            #expect(multiProof.proof.map(\.description) == expectedMulti["proof"] as? [String], "\(rng.replay)")
            #expect(multiProof.proofFlags == expectedMulti["proofFlags"] as? [Bool], "\(rng.replay)")
            #expect(MerkleTree.verify(root: tree.root, multiProof: multiProof), "\(rng.replay)")
        }
    }
}
