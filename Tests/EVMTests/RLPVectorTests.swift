import EVM
import Testing

/// The ethereum/tests RLP vectors (Tests/Fixtures/vectors/ethereum-tests/RLPTests).
@Suite struct RLPVectorTests {
    static let directory = "vectors/ethereum-tests/RLPTests"

    /// The item a vector's `in` describes: text as UTF-8, numbers and `#<decimal>` as integer byte strings.
    func expectedItem(_ json: Any) throws -> RLPItem {
        if let text = json as? String {
            if text.hasPrefix("#") { return .bytes(bigEndianBytes(decimal: String(text.dropFirst()))) }
            return .string(text)
        }
        if let array = json as? [Any] { return .list(try array.map(expectedItem)) }
        if let number = json as? Int { return .integer(UInt64(number)) }
        throw OracleError(description: "unexpected vector input \(json)")
    }

    @Test func encodesAndDecodesEveryValidVector() throws {
        let vectors = try #require(fixtureJSON("\(Self.directory)/rlptest.json") as? [String: [String: Any]])
        #expect(vectors.count == 28)
        for (name, vector) in vectors.sorted(by: { $0.key < $1.key }) {
            let out = try [UInt8](hex: try #require(vector["out"] as? String))
            let item = try expectedItem(try #require(vector["in"]))
            #expect(RLP.encode(item) == out, "\(name)")
            #expect(item.rlpEncodedLength == out.count, "\(name)")
            #expect(try RLP.decode(out) == item, "\(name)")
            if let number = vector["in"] as? Int {
                // Integers also through the integer API.
                #expect(RLP.encode(UInt64(number)) == out, "\(name)")
                #expect(try RLP.decode(UInt64.self, from: out) == UInt64(number), "\(name)")
            } else if let text = vector["in"] as? String, text.hasPrefix("#") {
                var decoder = RLPDecoder(out)
                #expect(try Array(decoder.decodeIntegerBytes()) == item.bytes, "\(name)")
                #expect(decoder.isAtEnd, "\(name)")
            }
        }
    }

    /// Each invalid vector and the one error it must raise.
    static let invalidExpectations: [String: RLPError] = [
        "int32Overflow": .inputTooShort(offset: 0),  // 8-byte length ~2^59, 2 bytes present
        "int32Overflow2": .inputTooShort(offset: 0),
        "wrongSizeList": .nonCanonicalSize(offset: 0),
        "wrongSizeList2": .nonCanonicalSize(offset: 0),
        "incorrectLengthInArray": .leadingZeroInLength(offset: 0),
        "randomRLP": .leadingZeroInLength(offset: 4),  // inside two lists: b9 00 21
        "bytesShouldBeSingleByte00": .nonCanonicalSingleByte(offset: 0),
        "bytesShouldBeSingleByte01": .nonCanonicalSingleByte(offset: 0),
        "bytesShouldBeSingleByte7F": .nonCanonicalSingleByte(offset: 0),
        "leadingZerosInLongLengthArray1": .leadingZeroInLength(offset: 0),
        "leadingZerosInLongLengthArray2": .leadingZeroInLength(offset: 0),
        "leadingZerosInLongLengthList1": .leadingZeroInLength(offset: 0),
        "leadingZerosInLongLengthList2": .leadingZeroInLength(offset: 0),
        "nonOptimalLongLengthArray1": .nonCanonicalSize(offset: 0),
        "nonOptimalLongLengthArray2": .nonCanonicalSize(offset: 0),
        "nonOptimalLongLengthList1": .nonCanonicalSize(offset: 0),
        "nonOptimalLongLengthList2": .nonCanonicalSize(offset: 0),
        "emptyEncoding": .inputTooShort(offset: 0),
        "lessThanShortLengthArray1": .inputTooShort(offset: 0),
        "lessThanShortLengthArray2": .inputTooShort(offset: 0),
        "lessThanShortLengthList1": .inputTooShort(offset: 0),
        "lessThanShortLengthList2": .inputTooShort(offset: 0),
        "lessThanLongLengthArray1": .inputTooShort(offset: 0),
        "lessThanLongLengthArray2": .inputTooShort(offset: 0),
        "lessThanLongLengthList1": .inputTooShort(offset: 0),
        "lessThanLongLengthList2": .inputTooShort(offset: 0),  // 0xff ff…ff: a length beyond any input
    ]

    @Test func rejectsEveryInvalidVectorWithItsSpecificError() throws {
        let vectors = try #require(fixtureJSON("\(Self.directory)/invalidRLPTest.json") as? [String: [String: Any]])
        #expect(Set(vectors.keys) == Set(Self.invalidExpectations.keys))
        for (name, vector) in vectors.sorted(by: { $0.key < $1.key }) {
            let out = try [UInt8](hex: try #require(vector["out"] as? String))
            let expected = try #require(Self.invalidExpectations[name])
            #expect(decodeResult(out) == .failure(expected), "\(name)")
            // Decoding into views rejects them the same way.
            #expect(rlpError { () throws(RLPError) in
                var decoder = RLPDecoder(out)
                try walk(&decoder)
                try decoder.finish()
            } == expected, "\(name)")
        }
    }

    /// Reads every item through `RLPView`s without building a tree.
    func walk(_ decoder: inout RLPDecoder) throws(RLPError) {
        switch try decoder.decodeView() {
        case .bytes: break
        case .list(var items):
            while !items.isAtEnd { try walk(&items) }
        }
    }

    @Test func randomVectorDecodesAndReencodesToItself() throws {
        let vectors = try #require(fixtureJSON("\(Self.directory)/RandomRLPTests/example.json") as? [String: [String: Any]])
        #expect(!vectors.isEmpty)
        for (name, vector) in vectors {
            #expect(vector["in"] as? String == "VALID", "\(name)")
            let out = try [UInt8](hex: try #require(vector["out"] as? String))
            #expect(RLP.encode(try RLP.decode(out)) == out, "\(name)")
        }
    }
}
