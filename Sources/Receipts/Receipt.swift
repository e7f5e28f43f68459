import EVM

/// A prediction receipt as defined in docs/PROTOCOL.md §2: thirteen static fields whose ABI
/// encoding (13 words, 416 bytes) becomes an OpenZeppelin `StandardMerkleTree` leaf.
public struct Receipt: Hashable, Sendable {
    /// Receipt kinds (also the batch kinds 1 and 2).
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Issued when a prediction is accepted.
        case placement = 1
        /// Issued when the prediction's round is settled.
        case settlement = 2
    }

    /// The predicted direction.
    public enum Direction: UInt8, Sendable, CaseIterable {
        /// The price goes up: settlement price above the entry price.
        case up = 1
        /// The price goes down: settlement price below the entry price.
        case down = 2
    }

    /// The outcome; `pending` on placement receipts.
    public enum Outcome: UInt8, Sendable, CaseIterable {
        /// Not settled yet: every placement receipt.
        case pending = 0
        /// The prediction was right.
        case win = 1
        /// The prediction was wrong: nothing is paid.
        case loss = 2
        /// Settlement price equal to the entry price: the stake is refunded.
        case push = 3
        /// No usable price: the stake is refunded.
        case void = 4
    }

    /// The protocol version written into every receipt.
    public static let currentVersion: UInt8 = 1
    /// The leaf encoding (ABI types in field order) of receipts.
    public static let leafEncoding = ["uint8", "uint8", "bytes32", "bytes32", "bytes32", "uint8", "uint128",
                                      "uint64", "uint64", "uint128", "uint128", "uint8", "uint128"]
    /// Size of the ABI encoding: 13 words.
    public static let encodedSize = 13 * 32

    /// The protocol version (``currentVersion``).
    public var version: UInt8
    /// Placement or settlement.
    public var kind: Kind
    /// Opaque unique id of the prediction (§2.3).
    public var predictionId: Bytes32
    /// `keccak256(abi.encode(user, salt))` (§2.1).
    public var userCommitment: Bytes32
    /// Asset id (§2.2).
    public var asset: AssetID
    /// The predicted direction.
    public var direction: Direction
    /// Stake in micro-units (6 decimals).
    public var stake: UInt128
    /// Placement time, unix seconds.
    public var placedAt: UInt64
    /// The round's settlement time (`settlesAt % 600 == 540`).
    public var settlesAt: UInt64
    /// Price at placement, 8 decimals.
    public var entryPrice: UInt128
    /// Oracle price at `settlesAt`, 8 decimals; 0 on placement receipts.
    public var settlementPrice: UInt128
    /// The outcome; ``Outcome/pending`` on placement receipts.
    public var outcome: Outcome
    /// Amount paid in micro-units; 0 on placement receipts and for a loss.
    public var payout: UInt128

    /// A receipt from all its fields.
    public init(version: UInt8 = Receipt.currentVersion, kind: Kind, predictionId: Bytes32, userCommitment: Bytes32,
                asset: AssetID, direction: Direction, stake: UInt128, placedAt: UInt64, settlesAt: UInt64,
                entryPrice: UInt128, settlementPrice: UInt128 = 0, outcome: Outcome = .pending, payout: UInt128 = 0) {
        self.version = version
        self.kind = kind
        self.predictionId = predictionId
        self.userCommitment = userCommitment
        self.asset = asset
        self.direction = direction
        self.stake = stake
        self.placedAt = placedAt
        self.settlesAt = settlesAt
        self.entryPrice = entryPrice
        self.settlementPrice = settlementPrice
        self.outcome = outcome
        self.payout = payout
    }

    /// Writes the 416-byte ABI encoding into `out` (which must hold `encodedSize` bytes).
    @inlinable
    public func encode(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= Receipt.encodedSize)
        out.initializeMemory(as: UInt8.self, repeating: 0)
        func put<T: FixedWidthInteger>(_ value: T, word: Int) {
            out.storeBytes(of: value.bigEndian, toByteOffset: word * 32 + 32 - MemoryLayout<T>.size, as: T.self)
        }
        func put(_ value: Bytes32, word: Int) {
            value.withUnsafeBytes { (out.baseAddress! + word * 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
        put(version, word: 0)
        put(kind.rawValue, word: 1)
        put(predictionId, word: 2)
        put(userCommitment, word: 3)
        put(asset.word, word: 4)
        put(direction.rawValue, word: 5)
        put(stake, word: 6)
        put(placedAt, word: 7)
        put(settlesAt, word: 8)
        put(entryPrice, word: 9)
        put(settlementPrice, word: 10)
        put(outcome.rawValue, word: 11)
        put(payout, word: 12)
    }

    /// `abi.encode` of the thirteen fields.
    public var abiEncoded: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Receipt.encodedSize) { buffer, count in
            encode(into: UnsafeMutableRawBufferPointer(buffer))
            count = Receipt.encodedSize
        }
    }

    /// `keccak256(abi.encode(fields))`.
    public var innerHash: Bytes32 {
        withUnsafeTemporaryAllocation(byteCount: Receipt.encodedSize, alignment: 8) { buffer in
            encode(into: buffer)
            return Keccak256.hash(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
    }

    /// The Merkle leaf: `keccak256(keccak256(abi.encode(fields)))`, as the registry's `receipt_leaf`.
    public var leaf: Bytes32 { Keccak256.hash(innerHash) }
}

/// Errors in receipt-level values.
public enum ReceiptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An asset symbol that is empty, longer than 32 bytes, or has a character outside 0x21…0x7e.
    case invalidAssetSymbol(String)
    /// A field value that is not allowed (name and why).
    case invalidField(String, String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidAssetSymbol(let s):
            return "invalid asset symbol \(s.debugDescription): 1 to 32 printable ASCII characters without spaces"
        case .invalidField(let name, let why): return "invalid receipt field \(name): \(why)"
        }
    }
}

