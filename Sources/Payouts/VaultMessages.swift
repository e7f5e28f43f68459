import EVM

/// The vault's EIP-712 messages (docs/PROTOCOL.md §6.2–6.5), built on the EVM module's `EIP712Struct`: the one
/// place where the Swift side computes what signers sign.
public enum VaultMessages {
    /// The vault's domain name.
    public static let domainName = "SixNines PredictionVault"
    /// The vault's domain version.
    public static let domainVersion = "1"
    /// The largest batch the vault accepts (`MAX_PAYOUTS` of Contracts/PredictionVault.vy).
    public static let maxPayouts = 700

    /// The §6.2 domain of the vault at `vault` on chain `chainId`.
    public static func domain(chainId: UInt64, vault: Address) -> EIP712Domain {
        EIP712Domain(name: domainName, version: domainVersion, chainId: UInt256(chainId), verifyingContract: vault)
    }

    /// The digest signers sign for `PayoutBatch(payouts, nonce, deadline)`.
    public static func payoutBatchDigest(_ payouts: [Payout], nonce: UInt256, deadline: UInt64, chainId: UInt64,
                                         vault: Address) -> Bytes32 {
        let message = PayoutBatchMessage(payouts: payouts, nonce: nonce, deadline: UInt256(deadline))
        return try! message.eip712Digest(domain: domain(chainId: chainId, vault: vault))  // invariant: every member is an atomic value of its declared type
    }

    /// The digest signers sign for `Proposal(action, data, nonce, deadline)`.
    public static func proposalDigest(action: UInt8, data: [UInt8], nonce: UInt256, deadline: UInt64, chainId: UInt64,
                                      vault: Address) -> Bytes32 {
        let message = ProposalMessage(action: action, data: data, nonce: nonce, deadline: UInt256(deadline))
        return try! message.eip712Digest(domain: domain(chainId: chainId, vault: vault))  // invariant: every member is an atomic value of its declared type
    }

    /// `keccak256(abi.encode(uint8 action, keccak256(data), uint256 nonce))` (§6.5).
    public static func proposalId(action: UInt8, data: [UInt8], nonce: UInt256) -> Bytes32 {
        let encoded = try! ABI.encode([.uint(UInt256(action)), .fixedBytes(Keccak256.hash(data: data).bytes), .uint(nonce)], as: [.uint(8), .fixedBytes(32), .uint(256)])  // invariant: three static words always encode
        return Keccak256.hash(data: encoded)
    }
}

/// One payout: `token` (zero address: the native token) to `recipient`, `amount` in the token's smallest unit,
/// entitled by the settlement receipt whose leaf is `receipt`.
public struct Payout: Hashable, Sendable {
    /// The token (zero: native).
    public var token: Address
    /// Who is paid.
    public var recipient: Address
    /// In the token's smallest unit.
    public var amount: UInt256
    /// The leaf hash of the settlement receipt (§3).
    public var receipt: Bytes32

    /// A payout from its fields.
    public init(token: Address, recipient: Address, amount: UInt256, receipt: Bytes32) {
        self.token = token
        self.recipient = recipient
        self.amount = amount
        self.receipt = receipt
    }
}

/// `Payout(address token,address recipient,uint256 amount,bytes32 receipt)`.
struct PayoutMessage: EIP712Struct {
    static let eip712TypeName = "Payout"
    static let eip712Members = [EIP712Field("token", "address"), EIP712Field("recipient", "address"),
                                EIP712Field("amount", "uint256"), EIP712Field("receipt", "bytes32")]
    static let eip712TypeHash = eip712ComputedTypeHash
    var payout: Payout
    var eip712Values: [EIP712Value] {
        [.value(.address(payout.token)), .value(.address(payout.recipient)), .value(.uint(payout.amount)),
         .value(.fixedBytes(payout.receipt.bytes))]
    }
}

/// `PayoutBatch(Payout[] payouts,uint256 nonce,uint256 deadline)`.
struct PayoutBatchMessage: EIP712Struct {
    static let eip712TypeName = "PayoutBatch"
    static let eip712Members = [EIP712Field("payouts", "Payout[]"), EIP712Field("nonce", "uint256"),
                                EIP712Field("deadline", "uint256")]
    static let eip712Dependencies: [any EIP712Struct.Type] = [PayoutMessage.self]
    static let eip712TypeHash = eip712ComputedTypeHash
    var payouts: [Payout]
    var nonce: UInt256
    var deadline: UInt256
    var eip712Values: [EIP712Value] {
        [.array(payouts.map { .struct(PayoutMessage(payout: $0)) }), .value(.uint(nonce)), .value(.uint(deadline))]
    }
}

/// `Proposal(uint8 action,bytes data,uint256 nonce,uint256 deadline)`.
struct ProposalMessage: EIP712Struct {
    static let eip712TypeName = "Proposal"
    static let eip712Members = [EIP712Field("action", "uint8"), EIP712Field("data", "bytes"),
                                EIP712Field("nonce", "uint256"), EIP712Field("deadline", "uint256")]
    static let eip712TypeHash = eip712ComputedTypeHash
    var action: UInt8
    var data: [UInt8]
    var nonce: UInt256
    var deadline: UInt256
    var eip712Values: [EIP712Value] {
        [.value(.uint(UInt256(action))), .value(.bytes(data)), .value(.uint(nonce)), .value(.uint(deadline))]
    }
}
