import Dispatch
import EVM
import Receipts

/// The in-memory prediction engine: assets, users, rounds, placement, pari-mutuel settlement,
/// the double-entry ledger and the receipt outbox. Deterministic for a seeded `Entropy`; not
/// thread-safe (one owner serialises calls, as a single writer does).
///
/// **Settlement rule** (PancakeSwap Prediction's pari-mutuel design at :X9 marks). With lock price `L₀`
/// (at the cutoff) and settlement price `L₁` (at the mark): up wins if `L₁ > L₀`, down if `L₁ < L₀`;
/// equal prices (push), a missing price or an empty side (void) refund every stake. Otherwise, with `W`
/// the winning pool and `L` the losing pool, **every division rounds down**: a winner with stake `s`
/// gets the share `floor(s · L / W)` of the losing pool, pays the fee `floor(share · bps / 10 000)`
/// (bps by VIP tier) and is paid `s + share − fee`; the remainder `L − Σ share` is dust and goes to the
/// treasury. Hence Σ payouts + Σ fees + dust = W + L exactly, which the engine checks for every round.
///
/// **Receipts.** The placement receipt's `entryPrice` is the asset's current price at placement (what the
/// user saw). The settlement receipt's `entryPrice` is the round's lock price, so that the protocol's
/// outcome rule (§2: win iff settlementPrice > entryPrice for up) holds on it as written; a missing price
/// is written as 0. Refunds are `push` for equal prices and `void` otherwise.
public struct PredictionEngine: Sendable {
    /// The settings.
    public let configuration: EngineConfiguration
    /// The ledger.
    public private(set) var ledger: Ledger
    /// Emitted receipts waiting for the batch writer.
    public var outbox: ReceiptOutbox
    /// Lock and mark prices.
    public private(set) var priceHistory = PriceHistory()
    /// Every accepted prediction, by number (chunked storage: placing never copies the earlier predictions).
    public private(set) var predictions = SegmentedArray<Prediction>()

    struct AssetState {
        let id: AssetID
        var enabled: Bool
        var currentPrice: UInt64?
        var openMark: UInt64 = 0
        var openRound: UInt32 = .max
    }

    struct User {
        let address: Address
        let addressWord: Bytes32
        var tier: VIPTier
        let account: AccountID
    }

    struct RoundKey: Hashable {
        let asset: UInt32
        let settlesAt: UInt64
    }

    struct Round {
        let asset: UInt32
        let settlesAt: UInt64
        let escrow: AccountID
        var upPool: UInt64 = 0
        var downPool: UInt64 = 0
        var predictions: [UInt32] = []
        var locked = false
        var lockPrice: UInt64?
        var report: RoundReport?
    }

    struct IdempotencyKey: Hashable {
        let user: UInt32
        let key: UInt128
    }

    private var assets: [AssetState] = []
    private var assetNumbers: [AssetID: UInt32] = [:]
    var users: [User] = []  // internal: `setTier` (Tiers.swift) changes a user's tier
    private var rounds: [Round] = []
    private var roundNumbers: [RoundKey: UInt32] = [:]
    private var exposure: [UInt64: UInt64] = [:]
    private var idempotency: [IdempotencyKey: UInt32] = [:]
    private var random: SplitMix64?
    private var sequence: UInt64 = 0

