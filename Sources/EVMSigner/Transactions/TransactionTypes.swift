import EVM

/// The EIP-2718 transaction type.
public enum TransactionType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Legacy, RLP list without a type byte (with or without EIP-155 replay protection).
    case legacy = 0
    /// EIP-2930: gas price and access list.
    case accessList = 1
    /// EIP-1559: fee cap and priority fee.
    case dynamicFee = 2
    /// EIP-4844: blob transaction (decoded, not signed here).
    case blob = 3
    /// EIP-7702: set-code transaction (decoded, not signed here).
    case setCode = 4

    /// The EIP name, e.g. "eip1559".
    public var description: String {
        switch self {
        case .legacy: return "legacy"
        case .accessList: return "eip2930"
        case .dynamicFee: return "eip1559"
        case .blob: return "eip4844"
        case .setCode: return "eip7702"
        }
    }
}

/// A legacy transaction: `[nonce, gasPrice, gasLimit, to, value, data]`, signed with EIP-155 when `chainId` is set.
public struct LegacyTransaction: Sendable, Hashable {
    /// The chain id for EIP-155 replay protection; nil signs the pre-EIP-155 form (v 27/28).
    public var chainId: UInt64?
    /// The sender's nonce.
    public var nonce: UInt64
    /// Price per unit of gas, in wei.
    public var gasPrice: UInt256
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient; nil creates a contract.
    public var to: Address?
    /// Value transferred, in wei.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]

    /// A legacy transaction.
    public init(chainId: UInt64?, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }
}

/// An EIP-2930 transaction (type 1): `[chainId, nonce, gasPrice, gasLimit, to, value, data, accessList]`.
public struct AccessListTransaction: Sendable, Hashable {
    /// The chain id.
    public var chainId: UInt64
    /// The sender's nonce.
    public var nonce: UInt64
    /// Price per unit of gas, in wei.
    public var gasPrice: UInt256
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient; nil creates a contract.
    public var to: Address?
    /// Value transferred, in wei.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// Pre-declared accounts and storage slots.
    public var accessList: [AccessListEntry]

