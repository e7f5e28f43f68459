import EVM
import Foundation
import Testing

/// A 32-byte big-endian word holding `v`.
func word(_ v: UInt64) -> [UInt8] { [UInt8](repeating: 0, count: 24) + withUnsafeBytes(of: v.bigEndian) { Array($0) } }
/// A word given by its 64 hex digits.
func word(hex: String) -> [UInt8] { try! Hex.decode(hex, length: 32) }

@Suite("ABI strict decoding: one test per malformed-input class")
struct ABIMalformedInputTests {
    func expectError(_ types: String, _ data: [UInt8], _ expected: ABIError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = try ABIFunction("f(\(types))").inputs.map(\.type)
        #expect(throws: expected, sourceLocation: sourceLocation) { try ABI.decode(parsed, from: data) }
    }

    @Test func inputTooShort() throws {
        try expectError("uint256", [UInt8](repeating: 0, count: 31), .inputTooShort([], offset: 0, needed: 32))
        try expectError("uint256[]", word(32) + word(1), .lengthOutOfBounds([.arg(0)], offset: 32))
    }

    @Test func offsetOutOfBounds() throws {
        try expectError("bytes", word(0x1000) + word(0), .offsetOutOfBounds([.arg(0)], offset: 0))
        try expectError("bytes", word(hex: "ff" + String(repeating: "00", count: 31)), .offsetOutOfBounds([.arg(0)], offset: 0))
    }

    @Test func offsetIntoHead() throws {
        // (uint256, bytes) whose bytes offset points at 0: backwards into the head.
        try expectError("uint256,bytes", word(0) + word(0) + word(0), .offsetIntoHead([.arg(1)], offset: 32))
        // Nested: string[] whose element offset points into the array's own head.
        try expectError("string[]", word(32) + word(2) + word(0) + word(64) + word(0), .offsetIntoHead([.arg(0), .index(0)], offset: 64))
    }

    @Test func lengthsThatCannotFitAreRefusedBeforeAllocation() throws {
        try expectError("uint256[]", word(32) + word(1 << 31), .lengthOutOfBounds([.arg(0)], offset: 32))
        try expectError("uint256[]", word(32) + word(hex: String(repeating: "ff", count: 32)), .lengthOutOfBounds([.arg(0)], offset: 32))
        try expectError("bytes", word(32) + word(33) + word(0), .lengthOutOfBounds([.arg(0)], offset: 32))
        try expectError("(uint256,uint256)[]", word(32) + word(2) + word(1) + word(2) + word(3), .lengthOutOfBounds([.arg(0)], offset: 32))
    }

    @Test func dirtyAddressPadding() throws {
        try expectError("address", word(hex: "01" + String(repeating: "00", count: 31)), .dirtyAddressPadding([.arg(0)], offset: 0))
    }

    @Test func invalidBool() throws {
        try expectError("uint8,bool", word(1) + word(2), .invalidBool([.arg(1)], offset: 32))
    }

    @Test func uintHighBits() throws {
        try expectError("uint8", word(256), .uintOverflow([.arg(0)], offset: 0, bits: 8))
        try expectError("uint64[2]", word(1) + word(hex: "0000000000000000000000000000000000000000000000010000000000000000"),
                        .uintOverflow([.arg(0), .index(1)], offset: 32, bits: 64))
    }

    @Test func intSignExtension() throws {
        try expectError("int8", word(0x80), .badSignExtension([.arg(0)], offset: 0, bits: 8))
        try expectError("int8", word(hex: String(repeating: "ff", count: 31) + "7f"), .badSignExtension([.arg(0)], offset: 0, bits: 8))
        #expect(try ABI.decode(.int(8), from: word(hex: String(repeating: "ff", count: 31) + "80")) == .int(-128))
    }

    @Test func fixedBytesPadding() throws {
        try expectError("bytes1", word(hex: "0101" + String(repeating: "00", count: 30)), .dirtyFixedBytesPadding([.arg(0)], offset: 0))
        try expectError("function", word(1), .dirtyFixedBytesPadding([.arg(0)], offset: 0))
    }

    @Test func tailPaddingAfterBytesAndString() throws {
        try expectError("bytes", word(32) + word(1) + word(hex: "aa" + String(repeating: "00", count: 30) + "01"),
                        .dirtyTailPadding([.arg(0)], offset: 95))
        try expectError("(uint8,string)", word(32) + word(1) + word(64) + word(2) + word(hex: "6869" + String(repeating: "00", count: 29) + "07"),
                        .dirtyTailPadding([.arg(0), .field(1)], offset: 159))
        // Missing padding altogether.
        try expectError("bytes", word(32) + word(1) + [0xaa], .inputTooShort([.arg(0)], offset: 65, needed: 31))
    }

