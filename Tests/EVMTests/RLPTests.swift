import EVM
import Testing

/// A storage-key list entry of an EIP-2930 access list.
struct AccessListEntry: RLPEncodable, RLPDecodable, Equatable {
    var address: [UInt8]
    var storageKeys: [[UInt8]]

    func encode(to writer: inout RLPWriter) {
        writer.encodeList { fields in
            fields.encodeBytes(address)
            fields.encode(storageKeys)
        }
    }

    init(address: [UInt8], storageKeys: [[UInt8]]) {
        self.address = address
        self.storageKeys = storageKeys
    }

    init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        (address, storageKeys) = try decoder.decodeList(count: 2) { (fields) throws(RLPError) in
            (Array(try fields.decodeBytes(count: 20)), try fields.decode([[UInt8]].self))
        }
    }
}

/// A signed EIP-1559 transaction's 12 fields, owning its bytes.
struct DynamicFeeTransaction: RLPEncodable, RLPDecodable, Equatable {
    var chainID: UInt64
    var nonce: UInt64
    var maxPriorityFeePerGas: UInt64
    var maxFeePerGas: UInt64
    var gasLimit: UInt64
    var to: [UInt8]
    var value: [UInt8]  // big-endian integer bytes (a UInt256 later)
    var data: [UInt8]
    var accessList: [AccessListEntry]
    var yParity: Bool
    var r: [UInt8]
    var s: [UInt8]

    func encode(to writer: inout RLPWriter) {
        writer.encodeList { w in
            w.encode(chainID)
            w.encode(nonce)
            w.encode(maxPriorityFeePerGas)
            w.encode(maxFeePerGas)
            w.encode(gasLimit)
            w.encodeBytes(to)
            w.encodeBytes(value)
            w.encodeBytes(data)
            w.encode(accessList)
            w.encode(yParity)
            w.encodeBytes(r)
            w.encodeBytes(s)
        }
    }

    init(chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt64, maxFeePerGas: UInt64, gasLimit: UInt64,
         to: [UInt8], value: [UInt8], data: [UInt8], accessList: [AccessListEntry], yParity: Bool, r: [UInt8], s: [UInt8]) {
        (self.chainID, self.nonce, self.maxPriorityFeePerGas, self.maxFeePerGas, self.gasLimit) =
            (chainID, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit)
        (self.to, self.value, self.data, self.accessList, self.yParity, self.r, self.s) =
            (to, value, data, accessList, yParity, r, s)
    }

    init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        self = try decoder.decodeList(count: 12) { (f) throws(RLPError) in
            DynamicFeeTransaction(
                chainID: try f.decode(), nonce: try f.decode(), maxPriorityFeePerGas: try f.decode(),
                maxFeePerGas: try f.decode(), gasLimit: try f.decode(), to: Array(try f.decodeBytes(count: 20)),
                value: Array(try f.decodeIntegerBytes()), data: try f.decode(), accessList: try f.decode(),
                yParity: try f.decode(), r: Array(try f.decodeIntegerBytes()), s: Array(try f.decodeIntegerBytes()))
        }
    }
}

/// The same transaction read as views into the encoded bytes: no payload is copied.
struct DynamicFeeTransactionView: RLPDecodable {
    var chainID, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit: UInt64
    var to, value, data, accessList: ArraySlice<UInt8>
    var yParity: Bool
    var r, s: ArraySlice<UInt8>

    init(rlp decoder: inout RLPDecoder) throws(RLPError) {
        var f = try decoder.decodeList()
        chainID = try f.decode()
        nonce = try f.decode()
        maxPriorityFeePerGas = try f.decode()
        maxFeePerGas = try f.decode()
        gasLimit = try f.decode()
        to = try f.decodeBytes(count: 20)
        value = try f.decodeIntegerBytes()
        data = try f.decodeBytes()
        accessList = try f.decodeRawItem()
        yParity = try f.decode()
        r = try f.decodeIntegerBytes()
        s = try f.decodeIntegerBytes()
        try f.finish()
    }
}

@available(macOS 15.0, *)
extension UInt128: RLPEncodable, RLPDecodable {}

