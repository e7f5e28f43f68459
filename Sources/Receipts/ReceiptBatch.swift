import EVM
import Foundation

/// A batch of receipts of one kind with its Merkle tree (docs/PROTOCOL.md §3–4).
public struct ReceiptBatch: Sendable {
    /// The batch id (its kind is the receipts' kind).
    public let id: BatchID
    /// The receipts, in insertion order.
    public let receipts: [Receipt]
    /// The OpenZeppelin-layout tree over the receipts' leaves.
    public let tree: MerkleTree

    /// Builds the batch; every receipt must be of the batch's kind.
    public init(id: BatchID, receipts: [Receipt]) throws(ReceiptError) {
        for (index, receipt) in receipts.enumerated() where receipt.kind.rawValue != id.kind.rawValue {
            throw .invalidField("receipts[\(index)].kind", "\(receipt.kind) receipt in a \(id.kind) batch")
        }
        guard !receipts.isEmpty else { throw .invalidField("receipts", "a batch needs at least one receipt") }
        self.id = id
        self.receipts = receipts
        self.tree = try! MerkleTree(leaves: receipts.map(\.leaf))  // invariant: the receipts were checked non-empty
    }

    /// The root anchored on chain.
    public var root: Bytes32 { tree.root }

    /// `(first_time, last_time)` as the registry's `anchor` takes them: placement times for
    /// placement batches, settlement times for settlement batches.
    public var timeRange: (first: UInt64, last: UInt64) {
        let times = receipts.map { id.kind == .placement ? $0.placedAt : $0.settlesAt }
        return (times.min()!, times.max()!)
    }

    /// The self-contained proof file for receipt `index`.
    public func proofFile(for index: Int, chainId: UInt64, registry: Address, opening: CommitmentOpening? = nil) throws -> ReceiptProofFile {
        ReceiptProofFile(chainId: chainId, registry: registry, batchId: id.word, batchKind: id.kind.rawValue, root: root,
                         receipt: receipts[index], opening: opening, proof: try tree.proof(forLeaf: index))
    }
}

/// The opening of a user commitment: who the user is and the salt (kept only in the user's copy).
public struct CommitmentOpening: Hashable, Sendable, Codable {
    /// The user's address.
    public var user: Address
    /// The salt of the commitment.
    public var salt: Bytes32

    /// An opening from its parts.
    public init(user: Address, salt: Bytes32) {
        self.user = user
        self.salt = salt
    }
}

/// A receipt proof a user can keep: everything needed to check the receipt offline against the root,
/// and online against the registry on `chainId` at `registry`.
public struct ReceiptProofFile: Sendable, Codable, Equatable {
    /// Format tag of this file.
    public static let formatName = "sixnines-receipt-proof-v1"

    /// Format tag: always ``formatName``.
    public var format: String = ReceiptProofFile.formatName
    /// The chain the registry is on.
    public var chainId: UInt64
    /// The `ReceiptRegistry` contract that anchored the batch.
    public var registry: Address
    /// The batch id (``BatchID/word``).
    public var batchId: Bytes32
    /// The batch kind's raw value (1 placement, 2 settlement).
    public var batchKind: UInt8
    /// The batch's Merkle root.
    public var root: Bytes32
    /// The receipt.
    public var receipt: Receipt
    /// The commitment's opening, when the owner chose to include it.
    public var opening: CommitmentOpening?
    /// The leaf the receipt hashes to (informational; verification recomputes it).
    public var leaf: Bytes32
    /// The Merkle proof of the receipt's leaf, sibling hashes from the leaf up.
    public var proof: [Bytes32]

    /// A proof file from its parts (the leaf is computed from the receipt).
    public init(chainId: UInt64, registry: Address, batchId: Bytes32, batchKind: UInt8, root: Bytes32, receipt: Receipt,
                opening: CommitmentOpening?, proof: [Bytes32]) {
        self.chainId = chainId
        self.registry = registry
        self.batchId = batchId
        self.batchKind = batchKind
        self.root = root
        self.receipt = receipt
        self.opening = opening
        self.leaf = receipt.leaf
        self.proof = proof
    }

