/// Recursive Length Prefix, Ethereum's serialisation: entry points for encoding and strict decoding.
///
/// ```swift
/// let bytes = RLP.encode(RLPItem.list([.string("dog"), .integer(1024 as UInt64)]))
/// let item = try RLP.decode(bytes)              // an RLPItem tree
/// let n = try RLP.decode(UInt64.self, from: RLP.encode(1024 as UInt64))
/// ```
public enum RLP {
    /// The encoding of `value`, written into one buffer allocated at its final size.
    @inlinable
    public static func encode(_ value: some RLPEncodable) -> [UInt8] {
        // Measured by running encode(to:) itself (what the default rlpEncodedLength does), so that the writer
        // remembers the outermost list's payload and the write pass does not measure its body again.
        var measure = RLPWriter(measuring: ())
        value.encode(to: &measure)
        let length = measure.position
        let firstList = measure.firstList
        return OutputBytes.make(count: length) { buffer in
            var writer = RLPWriter(base: buffer.bindMemory(to: UInt8.self, capacity: length), capacity: length,
                                   firstList: firstList)
            value.encode(to: &writer)
            precondition(writer.position == length, "RLPEncodable.rlpEncodedLength disagrees with encode(to:)")
        }
    }

    /// The encoding of a list whose items `body` writes (it runs twice: once to measure, once to write).
    @inlinable
    public static func encodeList(_ body: (inout RLPWriter) -> Void) -> [UInt8] {
        var measure = RLPWriter(measuring: ())
        measure.encodeList(body)
        let length = measure.position
        let firstList = measure.firstList
        return OutputBytes.make(count: length) { buffer in
            var writer = RLPWriter(base: buffer.bindMemory(to: UInt8.self, capacity: length), capacity: length,
                                   firstList: firstList)
            writer.encodeList(body)
            precondition(writer.position == length, "RLP list body wrote a different length when run twice")
        }
    }

    /// Decodes exactly one item, with nothing after it, into a tree.
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> RLPItem {
        try decode(RLPItem.self, from: bytes[...])
    }

    /// Decodes exactly one item, with nothing after it, into a tree.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(RLPError) -> RLPItem {
        try decode(RLPItem.self, from: bytes)
    }

    /// Decodes exactly one item, with nothing after it, as a `T`.
    @inlinable
    public static func decode<T: RLPDecodable>(_ type: T.Type, from bytes: [UInt8]) throws(RLPError) -> T {
        try decode(type, from: bytes[...])
    }

    /// Decodes exactly one item, with nothing after it, as a `T`; slices in the result share `bytes`' storage.
    @inlinable
    public static func decode<T: RLPDecodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(RLPError) -> T {
        var decoder = RLPDecoder(bytes)
        let value = try T(rlp: &decoder)
        try decoder.finish()
        return value
    }
}