@Suite struct RLPTests {
    static let sampleTransaction = DynamicFeeTransaction(
        chainID: 1, nonce: 42, maxPriorityFeePerGas: 2_000_000_000, maxFeePerGas: 100_000_000_000, gasLimit: 21_000,
        to: [UInt8](repeating: 0xAB, count: 20), value: [0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x64, 0x00, 0x00],
        data: [0xA9, 0x05, 0x9C, 0xBB],
        accessList: [AccessListEntry(address: [UInt8](repeating: 0x11, count: 20), storageKeys: [[UInt8](repeating: 0x22, count: 32)])],
        yParity: true, r: [UInt8](repeating: 0x33, count: 32), s: [UInt8](repeating: 0x44, count: 32))

    // MARK: Encoding

    @Test func encodesByteStringsAtEveryLengthBoundary() throws {
        #expect(RLP.encode([UInt8]()) == [0x80])
        #expect(RLP.encode([UInt8]([0x00])) == [0x00])
        #expect(RLP.encode([UInt8]([0x7F])) == [0x7F])
        #expect(RLP.encode([UInt8]([0x80])) == [0x81, 0x80])
        let b55 = [UInt8](repeating: 7, count: 55)
        #expect(RLP.encode(b55) == [0xB7] + b55)
        let b56 = [UInt8](repeating: 7, count: 56)
        #expect(RLP.encode(b56) == [0xB8, 56] + b56)
        let b256 = [UInt8](repeating: 7, count: 256)
        #expect(RLP.encode(b256) == [0xB9, 0x01, 0x00] + b256)
        let b65536 = [UInt8](repeating: 7, count: 65536)
        #expect(RLP.encode(b65536).prefix(4) == [0xBA, 0x01, 0x00, 0x00])
        #expect(RLP.encode(b56[...]) == [0xB8, 56] + b56)
        #expect(RLP.encode("dog") == [0x83, 0x64, 0x6F, 0x67])
        #expect(RLP.encode("") == [0x80])
    }

    @Test func encodesUnsignedIntegersMinimally() throws {
        #expect(RLP.encode(0 as UInt64) == [0x80])
        #expect(RLP.encode(1 as UInt64) == [0x01])
        #expect(RLP.encode(0x7F as UInt64) == [0x7F])
        #expect(RLP.encode(0x80 as UInt64) == [0x81, 0x80])
        #expect(RLP.encode(0x100 as UInt64) == [0x82, 0x01, 0x00])
        #expect(RLP.encode(UInt64.max) == [0x88] + [UInt8](repeating: 0xFF, count: 8))
        for value: UInt64 in [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 0x1_0000_0000, .max] {
            let expected = RLP.encode(RLPItem.integer(value))
            #expect(RLP.encode(value) == expected)
            #expect(value.rlpEncodedLength == expected.count)
            if let v = UInt8(exactly: value) { #expect(RLP.encode(v) == expected) }
            if let v = UInt16(exactly: value) { #expect(RLP.encode(v) == expected) }
            if let v = UInt32(exactly: value) { #expect(RLP.encode(v) == expected) }
            #expect(RLP.encode(UInt(value)) == expected)
        }
        #expect(RLP.encode(true) == [0x01])
        #expect(RLP.encode(false) == [0x80])
    }

    /// A width over 64 bits takes the generic path, as `UInt256` will, through a one-line conformance.
    @available(macOS 15.0, *)
    @Test func wideIntegersConformWithOneLine() throws {
        for value: UInt128 in [0, 1, 0x7F, 0x80, 0x100, UInt128(UInt64.max), UInt128(UInt64.max) + 1, .max] {
            let encoded = RLP.encode(value)
            #expect(encoded == RLP.encode(RLPItem.integer(value)))
            #expect(value.rlpEncodedLength == encoded.count)
            #expect(try RLP.decode(UInt128.self, from: encoded) == value)
        }
        #expect(RLP.encode(UInt128.max) == [0x90] + [UInt8](repeating: 0xFF, count: 16))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt128.self, from: [0x91, 0x01] + [UInt8](repeating: 0, count: 16)) }
            == .overflow(offset: 0))
    }

    @Test func encodesListsAtTheLengthBoundary() throws {
        #expect(RLP.encode([RLPItem]()) == [0xC0])
        #expect(RLP.encode(RLPItem.list([])) == [0xC0])
        #expect(RLP.encode([[UInt8]]([[1], [2]])) == [0xC2, 0x01, 0x02])
        #expect(RLP.encode([UInt64]([1, 0, 1024])) == [0xC5, 0x01, 0x80, 0x82, 0x04, 0x00])
        // Payload of 55 bytes: one 54-byte string (header 0xb6).
        let short = RLPItem.list([.bytes([UInt8](repeating: 1, count: 54))])
        #expect(RLP.encode(short).prefix(2) == [0xF7, 0xB6])
        // Payload of 56 bytes: long form.
        let long = RLPItem.list([.bytes([UInt8](repeating: 1, count: 55))])
        #expect(RLP.encode(long).prefix(3) == [0xF8, 56, 0xB7])
        #expect(RLP.encodeList { w in
            w.encode("cat")
            w.encode([RLPItem]())
        } == [0xC5, 0x83, 0x63, 0x61, 0x74, 0xC0])
    }