    /// Reads a proof file.
    public static func load(from data: Data) throws -> ReceiptProofFile {
        let file = try JSONDecoder().decode(ReceiptProofFile.self, from: data)
        guard file.format == formatName else {
            throw ReceiptError.invalidField("format", "expected \(formatName), got \(file.format)")
        }
        return file
    }

    /// The file as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// One offline check and whether it held.
    public struct Check: Sendable, Equatable, Codable {
        /// What was checked.
        public var name: String
        /// Whether it held.
        public var passed: Bool
        /// One line of detail: what was found.
        public var detail: String

        /// A check result.
        public init(name: String, passed: Bool, detail: String) {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    /// The offline checks: leaf recomputed from the fields, proof to the root, batch id layout and kind,
    /// receipt consistency (settlement mark; outcome, prices and payout as the receipt's kind requires), and the
    /// commitment opening when present.
    public func offlineChecks() -> [Check] {
        var checks: [Check] = []
        let recomputed = receipt.leaf
        checks.append(Check(name: "leaf", passed: recomputed == leaf,
                            detail: recomputed == leaf ? "fields hash to \(leaf)" : "fields hash to \(recomputed), file says \(leaf)"))
        let implied = MerkleTree.processProof(leaf: recomputed, proof: proof)
        checks.append(Check(name: "merkle proof", passed: implied == root,
                            detail: implied == root ? "\(proof.count) \(proof.count == 1 ? "hash leads" : "hashes lead") to root \(root)" : "proof leads to \(implied), not root \(root)"))
        do {
            let id = try BatchID(word: batchId)
            let ok = id.kind.rawValue == batchKind && batchKind == receipt.kind.rawValue
            checks.append(Check(name: "batch kind", passed: ok,
                                detail: "batch \(id.kind) #\(id.sequence), file kind \(batchKind), receipt kind \(receipt.kind)"))
        } catch {
            checks.append(Check(name: "batch kind", passed: false, detail: "\(error)"))
        }
        let schedule = SettlementSchedule.isSettlementTime(receipt.settlesAt) && receipt.settlesAt > receipt.placedAt
        checks.append(Check(name: "settlement mark", passed: schedule,
                            detail: "settlesAt \(receipt.settlesAt) (mod 600 = \(receipt.settlesAt % 600)), placedAt \(receipt.placedAt)"))
        let (consistent, why) = receipt.outcomeConsistency()
        checks.append(Check(name: "outcome", passed: consistent, detail: why))
        if let opening {
            let commitment = userCommitment(user: opening.user, salt: opening.salt)
            checks.append(Check(name: "commitment opening", passed: commitment == receipt.userCommitment,
                                detail: commitment == receipt.userCommitment
                                    ? "user \(opening.user) with the salt opens the commitment"
                                    : "user and salt hash to \(commitment), receipt has \(receipt.userCommitment)"))
        }
        return checks
    }
}

extension Receipt: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, kind, predictionId, userCommitment, asset, direction, stake, placedAt, settlesAt, entryPrice,
             settlementPrice, outcome, payout
    }

