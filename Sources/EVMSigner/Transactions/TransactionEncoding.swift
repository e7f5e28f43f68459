import EVM

/// What follows a transaction's fields in its RLP list.
@usableFromInline
enum TransactionTail {
    /// Nothing: typed and pre-EIP-155 signing payloads.
    case none
    /// `chainId, 0, 0`: the EIP-155 signing payload.
    case eip155(UInt64)
    /// `v, r, s` (legacy; v = 27/28 or chainId·2+35/36) or `yParity, r, s` (typed).
    case signature(v: UInt256, r: UInt256, s: UInt256)
}

/// A transaction with its tail, written as `type ‖ rlp([fields…, tail…])` (no type byte for legacy) in one buffer.
@usableFromInline
struct TransactionEnvelope: RLPEncodable {
    let transaction: Transaction
    let tail: TransactionTail

    @usableFromInline
    func encode(to writer: inout RLPWriter) {
        let type = transaction.type.rawValue
        if type != 0 { withUnsafeBytes(of: type) { writer.writeRaw($0) } }
        writer.encodeList { w in
            transaction.encodeFields(to: &w)
            switch tail {
            case .none: break
            case .eip155(let chainId):
                w.encodeInteger(chainId)
                w.encodeInteger(0 as UInt8)
                w.encodeInteger(0 as UInt8)
            case .signature(let v, let r, let s):
                w.encodeInteger(v)
                w.encodeInteger(r)
                w.encodeInteger(s)
            }
        }
    }
}