    @Test func headerEncodesBothForms() {
        #expect(RLPHeader(isList: false, payloadLength: 0).encoded == [0x80])
        #expect(RLPHeader(isList: true, payloadLength: 55).encoded == [0xF7])
        #expect(RLPHeader(isList: true, payloadLength: 56).encoded == [0xF8, 56])
        #expect(RLPHeader(isList: false, payloadLength: 1024).encoded == [0xB9, 0x04, 0x00])
        #expect(RLPHeader(isList: false, payloadLength: Int.max).encoded == [0xBF, 0x7F] + [UInt8](repeating: 0xFF, count: 7))
    }

    @Test func writerComposesRawAndManualHeaders() {
        let inner = RLP.encode(RLPItem.list([.string("a")]))
        let out = RLP.encodeList { w in
            inner.withUnsafeBytes { w.writeRaw($0) }
            w.writeHeader(RLPHeader(isList: false, payloadLength: 2))
            w.writeRaw([0xAA, 0xBB])
        }
        #expect(out == [0xC5, 0xC1, 0x61, 0x82, 0xAA, 0xBB])
    }

    @Test func itemTreeDescribesItselfAsJSON() {
        let item: RLPItem = [.string("dog"), [], [.integer(1024 as UInt64)]]
        #expect(item.description == #"["0x646f67", [], ["0x0400"]]"#)
    }

    // MARK: Typed decoding

    @Test func transactionRoundTripsThroughTypesAndTree() throws {
        let tx = Self.sampleTransaction
        let bytes = RLP.encode(tx)
        #expect(bytes.count == tx.rlpEncodedLength)
        #expect(try RLP.decode(DynamicFeeTransaction.self, from: bytes) == tx)
        // Same bytes as the hand-built tree.
        let tree = try RLP.decode(bytes)
        #expect(RLP.encode(tree) == bytes)
        #expect(tree.list?.count == 12)
        #expect(tree.list?[4] == .integer(21_000 as UInt64))
    }

