import Foundation
import EVM
import TestSupport
import Testing
@testable import Receipts

/// The fast paths of standard trees give the general paths' bytes: 4-way leaves of simple static types, and the
/// streamed dump.
@Suite struct StandardTreeFastPathTests {
    static let types: [ABIType] = [.address, .uint(256), .uint(8), .bool, .fixedBytes(4), .uint(64)]

    static func randomValue(_ rng: inout SystemRandomNumberGenerator) -> [ABIValue] {
        let address = try! Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })  // invariant: 20 bytes
        return [.address(address),
                .uint(UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next()))),
                .uint(UInt256(UInt64.random(in: 0...255, using: &rng))),
                .bool(Bool.random(using: &rng)),
                .fixedBytes((0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }),
                .uint(UInt256(rng.next() as UInt64))]
    }

    @Test func four_way_leaves_equal_leaf_hash_for_every_count() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 257] {
            let values = (0..<n).map { _ in Self.randomValue(&rng) }
            let fast = try StandardMerkleTree.leafHashes(values, types: Self.types)
            #expect(fast == (try values.map { try StandardMerkleTree.leafHash($0, types: Self.types) }), "n = \(n)")
        }
    }

    @Test func out_of_range_values_fail_as_in_the_general_path_naming_the_value() throws {
        var rng = SystemRandomNumberGenerator()
        var values = (0..<9).map { _ in Self.randomValue(&rng) }
        values[6][2] = .uint(UInt256(256))  // uint8
        #expect(throws: ABIError.self) { try StandardMerkleTree(values: values, leafEncoding: Self.types) }
        do {
            _ = try StandardMerkleTree(values: values, leafEncoding: Self.types)
        } catch let error as ABIError {
            #expect("\(error)".contains("6"), "\(error)")
        }
        values[6][2] = .uint(UInt256(255))
        values[7][4] = .fixedBytes([1, 2, 3])  // bytes4 of 3 bytes
        #expect(throws: ABIError.self) { try StandardMerkleTree(values: values, leafEncoding: Self.types) }
        values[7][4] = .fixedBytes([1, 2, 3, 4])
        values[8][5] = .uint(UInt256(limbs: (0, 1, 0, 0)))  // uint64 overflow by one bit
        #expect(throws: ABIError.self) { try StandardMerkleTree(values: values, leafEncoding: Self.types) }
        values[8][5] = .uint(UInt256(limbs: (.max, 0, 0, 0)))
        #expect(throws: Never.self) { try StandardMerkleTree(values: values, leafEncoding: Self.types) }
    }

    @Test func streamed_dump_is_the_dump_text_and_loads_back() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 2, 5, 100] {
            let tree = try StandardMerkleTree(values: (0..<n).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
            for chunk in [1, 64, 1 << 20] {
                var bytes: [UInt8] = []
                tree.writeDump(chunkSize: chunk) { bytes += $0 }
                #expect(String(decoding: bytes, as: UTF8.self) == tree.dump().jsonText, "n = \(n), chunk = \(chunk)")
            }
            let loaded = try StandardMerkleTree(dump: tree.dump())
            #expect(loaded.root == tree.root && loaded.values == tree.values)
        }
    }

    /// The byte loader accepts and refuses exactly what `init(dump:)` does, with the same errors.
    @Test func dump_bytes_load_like_the_json_loader() throws {
        var rng = SystemRandomNumberGenerator()
        let tree = try StandardMerkleTree(values: (0..<37).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
        let text = tree.dump().jsonText
        func both(_ text: String) -> (String, String) {
            let a: String, b: String
            do { a = "ok \(try StandardMerkleTree(dumpBytes: Array(text.utf8)).root)" } catch { a = "\(error)" }
            do { b = "ok \(try StandardMerkleTree(dump: try JSONValue(parsing: text)).root)" } catch { b = "\(error)" }
            return (a, b)
        }
        let loaded = try StandardMerkleTree(dumpBytes: Array(text.utf8))
        #expect(loaded.root == tree.root && loaded.values == tree.values && loaded.tree.treeIndices == tree.tree.treeIndices)
        // Whitespace, key order, another node, another value, a bad checksum, a wrong type, truncation, garbage after.
        let node = tree.tree.nodes[3].description
        let someAddress = { () -> String in if case .address(let a) = tree.values[5][0] { return a.checksummed }; return "" }()
        let variants = [
            text.replacingOccurrences(of: ",", with: " ,\n  "),
            text.replacingOccurrences(of: #"{"format":"standard-v1","#, with: #"{"#).replacingOccurrences(of: "]}", with: #"],"format":"standard-v1"}"#),
            text.replacingOccurrences(of: node, with: Bytes32.zero.description),
            text.replacingOccurrences(of: someAddress, with: someAddress.lowercased()),
            text.replacingOccurrences(of: someAddress, with: "0x" + someAddress.dropFirst(2).map { $0.isUppercase ? $0.lowercased() : $0.uppercased() }.joined()),
            text.replacingOccurrences(of: #""leafEncoding":["address""#, with: #""leafEncoding":["string""#),
            String(text.dropLast(5)),
            text + "x",
            text.replacingOccurrences(of: "standard-v1", with: "standard-v2"),
            text.replacingOccurrences(of: #""treeIndex":"#, with: #""treeIndex":-"#),
        ]
        // The tree array read on its own thread: nested, empty and repeated arrays, a leading zero in an index, a node
        // in upper case.
        let quotedNode = "\"" + node + "\""
        let upperNode = "0x" + node.dropFirst(2).uppercased()
        let treeVariants: [String] = [
            text.replacingOccurrences(of: quotedNode, with: "[" + quotedNode + "]"),
            text.replacingOccurrences(of: #""tree":["#, with: #""tree":[],"tree":["#),
            text.replacingOccurrences(of: #""tree":["#, with: #""tree":[],"x":["#),
            text.replacingOccurrences(of: #""treeIndex":"#, with: #""treeIndex":0"#),
            text.replacingOccurrences(of: node, with: upperNode),
        ]
        for (k, variant) in (variants + treeVariants).enumerated() {
            let (a, b) = both(variant)
            #expect(a == b, "variant \(k)")
        }
    }

    @Test func openzeppelin_dumps_load_through_the_byte_loader() throws {
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/vectors/openzeppelin-merkle-tree/test/dumps")
        var loaded = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".json") {
            let data = try Array(Data(contentsOf: dir.appendingPathComponent(name)))
            guard let json = try? JSONValue(parsing: String(decoding: data, as: UTF8.self)), json["format"]?.stringValue == "standard-v1" else { continue }
            #expect(try StandardMerkleTree(dumpBytes: data).root == StandardMerkleTree(dump: json).root, "\(name)")
            loaded += 1
        }
        #expect(loaded > 0)
    }

    /// The batched EIP-55 writer and checker agree with `Address.checksummed` and `Address(_:)` on every count.
    @Test func batched_checksums_match_address() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 3, 4, 5, 9, 64] {
            let addresses = try (0..<n).map { _ in try Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
            var out = [UInt8](repeating: 0, count: 40 * n)
            addresses.withUnsafeBufferPointer { a in out.withUnsafeMutableBufferPointer { EIP55.checksummed(a, into: $0.baseAddress!) } }
            for (k, a) in addresses.enumerated() {
                #expect("0x" + String(decoding: out[(40 * k)..<(40 * k + 40)], as: UTF8.self) == a.checksummed)
            }
            // Texts: the checksummed form, and one letter's case flipped (wrong unless Address(_:) says otherwise).
            var text: [UInt8] = []
            var offsets: [Int] = []
            var expected = true
            for (k, a) in addresses.enumerated() {
                var digits = Array(a.checksummed.utf8.dropFirst(2))
                if k == n / 2, let j = digits.firstIndex(where: { $0 >= UInt8(ascii: "A") }) {
                    digits[j] ^= 0x20
                    let flipped = "0x" + String(decoding: digits, as: UTF8.self)
                    expected = (try? Address(flipped)) != nil
                }
                offsets.append(text.count)
                text += digits
            }
            #expect(text.withUnsafeBufferPointer { EIP55.verify($0, offsets: offsets) } == expected, "n = \(n)")
        }
    }
}
