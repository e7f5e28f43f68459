import Foundation
import EVM
import TestSupport
import Testing
@testable import Receipts

/// Trees whose values are held as ABI words: the dump written from the words is byte for byte the general dump, and a
/// dump loaded into words has the general loader's tree and values and refuses what it refuses.
@Suite struct StandardTreeWordsTests {
    static let types: [ABIType] = [.address, .uint(256), .uint(8), .bool, .fixedBytes(4), .uint(64), .fixedBytes(32), .fixedBytes(1), .uint(128)]

    static func randomValue(_ rng: inout SystemRandomNumberGenerator) -> [ABIValue] {
        let address = try! Address((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })  // invariant: 20 bytes
        // Integers of every size class: one limb, two, all four, and the extremes.
        let big: UInt256
        switch UInt8.random(in: 0...5, using: &rng) {
        case 0: big = UInt256(rng.next() as UInt64)
        case 1: big = UInt256(limbs: (rng.next(), rng.next(), 0, 0))
        case 2: big = .max
        case 3: big = .zero
        default: big = UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next()))
        }
        return [.address(address), .uint(big), .uint(UInt256(UInt64.random(in: 0...255, using: &rng))), .bool(Bool.random(using: &rng)),
                .fixedBytes((0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }), .uint(UInt256(rng.next() as UInt64)),
                .fixedBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }), .fixedBytes([UInt8.random(in: 0...255, using: &rng)]),
                .uint(UInt256(limbs: (rng.next(), rng.next(), 0, 0)))]
    }

    static func words(_ values: [[ABIValue]], _ types: [ABIType]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32 * types.count * values.count)
        out.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() {
                #expect(StandardMerkleTree.encodeSimple(value, types: types, into: raw.baseAddress! + i * 32 * types.count))
            }
        }
        return out
    }

    static func wordDump(_ tree: StandardMerkleTree, chunkSize: Int = 1 << 22) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try words(tree.values, tree.leafEncoding).withUnsafeBytes { raw in
            try StandardMerkleTree.writeDump(leafEncoding: tree.leafEncoding, tree: tree.tree, encodedValues: raw, chunkSize: chunkSize) { bytes += $0 }
        }
        return bytes
    }

    @Test func word_dump_is_the_general_dump_for_every_type_count_and_chunk_size() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 5, 64, 301] {
            let tree = try StandardMerkleTree(values: (0..<n).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
            var general: [UInt8] = []
            tree.writeDump { general += $0 }
            for chunk in [1, 100, 5_000, 1 << 22] {
                #expect(try Self.wordDump(tree, chunkSize: chunk) == general, "n = \(n), chunk = \(chunk)")
            }
        }
    }

    @Test func decimals_at_every_digit_count_and_limb_boundary_are_written_as_the_general_dump() throws {
        var values: [UInt256] = [.zero, .max, UInt256(UInt64.max), UInt256(limbs: (0, 1, 0, 0)), UInt256(limbs: (0, 0, 1, 0)), UInt256(limbs: (0, 0, 0, 1))]
        var power = UInt256(1)
        for _ in 0..<77 {
            values += [power, power - UInt256(1)]
            power = power * UInt256(10)
        }
        let tree = try StandardMerkleTree(values: values.map { [.uint($0)] }, leafEncoding: [.uint(256)])
        var general: [UInt8] = []
        tree.writeDump { general += $0 }
        #expect(try Self.wordDump(tree) == general)
        #expect(String(decoding: general, as: UTF8.self).contains("\"115792089237316195423570985008687907853269984665640564039457584007913129639935\""))
    }

    @Test func word_dump_refuses_other_types_and_a_wrong_word_count() throws {
        let tree = try StandardMerkleTree(values: [[.string("a")], [.string("b")]], leafEncoding: [.string])
        #expect(throws: StandardMerkleTree.Failure.self) {
            try StandardMerkleTree.writeDump(leafEncoding: [.string], tree: tree.tree, encodedValues: UnsafeRawBufferPointer(start: nil, count: 0)) { _ in }
        }
        let simple = try StandardMerkleTree(values: [[.uint(UInt256(1))], [.uint(UInt256(2))]], leafEncoding: [.uint(256)])
        let short = [UInt8](repeating: 0, count: 32)
        #expect(throws: StandardMerkleTree.Failure.self) {
            try short.withUnsafeBytes { try StandardMerkleTree.writeDump(leafEncoding: [.uint(256)], tree: simple.tree, encodedValues: $0) { _ in } }
        }
    }

    struct Full: Error {}

    /// A sink that fails (a full disk) stops the rendering threads and its error comes back; nothing hangs.
    @Test func a_failing_sink_stops_the_writer_with_its_error() throws {
        var rng = SystemRandomNumberGenerator()
        let tree = try StandardMerkleTree(values: (0..<2_000).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
        for failAt in [0, 1, 3, 40] {
            var chunks = 0
            #expect(throws: Full.self) {
                try Self.words(tree.values, tree.leafEncoding).withUnsafeBytes { raw in
                    try StandardMerkleTree.writeDump(leafEncoding: tree.leafEncoding, tree: tree.tree, encodedValues: raw, chunkSize: 4_096) { _ in
                        if chunks == failAt { throw Full() }
                        chunks += 1
                    }
                }
            }
            #expect(chunks == failAt)
        }
    }

    static func loadWords(_ text: String) -> StandardDumpWords? {
        Array(text.utf8).withUnsafeBytes { StandardDumpWords(dumpBytes: $0) }
    }

    @Test func a_dump_loaded_as_words_has_the_general_loaders_tree_and_values_in_one_part_and_in_two() throws {
        var rng = SystemRandomNumberGenerator()
        // 6,000 values make a dump over 1 MiB, which is read in two halves.
        for n in [1, 2, 7, 6_000] {
            let tree = try StandardMerkleTree(values: (0..<n).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
            let text = tree.dump().jsonText
            if n == 6_000 { #expect(text.utf8.count > 1 << 20) }
            let words = try #require(Self.loadWords(text), "n = \(n)")
            let general = try StandardMerkleTree(dumpBytes: Array(text.utf8))
            #expect(words.root == general.root && words.tree.nodes == general.tree.nodes && words.tree.treeIndices == general.tree.treeIndices)
            #expect(words.count == n && words.encodedValues() == Self.words(general.values, Self.types))
            for i in [0, n / 2, n - 1] {
                #expect(words.value(at: i) == general.values[i])
                #expect(words.index(of: general.values[i]) == general.index(of: general.values[i]))
            }
            #expect(words.value(at: n) == nil && words.value(at: -1) == nil)
            var absent = general.values[0]
            absent[3] = .bool(!(absent[3] == .bool(true)))
            absent[1] = .uint(UInt256(12_345_678_901))
            #expect(words.index(of: absent) == general.index(of: absent))
            #expect(words.index(of: [.bool(true)]) == nil)
        }
    }

    /// What the word loader does not take, the general loader decides: a tampered node, value, checksum or index is
    /// refused by both; another key order or white space the word loader may leave to the general loader, never load
    /// differently.
    @Test func the_word_loader_never_accepts_what_the_general_loader_refuses() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [9, 6_000] {
            let tree = try StandardMerkleTree(values: (0..<n).map { _ in Self.randomValue(&rng) }, leafEncoding: Self.types)
            let text = tree.dump().jsonText
            let node = tree.tree.nodes[3].description, leafNode = tree.tree.nodes[tree.tree.nodes.count - 1].description
            let someAddress = { () -> String in if case .address(let a) = tree.values[n - 2][0] { return a.checksummed }; return "" }()
            let someNumber = { () -> String in if case .uint(let v) = tree.values[n - 3][5] { return "\"\(v)\"" }; return "" }()
            let variants = [
                text.replacingOccurrences(of: ",", with: " ,\n  "),
                text.replacingOccurrences(of: #"{"format":"standard-v1","#, with: #"{"#).replacingOccurrences(of: "]}", with: #"],"format":"standard-v1"}"#),
                text.replacingOccurrences(of: node, with: Bytes32.zero.description),
                text.replacingOccurrences(of: leafNode, with: Bytes32.zero.description),
                text.replacingOccurrences(of: someAddress, with: "0x" + someAddress.dropFirst(2).map { $0.isUppercase ? $0.lowercased() : $0.uppercased() }.joined()),
                text.replacingOccurrences(of: someAddress, with: someAddress.lowercased()),
                text.replacingOccurrences(of: someNumber, with: "\"1\(someNumber.dropFirst())"),
                text.replacingOccurrences(of: #""treeIndex":"#, with: #""treeIndex":0"#),
                text.replacingOccurrences(of: #""leafEncoding":["address""#, with: #""leafEncoding":["string""#),
                String(text.dropLast(3)),
                text + "x",
                text.replacingOccurrences(of: #"{"value":"#, with: #"{"treeIndex":0,"value":"#),
            ]
            for (k, variant) in variants.enumerated() {
                let general: String
                do { general = "ok \(try StandardMerkleTree(dumpBytes: Array(variant.utf8)).root)" } catch { general = "refused" }
                if let words = Self.loadWords(variant) {
                    #expect("ok \(words.root)" == general, "n = \(n), variant \(k)")
                }
                if general == "refused" { #expect(Self.loadWords(variant) == nil, "n = \(n), variant \(k)") }
            }
            // Not simple static types: left to the general loader.
            let strings = try StandardMerkleTree(values: [[.string("a")], [.string("b")]], leafEncoding: [.string])
            #expect(Self.loadWords(strings.dump().jsonText) == nil)
        }
    }
}