    @Test func invalidUTF8() throws {
        try expectError("string", word(32) + word(1) + word(hex: "ff" + String(repeating: "00", count: 31)), .invalidUTF8([.arg(0)], offset: 32))
    }

    @Test func aliasingOffsetsHitTheBudget() throws {
        // uint256[][] with n inner offsets all pointing at the same n-element array: n² words of work from O(n) bytes.
        let n: UInt64 = 120
        var data = word(32) + word(n)
        for _ in 0..<n { data += word(32 * n) }
        data += word(n)
        for i in 0..<n { data += word(i) }
        #expect {
            try ABI.decode([.array(.array(.uint(256)))], from: data)
        } throws: { error in
            if case .decodingBudgetExceeded(let path) = error as? ABIError { return path.components.first == .arg(0) }
            return false
        }
        // Lenient mode keeps the budget.
        #expect(throws: ABIError.self) { try ABI.decode([.array(.array(.uint(256)))], from: data, options: .lenient) }
    }

    @Test func depthLimit() throws {
        let type = try ABIType("uint256[][][][]")
        let data = word(32) + word(1) + word(32) + word(1) + word(32) + word(1) + word(32) + word(1) + word(7)
        #expect(try ABI.decode(type, from: data) == .array([.array([.array([.array([.uint(7)])])])]))
        #expect(throws: ABIError.depthLimitExceeded([.arg(0), .index(0), .index(0), .index(0)])) {
            try ABI.decode([type], from: data, options: ABIDecodingOptions(maxDepth: 3))
        }
    }

    @Test func absurdFixedArraySizesDoNotOverflow() throws {
        let type = try ABIType("uint256[999999999][999999999]")
        #expect(type.headSize == ABIType.maxHeadSize)
        #expect(throws: ABIError.self) { try ABI.decode(type, from: word(1) + word(2)) }
        #expect(throws: ABIError.self) { try ABI.decode([.tuple([type, type, .string])], from: word(32) + word(2)) }
        #expect(throws: ABIError.self) { try ABI.decode(.array(.fixedArray(.uint(8), 999_999_999)), from: word(32) + word(1 << 20)) }
    }

    @Test func lenientModeReadsDirtyData() throws {
        let dirty = word(hex: "ffffffffffffffffffffffff" + String(repeating: "11", count: 20)) + word(2) + word(0x1ff)
        #expect(throws: ABIError.self) { try ABI.decode([.address, .bool, .uint(8)], from: dirty) }
        let values = try ABI.decode([.address, .bool, .uint(8)], from: dirty, options: .lenient)
        #expect(values == [.address(try Address(String(repeating: "11", count: 20))), .bool(true), .uint(0xff)])
    }

    @Test func errorMessagesNameThePath() {
        let error = ABIError.uintOverflow([.arg(2), .index(3), .field(1)], offset: 96, bits: 8)
        #expect(error.description == "arg 2 → [3] → field 1: uint8 at byte 96 has non-zero high bits")
    }

    @Test func encodingErrorsNameThePath() throws {
        let types = [try ABIType("(uint8,bool)[]")]
        #expect(throws: ABIError.valueOutOfRange([.arg(0), .index(1), .field(0)], type: "uint8")) {
            try ABI.encode([.array([.tuple([.uint(1), .bool(true)]), .tuple([.uint(300), .bool(false)])])], as: types)
        }
        #expect(throws: ABIError.typeMismatch([.arg(0), .index(0), .field(1)], expected: "bool", got: "uint")) {
            try ABI.encode([.array([.tuple([.uint(1), .uint(1)])])], as: types)
        }
        #expect(throws: ABIError.wrongCount([.arg(0)], expected: 3, got: 2)) {
            try ABI.encode([.fixedBytes([1, 2])], as: [.fixedBytes(3)])
        }
        #expect(throws: ABIError.valueOutOfRange([.arg(0)], type: "int8")) { try ABI.encode([.int(128)], as: [.int(8)]) }
        #expect(throws: ABIError.valueOutOfRange([.arg(0)], type: "uint256")) { try ABI.encode([.int(-1)], as: [.uint(256)]) }
    }

    @Test func packedArraysArePadded() throws {
        // Solidity pads array elements to 32 bytes in packed mode (eth_abi does not).
        let packed = try ABI.encodePacked([.array([.uint(1), .uint(2)]), .uint(3)], as: [.array(.uint(8)), .uint(8)])
        #expect(packed == word(1) + word(2) + [3])
    }
}

