import EVM
import Receipts

/// A registered user (dense number).
public struct UserID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Index in the engine.
    public let raw: UInt32
    /// A user id from its index.
    public init(raw: UInt32) { self.raw = raw }
    /// Orders users by number.
    public static func < (a: UserID, b: UserID) -> Bool { a.raw < b.raw }
    /// `user#` and the number.
    public var description: String { "user#\(raw)" }
}

/// Where salts and prediction ids get their randomness.
public enum Entropy: Sendable, Equatable {
    /// The system CSPRNG (production).
    case system
    /// SplitMix64 from a seed: reproducible, **not** secret (simulations, tests, benchmarks).
    case seeded(UInt64)
}

/// Why a placement was refused. A refused placement changes nothing.
public enum PlacementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user is not registered.
    case unknownUser(UserID)
    /// The asset is not registered.
    case unknownAsset(String)
    /// The asset is registered but disabled.
    case assetDisabled(String)
    /// Placed at or after the cutoff of the round it would belong to (or after that round was locked).
    case afterCutoff(settlesAt: UInt64, cutoff: UInt64, now: UInt64)
    /// The request named a round other than the one open now.
    case roundNotOpen(requested: UInt64, open: UInt64)
    /// Stake below the minimum.
    case stakeBelowMinimum(stake: UInt64, minimum: UInt64)
    /// Stake above the maximum.
    case stakeAboveMaximum(stake: UInt64, maximum: UInt64)
    /// The user's stakes in this round would exceed the exposure cap.
    case exposureCapExceeded(current: UInt64, stake: UInt64, cap: UInt64)
    /// The user's balance does not cover the stake.
    case insufficientBalance(available: UInt64, required: UInt64)
    /// No current price for the asset (no entry price to write in the receipt).
    case priceUnavailable(String)
    /// The idempotency key was used before by this user for a different prediction.
    case idempotencyConflict(clientKey: UInt128)

    /// A human-readable message for the refusal.
    public var description: String {
        switch self {
        case .unknownUser(let u): return "unknown \(u)"
        case .unknownAsset(let a): return "unknown asset \(a)"
        case .assetDisabled(let a): return "asset \(a) is disabled"
        case .afterCutoff(let s, let c, let now):
            return "round \(s) closed at its cutoff \(c) (now \(now))"
        case .roundNotOpen(let r, let open): return "round \(r) is not open; the open round settles at \(open)"
        case .stakeBelowMinimum(let s, let m): return "stake \(Units.money(s)) below the minimum \(Units.money(m))"
        case .stakeAboveMaximum(let s, let m): return "stake \(Units.money(s)) above the maximum \(Units.money(m))"
        case .exposureCapExceeded(let c, let s, let cap):
            return "stake \(Units.money(s)) on top of \(Units.money(c)) exceeds the round exposure cap \(Units.money(cap))"
        case .insufficientBalance(let a, let r): return "balance \(Units.money(a)) does not cover \(Units.money(r))"
        case .priceUnavailable(let a): return "no current price for \(a)"
        case .idempotencyConflict(let k): return "client key \(k) was already used for another prediction"
        }
    }
}

/// Why a lock or settlement was refused.
public enum SettlementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The asset is not registered.
    case unknownAsset(String)
    /// Not a settlement mark (`t % 600 != 540`).
    case notAMark(UInt64)
    /// The round's lock price was already recorded.
    case alreadyLocked(asset: String, settlesAt: UInt64)
    /// The round was already settled (a round never settles twice).
    case alreadySettled(asset: String, settlesAt: UInt64)

    /// A human-readable message for the refusal.
    public var description: String {
        switch self {
        case .unknownAsset(let a): return "unknown asset \(a)"
        case .notAMark(let t): return "\(t) is not a settlement mark (t % 600 != 540)"
        case .alreadyLocked(let a, let s): return "round \(a) \(s) is already locked"
        case .alreadySettled(let a, let s): return "round \(a) \(s) is already settled"
        }
    }
}

