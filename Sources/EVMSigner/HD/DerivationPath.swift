/// Why a BIP-32 derivation or path was refused.
public enum HDKeyError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// A path starts with `m` and has `/`-separated indices, each a decimal below 2^31, hardened with `'`, `h` or `H`.
    case invalidPath(String, reason: String)
    /// A path deeper than 255 levels (BIP-32 stores the depth in one byte).
    case pathTooDeep(Int)
    /// The seed must be 16–64 bytes.
    case wrongSeedLength(Int)
    /// The derivation gave an invalid key at this index (probability below 2^-127; BIP-32: use the next index).
    case invalidChild(index: UInt32)

    /// A one-line message.
    public var description: String {
        switch self {
        case .invalidPath(let path, let reason): return "derivation path \"\(path.prefix(80))\": \(reason)"
        case .pathTooDeep(let n): return "derivation path has \(n) levels, at most 255"
        case .wrongSeedLength(let n): return "BIP-32 seed must be 16 to 64 bytes, got \(n)"
        case .invalidChild(let index): return "BIP-32 derivation gave an invalid key at index \(index): use the next index"
        }
    }
}

/// A BIP-32 derivation path such as `m/44'/60'/0'/0/0` (Ethereum's BIP-44 account 0, first address).
public struct DerivationPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Indices from the master key down; hardened ones have bit 31 set.
    public let indices: [UInt32]

    /// Bit 31: a hardened index.
    public static let hardened: UInt32 = 0x8000_0000

    /// Parses `m/…`: decimal indices below 2^31, hardened with a trailing `'`, `h` or `H`; `m` alone is the master key.
    public init(_ text: String) throws(HDKeyError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.first == "m" else { throw .invalidPath(text, reason: "must start with \"m\"") }
        var indices: [UInt32] = []
        for (i, part) in parts.dropFirst().enumerated() {
            var digits = Substring(part)
            var hardened = false
            if let last = digits.last, last == "'" || last == "h" || last == "H" { hardened = true; digits = digits.dropLast() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 10,
                  let value = UInt64(digits), value < UInt64(Self.hardened) else {
                throw .invalidPath(text, reason: "level \(i + 1) \"\(part.prefix(20))\" is not an index below 2^31 (optionally followed by ')")
            }
            indices.append(UInt32(value) | (hardened ? Self.hardened : 0))
        }
        guard indices.count <= 255 else { throw .pathTooDeep(indices.count) }
        self.indices = indices
    }

    /// Indices as given (bit 31 = hardened).
    public init(indices: [UInt32]) throws(HDKeyError) {
        guard indices.count <= 255 else { throw .pathTooDeep(indices.count) }
        self.indices = indices
    }

    /// A literal path; a malformed literal is a programming error.
    public init(stringLiteral value: String) {
        do { try self.init(value) } catch { preconditionFailure("\(error)") }
    }

    /// Ethereum's default account path `m/44'/60'/0'/0/index` (BIP-44, coin type 60), as MetaMask, geth and
    /// eth_account derive it.
    public static func ethereum(index: UInt32) throws(HDKeyError) -> DerivationPath {
        guard index < hardened else { throw .invalidPath("m/44'/60'/0'/0/\(index)", reason: "the address index must be below 2^31") }
        return try DerivationPath(indices: [44 | hardened, 60 | hardened, hardened, 0, index])
    }

    /// `m/44'/60'/0'/0/0` form, hardened indices with `'`.
    public var description: String {
        (["m"] + indices.map { $0 & Self.hardened != 0 ? "\($0 & ~Self.hardened)'" : "\($0)" }).joined(separator: "/")
    }
}