    @Test func transactionViewsShareTheInputStorage() throws {
        let bytes = RLP.encode(Self.sampleTransaction)
        let view = try RLP.decode(DynamicFeeTransactionView.self, from: bytes)
        #expect(view.gasLimit == 21_000)
        #expect(view.yParity)
        #expect(Array(view.data) == [0xA9, 0x05, 0x9C, 0xBB])
        #expect(try RLP.decode([AccessListEntry].self, from: view.accessList) == Self.sampleTransaction.accessList)
        bytes.withUnsafeBufferPointer { whole in
            let range = UInt(bitPattern: whole.baseAddress!)..<UInt(bitPattern: whole.baseAddress! + whole.count)
            for field in [view.to, view.value, view.data, view.accessList, view.r, view.s] {
                field.withUnsafeBufferPointer { #expect(range.contains(UInt(bitPattern: $0.baseAddress!))) }
            }
        }
    }

    @Test func decodesIntegersAtEveryWidth() throws {
        #expect(try RLP.decode(UInt8.self, from: [0x80]) == 0)
        #expect(try RLP.decode(UInt8.self, from: [0x7F]) == 0x7F)
        #expect(try RLP.decode(UInt8.self, from: [0x81, 0xFF]) == 0xFF)
        #expect(try RLP.decode(UInt16.self, from: [0x82, 0xFF, 0xFF]) == 0xFFFF)
        #expect(try RLP.decode(UInt32.self, from: [0x84, 0xFF, 0xFF, 0xFF, 0xFF]) == .max)
        #expect(try RLP.decode(UInt64.self, from: RLP.encode(UInt64.max)) == .max)
        #expect(try RLP.decode(UInt.self, from: [0x82, 0x04, 0x00]) == 1024)
        #expect(try RLP.decode(Bool.self, from: [0x01]) == true)
        #expect(try RLP.decode(Bool.self, from: [0x80]) == false)
        #expect(try RLP.decode(String.self, from: [0x83, 0x64, 0x6F, 0x67]) == "dog")
        #expect(try RLP.decode([UInt64].self, from: [0xC5, 0x01, 0x80, 0x82, 0x04, 0x00]) == [1, 0, 1024])
        #expect(try RLP.decode([[UInt8]].self, from: [0xC2, 0x01, 0x02]) == [[1], [2]])
    }

    // MARK: Canonical rules, one error each, with the offset

    @Test func rejectsLeadingZeroInInteger() throws {
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt64.self, from: [0x82, 0x00, 0x01]) } == .leadingZero(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt64.self, from: [0x00]) } == .leadingZero(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([UInt64].self, from: [0xC4, 0x01, 0x82, 0x00, 0x01]) } == .leadingZero(offset: 2))
        #expect(rlpError { () throws(RLPError) in
            var d = RLPDecoder([0x82, 0x00, 0xFF])
            return try d.decodeIntegerBytes()
        } == .leadingZero(offset: 0))
        // As a byte string it is fine.
        #expect(try RLP.decode([0x82, 0x00, 0x01]) == .bytes([0x00, 0x01]))
    }

    @Test func rejectsNonCanonicalSingleByte() {
        #expect(decodeResult([0x81, 0x00]) == .failure(.nonCanonicalSingleByte(offset: 0)))
        #expect(decodeResult([0x81, 0x7F]) == .failure(.nonCanonicalSingleByte(offset: 0)))
        #expect(decodeResult([0xC3, 0x80, 0x81, 0x05]) == .failure(.nonCanonicalSingleByte(offset: 2)))
        #expect(decodeResult([0x81, 0x80]) == .success(.bytes([0x80])))
    }

    @Test func rejectsNonCanonicalSize() {
        #expect(decodeResult([0xB8, 0x01, 0xFF]) == .failure(.nonCanonicalSize(offset: 0)))
        #expect(decodeResult([0xB8, 55] + [UInt8](repeating: 1, count: 55)) == .failure(.nonCanonicalSize(offset: 0)))
        #expect(decodeResult([0xC2, 0xF8, 0x00]) == .failure(.leadingZeroInLength(offset: 1)))
        #expect(decodeResult([0xC3, 0x80, 0xF8, 0x00]) == .failure(.leadingZeroInLength(offset: 2)))
        #expect(decodeResult([0xC4, 0x80, 0xF8, 0x01, 0x80]) == .failure(.nonCanonicalSize(offset: 2)))
        #expect(decodeResult([0xB8, 56] + [UInt8](repeating: 1, count: 56)) == .success(.bytes([UInt8](repeating: 1, count: 56))))
    }

    @Test func rejectsLeadingZeroInLength() {
        #expect(decodeResult([0xB8, 0x00]) == .failure(.leadingZeroInLength(offset: 0)))
        #expect(decodeResult([0xB9, 0x00, 0x40] + [UInt8](repeating: 1, count: 64)) == .failure(.leadingZeroInLength(offset: 0)))
        #expect(decodeResult([0xC1, 0xF8]) == .failure(.inputTooShort(offset: 1)))
    }

    @Test func rejectsLengthsRunningPastTheInput() {
        #expect(decodeResult([]) == .failure(.inputTooShort(offset: 0)))
        #expect(decodeResult([0x83, 0x61, 0x62]) == .failure(.inputTooShort(offset: 0)))
        #expect(decodeResult([0x81]) == .failure(.inputTooShort(offset: 0)))
        #expect(decodeResult([0xB9, 0x01]) == .failure(.inputTooShort(offset: 0)))
        // The child overruns its list even though the input has the bytes.
        #expect(decodeResult([0xC3, 0x83, 0x61, 0x62, 0x63]) == .failure(.inputTooShort(offset: 1)))
        // Claimed lengths far beyond any input: rejected before anything is allocated.
        #expect(decodeResult([0xBF] + [UInt8](repeating: 0xFF, count: 8)) == .failure(.inputTooShort(offset: 0)))
        #expect(decodeResult([0xFF, 0x7F] + [UInt8](repeating: 0xFF, count: 7) + [0x80]) == .failure(.inputTooShort(offset: 0)))
        #expect(decodeResult([0xC0, 0xBB, 0x10, 0x00, 0x00, 0x00]) == .failure(.trailingBytes(offset: 1)))
    }

    @Test func rejectsTrailingBytes() {
        #expect(decodeResult([0x80, 0x80]) == .failure(.trailingBytes(offset: 1)))
        #expect(decodeResult([0xC1, 0x01, 0x02, 0x03]) == .failure(.trailingBytes(offset: 2)))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt64.self, from: [0x01, 0x00]) } == .trailingBytes(offset: 1))
    }

    @Test func rejectsListWhereStringExpectedAndTheReverse() {
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt64.self, from: [0xC0]) } == .unexpectedList(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([UInt8].self, from: [0xC1, 0x01]) } == .unexpectedList(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([[UInt8]].self, from: [0xC2, 0x01, 0xC0]) } == .unexpectedList(offset: 2))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([UInt64].self, from: [0x80]) } == .unexpectedString(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([[UInt64]].self, from: [0xC2, 0xC0, 0x05]) } == .unexpectedString(offset: 2))
    }

    @Test func rejectsIntegersTooLargeForTheirType() {
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt8.self, from: [0x82, 0x01, 0x00]) } == .overflow(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt16.self, from: [0x83, 0x01, 0x00, 0x00]) } == .overflow(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(UInt64.self, from: [0x89, 0x01] + [UInt8](repeating: 0, count: 8)) } == .overflow(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(Bool.self, from: [0x02]) } == .overflow(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode([UInt8].self, from: [0x82, 0x01, 0x00]) } == nil)  // bytes, not an integer
    }

    @Test func rejectsListLengthMismatchForFixedFields() throws {
        var tree = try RLP.decode(RLP.encode(Self.sampleTransaction)).list!
        let eleven = RLP.encode(RLPItem.list(Array(tree.prefix(11))))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(DynamicFeeTransaction.self, from: eleven) }
            == .listLengthMismatch(offset: 0, expected: 12, got: 11))
        tree.append(.bytes([1]))
        tree.append(.list([]))
        let fourteen = RLP.encode(RLPItem.list(tree))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(DynamicFeeTransaction.self, from: fourteen) }
            == .listLengthMismatch(offset: 0, expected: 12, got: 14))
        // Nested: an access-list entry with one field, at offset 1 inside [[entry]].
        let oneField: [UInt8] = [0xD6, 0xD5, 0x94] + [UInt8](repeating: 0x11, count: 20)
        #expect(rlpError { () throws(RLPError) in try RLP.decode([AccessListEntry].self, from: oneField) }
            == .listLengthMismatch(offset: 1, expected: 2, got: 1))
    }

    @Test func rejectsWrongFixedLengthAndBadUTF8() {
        #expect(rlpError { () throws(RLPError) in
            var d = RLPDecoder([0x93] + [UInt8](repeating: 1, count: 19))
            return try d.decodeBytes(count: 20)
        } == .unexpectedLength(offset: 0, expected: 20, got: 19))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(String.self, from: [0x81, 0xFF]) } == .invalidUTF8(offset: 0))
        #expect(rlpError { () throws(RLPError) in try RLP.decode(String.self, from: [0x82, 0xC3, 0xA9]) } == nil)
    }

    /// `depth` lists, each holding the next, around an empty list.
    func nestedLists(_ depth: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xC0]
        for _ in 1..<depth {
            bytes = RLPHeader(isList: true, payloadLength: bytes.count).encoded + bytes
        }
        return bytes
    }

    @Test func limitsNestingDepth() throws {
        let deepest = nestedLists(RLPDecoder.maxDepth)
        #expect(RLP.encode(try RLP.decode(deepest)) == deepest)
        let tooDeep = nestedLists(RLPDecoder.maxDepth + 1)
        // The innermost list (the last byte) is the one too deep.
        #expect(decodeResult(tooDeep) == .failure(.depthLimitExceeded(offset: tooDeep.count - 1)))
    }

    @Test func everyErrorHasAMessageNamingItsOffset() {
        let errors: [RLPError] = [
            .leadingZero(offset: 7), .nonCanonicalSingleByte(offset: 7), .nonCanonicalSize(offset: 7),
            .leadingZeroInLength(offset: 7), .inputTooShort(offset: 7), .trailingBytes(offset: 7),
            .unexpectedList(offset: 7), .unexpectedString(offset: 7), .overflow(offset: 7),
            .listLengthMismatch(offset: 7, expected: 12, got: 11), .unexpectedLength(offset: 7, expected: 20, got: 19),
            .invalidUTF8(offset: 7), .depthLimitExceeded(offset: 7),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        for error in errors {
            #expect(error.offset == 7)
            #expect(error.description.contains("offset 7"))
        }
    }
}
