import EVM
import Testing

// The writer's integer and byte-string fast paths (RLPWriter+Integers.swift) and the stack-then-copy output
// (OutputBytes), checked against a byte-by-byte reference at every length boundary they branch on.

/// The RLP of a byte string, straight from the rules (no RLPWriter).
private func referenceString(_ bytes: [UInt8]) -> [UInt8] {
    if bytes.count == 1 && bytes[0] < 0x80 { return bytes }
    return referenceHeader(base: 0x80, count: bytes.count) + bytes
}

private func referenceHeader(base: UInt8, count: Int) -> [UInt8] {
    if count < 56 { return [base + UInt8(count)] }
    var length: [UInt8] = []
    var n = count
    while n > 0 { length.insert(UInt8(n & 0xff), at: 0); n >>= 8 }
    return [base + 55 + UInt8(length.count)] + length
}

/// Minimal big-endian bytes of limbs given least significant first (empty for zero).
private func minimalBigEndian(_ limbs: [UInt64]) -> [UInt8] {
    var out: [UInt8] = []
    for limb in limbs.reversed() {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift))) }
    }
    return Array(out.drop(while: { $0 == 0 }))
}

/// 0, 1, and 2^k − 1, 2^k, 2^k + 1 for every k: each byte-length boundary of a 64-bit integer.
private let uint64Boundaries: [UInt64] = {
    var values: [UInt64] = [0, 1, 0x7f, 0x80, 0x81, .max, .max - 1]
    for k in 1..<64 {
        let p = UInt64(1) << UInt64(k)
        values += [p - 1, p, p + 1]
    }
    return values
}()

/// The same for 256 bits, with a pattern below the top bit so every limb carries bytes.
private let uint256Boundaries: [UInt256] = {
    var values: [UInt256] = [0, 1, 0x7f, 0x80, UInt256(UInt64.max), UInt256.max, UInt256.max - 1]
    for k in 1..<256 {
        let p = UInt256(1) << k
        values += [p - 1, p, p + 1, p | (p >> 3) | 0x5a]
    }
    return values
}()

@Test("UInt64 at every byte-length boundary encodes as its minimal big-endian string, with a matching length")
func uint64FastPathMatchesReference() throws {
    for v in uint64Boundaries {
        let expected = referenceString(minimalBigEndian([v]))
        #expect(RLP.encode(v) == expected, "\(v)")
        #expect(v.rlpEncodedLength == expected.count, "\(v)")
        #expect(RLPWriter.encodedLength(ofInteger: v) == expected.count, "\(v)")
        #expect(try RLP.decode(UInt64.self, from: expected) == v)
    }
}

@Test("narrow unsigned integers take the 64-bit path and encode as before")
func narrowIntegersMatchReference() throws {
    for v in [0, 1, 0x7f, 0x80, 0xff] as [UInt8] {
        #expect(RLP.encode(v) == referenceString(minimalBigEndian([UInt64(v)])))
    }
    for v in [0, 0x7f, 0x80, 0xff, 0x100, 0xffff] as [UInt16] {
        #expect(RLP.encode(v) == referenceString(minimalBigEndian([UInt64(v)])))
    }
    for v in [0, 0xffff, 0x10000, 0xff_ffff, 0x100_0000, .max] as [UInt32] {
        #expect(RLP.encode(v) == referenceString(minimalBigEndian([UInt64(v)])))
        #expect(v.rlpEncodedLength == referenceString(minimalBigEndian([UInt64(v)])).count)
    }
    #expect(RLP.encode(true) == [0x01])
    #expect(RLP.encode(false) == [0x80])
}

@Test("UInt256 at every byte-length boundary (1 to 32 bytes) encodes as its minimal big-endian string")
func uint256FastPathMatchesReference() throws {
    for v in uint256Boundaries {
        let l = v.limbs
        let expected = referenceString(minimalBigEndian([l.0, l.1, l.2, l.3]))
        #expect(RLP.encode(v) == expected, "\(v)")
        #expect(v.rlpEncodedLength == expected.count, "\(v)")
        #expect(RLPWriter.encodedLength(ofInteger: v) == expected.count, "\(v)")
        #expect(try RLP.decode(UInt256.self, from: expected) == v)
        // Through the generic entry point and inside a list, the same bytes.
        let listed = RLP.encodeList { w in w.encodeInteger(v); w.encode(v) }
        #expect(listed == referenceHeader(base: 0xc0, count: 2 * expected.count) + expected + expected)
    }
    #expect(RLP.encode(UInt256.max) == [0xa0] + [UInt8](repeating: 0xff, count: 32))
}