/// An asset id: the ASCII symbol left-aligned in 32 bytes, zero-padded (docs/PROTOCOL.md §2.2).
public struct AssetID: Hashable, Sendable, CustomStringConvertible {
    /// The 32-byte word.
    public let word: Bytes32

    /// The id of `symbol` (e.g. `BTC-USD`).
    public init(symbol: String) throws(ReceiptError) {
        let bytes = Array(symbol.utf8)
        guard (1...32).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalidAssetSymbol(symbol)
        }
        word = try! Bytes32(bytes + [UInt8](repeating: 0, count: 32 - bytes.count))  // invariant: padded to exactly 32 bytes
    }

    /// An id from its word (checked to be a valid padded symbol).
    public init(word: Bytes32) throws(ReceiptError) {
        let bytes = word.bytes
        let length = bytes.firstIndex(of: 0) ?? 32
        let symbol = String(decoding: bytes[..<length], as: UTF8.self)
        guard bytes[length...].allSatisfy({ $0 == 0 }) else { throw .invalidAssetSymbol(word.description) }
        try self.init(symbol: symbol)
    }

    /// The symbol text.
    public var symbol: String {
        let bytes = word.bytes
        return String(decoding: bytes[..<(bytes.firstIndex(of: 0) ?? 32)], as: UTF8.self)
    }

    /// The symbol.
    public var description: String { symbol }
}

/// The user's salted commitment `keccak256(abi.encode(address user, bytes32 salt))` (§2.1).
public func userCommitment(user: Address, salt: Bytes32) -> Bytes32 {
    Keccak256.hash(user.word, salt)
}

/// Batch kinds (docs/PROTOCOL.md §4).
public enum BatchKind: UInt8, Sendable, CaseIterable, Codable {
    /// Placement receipts.
    case placement = 1
    /// Settlement receipts.
    case settlement = 2
    /// The day's price leaves (the daily price root).
    case dailyPriceRoot = 3
}

/// A batch id: `uint256(kind) << 64 | sequence` (§4).
public struct BatchID: Hashable, Sendable, CustomStringConvertible {
    /// The kind of the batch's receipts.
    public let kind: BatchKind
    /// The batch's number within its kind.
    public let sequence: UInt64

    /// The id of batch `sequence` of `kind`.
    public init(kind: BatchKind, sequence: UInt64) {
        self.kind = kind
        self.sequence = sequence
    }

    /// Parses the 32-byte layout, refusing anything else (as the registry does).
    public init(word: Bytes32) throws(ReceiptError) {
        let bytes = word.bytes
        guard bytes[0..<23].allSatisfy({ $0 == 0 }), let kind = BatchKind(rawValue: bytes[23]) else {
            throw .invalidField("batchId", "not kind << 64 | sequence with a known kind: \(word)")
        }
        self.kind = kind
        self.sequence = bytes[24...].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The 32-byte id.
    public var word: Bytes32 {
        Bytes32 { out in
            out[23] = kind.rawValue
            out.storeBytes(of: sequence.bigEndian, toByteOffset: 24, as: UInt64.self)
        }
    }

    /// The 32-byte id in hex.
    public var description: String { word.description }
}

/// Settlement marks: unix times `t` with `t % 600 == 540` (:09, :19, … :59).
public enum SettlementSchedule {
    /// Whether `t` is a settlement mark.
    public static func isSettlementTime(_ t: UInt64) -> Bool { t % 600 == 540 }

    /// The first settlement mark strictly after `t`.
    public static func nextSettlement(after t: UInt64) -> UInt64 {
        let base = t - t % 600 + 540
        return base > t ? base : base + 600
    }
}
