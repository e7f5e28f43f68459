// RLP for 256-bit integers: the minimal big-endian byte string (zero is the empty string), written by
// RLPWriter's UInt256 fast path (RLPWriter+Integers.swift), and the RLP layer's canonical decoding
// (no leading zero, at most 32 bytes).

extension UInt256: RLPEncodable, RLPDecodable {
    /// Minimal big-endian bytes; zero is the empty string.
    @inlinable
    public func encode(to writer: inout RLPWriter) { writer.encodeInteger(self) }

    /// Size of the minimal big-endian encoding.
    @inlinable
    public var rlpEncodedLength: Int { RLPWriter.encodedLength(ofInteger: self) }
}