extension RLPWriter {
    @inline(__always)
    mutating func encodeAddress(_ address: Address?) {
        if let address {
            address.withUnsafeBytes { encodeBytes($0) }
        } else {
            encodeBytes(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}

extension Transaction {
    /// Writes the unsigned fields, in wire order, into the current list.
    func encodeFields(to w: inout RLPWriter) {
        switch self {
        case .legacy(let t):
            w.encodeInteger(t.nonce)
            w.encodeInteger(t.gasPrice)
            w.encodeInteger(t.gasLimit)
            w.encodeAddress(t.to)
            w.encodeInteger(t.value)
            w.encodeBytes(t.data)
        case .accessList(let t):
            w.encodeInteger(t.chainId)
            w.encodeInteger(t.nonce)
            w.encodeInteger(t.gasPrice)
            w.encodeInteger(t.gasLimit)
            w.encodeAddress(t.to)
            w.encodeInteger(t.value)
            w.encodeBytes(t.data)
            w.encodeList(t.accessList)
        case .dynamicFee(let t):
            w.encodeInteger(t.chainId)
            w.encodeInteger(t.nonce)
            w.encodeInteger(t.maxPriorityFeePerGas)
            w.encodeInteger(t.maxFeePerGas)
            w.encodeInteger(t.gasLimit)
            w.encodeAddress(t.to)
            w.encodeInteger(t.value)
            w.encodeBytes(t.data)
            w.encodeList(t.accessList)
        case .blob(let t):
            w.encodeInteger(t.chainId)
            w.encodeInteger(t.nonce)
            w.encodeInteger(t.maxPriorityFeePerGas)
            w.encodeInteger(t.maxFeePerGas)
            w.encodeInteger(t.gasLimit)
            w.encodeAddress(t.to)
            w.encodeInteger(t.value)
            w.encodeBytes(t.data)
            w.encodeList(t.accessList)
            w.encodeInteger(t.maxFeePerBlobGas)
            w.encodeList { h in
                for hash in t.blobVersionedHashes { hash.withUnsafeBytes { h.encodeBytes($0) } }
            }
        case .setCode(let t):
            w.encodeInteger(t.chainId)
            w.encodeInteger(t.nonce)
            w.encodeInteger(t.maxPriorityFeePerGas)
            w.encodeInteger(t.maxFeePerGas)
            w.encodeInteger(t.gasLimit)
            w.encodeAddress(t.to)
            w.encodeInteger(t.value)
            w.encodeBytes(t.data)
            w.encodeList(t.accessList)
            w.encodeList(t.authorizationList)
        }
    }

    /// The bytes whose Keccak-256 is signed: `type ‖ rlp([fields])`, `rlp([fields, chainId, 0, 0])` (EIP-155)
    /// or `rlp([fields])` (pre-EIP-155).
    public var signingPayload: [UInt8] {
        if case .legacy(let t) = self, let chainId = t.chainId {
            return RLP.encode(TransactionEnvelope(transaction: self, tail: .eip155(chainId)))
        }
        return RLP.encode(TransactionEnvelope(transaction: self, tail: .none))
    }

    /// Keccak-256 of `signingPayload`: the digest the sender signs.
    public var signingHash: Bytes32 { Keccak256.hash(data: signingPayload) }

    /// The signature field written on the wire: legacy `v` (27/28 or chainId·2+35/36), else the y parity.
    func wireV(_ yParity: UInt8) -> UInt256 {
        if case .legacy(let t) = self {
            guard let chainId = t.chainId else { return UInt256(UInt64(27 + yParity)) }
            // chainId·2 + 35 + parity, in 256 bits so no chain id overflows.
            return UInt256(chainId) + UInt256(chainId) + UInt256(35 + UInt64(yParity))
        }
        return UInt256(UInt64(yParity))
    }

    /// Attaches `signature` (made over `signingHash`) without checking it: the raw bytes, hash and sender follow from it.
    public func attaching(_ signature: Signature) -> SignedTransaction {
        let raw = RLP.encode(TransactionEnvelope(
            transaction: self, tail: .signature(v: wireV(signature.yParity), r: signature.r, s: signature.s)))
        return SignedTransaction(transaction: self, signature: signature, rawRepresentation: raw)
    }

    /// Validates (fee cap, intrinsic gas, sizes) and signs with `key`.
    ///
    /// - Throws: `TransactionError` from `validate()`; `signingNotSupported` for blob and set-code transactions.
    public func signed(by key: PrivateKey) throws(TransactionError) -> SignedTransaction {
        switch type {
        case .blob, .setCode: throw .signingNotSupported(type: type.rawValue)
        default: break
        }
        try validate()
        return attaching(key.signature(for: signingHash))
    }
}

extension LegacyTransaction {
    /// Validates and signs; see `Transaction.signed(by:)`.
    public func signed(by key: PrivateKey) throws(TransactionError) -> SignedTransaction { try Transaction.legacy(self).signed(by: key) }
    /// The digest signed.
    public var signingHash: Bytes32 { Transaction.legacy(self).signingHash }
}

extension AccessListTransaction {
    /// Validates and signs; see `Transaction.signed(by:)`.
    public func signed(by key: PrivateKey) throws(TransactionError) -> SignedTransaction { try Transaction.accessList(self).signed(by: key) }
    /// The digest signed.
    public var signingHash: Bytes32 { Transaction.accessList(self).signingHash }
}

extension DynamicFeeTransaction {
    /// Validates and signs; see `Transaction.signed(by:)`.
    public func signed(by key: PrivateKey) throws(TransactionError) -> SignedTransaction { try Transaction.dynamicFee(self).signed(by: key) }
    /// The digest signed.
    public var signingHash: Bytes32 { Transaction.dynamicFee(self).signingHash }
}

/// A signed transaction: the fields, the signature, the raw wire bytes and the transaction hash.
public struct SignedTransaction: Sendable, Hashable {
    /// The unsigned fields.
    public let transaction: Transaction
    /// The signature (low s, y parity).
    public let signature: Signature
    /// The raw bytes, as sent with `eth_sendRawTransaction`: `type ‖ rlp(…)` or the legacy RLP list.
    public let rawRepresentation: [UInt8]

    init(transaction: Transaction, signature: Signature, rawRepresentation: [UInt8]) {
        self.transaction = transaction
        self.signature = signature
        self.rawRepresentation = rawRepresentation
    }

    /// The transaction hash: Keccak-256 of the raw bytes.
    public var hash: Bytes32 { Keccak256.hash(data: rawRepresentation) }

    /// The raw bytes as `0x`-hex.
    public var rawHex: String { Hex.encode(rawRepresentation) }

    /// The address that signed the transaction.
    public func recoverSender() throws(TransactionError) -> Address {
        do {
            return try signature.recoverAddress(for: transaction.signingHash)
        } catch {
            throw .senderRecoveryFailed
        }
    }

    /// The legacy `v` or typed y parity as written on the wire.
    public var v: UInt256 { transaction.wireV(signature.yParity) }
}
