import CKeccakX4
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
                for k in 0..<n {
                    for j in 0..<40 where lower[40 * k + j] >= UInt8(ascii: "a") {
                        let nibble = j % 2 == 0 ? digests[32 * k + j / 2] >> 4 : digests[32 * k + j / 2] & 0xF
                        if nibble >= 8 { lower[40 * k + j] -= 0x20 }
                    }
                }
                i += n
            }
        }
    }

    /// Writes the 40 EIP-55 hex digits of each address (no `0x`) to `out` (40 bytes each).
    static func checksummed(_ addresses: UnsafeBufferPointer<Address>, into out: UnsafeMutablePointer<UInt8>) {
        let digits = Array("0123456789abcdef".utf8)
        for (k, address) in addresses.enumerated() {
            address.withUnsafeBytes { raw in
                for j in 0..<20 {
                    out[40 * k + 2 * j] = digits[Int(raw[j] >> 4)]
                    out[40 * k + 2 * j + 1] = digits[Int(raw[j] & 0xF)]
                }
            }
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
                    for j in 0..<40 { expected[40 * k + j] = digits[j] | (digits[j] >= UInt8(ascii: "A") ? 0x20 : 0) }
                }
                applyChecksums(expected.baseAddress!, count: n)
                for k in 0..<n where !UnsafeBufferPointer(start: bytes.baseAddress! + offsets[i + k], count: 40)
                    .elementsEqual(UnsafeBufferPointer(start: expected.baseAddress! + 40 * k, count: 40)) {
                    return false
                }
                i += n
            }
            return true
        }
    }
}
