import EVM
import EVMSigner

/// What the vault's signers sign: a payout batch or a governance proposal, both bound to one chain, one vault,
/// one vault nonce and a deadline.
public protocol VaultMessage: Sendable {
    /// `payout-batch` or `proposal`.
    var kind: String { get }
    /// The chain id of the domain.
    var chainId: UInt64 { get }
    /// The vault (the domain's verifying contract).
    var vault: Address { get }
    /// The vault nonce it must be used at.
    var nonce: UInt64 { get }
    /// The last unix second at which the vault accepts it.
    var deadline: UInt64 { get }
    /// The EIP-712 digest, recomputed from the content.
    var digest: Bytes32 { get }
}

extension PayoutBatch: VaultMessage {
    /// `payout-batch`.
    public var kind: String { "payout-batch" }
}

/// A signature file (`sixnines-vault-signature-v1`): one signer's signature of one batch or proposal digest,
/// 65 bytes `r ‖ s ‖ v` with `v` 27/28 and low `s` (PROTOCOL §6.4), the raw digest signed (no EIP-191 prefix).
public struct VaultSignature: Equatable, Sendable {
    /// The file format tag.
    public static let format = "sixnines-vault-signature-v1"

    /// `payout-batch` or `proposal`.
    public var kind: String
    /// The chain of the signed message.
    public var chainId: UInt64
    /// The vault of the signed message.
    public var vault: Address
    /// The nonce of the signed message.
    public var nonce: UInt64
    /// The digest signed.
    public var digest: Bytes32
    /// Who says they signed (checked against the recovered address).
    public var signer: Address
    /// The 65 signature bytes.
    public var signature: [UInt8]

    /// Signs `message` with `key`.
    public init(signing message: some VaultMessage, with key: PrivateKey) {
        kind = message.kind
        chainId = message.chainId
        vault = message.vault
        nonce = message.nonce
        digest = message.digest
        signer = key.address
        signature = key.signature(for: digest).rawRepresentation
    }

    /// The recovered signer of `signature` over `digest`: refuses anything but 65 bytes with `v` 27/28 and low `s`.
    public static func recover(_ signature: [UInt8], digest: Bytes32) throws(PayoutError) -> Address {
        guard signature.count == 65 else { throw .signatureMismatch(file: "signature", reason: "\(signature.count) bytes, expected 65 (r ‖ s ‖ v)") }
        guard signature[64] == 27 || signature[64] == 28 else { throw .signatureMismatch(file: "signature", reason: "v is \(signature[64]), expected 27 or 28") }
        do {
            return try Signature(rawRepresentation: signature).recoverAddress(for: digest)
        } catch {
            throw .signatureMismatch(file: "signature", reason: "\(error)")
        }
    }

    /// Checks that this file signs `message` (kind, chain, vault, nonce, digest) and that the signature recovers to
    /// `signer`. `name` names the file in errors.
    public func check(against message: some VaultMessage, name: String) throws(PayoutError) {
        guard kind == message.kind else { throw .signatureMismatch(file: name, reason: "signs a \(kind), not a \(message.kind)") }
        guard chainId == message.chainId else { throw .signatureMismatch(file: name, reason: "signs for chain \(chainId), the \(message.kind) is for chain \(message.chainId)") }
        guard vault == message.vault else { throw .signatureMismatch(file: name, reason: "signs for vault \(vault.checksummed), the \(message.kind) is for \(message.vault.checksummed)") }
        guard nonce == message.nonce else { throw .signatureMismatch(file: name, reason: "signs nonce \(nonce), the \(message.kind) has nonce \(message.nonce)") }
        guard digest == message.digest else { throw .signatureMismatch(file: name, reason: "signs digest \(digest), the \(message.kind) hashes to \(message.digest) (signed another version of it)") }
        let recovered: Address
        do { recovered = try Self.recover(signature, digest: digest) } catch {
            throw .signatureMismatch(file: name, reason: "\(error)")
        }
        guard recovered == signer else { throw .signatureMismatch(file: name, reason: "the signature recovers to \(recovered.checksummed), not the file's signer \(signer.checksummed)") }
    }