/// A request to place a prediction.
public struct PlacementRequest: Hashable, Sendable {
    /// Who.
    public var user: UserID
    /// On what.
    public var asset: AssetID
    /// Up or down.
    public var direction: Receipt.Direction
    /// Stake in micro-units.
    public var stake: UInt64
    /// Idempotency key chosen by the client (a UUID fits), scoped to the user; a retry with the same key
    /// returns the first result.
    public var clientKey: UInt128?
    /// The round the client means (its mark); `nil` = the round open now.
    public var settlesAt: UInt64?
    /// A prediction id chosen by the caller (imports, replays, fixtures); `nil` = generated. The caller
    /// then answers for its uniqueness.
    public var predictionID: Bytes32?
    /// A commitment salt chosen by the caller (from a CSPRNG); `nil` = drawn from the engine's entropy.
    public var salt: Bytes32?

    /// A request.
    public init(user: UserID, asset: AssetID, direction: Receipt.Direction, stake: UInt64,
                clientKey: UInt128? = nil, settlesAt: UInt64? = nil, predictionID: Bytes32? = nil, salt: Bytes32? = nil) {
        self.user = user
        self.asset = asset
        self.direction = direction
        self.stake = stake
        self.clientKey = clientKey
        self.settlesAt = settlesAt
        self.predictionID = predictionID
        self.salt = salt
    }
}

/// An accepted prediction.
public struct Prediction: Hashable, Sendable {
    /// Number in the engine (0, 1, …).
    public let number: UInt32
    /// Protocol prediction id (UUIDv7 layout in the first 16 bytes, 16 zero bytes; §2.3).
    public let id: Bytes32
    /// The user.
    public let user: UserID
    /// The asset.
    public let asset: AssetID
    /// Up or down.
    public let direction: Receipt.Direction
    /// Stake in micro-units.
    public let stake: UInt64
    /// Placement time.
    public let placedAt: UInt64
    /// The round's mark.
    public let settlesAt: UInt64
    /// The asset's current price at placement (8 decimals), as written in the placement receipt.
    public let entryPrice: UInt64
    /// The salt of the user commitment (kept for the user's copy; never in a receipt).
    public let salt: Bytes32
    /// `keccak256(abi.encode(user address, salt))`.
    public internal(set) var userCommitment: Bytes32
    /// Leaf of the placement receipt.
    public internal(set) var placementLeaf: Bytes32
    /// The client's idempotency key.
    public let clientKey: UInt128?
    /// `pending` until settled.
    public internal(set) var outcome: Receipt.Outcome
    /// Amount paid at settlement (0 before, and for a loss).
    public internal(set) var payout: UInt64
    let round: UInt32

    /// The placement receipt (docs/PROTOCOL.md §2).
    public var placementReceipt: Receipt {
        Receipt(kind: .placement, predictionId: id, userCommitment: userCommitment, asset: asset, direction: direction,
                stake: UInt128(stake), placedAt: placedAt, settlesAt: settlesAt, entryPrice: UInt128(entryPrice))
    }
}

/// The result of a placement.
public struct Placement: Hashable, Sendable {
    /// The prediction (the first one, for a replayed request).
    public let prediction: Prediction
    /// Its placement receipt.
    public let receipt: Receipt
    /// The receipt's leaf.
    public let leaf: Bytes32
    /// `true` when this is the answer to a retried request (nothing was charged again).
    public let replayed: Bool
}

/// How a round ended.
public enum RoundResult: Hashable, Sendable, CustomStringConvertible {
    /// Settlement price above the lock price: up wins.
    case up
    /// Settlement price below the lock price: down wins.
    case down
    /// Equal prices: every stake refunded.
    case push
    /// Every stake refunded because a price was missing or a side was empty.
    case void(VoidReason)

    /// Why a round was voided.
    public enum VoidReason: String, Hashable, Sendable {
        /// No lock price (fewer than 3 agreeing fresh sources at the cutoff, or never locked).
        case missingLockPrice = "missing-lock-price"
        /// No settlement price at the mark.
        case missingSettlementPrice = "missing-settlement-price"
        /// Nobody on the winning side, or nobody on the losing side.
        case oneSided = "one-sided"
    }

    /// `up`, `down`, `push` or `void(<reason>)`.
    public var description: String {
        switch self {
        case .up: return "up"
        case .down: return "down"
        case .push: return "push"
        case .void(let r): return "void(\(r.rawValue))"
        }
    }
}

