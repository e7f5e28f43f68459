// RLP for 256-bit integers: the minimal big-endian byte string (zero is the empty string), through
// the RLP layer's generic unsigned-integer encoding and its canonical decoding (no leading zero,
// at most 32 bytes).

extension UInt256: RLPEncodable, RLPDecodable {}