@Suite("ABI typed path, calls, events and revert data")
struct ABITypedAndLogTests {
    let alice = try! Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")

    @Test func typedEncodeMatchesDynamic() throws {
        let amount = try UInt256(parsing: "1000000000000000000")
        let hash = Keccak256.hash(utf8: "x")
        let typed = ABI.encode(alice, amount, hash, true)
        let dynamic = try ABI.encode([.address(alice), .uint(amount), .fixedBytes(hash.bytes), .bool(true)],
                                     as: [.address, .uint(256), .fixedBytes(32), .bool])
        #expect(typed == dynamic)
        let (a, b, c, d) = try ABI.decode(Address.self, UInt256.self, Bytes32.self, Bool.self, from: typed)
        #expect(a == alice && b == amount && c == hash && d)

        let mixed = ABI.encode("héllo", [UInt256(1), UInt256(2)], ABIBytes([1, 2, 3]), ["a", "bc"], UInt64(7), Int256(-5))
        let mixedDynamic = try ABI.encode(
            [.string("héllo"), .array([.uint(1), .uint(2)]), .bytes([1, 2, 3]), .array([.string("a"), .string("bc")]),
             .uint(7), .int(-5)],
            as: [.string, .array(.uint(256)), .bytes, .array(.string), .uint(64), .int(256)])
        #expect(mixed == mixedDynamic)
        let (s, arr, bytes, strings, small, negative) = try ABI.decode(
            String.self, [UInt256].self, ABIBytes.self, [String].self, UInt64.self, Int256.self, from: mixed)
        #expect(s == "héllo" && arr == [1, 2] && bytes.bytes == [1, 2, 3] && strings == ["a", "bc"] && small == 7 && negative == -5)

        let selector = try ABIFunction("transfer(address,uint256)").selector
        #expect(ABI.calldata(selector: selector, alice, amount) == selector + ABI.encode(alice, amount))
    }

    @Test func typedDecodeIsStrictWithPaths() throws {
        let data = word(0) + word(2)
        #expect(throws: ABIError.invalidBool([.arg(1)], offset: 32)) { try ABI.decode(Address.self, Bool.self, from: data) }
        #expect(throws: ABIError.inputTooShort([], offset: 0, needed: 96)) { try ABI.decode(Address.self, Bool.self, UInt256.self, from: data) }
        #expect(throws: ABIError.offsetIntoHead([.arg(0)], offset: 0)) { try ABI.decode(String.self, from: word(0) + word(0)) }
        #expect(throws: ABIError.uintOverflow([.arg(0)], offset: 0, bits: 64)) { try ABI.decode(UInt64.self, from: word(hex: "01" + String(repeating: "00", count: 31))) }
    }