    /// An EIP-2930 transaction.
    public init(chainId: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

/// An EIP-1559 transaction (type 2):
/// `[chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList]`.
public struct DynamicFeeTransaction: Sendable, Hashable {
    /// The chain id.
    public var chainId: UInt64
    /// The sender's nonce.
    public var nonce: UInt64
    /// Tip per gas to the block producer, in wei.
    public var maxPriorityFeePerGas: UInt256
    /// Most the sender pays per gas (base fee + tip), in wei.
    public var maxFeePerGas: UInt256
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient; nil creates a contract.
    public var to: Address?
    /// Value transferred, in wei.
    public var value: UInt256
    /// Call data or init code.
    public var data: [UInt8]
    /// Pre-declared accounts and storage slots.
    public var accessList: [AccessListEntry]

    /// An EIP-1559 transaction.
    public init(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
                to: Address?, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

/// An EIP-4844 blob transaction (type 3), canonical (non-network) form. Decoded so blocks can be read.
public struct BlobTransaction: Sendable, Hashable {
    /// The chain id.
    public var chainId: UInt64
    /// The sender's nonce.
    public var nonce: UInt64
    /// Tip per gas, in wei.
    public var maxPriorityFeePerGas: UInt256
    /// Fee cap per gas, in wei.
    public var maxFeePerGas: UInt256
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient (blob transactions cannot create contracts).
    public var to: Address
    /// Value transferred, in wei.
    public var value: UInt256
    /// Call data.
    public var data: [UInt8]
    /// Pre-declared accounts and storage slots.
    public var accessList: [AccessListEntry]
    /// Fee cap per blob gas, in wei.
    public var maxFeePerBlobGas: UInt256
    /// Versioned hashes of the blobs.
    public var blobVersionedHashes: [Bytes32]

    /// A blob transaction.
    public init(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
                to: Address, value: UInt256, data: [UInt8], accessList: [AccessListEntry], maxFeePerBlobGas: UInt256,
                blobVersionedHashes: [Bytes32]) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
    }
}

/// An EIP-7702 set-code transaction (type 4). Decoded so blocks can be read.
public struct SetCodeTransaction: Sendable, Hashable {
    /// The chain id.
    public var chainId: UInt64
    /// The sender's nonce.
    public var nonce: UInt64
    /// Tip per gas, in wei.
    public var maxPriorityFeePerGas: UInt256
    /// Fee cap per gas, in wei.
    public var maxFeePerGas: UInt256
    /// Gas limit.
    public var gasLimit: UInt64
    /// Recipient (set-code transactions cannot create contracts).
    public var to: Address
    /// Value transferred, in wei.
    public var value: UInt256
    /// Call data.
    public var data: [UInt8]
    /// Pre-declared accounts and storage slots.
    public var accessList: [AccessListEntry]
    /// Signed delegations.
    public var authorizationList: [Authorization]

    /// A set-code transaction.
    public init(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
                to: Address, value: UInt256, data: [UInt8], accessList: [AccessListEntry], authorizationList: [Authorization]) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.authorizationList = authorizationList
    }
}

/// Any transaction, unsigned.
public enum Transaction: Sendable, Hashable {
    /// Legacy (type 0).
    case legacy(LegacyTransaction)
    /// EIP-2930 (type 1).
    case accessList(AccessListTransaction)
    /// EIP-1559 (type 2).
    case dynamicFee(DynamicFeeTransaction)
    /// EIP-4844 (type 3).
    case blob(BlobTransaction)
    /// EIP-7702 (type 4).
    case setCode(SetCodeTransaction)

    /// The EIP-2718 type.
    public var type: TransactionType {
        switch self {
        case .legacy: return .legacy
        case .accessList: return .accessList
        case .dynamicFee: return .dynamicFee
        case .blob: return .blob
        case .setCode: return .setCode
        }
    }

    /// The chain id (nil for a pre-EIP-155 legacy transaction).
    public var chainId: UInt64? {
        switch self {
        case .legacy(let t): return t.chainId
        case .accessList(let t): return t.chainId
        case .dynamicFee(let t): return t.chainId
        case .blob(let t): return t.chainId
        case .setCode(let t): return t.chainId
        }
    }

    /// The sender's nonce.
    public var nonce: UInt64 {
        switch self {
        case .legacy(let t): return t.nonce
        case .accessList(let t): return t.nonce
        case .dynamicFee(let t): return t.nonce
        case .blob(let t): return t.nonce
        case .setCode(let t): return t.nonce
        }
    }

    /// Gas limit.
    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let t): return t.gasLimit
        case .accessList(let t): return t.gasLimit
        case .dynamicFee(let t): return t.gasLimit
        case .blob(let t): return t.gasLimit
        case .setCode(let t): return t.gasLimit
        }
    }

    /// Recipient; nil for contract creation.
    public var to: Address? {
        switch self {
        case .legacy(let t): return t.to
        case .accessList(let t): return t.to
        case .dynamicFee(let t): return t.to
        case .blob(let t): return t.to
        case .setCode(let t): return t.to
        }
    }

    /// Value in wei.
    public var value: UInt256 {
        switch self {
        case .legacy(let t): return t.value
        case .accessList(let t): return t.value
        case .dynamicFee(let t): return t.value
        case .blob(let t): return t.value
        case .setCode(let t): return t.value
        }
    }

    /// Call data or init code.
    public var data: [UInt8] {
        switch self {
        case .legacy(let t): return t.data
        case .accessList(let t): return t.data
        case .dynamicFee(let t): return t.data
        case .blob(let t): return t.data
        case .setCode(let t): return t.data
        }
    }

    /// The access list (empty for legacy).
    public var accessList: [AccessListEntry] {
        switch self {
        case .legacy: return []
        case .accessList(let t): return t.accessList
        case .dynamicFee(let t): return t.accessList
        case .blob(let t): return t.accessList
        case .setCode(let t): return t.accessList
        }
    }

    /// Gas price (legacy, EIP-2930) or fee cap (`maxFeePerGas`, later types): the most paid per gas.
    public var maxFeePerGas: UInt256 {
        switch self {
        case .legacy(let t): return t.gasPrice
        case .accessList(let t): return t.gasPrice
        case .dynamicFee(let t): return t.maxFeePerGas
        case .blob(let t): return t.maxFeePerGas
        case .setCode(let t): return t.maxFeePerGas
        }
    }

    /// The priority fee (nil for legacy and EIP-2930, which have a single gas price).
    public var maxPriorityFeePerGas: UInt256? {
        switch self {
        case .legacy, .accessList: return nil
        case .dynamicFee(let t): return t.maxPriorityFeePerGas
        case .blob(let t): return t.maxPriorityFeePerGas
        case .setCode(let t): return t.maxPriorityFeePerGas
        }
    }
}