    /// An engine with no assets and no users.
    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
        ledger = Ledger(keepsJournal: configuration.keepsJournal)
        outbox = ReceiptOutbox(keepsEntries: configuration.keepsReceipts)
        if case .seeded(let seed) = configuration.entropy { random = SplitMix64(seed: seed) }
    }

    @inline(__always)
    private mutating func nextRandom() -> UInt64 {
        if random != nil { return random!.next() }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    // MARK: Assets

    /// Registers an asset (enabled unless said otherwise).
    public mutating func addAsset(_ id: AssetID, enabled: Bool = true) throws(ConfigurationError) {
        guard assetNumbers[id] == nil else { throw .duplicateAsset(id.symbol) }
        assetNumbers[id] = UInt32(assets.count)
        assets.append(AssetState(id: id, enabled: enabled))
    }

    /// Enables or disables an asset: a disabled asset refuses new predictions; its open rounds still settle.
    public mutating func setEnabled(_ enabled: Bool, asset id: AssetID) throws(ConfigurationError) {
        guard let n = assetNumbers[id] else { throw .unknownAsset(id.symbol) }
        assets[Int(n)].enabled = enabled
    }

    /// Whether `id` is registered and enabled.
    public func isEnabled(_ id: AssetID) -> Bool { assetNumbers[id].map { assets[Int($0)].enabled } ?? false }

    /// The registered assets in registration order.
    public var assetIDs: [AssetID] { assets.map(\.id) }

    /// Sets the asset's current (aggregated) price, written as `entryPrice` in placement receipts;
    /// `nil` = unknown (placements are refused until a price is known).
    public mutating func setCurrentPrice(_ price: UInt64?, asset id: AssetID) throws(ConfigurationError) {
        guard let n = assetNumbers[id] else { throw .unknownAsset(id.symbol) }
        assets[Int(n)].currentPrice = price
    }

    // MARK: Users and money

    /// Registers a user with an address (the one committed to in receipts) and a VIP tier.
    public mutating func registerUser(address: Address, tier: VIPTier = .standard) -> UserID {
        let account = ledger.open(.user)
        users.append(User(address: address, addressWord: address.word, tier: tier, account: account))
        return UserID(raw: UInt32(users.count - 1))
    }

    /// The deterministic address of a platform user id without a wallet: the last 20 bytes of
    /// `keccak256("sixnines:user:" + id)`.
    public static func address(forUserName name: String) -> Address {
        Address(lastBytesOf: Keccak256.hash(utf8: "sixnines:user:" + name))
    }

    /// Paper-money deposit: the faucet credits `amount` micro-units to the user.
    /// Refused for an unknown user, a zero amount, or one that would take the balance beyond `Int64.max`.
    public mutating func deposit(_ amount: UInt64, to user: UserID) throws(LedgerError) {
        guard Int(user.raw) < users.count else { throw .unknownUser(user) }
        let account = users[Int(user.raw)].account
        guard amount <= UInt64(Int64.max - ledger.balance(account)) else { throw .invalidAmount(amount) }
        try ledger.transfer(amount, from: .faucet, to: account, kind: .deposit, reference: 0)
    }

    /// The user's spendable balance in micro-units (0 for an unknown user).
    public func balance(of user: UserID) -> UInt64 {
        guard Int(user.raw) < users.count else { return 0 }
        return UInt64(ledger.balance(users[Int(user.raw)].account))
    }

    /// The user's address.
    public func address(of user: UserID) -> Address? { Int(user.raw) < users.count ? users[Int(user.raw)].address : nil }

    /// The user's tier.
    public func tier(of user: UserID) -> VIPTier? { Int(user.raw) < users.count ? users[Int(user.raw)].tier : nil }

    /// The sum of the user's stakes in the round of `asset` settling at `settlesAt`.
    public func exposure(of user: UserID, asset: AssetID, settlesAt: UInt64) -> UInt64 {
        guard let a = assetNumbers[asset], let r = roundNumbers[RoundKey(asset: a, settlesAt: settlesAt)] else { return 0 }
        return exposure[UInt64(r) << 32 | UInt64(user.raw)] ?? 0
    }

    // MARK: Placement

    /// Places a prediction at time `now`; on success the stake moves into the round's escrow and the
    /// placement receipt goes to the outbox. A refusal changes nothing. A retry with the same client key
    /// returns the first result (`replayed`), whatever the time.
    public mutating func place(_ request: PlacementRequest, at now: UInt64) throws(PlacementError) -> Placement {
        let admitted = try admit(request, at: now)
        let number = Int(admitted.number)
        if admitted.replayed {
            let p = predictions[number]
            return Placement(prediction: p, receipt: p.placementReceipt, leaf: p.placementLeaf, replayed: true)
        }
        let commitment = Keccak256.hash(users[Int(request.user.raw)].addressWord, predictions[number].salt)
        predictions[number].userCommitment = commitment
        let receipt = predictions[number].placementReceipt
        let leaf = ReceiptHashing.leaf(receipt)
        predictions[number].placementLeaf = leaf
        outbox.appendEntry(receipt, leaf: leaf)
        return Placement(prediction: predictions[number], receipt: receipt, leaf: leaf, replayed: false)
    }

    /// Places the requests in order, each at its time, exactly as that many calls of `place(_:at:)` would
    /// (same predictions, ids, salts, receipts, leaves, outbox order, refusals and replays, also of requests
    /// replaying an earlier one of the same batch), but hashes the user commitments and placement leaves four
    /// at a time (`configuration.keccak`). Returns one result per request, in order.
    public mutating func place(contentsOf requests: some Collection<(PlacementRequest, UInt64)>)
        -> [Result<Placement, PlacementError>] {
        var admitted: [Result<(number: UInt32, replayed: Bool), PlacementError>] = []
        admitted.reserveCapacity(requests.count)
        let first = predictions.count
        for (request, now) in requests {
            do { admitted.append(.success(try admit(request, at: now))) } catch { admitted.append(.failure(error)) }
        }
        let end = predictions.count
        if end > first { hashPlacements(first..<end) }
        var results: [Result<Placement, PlacementError>] = []
        results.reserveCapacity(admitted.count)
        for a in admitted {
            switch a {
            case .failure(let error):
                results.append(.failure(error))
            case .success(let (number, replayed)):
                let p = predictions[Int(number)]
                let receipt = p.placementReceipt
                if !replayed { outbox.appendEntry(receipt, leaf: p.placementLeaf) }
                results.append(.success(Placement(prediction: p, receipt: receipt, leaf: p.placementLeaf, replayed: replayed)))
            }
        }
        return results
    }

    /// Fills in the user commitments and placement leaves of the admitted predictions `range`, four at a time.
    private mutating func hashPlacements(_ range: Range<Int>) {
        let backend = configuration.keccak
        users.withUnsafeBufferPointer { users in
            predictions.withUnsafeMutableSlots { slots in
                var i = range.lowerBound
                if backend.usesX4 {
                    withUnsafeTemporaryAllocation(byteCount: 4 * Receipt.encodedSize, alignment: 32) { scratch in
                        withUnsafeTemporaryAllocation(of: Bytes32.self, capacity: 4) { out in
                            out.initialize(repeating: .zero)
                            let raw = UnsafeMutableRawPointer(scratch.baseAddress!)
                            while i + 4 <= range.upperBound {
                                // Commitments: keccak256(address word ‖ salt), 64 bytes each.
                                for j in 0..<4 {
                                    let p = slots[i + j].pointee
                                    raw.storeBytes(of: users[Int(p.user.raw)].addressWord, toByteOffset: 64 * j, as: Bytes32.self)
                                    raw.storeBytes(of: p.salt, toByteOffset: 64 * j + 32, as: Bytes32.self)
                                }
                                KeccakBatch.hash4(scratch, length: 64, double: false, into: out.baseAddress!)
                                for j in 0..<4 { slots[i + j].pointee.userCommitment = out[j] }
                                ReceiptHashing.leaves4(slots[i].pointee.placementReceipt, slots[i + 1].pointee.placementReceipt,
                                                       slots[i + 2].pointee.placementReceipt, slots[i + 3].pointee.placementReceipt,
                                                       scratch: scratch, into: out.baseAddress!)
                                for j in 0..<4 { slots[i + j].pointee.placementLeaf = out[j] }
                                i += 4
                            }
                        }
                    }
                }
                while i < range.upperBound {
                    slots[i].pointee.userCommitment = Keccak256.hash(users[Int(slots[i].pointee.user.raw)].addressWord, slots[i].pointee.salt)
                    slots[i].pointee.placementLeaf = ReceiptHashing.leaf(slots[i].pointee.placementReceipt)
                    i += 1
                }
            }
        }
    }

    /// Validates a placement and, if it is accepted, does all of it but the hashing: stake into escrow, pools,
    /// exposure, idempotency key, and the prediction (id and salt drawn; commitment and leaf still zero). A
    /// retry of an earlier request returns that prediction's number with `replayed`. A refusal changes nothing.
    private mutating func admit(_ request: PlacementRequest, at now: UInt64) throws(PlacementError) -> (number: UInt32, replayed: Bool) {
        if let key = request.clientKey, let number = idempotency[IdempotencyKey(user: request.user.raw, key: key)] {
            let p = predictions[Int(number)]
            guard p.asset == request.asset, p.direction == request.direction, p.stake == request.stake,
                  request.settlesAt == nil || request.settlesAt == p.settlesAt else {
                throw .idempotencyConflict(clientKey: key)
            }
            return (number, true)
        }
        guard Int(request.user.raw) < users.count else { throw .unknownUser(request.user) }
        guard let assetNumber = assetNumbers[request.asset] else { throw .unknownAsset(request.asset.symbol) }
        let asset = assets[Int(assetNumber)]
        guard asset.enabled else { throw .assetDisabled(request.asset.symbol) }
        let schedule = configuration.schedule
        let mark = schedule.mark(after: now)
        let cutoff = schedule.cutoff(of: mark)
        if let requested = request.settlesAt, requested != mark { throw .roundNotOpen(requested: requested, open: mark) }
        guard now < cutoff else { throw .afterCutoff(settlesAt: mark, cutoff: cutoff, now: now) }
        let limits = configuration.limits
        guard request.stake >= limits.minimum else { throw .stakeBelowMinimum(stake: request.stake, minimum: limits.minimum) }
        guard request.stake <= limits.maximum else { throw .stakeAboveMaximum(stake: request.stake, maximum: limits.maximum) }
        guard let entryPrice = asset.currentPrice else { throw .priceUnavailable(request.asset.symbol) }

        // The round (looked up, created only once the placement is accepted), refused if already locked.
        var existingRound: UInt32?
        if asset.openMark == mark {
            existingRound = asset.openRound
        } else {
            existingRound = roundNumbers[RoundKey(asset: assetNumber, settlesAt: mark)]
        }
        if let r = existingRound, rounds[Int(r)].locked { throw .afterCutoff(settlesAt: mark, cutoff: cutoff, now: now) }

        let user = users[Int(request.user.raw)]
        let current = existingRound.map { exposure[UInt64($0) << 32 | UInt64(request.user.raw)] ?? 0 } ?? 0
        guard current + request.stake <= limits.exposureCap else {
            throw .exposureCapExceeded(current: current, stake: request.stake, cap: limits.exposureCap)
        }
        let balance = ledger.balance(user.account)
        guard balance >= Int64(request.stake) else {
            throw .insufficientBalance(available: UInt64(max(0, balance)), required: request.stake)
        }

        // Accepted: nothing below can fail.
        let roundNumber: UInt32
        if let r = existingRound {
            roundNumber = r
        } else {
            roundNumber = roundFor(asset: assetNumber, settlesAt: mark)
            assets[Int(assetNumber)].openMark = mark
            assets[Int(assetNumber)].openRound = roundNumber
        }
        let exposureKey = UInt64(roundNumber) << 32 | UInt64(request.user.raw)
        let number = UInt32(predictions.count)
        let round = rounds[Int(roundNumber)]
        try! ledger.transfer(request.stake, from: user.account, to: round.escrow, kind: .stake, reference: UInt64(number))  // invariant: admit checked the balance
        exposure[exposureKey] = current + request.stake
        if request.direction == .up {
            rounds[Int(roundNumber)].upPool += request.stake
        } else {
            rounds[Int(roundNumber)].downPool += request.stake
        }
        rounds[Int(roundNumber)].predictions.append(number)

        sequence += 1
        let id = request.predictionID ?? makePredictionID(placedAt: now)
        let salt = request.salt ?? Bytes32 { out in
            for i in 0..<4 { out.storeBytes(of: nextRandom(), toByteOffset: i * 8, as: UInt64.self) }
        }
        let prediction = Prediction(number: number, id: id, user: request.user, asset: request.asset,
                                    direction: request.direction, stake: request.stake, placedAt: now, settlesAt: mark,
                                    entryPrice: entryPrice, salt: salt, userCommitment: .zero, placementLeaf: .zero,
                                    clientKey: request.clientKey, outcome: .pending, payout: 0, round: roundNumber)
        predictions.append(prediction)
        if let key = request.clientKey { idempotency[IdempotencyKey(user: request.user.raw, key: key)] = number }
        return (number, false)
    }

    /// UUIDv7 layout: 48-bit unix milliseconds, version 7, 12 random bits, variant `10`, 22 random bits and
    /// a 40-bit sequence number (unique per engine); then 16 zero bytes (§2.3).
    private mutating func makePredictionID(placedAt: UInt64) -> Bytes32 {
        let r = nextRandom()
        let high = (placedAt &* 1000) << 16 | 0x7000 | (r & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | ((r >> 12) & 0x3F_FFFF) << 40 | (sequence & 0xFF_FFFF_FFFF)
        return Bytes32 { out in
            out.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            out.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
    }

    private mutating func roundFor(asset: UInt32, settlesAt: UInt64) -> UInt32 {
        let key = RoundKey(asset: asset, settlesAt: settlesAt)
        if let n = roundNumbers[key] { return n }
        let escrow = ledger.open(.escrow)
        rounds.append(Round(asset: asset, settlesAt: settlesAt, escrow: escrow))
        let n = UInt32(rounds.count - 1)
        roundNumbers[key] = n
        return n
    }

    // MARK: Odds

    /// Live odds of the round of `asset` settling at `settlesAt` for a user of `tier`.
    public func odds(asset: AssetID, settlesAt: UInt64, tier: VIPTier = .standard) -> LiveOdds {
        var up: UInt64 = 0, down: UInt64 = 0
        if let a = assetNumbers[asset], let r = roundNumbers[RoundKey(asset: a, settlesAt: settlesAt)] {
            up = rounds[Int(r)].upPool
            down = rounds[Int(r)].downPool
        }
        let bps = configuration.fees.bps(for: tier)
        func multiple(_ side: UInt64, _ other: UInt64) -> PayoutMultiple? {
            guard side > 0, other > 0 else { return nil }
            let fee = UInt64(UInt128(other) * UInt128(bps) / 10_000)
            return PayoutMultiple(numerator: side + other - fee, denominator: side)
        }
        return LiveOdds(upPool: up, downPool: down, up: multiple(up, down), down: multiple(down, up))
    }

    // MARK: Lock and settlement

    /// Records the lock price (aggregated at the cutoff; `nil` = missing) and closes the round to
    /// new predictions. Call at the cutoff.
    public mutating func lock(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws(SettlementError) {
        guard let a = assetNumbers[id] else { throw .unknownAsset(id.symbol) }
        guard SettlementSchedule.isSettlementTime(settlesAt) else { throw .notAMark(settlesAt) }
        let r = Int(roundFor(asset: a, settlesAt: settlesAt))
        guard rounds[r].report == nil else { throw .alreadySettled(asset: id.symbol, settlesAt: settlesAt) }
        guard !rounds[r].locked else { throw .alreadyLocked(asset: id.symbol, settlesAt: settlesAt) }
        rounds[r].locked = true
        rounds[r].lockPrice = price
        priceHistory.recordLock(asset: id, settlesAt: settlesAt, price: price)
    }

    /// Settles the round of `asset` at the mark `settlesAt` with the aggregated settlement price (`nil` =
    /// missing): pays winners, refunds, takes fees and dust, emits one settlement receipt per prediction.
    /// A round never locked is settled as void (missing lock price). A round settles once.
    public mutating func settle(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws(SettlementError) -> RoundReport {
        guard let a = assetNumbers[id] else { throw .unknownAsset(id.symbol) }
        guard SettlementSchedule.isSettlementTime(settlesAt) else { throw .notAMark(settlesAt) }
        let r = Int(roundFor(asset: a, settlesAt: settlesAt))
        guard rounds[r].report == nil else { throw .alreadySettled(asset: id.symbol, settlesAt: settlesAt) }
        if !rounds[r].locked {
            rounds[r].locked = true
            priceHistory.recordLock(asset: id, settlesAt: settlesAt, price: nil)
        }
        priceHistory.recordMark(asset: id, settlesAt: settlesAt, price: price)
        let round = rounds[r]
        let lockPrice = round.lockPrice
        let result: RoundResult
        if let lockPrice {
            if let price {
                if price == lockPrice {
                    result = .push
                } else if round.upPool == 0 || round.downPool == 0 {
                    result = .void(.oneSided)
                } else {
                    result = price > lockPrice ? .up : .down
                }
            } else {
                result = .void(.missingSettlementPrice)
            }
        } else {
            result = .void(.missingLockPrice)
        }

        let winning: Receipt.Direction?
        switch result {
        case .up: winning = .up
        case .down: winning = .down
        case .push, .void: winning = nil
        }
        let refundOutcome: Receipt.Outcome = result == .push ? .push : .void
        let w = winning == .up ? round.upPool : round.downPool
        let l = winning == .up ? round.downPool : round.upPool
        let feeBps = VIPTier.allCases.map { configuration.fees.bps(for: $0) }
        var paid: UInt64 = 0, refunded: UInt64 = 0, fees: UInt64 = 0, shares: UInt64 = 0, winners = 0

        // The money, in placement order (sequential: the ledger is one journal).
        do {
            for number in round.predictions {
                let p = predictions[Int(number)]
                let user = users[Int(p.user.raw)]
                let outcome: Receipt.Outcome
                var payout: UInt64 = 0
                if let winning {
                    if p.direction == winning {
                        let share = w.dividingFullWidth(p.stake.multipliedFullWidth(by: l)).quotient
                        let fee = UInt64(10_000).dividingFullWidth(share.multipliedFullWidth(by: feeBps[Int(user.tier.rawValue)])).quotient
                        payout = p.stake + share - fee
                        shares += share
                        fees += fee
                        paid += payout
                        winners += 1
                        outcome = .win
                        try! ledger.transfer(payout, from: round.escrow, to: user.account, kind: .payout, reference: UInt64(number))  // invariant: the escrow holds every stake of the round
                    } else {
                        outcome = .loss
                    }
                } else {
                    payout = p.stake
                    refunded += payout
                    outcome = refundOutcome
                    try! ledger.transfer(payout, from: round.escrow, to: user.account, kind: .refund, reference: UInt64(number))  // invariant: the escrow holds every stake of the round
                }
                predictions[Int(number)].outcome = outcome
                predictions[Int(number)].payout = payout
            }
        }
        // One settlement receipt per prediction, with its leaf, into the outbox in the same order.
        Self.emitSettlementReceipts(into: &outbox, of: round.predictions, in: predictions, entryPrice: UInt128(lockPrice ?? 0),
                                    settlementPrice: UInt128(price ?? 0), keccak: configuration.keccak)
        let dust = winning == nil ? 0 : l - shares
        if fees > 0 { try! ledger.transfer(fees, from: round.escrow, to: .fees, kind: .fee, reference: UInt64(r)) }  // invariant: fees and dust come out of the escrow
        if dust > 0 { try! ledger.transfer(dust, from: round.escrow, to: .dust, kind: .dust, reference: UInt64(r)) }  // invariant: fees and dust come out of the escrow

        let report = RoundReport(asset: id, settlesAt: settlesAt, lockPrice: lockPrice, settlementPrice: price,
                                 upPool: round.upPool, downPool: round.downPool, result: result,
                                 predictions: round.predictions.count, winners: winners, paidToWinners: paid,
                                 refunded: refunded, fees: fees, dust: dust, receiptsEmitted: round.predictions.count)
        precondition(report.isConserved && ledger.balance(round.escrow) == 0,
                     "conservation violated in round \(id) \(settlesAt): \(report)")
        rounds[r].report = report
        rounds[r].predictions = []
        rounds[r].predictions.reserveCapacity(0)
        return report
    }

    /// Appends the settlement receipts of the (settled) predictions `numbers`, in order, with their leaves, to
    /// the outbox. Receipts and leaves are independent of each other, so large rounds are built and hashed on
    /// every core, each chunk straight into its own slots of the outbox (which may span the outbox's storage chunks), the leaves four at a time (`keccak`);
    /// the result does not depend on it.
    private static func emitSettlementReceipts(into outbox: inout ReceiptOutbox, of numbers: [UInt32], in predictions: SegmentedArray<Prediction>,
                                               entryPrice: UInt128, settlementPrice: UInt128, keccak: KeccakBackend) {
        let n = numbers.count
        guard n > 0 else { return }
        let chunk = 4_096
        predictions.withUnsafeSlots { all in
            numbers.withUnsafeBufferPointer { numbers in
                outbox.appendEntries(count: n) { slots, firstSequence in
                    nonisolated(unsafe) let numbers = numbers
                    let fill: @Sendable (Range<Int>) -> Void = { range in
                        @inline(__always) func receipt(_ i: Int) -> Receipt {
                            let p = all[Int(numbers[i])].pointee
                            return Receipt(kind: .settlement, predictionId: p.id, userCommitment: p.userCommitment,
                                           asset: p.asset, direction: p.direction, stake: UInt128(p.stake),
                                           placedAt: p.placedAt, settlesAt: p.settlesAt, entryPrice: entryPrice,
                                           settlementPrice: settlementPrice, outcome: p.outcome, payout: UInt128(p.payout))
                        }
                        var i = range.lowerBound
                        if keccak.usesX4 {
                            withUnsafeTemporaryAllocation(byteCount: 4 * Receipt.encodedSize, alignment: 32) { scratch in
                                withUnsafeTemporaryAllocation(of: Bytes32.self, capacity: 4) { leaves in
                                    leaves.initialize(repeating: .zero)
                                    while i + 4 <= range.upperBound {
                                        let receipts = (receipt(i), receipt(i + 1), receipt(i + 2), receipt(i + 3))
                                        ReceiptHashing.leaves4(receipts.0, receipts.1, receipts.2, receipts.3, scratch: scratch,
                                                               into: leaves.baseAddress!)
                                        let sequence = firstSequence + UInt64(i)
                                        slots[i].initialize(to: OutboxEntry(sequence: sequence, receipt: receipts.0, leaf: leaves[0]))
                                        slots[i + 1].initialize(to: OutboxEntry(sequence: sequence + 1, receipt: receipts.1, leaf: leaves[1]))
                                        slots[i + 2].initialize(to: OutboxEntry(sequence: sequence + 2, receipt: receipts.2, leaf: leaves[2]))
                                        slots[i + 3].initialize(to: OutboxEntry(sequence: sequence + 3, receipt: receipts.3, leaf: leaves[3]))
                                        i += 4
                                    }
                                }
                            }
                        }
                        while i < range.upperBound {
                            let r = receipt(i)
                            slots[i].initialize(to: OutboxEntry(sequence: firstSequence + UInt64(i), receipt: r, leaf: ReceiptHashing.leaf(r)))
                            i += 1
                        }
                    }
                    let chunks = (n + chunk - 1) / chunk
                    if chunks <= 1 {
                        fill(0..<n)
                    } else {
                        // Each chunk initializes its own disjoint slots; the caller waits for all of them.
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in fill((c * chunk)..<min(n, (c + 1) * chunk)) }
                    }
                }
            }
        }
    }

    /// The report of a settled round, or `nil`.
    public func report(asset id: AssetID, settlesAt: UInt64) -> RoundReport? {
        guard let a = assetNumbers[id], let r = roundNumbers[RoundKey(asset: a, settlesAt: settlesAt)] else { return nil }
        return rounds[Int(r)].report
    }

    /// Whether the round is locked (cutoff passed in the engine's view, or settled).
    public func isLocked(asset id: AssetID, settlesAt: UInt64) -> Bool {
        guard let a = assetNumbers[id], let r = roundNumbers[RoundKey(asset: a, settlesAt: settlesAt)] else { return false }
        return rounds[Int(r)].locked
    }
}
