import Foundation

/// The compact form in which the SQLite batch queue stores a receipt: its ABI encoding (13 words of 32 bytes) with each
/// word's run of zero bytes dropped. A receipt's words are mostly small numbers (leading zeros) or a left-aligned
/// symbol (trailing zeros), so a 416-byte encoding packs into about 130 bytes and a commit writes that much less.
///
/// Layout: `0x01`, then per word one descriptor byte — the number of bytes kept (0…32) in bits 0–5, bit 7 set when
/// the kept bytes are the word's first ones (zeros after them) rather than its last ones — followed by those bytes.
/// An ABI encoding of a receipt starts with `0x00` (the version word's first byte), so a stored value is read as
/// packed or as plain ABI by its first byte: rows written before packing stay readable.
enum PackedWords {
    /// The first byte of a packed value.
    static let format: UInt8 = 0x01
    /// The largest packed size of `words` words.
    static func capacity(words: Int) -> Int { 1 + 33 * words }

    /// Packs the words of `abi` (a multiple of 32 bytes) into `out` (at least `capacity(words:)` bytes); returns the size.
    static func pack(_ abi: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        precondition(abi.count % 32 == 0 && out.count >= capacity(words: abi.count / 32), "PackedWords.pack: buffer sizes")
        out[0] = format
        var n = 1
        for w in stride(from: 0, to: abi.count, by: 32) {
            var leading = 0
            while leading < 32 && abi[w + leading] == 0 { leading += 1 }
            var trailing = 0
            while trailing < 32 - leading && abi[w + 31 - trailing] == 0 { trailing += 1 }
            let fromStart = trailing > leading
            let kept = 32 - (fromStart ? trailing : leading)
            out[n] = UInt8(kept) | (fromStart ? 0x80 : 0)
            n += 1
            let start = fromStart ? w : w + leading
            for i in 0..<kept { out[n + i] = abi[start + i] }
            n += kept
        }
        return n
    }

    /// The ABI encoding of `words` words from a packed value; nil if `packed` is not exactly such a value.
    static func unpack(_ packed: some Collection<UInt8>, words: Int) -> [UInt8]? {
        let p = Array(packed)
        guard p.first == format else { return nil }
        var abi = [UInt8](repeating: 0, count: 32 * words)
        var n = 1
        for w in 0..<words {
            guard n < p.count else { return nil }
            let descriptor = p[n]
            n += 1
            let kept = Int(descriptor & 0x3F)
            guard kept <= 32, descriptor & 0x40 == 0, n + kept <= p.count else { return nil }
            let start = descriptor & 0x80 != 0 ? 32 * w : 32 * w + 32 - kept
            for i in 0..<kept { abi[start + i] = p[n + i] }
            n += kept
        }
        return n == p.count ? abi : nil
    }
}
