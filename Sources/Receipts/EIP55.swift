import CKeccakX4
#if canImport(Glibc)
import Glibc
#endif
import EVM

/// EIP-55 checksums of many addresses, four Keccak hashes at a time where the CPU allows. A letter is upper case
/// exactly when the matching nibble of keccak256(lower-case hex) is 8 or more.
enum EIP55 {
    /// Turns `count` runs of 40 lower-case hex digits at `hex` (back to back) into their checksummed spelling.
    static func applyChecksums(_ hex: UnsafeMutablePointer<UInt8>, count: Int) {
        withUnsafeTemporaryAllocation(byteCount: 4 * 32, alignment: 32) { scratch in
            let digests = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var i = 0
            while i < count {
                let n = min(4, count - i)
                let lower = hex + 40 * i
                if n == 4 && PairHashing.isX4Available {
                    keccak256_x4(lower, lower + 40, lower + 80, lower + 120, 40, digests)
                } else {
                    for k in 0..<n {
                        let hash = Keccak256.hash(bufferPointer: UnsafeRawBufferPointer(start: lower + 40 * k, count: 40))
                        hash.withUnsafeBytes { (digests + 32 * k).update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 32) }
                    }
                }
                for k in 0..<n { applyDigest(digests + 32 * k, to: lower + 40 * k) }
                i += n
            }
        }
    }

    /// Upper-cases each letter of the 40 lower-case digits at `hex` whose nibble of `digest` is 8 or more, without
    /// branches: a letter (0x61–0x66) has bit 6 set and a decimal digit (0x30–0x39) has not; the nibble's top bit is
    /// bit 7 (even digits) or bit 3 (odd digits) of the digest byte.
    @inline(__always)
    static func applyDigest(_ digest: UnsafePointer<UInt8>, to hex: UnsafeMutablePointer<UInt8>) {
        for j in 0..<20 {
            let d = digest[j]
            let c0 = hex[2 * j], c1 = hex[2 * j + 1]
            hex[2 * j] = c0 &- (((c0 &>> 6) & (d &>> 7)) &<< 5)
            hex[2 * j + 1] = c1 &- (((c1 &>> 6) & ((d &>> 3) & 1)) &<< 5)
        }
    }

    /// Writes the 40 EIP-55 hex digits of each address (no `0x`) to `out` (40 bytes each).
    static func checksummed(_ addresses: UnsafeBufferPointer<Address>, into out: UnsafeMutablePointer<UInt8>) {
        for (k, address) in addresses.enumerated() {
            address.withUnsafeBytes { raw in WordText.hex(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 20, into: out + 40 * k) }
        }
        applyChecksums(out, count: addresses.count)
    }

    /// Whether the 40 hex digits at each offset of `bytes` are spelled with their EIP-55 checksum.
    static func verify(_ bytes: UnsafeBufferPointer<UInt8>, offsets: [Int]) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * 40) { expected in
            var i = 0
            while i < offsets.count {
                let n = min(4, offsets.count - i)
                for k in 0..<n {
                    let digits = bytes.baseAddress! + offsets[i + k]
                    // Lower case: letters (bit 6 set) get bit 5; digits keep theirs.
                    for j in 0..<40 { expected[40 * k + j] = digits[j] | ((digits[j] &>> 6) &<< 5) }
                }
                applyChecksums(expected.baseAddress!, count: n)
                for k in 0..<n where memcmp(bytes.baseAddress! + offsets[i + k], expected.baseAddress! + 40 * k, 40) != 0 {
                    return false
                }
                i += n
            }
            return true
        }
    }
}
