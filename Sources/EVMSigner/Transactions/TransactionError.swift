import EVM

/// Why a transaction was rejected, when decoding raw bytes or validating before signing.
public enum TransactionError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The raw transaction is empty.
    case empty
    /// The first byte is neither an RLP list (legacy) nor a known type (0x01–0x04).
    case unsupportedType(UInt8)
    /// The bytes are not one canonical RLP list (truncated, trailing bytes, non-canonical sizes…).
    case rlp(RLPError)
    /// A field is not canonical RLP for its type (a leading zero, a list where bytes belong…).
    case invalidField(field: String, RLPError)
    /// A numeric field does not fit its type (`nonce` and `gasLimit` are 64-bit, `chainId` 64-bit, the rest 256-bit).
    case valueTooLarge(field: String)
    /// The transaction list has the wrong number of fields for its type.
    case wrongFieldCount(type: UInt8, expected: Int, got: Int)
    /// A fixed-size field (`to`, an access-list address or storage key, a blob hash) has the wrong length.
    case invalidLength(field: String, expected: Int, got: Int)
    /// The signature's r, s or parity is invalid (zero, not below n, high s, parity not 0/1).
    case invalidSignature(SignatureError)
    /// A legacy `v` is neither 27/28 nor chainId·2 + 35/36.
    case invalidV(UInt256)
    /// A typed transaction's y parity is not 0 or 1.
    case invalidYParity(UInt64)
    /// The transaction's chain id is not the one expected (nil: a legacy transaction without replay protection).
    case chainIdMismatch(expected: UInt64, got: UInt64?)
    /// `maxFeePerGas` is below `maxPriorityFeePerGas`.
    case feeCapBelowPriorityFee(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256)
    /// The gas limit does not cover the intrinsic gas (21000 + data + creation + access list + authorizations).
    case gasLimitBelowIntrinsicCost(gasLimit: UInt64, intrinsicGas: UInt64)
    /// gasLimit × gas price (or fee cap) does not fit in 256 bits.
    case gasLimitPriceProductOverflow
    /// Contract-creation init code is longer than 49152 bytes (EIP-3860).
    case initCodeTooLarge(Int)
    /// An EIP-7702 transaction has no authorizations.
    case emptyAuthorizationList
    /// The sender cannot be recovered from the signature.
    case senderRecoveryFailed
    /// This transaction type can be decoded but not signed here.
    case signingNotSupported(type: UInt8)

    /// A one-line message.
    public var description: String {
        switch self {
        case .empty: return "transaction: empty input"
        case .unsupportedType(let t): return "transaction: unsupported type byte 0x\(String(t, radix: 16))"
        case .rlp(let e): return "transaction: \(e)"
        case .invalidField(let field, let e): return "transaction field \(field): \(e)"
        case .valueTooLarge(let field): return "transaction field \(field): value too large for its field"
        case .wrongFieldCount(let type, let expected, let got):
            return "transaction type \(type): expected \(expected) fields, got \(got)"
        case .invalidLength(let field, let expected, let got):
            return "transaction field \(field): expected \(expected) bytes, got \(got)"
        case .invalidSignature(let e): return "transaction: \(e)"
        case .invalidV(let v): return "transaction: v = \(v) is neither 27/28 nor chainId*2+35/36"
        case .invalidYParity(let p): return "transaction: y parity \(p) is not 0 or 1"
        case .chainIdMismatch(let expected, let got):
            return "transaction: chain id \(got.map(String.init) ?? "none (pre-EIP-155)") does not match expected \(expected)"
        case .feeCapBelowPriorityFee(let fee, let tip):
            return "transaction: maxFeePerGas \(fee) is below maxPriorityFeePerGas \(tip)"
        case .gasLimitBelowIntrinsicCost(let limit, let intrinsic):
            return "transaction: gas limit \(limit) is below the intrinsic cost \(intrinsic)"
        case .gasLimitPriceProductOverflow: return "transaction: gas limit × fee per gas overflows 256 bits"
        case .initCodeTooLarge(let n): return "transaction: init code of \(n) bytes exceeds 49152 (EIP-3860)"
        case .emptyAuthorizationList: return "transaction: EIP-7702 authorization list is empty"
        case .senderRecoveryFailed: return "transaction: sender cannot be recovered from the signature"
        case .signingNotSupported(let t): return "transaction: signing type \(t) is not supported"
        }
    }
}
