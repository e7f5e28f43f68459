import EVM
import Foundation

/// Why a phrase or entropy was rejected as a BIP-39 mnemonic.
public enum MnemonicError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// A phrase has 12, 15, 18, 21 or 24 words.
    case wrongWordCount(Int)
    /// The word at `position` (1-based) is not in the English list.
    case unknownWord(position: Int, word: String)
    /// The words are all in the list but their checksum bits do not match (a word mistyped as another word, or
    /// words out of order).
    case badChecksum
    /// Entropy is 16, 20, 24, 28 or 32 bytes (128–256 bits in steps of 32).
    case wrongEntropyLength(Int)

    /// A one-line message.
    public var description: String {
        switch self {
        case .wrongWordCount(let n): return "a mnemonic has 12, 15, 18, 21 or 24 words, got \(n)"
        case .unknownWord(let position, let word):
            let shown = word.count > 20 ? String(word.prefix(20)) + "…" : word
            return "word \(position) \"\(shown)\" is not in the BIP-39 English wordlist"
        case .badChecksum: return "the mnemonic's checksum does not match its words (a word is wrong or out of place)"
        case .wrongEntropyLength(let n): return "mnemonic entropy must be 16, 20, 24, 28 or 32 bytes, got \(n)"
        }
    }
}

/// A BIP-39 mnemonic (English wordlist): entropy of 128–256 bits plus a SHA-256 checksum, written as 12–24 words,
/// and the 64-byte seed derived from it with PBKDF2-HMAC-SHA512 (2,048 rounds, salt `"mnemonic" + passphrase`,
/// both NFKD-normalised).
///
/// ```swift
/// let mnemonic = try Mnemonic(phrase: "test test test test test test test test test test test junk")
/// let key = try HDKey(seed: mnemonic.seed()).derive(try DerivationPath("m/44'/60'/0'/0/0")).privateKey
/// ```
/// Its `description` never shows the words; read `phrase` explicitly when you mean to.
public struct Mnemonic: Sendable, Hashable, CustomStringConvertible {
    /// The words, lowercase, in order. This is the secret.
    public let words: [String]
    /// The entropy the words encode.
    public let entropy: [UInt8]

    /// The words for `entropy` (16, 20, 24, 28 or 32 bytes).
    public init(entropy: [UInt8]) throws(MnemonicError) {
        guard [16, 20, 24, 28, 32].contains(entropy.count) else { throw .wrongEntropyLength(entropy.count) }
        let checksumBits = entropy.count / 4
        let bits = entropy + [HDCrypto.sha256(entropy)[0]]
        let count = (entropy.count * 8 + checksumBits) / 11
        var words: [String] = []
        words.reserveCapacity(count)
        for w in 0..<count {
            var index = 0
            for b in (w * 11)..<(w * 11 + 11) { index = index << 1 | Int(bits[b / 8] >> (7 - UInt8(b % 8)) & 1) }
            words.append(Self.englishWords[index])
        }
        self.words = words
        self.entropy = entropy
    }

    /// Parses a phrase: words separated by any whitespace, case-insensitive, NFKD-normalised; checks every word
    /// against the English list and the checksum.
    public init(phrase: String) throws(MnemonicError) {
        let words = phrase.decomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard [12, 15, 18, 21, 24].contains(words.count) else { throw .wrongWordCount(words.count) }
        var bits: [UInt8] = []
        bits.reserveCapacity(words.count * 11)
        for (i, word) in words.enumerated() {
            guard let index = Self.englishIndex[word] else { throw .unknownWord(position: i + 1, word: word) }
            for shift in stride(from: 10, through: 0, by: -1) { bits.append(UInt8(index >> shift & 1)) }
        }
        let entropyBits = words.count * 11 * 32 / 33
        var entropy = [UInt8](repeating: 0, count: entropyBits / 8)
        for b in 0..<entropyBits where bits[b] == 1 { entropy[b / 8] |= 0x80 >> UInt8(b % 8) }
        let checksum = HDCrypto.sha256(entropy)[0]
        for b in 0..<(entropyBits / 32) where bits[entropyBits + b] != checksum >> (7 - UInt8(b)) & 1 { throw .badChecksum }
        self.words = words
        self.entropy = entropy
    }

    /// A new mnemonic of `wordCount` words (12, 15, 18, 21 or 24) from the operating system's CSPRNG.
    public static func random(wordCount: Int = 24) throws(MnemonicError) -> Mnemonic {
        guard [12, 15, 18, 21, 24].contains(wordCount) else { throw .wrongWordCount(wordCount) }
        var generator = SystemRandomNumberGenerator()
        let entropy = (0..<(wordCount * 4 / 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try Mnemonic(entropy: entropy)
    }

    /// The words joined by single spaces. This is the secret.
    public var phrase: String { words.joined(separator: " ") }

    /// The 64-byte BIP-39 seed (PBKDF2-HMAC-SHA512, 2,048 rounds) for `passphrase` (empty by default).
    public func seed(passphrase: String = "") -> [UInt8] {
        let password = Array(phrase.decomposedStringWithCompatibilityMapping.utf8)
        let salt = Array(("mnemonic" + passphrase).decomposedStringWithCompatibilityMapping.utf8)
        return HDCrypto.pbkdf2SHA512(password: password, salt: salt, iterations: 2048, length: 64)
    }

    /// Says how many words, never which.
    public var description: String { "Mnemonic(\(words.count) words)" }
}