@Test("byte strings of 0, 1, 55, 56, 255, 256, 1024 and 65,536 bytes, from arrays and offset slices")
func byteStringsAtHeaderBoundaries() throws {
    for count in [0, 1, 2, 55, 56, 57, 255, 256, 1020, 1021, 1022, 1023, 1024, 1025, 65_535, 65_536] {
        for fill in [0x00, 0x7f, 0x80, 0xff] as [UInt8] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: Int(fill) &+ $0 &* 31) }
            let expected = referenceString(bytes)
            #expect(RLP.encode(bytes) == expected, "count \(count)")
            let padded = [0xee] + bytes + [0xee]
            let slice = padded[1..<(1 + count)]
            #expect(RLP.encode(slice) == expected, "slice of \(count)")
            #expect(RLP.encodeList { $0.encodeBytes(bytes) } == referenceHeader(base: 0xc0, count: expected.count) + expected)
            #expect(RLP.encodeList { $0.encodeBytes(slice) } == referenceHeader(base: 0xc0, count: expected.count) + expected)
        }
    }
}

@Test("outputs of 1,023, 1,024 and 1,025 bytes (the stack buffer's limit) are complete and exact")
func outputsAroundTheStackLimit() throws {
    // A byte string of n bytes has a 3-byte header from 256 bytes on: totals 1023...1025 need 1020...1022 bytes.
    for payload in 1018...1024 {
        let bytes = [UInt8](repeating: 0xab, count: payload)
        let encoded = RLP.encode(bytes)
        #expect(encoded == referenceString(bytes))
        #expect(encoded.count == payload + 3)
        // The same length through a list of two strings.
        let listed = RLP.encodeList { w in w.encodeBytes(bytes[..<(payload / 2)]); w.encodeBytes(bytes[(payload / 2)...]) }
        let inner = referenceString(Array(bytes[..<(payload / 2)])) + referenceString(Array(bytes[(payload / 2)...]))
        #expect(listed == referenceHeader(base: 0xc0, count: inner.count) + inner)
    }
}

/// Lists written through `encodeList { … }` at several depths, mirrored as an `RLPItem` tree (written through the
/// collection path, which never uses the writer's remembered first list).
private struct NestedLists: RLPEncodable {
    var prefix: [UInt8]  // raw bytes before the first list (a transaction's type byte)
    var payloads: [[UInt8]]  // one inner list per payload: [payload, [payload], []]
    var siblings: Int  // how many copies of the outer list follow each other at depth 0

    func encode(to writer: inout RLPWriter) {
        if !prefix.isEmpty { writer.writeRaw(prefix) }
        for _ in 0..<siblings {
            writer.encodeList { outer in
                for p in payloads {
                    outer.encodeList { inner in
                        inner.encodeBytes(p)
                        inner.encodeList { $0.encodeBytes(p) }
                        inner.encodeList { _ in }
                    }
                }
                outer.encodeInteger(UInt256.max)
            }
        }
    }

    var mirror: [UInt8] {
        let outer = RLPItem.list(payloads.map { p in .list([.bytes(p), .list([.bytes(p)]), .list([])]) }
                                 + [.integer(UInt256.max)])
        return prefix + Array(repeating: RLP.encode(outer), count: siblings).flatMap { $0 }
    }
}

@Test("nested encodeList bodies, sibling outermost lists and a raw prefix encode like the same RLPItem tree")
func outermostListLengthIsRememberedCorrectly() throws {
    let sizes = [0, 1, 20, 54, 55, 56, 200, 300]
    for prefix in [[], [0x02]] as [[UInt8]] {
        for siblings in 1...3 {
            for count in [0, 1, 2, 5] {
                let payloads = (0..<count).map { i in [UInt8](repeating: UInt8(0x80 + i), count: sizes[(i + count) % sizes.count]) }
                let value = NestedLists(prefix: prefix, payloads: payloads, siblings: siblings)
                let encoded = RLP.encode(value)
                #expect(encoded == value.mirror, "prefix \(prefix) siblings \(siblings) count \(count)")
                #expect(value.rlpEncodedLength == encoded.count)
                // The same value inside a list and inside an array of values (the writer's other entry points).
                #expect(RLP.encodeList { $0.encode(value) } == RLP.encodeList { $0.writeRaw(value.mirror) })
                let pair = RLP.encode([value, value].map { RLPItem.bytes(RLP.encode($0)) })
                #expect(pair == RLP.encode(RLPItem.list([.bytes(value.mirror), .bytes(value.mirror)])))
            }
        }
    }
}

@Test("an empty ABI encoding is an empty array (OutputBytes with zero bytes runs no writer)")
func emptyOutputIsEmptyArray() throws {
    #expect(try ABI.encode([], as: []) == [])
    #expect(try ABI.encode(.tuple([]), as: .tuple([])) == [])
}