    /// Decodes the camelCase fields of docs/PROTOCOL.md; integers as JSON numbers or decimal strings,
    /// the asset as its 32-byte word or its symbol.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func integer<T: FixedWidthInteger & UnsignedInteger>(_ key: CodingKeys, _: T.Type = T.self) throws -> T {
            if let n = try? c.decode(UInt64.self, forKey: key) {
                guard let v = T(exactly: n) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(n) does not fit \(T.self)")
                }
                return v
            }
            let text = try c.decode(String.self, forKey: key)
            guard let v = T(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(text.debugDescription) is not a \(T.self)")
            }
            return v
        }
        func enumeration<E: RawRepresentable>(_ key: CodingKeys, _: E.Type) throws -> E where E.RawValue == UInt8 {
            let raw: UInt8 = try integer(key)
            guard let e = E(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(raw) is not a valid \(key.stringValue)")
            }
            return e
        }
        let assetText = try c.decode(String.self, forKey: .asset)
        let asset: AssetID
        if assetText.hasPrefix("0x"), let word = try? Bytes32(hex: assetText) {
            asset = try AssetID(word: word)
        } else {
            asset = try AssetID(symbol: assetText)
        }
        self.init(version: try integer(.version), kind: try enumeration(.kind, Kind.self),
                  predictionId: try c.decode(Bytes32.self, forKey: .predictionId),
                  userCommitment: try c.decode(Bytes32.self, forKey: .userCommitment), asset: asset,
                  direction: try enumeration(.direction, Direction.self), stake: try integer(.stake),
                  placedAt: try integer(.placedAt), settlesAt: try integer(.settlesAt), entryPrice: try integer(.entryPrice),
                  settlementPrice: try integer(.settlementPrice), outcome: try enumeration(.outcome, Outcome.self),
                  payout: try integer(.payout))
    }

    /// Encodes the fields as in the protocol fixtures (integers ≥ 2^53 as decimal strings).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func put<T: FixedWidthInteger>(_ value: T, _ key: CodingKeys) throws {
            if value < (1 << 53) { try c.encode(UInt64(value), forKey: key) } else { try c.encode(String(value), forKey: key) }
        }
        try put(version, .version)
        try put(kind.rawValue, .kind)
        try c.encode(predictionId, forKey: .predictionId)
        try c.encode(userCommitment, forKey: .userCommitment)
        try c.encode(asset.word, forKey: .asset)
        try put(direction.rawValue, .direction)
        try put(stake, .stake)
        try put(placedAt, .placedAt)
        try put(settlesAt, .settlesAt)
        try put(entryPrice, .entryPrice)
        try put(settlementPrice, .settlementPrice)
        try put(outcome.rawValue, .outcome)
        try put(payout, .payout)
    }
}

extension Receipt {
    /// Whether the outcome, prices and payout agree with the receipt's kind (docs/PROTOCOL.md §2): a placement is
    /// pending with no settlement price and no payout; a settlement has the outcome its prices give (win, loss,
    /// push), or is void with no settlement price; a loss pays nothing, a push or void refunds the stake.
    /// Returns the verdict and a one-line reason.
    public func outcomeConsistency() -> (Bool, String) {
        switch kind {
        case .placement:
            guard outcome == .pending, settlementPrice == 0, payout == 0 else {
                return (false, "a placement receipt must be pending with settlement price 0 and payout 0 (outcome \(outcome), settlement price \(settlementPrice), payout \(payout))")
            }
            return (true, "placement: pending, no settlement price, no payout")
        case .settlement:
            switch outcome {
            case .pending:
                return (false, "a settlement receipt cannot be pending")
            case .void:
                guard settlementPrice == 0, payout == stake else {
                    return (false, "void must have settlement price 0 and refund the stake \(stake) (settlement price \(settlementPrice), payout \(payout))")
                }
                return (true, "void: no price, stake refunded")
            case .win, .loss, .push:
                guard settlementPrice > 0 else { return (false, "\(outcome) needs a settlement price (it is 0)") }
                let expected: Outcome = settlementPrice == entryPrice ? .push
                    : (direction == .up) == (settlementPrice > entryPrice) ? .win : .loss
                guard outcome == expected else {
                    return (false, "\(direction) from \(entryPrice) to \(settlementPrice) is a \(expected), the receipt says \(outcome)")
                }
                if outcome == .loss, payout != 0 { return (false, "a loss pays nothing (payout \(payout))") }
                if outcome == .push, payout != stake { return (false, "a push refunds the stake \(stake) (payout \(payout))") }
                return (true, "\(direction) from \(entryPrice) to \(settlementPrice): \(outcome), payout \(payout)")
            }
        }
    }
}
