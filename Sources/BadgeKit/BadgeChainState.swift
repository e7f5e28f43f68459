import EVM
import EVMRPC
import SixNinesContracts

/// What the Badges contract holds, read through its binding at one block: every token minted (from `BadgeMinted`),
/// its current owner (from `Transfer`), its stats (the latest `StatsUpdated`) and the contract's `minted(class)`
/// counters of the capped classes.
public struct BadgeChainState: Sendable {
    /// One token.
    public struct Token: Sendable, Hashable {
        /// `class << 128 | serial`.
        public let tokenID: UInt256
        /// Its class.
        public let badgeClass: BadgeClass
        /// Its serial (the season for a champion).
        public let serial: UInt128
        /// Who it was minted to (or who bought it, for a VIP pass).
        public let receiver: Address
        /// Who holds it now.
        public internal(set) var owner: Address
        /// The stats it shows.
        public internal(set) var stats: TokenStats

        /// A token (tests and previews; `read` builds them from the logs).
        public init(tokenID: UInt256, badgeClass: BadgeClass, serial: UInt128, receiver: Address, owner: Address, stats: TokenStats) {
            self.tokenID = tokenID
            self.badgeClass = badgeClass
            self.serial = serial
            self.receiver = receiver
            self.owner = owner
            self.stats = stats
        }
    }

    /// The block the state was read at.
    public let block: UInt64
    /// Every token, by id.
    public internal(set) var tokens: [UInt256: Token]
    /// `minted(class)` of every class (tokens counted by the contract against its cap).
    public internal(set) var minted: [BadgeClass: UInt64]

    /// A state from its parts (tests and previews).
    public init(block: UInt64, tokens: [Token], minted: [BadgeClass: UInt64]) {
        self.block = block
        self.tokens = Dictionary(tokens.map { ($0.tokenID, $0) }, uniquingKeysWith: { a, _ in a })
        self.minted = minted
    }

    /// The tokens of `badgeClass` minted to `address` (whoever holds them now), oldest first.
    public func minted(_ badgeClass: BadgeClass, to address: Address) -> [Token] {
        tokens.values.filter { $0.badgeClass == badgeClass && $0.receiver == address }.sorted { $0.serial < $1.serial }
    }

    /// The tokens `address` holds now, by token id.
    public func held(by address: Address) -> [Token] {
        tokens.values.filter { $0.owner == address }.sorted { $0.tokenID < $1.tokenID }
    }

    /// Reads the state of `badges` at the current head, from the logs since `fromBlock` (the deployment block when
    /// known: earlier blocks hold none of its logs).
    public static func read(_ badges: Badges, fromBlock: BlockTag = .earliest) async throws(BadgeError) -> BadgeChainState {
        do {
            let head = try await badges.connection.client.blockNumber()
            let to = BlockTag.number(head)
            let mints = try await badges.fetchEvents(Badges.BadgeMinted.self, fromBlock: fromBlock, toBlock: to)
            let updates = try await badges.fetchEvents(Badges.StatsUpdated.self, fromBlock: fromBlock, toBlock: to)
            let transfers = try await badges.fetchEvents(Badges.Transfer.self, fromBlock: fromBlock, toBlock: to)
            var tokens: [UInt256: Token] = [:]
            for m in mints {
                guard let (c, serial) = BadgeClass.split(m.tokenId), UInt256(c.rawValue) == m.badgeClass else {
                    throw BadgeError.chain("BadgeMinted of token \(m.tokenId.hexString) with class \(m.badgeClass) is not a badge")
                }
                tokens[m.tokenId] = Token(tokenID: m.tokenId, badgeClass: c, serial: serial, receiver: m.receiver, owner: m.receiver,
                                          stats: .zero)
            }
            for t in transfers { tokens[t.tokenId]?.owner = t.receiver }
            for u in updates {
                tokens[u.tokenId]?.stats = TokenStats(wins: u.wins, predictions: u.predictions, bestStreak: u.bestStreak)
            }
            var minted: [BadgeClass: UInt64] = [:]
            for c in BadgeClass.allCases {
                let n = try await badges.minted(arg0: UInt256(c.rawValue), block: to)
                minted[c] = n > UInt256(UInt64.max) ? .max : UInt64(truncatingIfNeeded: n)
            }
            return BadgeChainState(block: head, tokens: Array(tokens.values), minted: minted)
        } catch let error as BadgeError {
            throw error
        } catch {
            throw .chain("reading Badges at \(badges.address.checksummed): \(error)")
        }
    }
}
