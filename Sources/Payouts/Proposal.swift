import EVM

/// A time-locked governance action of the vault (PROTOCOL §6.5).
public enum VaultAction: Equatable, Sendable {
    /// Replace the signer set and threshold (action 1).
    case setSigners([Address], threshold: UInt64)
    /// Set one token's daily limit (action 2).
    case setDailyLimit(token: Address, limit: UInt256)
    /// Unpause (action 3).
    case unpause
    /// Move the funds to a successor vault (action 4).
    case migrate(successor: Address, tokens: [Address])

    /// The action code.
    public var code: UInt8 {
        switch self {
        case .setSigners: return 1
        case .setDailyLimit: return 2
        case .unpause: return 3
        case .migrate: return 4
        }
    }

    /// The CLI name: `signers`, `limit`, `unpause`, `migrate`.
    public var name: String {
        switch self {
        case .setSigners: return "signers"
        case .setDailyLimit: return "limit"
        case .unpause: return "unpause"
        case .migrate: return "migrate"
        }
    }

    /// The ABI-encoded `data` of the action (§6.5).
    public var data: [UInt8] {
        switch self {
        case .setSigners(let signers, let threshold):
            return try! ABI.encode([.array(signers.map { .address($0) }), .uint(UInt256(threshold))], as: [.array(.address), .uint(256)])  // invariant: addresses and an integer always encode
        case .setDailyLimit(let token, let limit):
            return try! ABI.encode([.address(token), .uint(limit)], as: [.address, .uint(256)])  // invariant: an address and an integer always encode
        case .unpause: return []
        case .migrate(let successor, let tokens):
            return try! ABI.encode([.address(successor), .array(tokens.map { .address($0) })], as: [.address, .array(.address)])  // invariant: addresses always encode
        }
    }

    /// What the action does, in words.
    public var summary: String {
        switch self {
        case .setSigners(let signers, let threshold):
            return "set the signers to \(signers.map(\.checksummed).joined(separator: ", ")) with threshold \(threshold)"
        case .setDailyLimit(let token, let limit):
            return "set the daily limit of \(token == .zero ? "the native token" : token.checksummed) to \(limit)"
        case .unpause: return "unpause payouts"
        case .migrate(let successor, let tokens):
            return "migrate the funds (native\(tokens.isEmpty ? "" : " and " + tokens.map(\.checksummed).joined(separator: ", "))) to \(successor.checksummed)"
        }
    }

    /// Refuses what the vault refuses when the action is proposed (signers ascending, 2 ≤ threshold ≤ signers,
    /// at most 10 signers and 16 tokens, a successor that is not zero and not this vault).
    public func check(vault: Address) throws(PayoutError) {
        switch self {
        case .setSigners(let signers, let threshold):
            guard signers.count <= 10 else { throw .malformed(path: "signers", reason: "\(signers.count) signers, at most 10") }
            guard threshold >= 2, threshold <= UInt64(signers.count) else {
                throw .malformed(path: "threshold", reason: "\(threshold) is not between 2 and the number of signers (\(signers.count))")
            }
            for (a, b) in zip(signers, signers.dropFirst()) where !(a < b) {
                throw .malformed(path: "signers", reason: "not strictly ascending at \(b.checksummed)")
            }
        case .setDailyLimit: break
        case .unpause: break
        case .migrate(let successor, let tokens):
            guard successor != .zero else { throw .malformed(path: "successor", reason: "zero address") }
            guard successor != vault else { throw .malformed(path: "successor", reason: "the vault itself") }
            guard tokens.count <= 16 else { throw .malformed(path: "tokens", reason: "\(tokens.count) tokens, at most 16") }
        }
    }