/// A settled round's figures. `stakesIn == paidToWinners + refunded + fees + dust` always holds.
public struct RoundReport: Hashable, Sendable {
    /// The asset.
    public let asset: AssetID
    /// The mark.
    public let settlesAt: UInt64
    /// The lock price (`nil` = missing).
    public let lockPrice: UInt64?
    /// The settlement price (`nil` = missing).
    public let settlementPrice: UInt64?
    /// Sum of up stakes.
    public let upPool: UInt64
    /// Sum of down stakes.
    public let downPool: UInt64
    /// How it ended.
    public let result: RoundResult
    /// Number of predictions.
    public let predictions: Int
    /// Number of winning predictions.
    public let winners: Int
    /// Total paid to winners (stakes plus winnings, net of fees).
    public let paidToWinners: UInt64
    /// Total refunded.
    public let refunded: UInt64
    /// Fees to the treasury.
    public let fees: UInt64
    /// Rounding dust to the treasury.
    public let dust: UInt64
    /// Settlement receipts emitted.
    public let receiptsEmitted: Int

    /// Total stakes.
    public var stakesIn: UInt64 { upPool + downPool }
    /// Whether stakes in = payouts + refunds + fees + dust (checked by the engine, which stops on a violation).
    public var isConserved: Bool { stakesIn == paidToWinners + refunded + fees + dust }
}

/// A payout multiple as an exact ratio: a winning stake `s` is paid `floor(s · numerator / denominator)`
/// (up to the per-prediction rounding of the settlement rule).
public struct PayoutMultiple: Hashable, Sendable, CustomStringConvertible {
    /// Numerator: the side's pool plus the losing pool net of the fee.
    public let numerator: UInt64
    /// Denominator: the side's pool.
    public let denominator: UInt64

    /// A multiple `numerator / denominator` (`denominator > 0`).
    public init(numerator: UInt64, denominator: UInt64) {
        precondition(denominator > 0)
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The multiple in fixed point with 6 decimals, rounded down (`1_940_000` = 1.94×).
    public var fixed6: UInt64 {
        UInt64(UInt128(numerator) * 1_000_000 / UInt128(denominator))
    }

    /// The multiple with 6 decimals and an `x`, such as `1.940000x`.
    public var description: String { FixedPoint.format(fixed6, decimals: 6) + "x" }
}

/// Live odds of an open round: what each side's stake would be multiplied by if it won now.
public struct LiveOdds: Hashable, Sendable {
    /// Sum of up stakes.
    public let upPool: UInt64
    /// Sum of down stakes.
    public let downPool: UInt64
    /// The multiple of an up stake (`nil` while either side is empty: such a round refunds).
    public let up: PayoutMultiple?
    /// The multiple of a down stake.
    public let down: PayoutMultiple?
}

/// Engine settings.
public struct EngineConfiguration: Sendable, Equatable {
    /// Marks and cutoff.
    public var schedule: RoundSchedule
    /// Stake limits.
    public var limits: StakeLimits
    /// Fees.
    public var fees: FeeSchedule
    /// Randomness of salts and prediction ids.
    public var entropy: Entropy
    /// Whether the ledger keeps its journal.
    public var keepsJournal: Bool
    /// Whether the outbox keeps the receipts (leaves are computed either way).
    public var keepsReceipts: Bool
    /// The Keccak of batched placements and of settlement receipts (same bytes either way).
    public var keccak: KeccakBackend

    /// Settings; defaults: cutoff 30 s, 1–1 000 USDC per prediction, 5 000 USDC per user and round, 300 bps,
    /// 4-way AVX2 Keccak where available.
    public init(schedule: RoundSchedule = try! RoundSchedule(), limits: StakeLimits = try! StakeLimits(),  // invariant: the default settings are valid
                fees: FeeSchedule = try! FeeSchedule(), entropy: Entropy = .system,  // invariant: the default settings are valid
                keepsJournal: Bool = true, keepsReceipts: Bool = true, keccak: KeccakBackend = .automatic) {
        self.schedule = schedule
        self.limits = limits
        self.fees = fees
        self.entropy = entropy
        self.keepsJournal = keepsJournal
        self.keepsReceipts = keepsReceipts
        self.keccak = keccak
    }
}
