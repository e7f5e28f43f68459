import EVM
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
}
