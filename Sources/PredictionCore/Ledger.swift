/// An account of the ledger.
public struct AccountID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Index in the ledger.
    public let raw: UInt32
    /// An account id from its index.
    @inlinable public init(raw: UInt32) { self.raw = raw }
    public static func < (a: AccountID, b: AccountID) -> Bool { a.raw < b.raw }
    /// `account#` and the number.
    public var description: String { "account#\(raw)" }

    /// The faucet: the outside world in paper-money mode; its balance is minus everything deposited.
    public static let faucet = AccountID(raw: 0)
    /// Treasury: platform fees.
    public static let fees = AccountID(raw: 1)
    /// Treasury: rounding dust.
    public static let dust = AccountID(raw: 2)
}

/// What kind of account.
public enum AccountKind: UInt8, Sendable {
    /// The faucet (may go negative).
    case faucet
    /// Fee treasury.
    case fees
    /// Dust treasury.
    case dust
    /// A user's spendable balance.
    case user
    /// A round's escrow: the stakes of its predictions until settlement (zero afterwards).
    case escrow
}

/// Why money moved.
public enum EntryKind: UInt8, Sendable, CaseIterable {
    /// Faucet → user.
    case deposit = 1
    /// User → round escrow at placement.
    case stake = 2
    /// Escrow → winner.
    case payout = 3
    /// Escrow → user (push, void, one-sided round).
    case refund = 4
    /// Escrow → fee treasury.
    case fee = 5
    /// Escrow → dust treasury.
    case dust = 6
}

/// One journal line: `amount` moved from `debit` to `credit`.
public struct JournalEntry: Hashable, Sendable {
    /// The account that pays.
    public let from: AccountID
    /// The account that receives.
    public let to: AccountID
    /// Micro-units, > 0.
    public let amount: UInt64
    /// Why.
    public let kind: EntryKind
    /// A reference (prediction number for stakes, payouts and refunds; round number for fees and dust).
    public let reference: UInt64
}

/// Ledger refusals (the engine checks first, so these only signal a bug in a caller).
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An account that does not exist.
    case unknownAccount(AccountID)
    /// A transfer that would take an account other than the faucet below zero.
    case insufficientFunds(AccountID, balance: Int64, amount: UInt64)
    /// A zero amount, or one beyond `Int64.max`.
    case invalidAmount(UInt64)
    /// A user the engine does not know.
    case unknownUser(UserID)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .unknownAccount(let a): return "unknown \(a)"
        case .insufficientFunds(let a, let b, let x): return "\(a) holds \(b), cannot pay \(x)"
        case .invalidAmount(let x): return "invalid amount \(x)"
        case .unknownUser(let u): return "unknown \(u)"
        }
    }
}

/// A double-entry ledger in micro-units: every movement debits one account and credits another by
/// the same amount, so the sum of all balances is always zero (the faucet holds minus what it issued).
/// No account but the faucet can go below zero.
public struct Ledger: Sendable {
    /// Balances by account index.
    public private(set) var balances: [Int64]
    /// Kinds by account index.
    public private(set) var kinds: [AccountKind]
    /// Every movement, in order (chunked storage: a movement never copies the earlier ones).
    public private(set) var journal = SegmentedArray<JournalEntry>()
    /// Whether movements are written to `journal` (benchmarks may turn it off; balances are kept either way).
    public var keepsJournal: Bool

    /// A ledger with the faucet and the two treasury accounts.
    public init(keepsJournal: Bool = true) {
        balances = [0, 0, 0]
        kinds = [.faucet, .fees, .dust]
        self.keepsJournal = keepsJournal
    }

    /// Opens a new account with a zero balance.
    public mutating func open(_ kind: AccountKind) -> AccountID {
        balances.append(0)
        kinds.append(kind)
        return AccountID(raw: UInt32(balances.count - 1))
    }

    /// The balance of `account` (0 for an unknown one).
    @inlinable
    public func balance(_ account: AccountID) -> Int64 {
        Int(account.raw) < balances.count ? balances[Int(account.raw)] : 0
    }

    /// The sum of all balances: zero, always.
    public var total: Int64 { balances.reduce(0, &+) }

    /// Moves `amount` from `from` to `to`.
    public mutating func transfer(_ amount: UInt64, from: AccountID, to: AccountID, kind: EntryKind,
                                  reference: UInt64) throws(LedgerError) {
        let f = Int(from.raw), t = Int(to.raw)
        guard f < balances.count else { throw .unknownAccount(from) }
        guard t < balances.count else { throw .unknownAccount(to) }
        guard amount > 0, amount <= UInt64(Int64.max) else { throw .invalidAmount(amount) }
        let a = Int64(amount)
        if from != .faucet, balances[f] < a { throw .insufficientFunds(from, balance: balances[f], amount: amount) }
        balances[f] -= a
        balances[t] += a
        if keepsJournal {
            journal.append(JournalEntry(from: from, to: to, amount: amount, kind: kind, reference: reference))
        }
    }

    /// Replays the journal from zero and checks it gives the current balances (`true` if it does).
    public func journalReproducesBalances() -> Bool {
        var replay = [Int64](repeating: 0, count: balances.count)
        for e in journal {
            replay[Int(e.from.raw)] -= Int64(e.amount)
            replay[Int(e.to.raw)] += Int64(e.amount)
        }
        return replay == balances
    }
}