    /// The file's text.
    public var fileText: String {
        JSONValue.object([
            ("format", .string(Self.format)), ("kind", .string(kind)), ("chainId", .int(chainId)), ("vault", .string(vault.checksummed)),
            ("nonce", .int(nonce)), ("digest", .string(digest.description)), ("signer", .string(signer.checksummed)),
            ("signature", .string(Hex.encode(signature))),
        ]).jsonText + "\n"
    }

    /// Parses a signature file (fields only; `check(against:name:)` checks what it signs).
    public init(fileText text: String) throws(PayoutError) {
        let f = try JSONFields(parseJSON(text), path: "$", allowed: ["format", "kind", "chainId", "vault", "nonce", "digest", "signer", "signature"])
        let format = try f.string("format")
        guard format == Self.format else { throw .wrongFormat(expected: Self.format, got: format) }
        kind = try f.string("kind")
        chainId = try f.integer("chainId")
        vault = try f.address("vault")
        nonce = try f.integer("nonce")
        digest = try f.word("digest")
        signer = try f.address("signer")
        let hex = try f.string("signature")
        do { signature = try Hex.decode(hex) } catch { throw .malformed(path: "$.signature", reason: "\(error)") }
        guard signature.count == 65 else { throw .malformed(path: "$.signature", reason: "\(signature.count) bytes, expected 65 (r ‖ s ‖ v; 64-byte EIP-2098 signatures are refused)") }
    }
}

/// The verdict on a set of signature files for one message against the vault's current signers.
public struct SignatureReport: Sendable {
    /// One file's verdict.
    public struct Item: Sendable {
        /// The file's name.
        public var name: String
        /// The signer the file names (nil when the file could not be read).
        public var signer: Address?
        /// nil when valid, else why not.
        public var problem: String?
        /// The signature bytes (valid ones only).
        public var signature: [UInt8]?
    }

    /// Every file, in the order given.
    public var items: [Item]
    /// The number of signatures the vault requires.
    public var threshold: Int

    /// The valid signatures, one per signer, in ascending signer order (as the vault requires).
    public var sortedValid: [(signer: Address, signature: [UInt8])] {
        var out: [(signer: Address, signature: [UInt8])] = []
        for item in items where item.problem == nil {
            if let signer = item.signer, let signature = item.signature { out.append((signer, signature)) }
        }
        return out.sorted { $0.signer < $1.signer }
    }

    /// Whether there are enough valid signatures.
    public var isEnough: Bool { sortedValid.count >= threshold }

    /// Checks `files` (name, parsed file or the error reading it) for `message` against `signers` and `threshold`.
    /// A file is valid when it signs this message, recovers to its signer, the signer is current, and no earlier
    /// file was valid for the same signer.
    public init(message: some VaultMessage, files: [(name: String, file: Result<VaultSignature, PayoutError>)],
                signers: Set<Address>, threshold: Int) {
        var seen = Set<Address>()
        items = files.map { (name, result) -> Item in
            switch result {
            case .failure(let error): return Item(name: name, signer: nil, problem: "\(error)", signature: nil)
            case .success(let file):
                do { try file.check(against: message, name: name) } catch {
                    return Item(name: name, signer: file.signer, problem: "\(error)", signature: nil)
                }
                guard signers.contains(file.signer) else {
                    return Item(name: name, signer: file.signer, problem: "\(name): \(file.signer.checksummed) is not a signer of the vault", signature: nil)
                }
                guard seen.insert(file.signer).inserted else {
                    return Item(name: name, signer: file.signer, problem: "\(name): a second signature of \(file.signer.checksummed) (counted once)", signature: nil)
                }
                return Item(name: name, signer: file.signer, problem: nil, signature: file.signature)
            }
        }
        self.threshold = threshold
    }
}