    @Test func callDataAndReturnData() throws {
        let f = try ABIFunction("function balanceOf(address owner) view returns (uint256)")
        let call = try f.encodeCall([.address(alice)])
        #expect(call.hexString == "0x70a08231000000000000000000000000cd2a3d9f938e13cd947ec05abc7fe734df8dd826")
        #expect(try f.decodeCall(call) == [.address(alice)])
        #expect(throws: ABIError.selectorMismatch(expected: "0x70a08231", got: "0xa9059cbb")) {
            try f.decodeCall([0xa9, 0x05, 0x9c, 0xbb] + word(0))
        }
        #expect(try f.decodeOutput(word(42)) == [.uint(42)])
        let ctor = ABIConstructor(inputs: [ABIParameter(name: "x", type: .uint(256))])
        #expect(try ctor.deployData(bytecode: [0x60, 0x80], [.uint(5)]) == [0x60, 0x80] + word(5))
    }

    @Test func decodeTransferLog() throws {
        let event = try ABIEvent("event Transfer(address indexed from, address indexed to, uint256 value)")
        let bob = try Address("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB")
        let topics = [event.topic0, alice.word, bob.word]
        let decoded = try event.decodeLog(topics: topics, data: word(1000))
        #expect(decoded.map(\.value) == [.address(alice), .address(bob), .uint(1000)])
        #expect(decoded.map(\.parameter.name) == ["from", "to", "value"])
        #expect(throws: ABIError.topicCountMismatch(expected: 3, got: 2)) { try event.decodeLog(topics: Array(topics.prefix(2)), data: word(1)) }
        #expect(throws: ABIError.self) { try event.decodeLog(topics: [Keccak256.hash(utf8: "x"), alice.word, bob.word], data: word(1)) }
        // A dirty topic for an indexed address is refused like any other word.
        var dirty = alice.word.bytes
        dirty[0] = 1
        #expect(throws: ABIError.self) { try event.decodeLog(topics: [event.topic0, try Bytes32(dirty), bob.word], data: word(1)) }
    }

    @Test func indexedDynamicValuesComeBackAsHashes() throws {
        let event = try ABIEvent("event Named(string indexed name, uint256[] indexed ids, bytes data) anonymous")
        let nameHash = Keccak256.hash(utf8: "alice")
        let idsHash = Keccak256.hash(data: word(1) + word(2))
        let decoded = try event.decodeLog(topics: [nameHash, idsHash], data: try ABI.encode([.bytes([9])], as: [.bytes]))
        #expect(decoded[0].isHash && decoded[0].value == .fixedBytes(nameHash.bytes))
        #expect(decoded[1].isHash && decoded[1].value == .fixedBytes(idsHash.bytes))
        #expect(!decoded[2].isHash && decoded[2].value == .bytes([9]))
        // Structs and fixed arrays are hashed too, even when their encoding is a single word.
        let structEvent = try ABIEvent("event S((uint256) indexed s, uint256[1] indexed a)")
        let hashes = [Keccak256.hash(data: word(1)), Keccak256.hash(data: word(2))]
        let structDecoded = try structEvent.decodeLog(topics: [structEvent.topic0] + hashes, data: [])
        #expect(structDecoded.allSatisfy { $0.isHash })
        #expect(structDecoded.map(\.value) == hashes.map { .fixedBytes($0.bytes) })
    }

    @Test func revertData() throws {
        let message = try Hex.decode("0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "000000000000000000000000000000000000000000000000000000000000001a"
            + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000")
        #expect(try ABIRevert(decoding: message) == .message("Not enough Ether provided."))
        let panic = ABIRevert.panicSelector + word(0x11)
        #expect(try ABIRevert(decoding: panic) == .panic(code: 0x11, meaning: "arithmetic overflow or underflow"))
        #expect(ABIRevert.panicMeaning(0x32) == "array index out of bounds")
        #expect(ABIRevert.panicMeaning(0x99) == "unknown panic code")
        #expect(try ABIRevert(decoding: []) == .empty)
        let abi = try ContractABI(humanReadable: ["error InsufficientBalance(uint256 available, uint256 required)"])
        let custom = try abi.errors[0].encode([.uint(1), .uint(2)])
        #expect(try ABIRevert(decoding: custom, abi: abi) == .custom(abi.errors[0], [.uint(1), .uint(2)]))
        #expect(try ABIRevert(decoding: custom, abi: abi).description == "InsufficientBalance(1, 2)")
        #expect(throws: ABIError.unknownSelector(Hex.encode(custom.prefix(4)))) { try ABIRevert(decoding: custom) }
    }

    @Test func castStyleArgumentText() throws {
        let type = try ABIType("(uint256,address,bool[],string,bytes2)[]")
        let value = try ABIValue(parsing: #"[(0x10, 0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826, [true,false], "a, \"b\"", 0xabcd), (2,0x0000000000000000000000000000000000000000,[],plain text,0x0000)]"#, as: type)
        #expect(value == .array([
            .tuple([.uint(16), .address(alice), .array([.bool(true), .bool(false)]), .string(#"a, "b""#), .fixedBytes([0xab, 0xcd])]),
            .tuple([.uint(2), .address(.zero), .array([]), .string("plain text"), .fixedBytes([0, 0])]),
        ]))
        #expect(try ABIValue(parsing: "-128", as: .int(8)) == .int(-128))
        #expect(try ABIValue(parsing: "hello, world", as: .string) == .string("hello, world"))
        #expect(throws: ABIError.valueOutOfRange([], type: "uint8")) { try ABIValue(parsing: "256", as: .uint(8)) }
        #expect(throws: ABIError.self) { try ABIValue(parsing: "[1,2", as: .array(.uint(8))) }
        #expect(throws: ABIError.wrongCount([], expected: 2, got: 1)) { try ABIValue(parsing: "(1)", as: .tuple([.uint(8), .uint(8)])) }
    }
}