    /// Decodes `data` of action `code`.
    public init(code: UInt8, data: [UInt8]) throws(PayoutError) {
        do {
            switch code {
            case 1:
                let v = try ABI.decode([.array(.address), .uint(256)], from: data)
                let threshold = try v[1].asUInt256()
                guard threshold <= UInt256(UInt64.max) else { throw PayoutError.malformed(path: "$.data", reason: "threshold too large") }
                self = .setSigners(try v[0].asArray { (e: ABIValue) throws(ABIError) in try e.asAddress() }, threshold: UInt64(threshold.limbs.0))
            case 2:
                let v = try ABI.decode([.address, .uint(256)], from: data)
                self = .setDailyLimit(token: try v[0].asAddress(), limit: try v[1].asUInt256())
            case 3:
                guard data.isEmpty else { throw PayoutError.malformed(path: "$.data", reason: "unpause takes no data") }
                self = .unpause
            case 4:
                let v = try ABI.decode([.address, .array(.address)], from: data)
                self = .migrate(successor: try v[0].asAddress(), tokens: try v[1].asArray { (e: ABIValue) throws(ABIError) in try e.asAddress() })
            default: throw PayoutError.malformed(path: "$.action", reason: "unknown action \(code) (1 signers, 2 limit, 3 unpause, 4 migrate)")
            }
        } catch let error as PayoutError {
            throw error
        } catch {
            throw .malformed(path: "$.data", reason: "\(error)")
        }
    }
}

/// A governance proposal file (`sixnines-vault-proposal-v1`): `Proposal(action, data, nonce, deadline)`, signed
/// with `vault sign` like a payout batch, queued with `vault submit-change` and executed 48 h later.
public struct VaultProposal: Equatable, Sendable, VaultMessage {
    /// The file format tag.
    public static let format = "sixnines-vault-proposal-v1"

    /// `proposal`.
    public var kind: String { "proposal" }
    /// The chain of the vault.
    public var chainId: UInt64
    /// The vault.
    public var vault: Address
    /// The action.
    public var action: VaultAction
    /// The vault nonce it must be proposed at.
    public var nonce: UInt64
    /// The last unix second at which it may be proposed.
    public var deadline: UInt64

    /// A proposal (checked as the vault checks it).
    public init(chainId: UInt64, vault: Address, action: VaultAction, nonce: UInt64, deadline: UInt64) throws(PayoutError) {
        try action.check(vault: vault)
        self.chainId = chainId
        self.vault = vault
        self.action = action
        self.nonce = nonce
        self.deadline = deadline
    }

    /// The EIP-712 digest signers sign.
    public var digest: Bytes32 {
        VaultMessages.proposalDigest(action: action.code, data: action.data, nonce: UInt256(nonce), deadline: deadline,
                                     chainId: chainId, vault: vault)
    }

    /// The proposal id the vault will queue it under.
    public var proposalId: Bytes32 { VaultMessages.proposalId(action: action.code, data: action.data, nonce: UInt256(nonce)) }

    /// The file's text.
    public var fileText: String {
        JSONValue.object([
            ("format", .string(Self.format)), ("chainId", .int(chainId)), ("vault", .string(vault.checksummed)),
            ("action", .int(Int(action.code))), ("actionName", .string(action.name)), ("summary", .string(action.summary)),
            ("data", .string(Hex.encode(action.data))), ("nonce", .int(nonce)), ("deadline", .int(deadline)),
            ("digest", .string(digest.description)), ("proposalId", .string(proposalId.description)),
        ]).jsonText + "\n"
    }

    /// Parses and checks a proposal file: `digest` and `proposalId` must be those of the content.
    public init(fileText text: String) throws(PayoutError) {
        let f = try JSONFields(parseJSON(text), path: "$", allowed: ["format", "chainId", "vault", "action", "actionName", "summary",
                                                                   "data", "nonce", "deadline", "digest", "proposalId"])
        let format = try f.string("format")
        guard format == Self.format else { throw .wrongFormat(expected: Self.format, got: format) }
        let code = try f.integer("action")
        guard code <= 255 else { throw .malformed(path: "$.action", reason: "not a uint8") }
        let data: [UInt8]
        do { data = try Hex.decode(try f.string("data")) } catch { throw .malformed(path: "$.data", reason: "\(error)") }
        try self.init(chainId: try f.integer("chainId"), vault: try f.address("vault"), action: try VaultAction(code: UInt8(code), data: data),
                      nonce: try f.integer("nonce"), deadline: try f.integer("deadline"))
        let stored = try f.word("digest")
        guard stored == digest else { throw .digestMismatch(stored: stored, computed: digest) }
        let id = try f.word("proposalId")
        guard id == proposalId else { throw .malformed(path: "$.proposalId", reason: "\(id) is not the id of the content (\(proposalId))") }
    }
}
