import EVM
import EVMRPC
import Foundation
import GRDB
import PredictionCore
import PredictionStore
import SixNinesContracts

/// An engine whose users' VIP tiers can be changed: the in-memory `PredictionEngine` and the durable engine.
public protocol TierSetting {
    /// The engine's state.
    var engine: PredictionEngine { get }
    /// Changes a user's tier.
    mutating func setTier(_ tier: VIPTier, of user: UserID) throws
}

extension PredictionEngine: TierSetting {}
extension DurableEngine: TierSetting {}

/// VIP passes read from chain set the fee tier of their holders in the core: a holder of a VIP Diamond pass pays no
/// fee, of a VIP Gold pass half the fee (`FeeSchedule.bps(for:)`), anyone else the standard fee. Who holds which pass
/// is cached in the SQLite file (`badge_vip_tokens`) with the block it was read at (`badge_vip_cursor`), and refreshed
/// from the `Transfer` events after that block (mints and sales are transfers from the zero address).
public final class VIPTierCache: @unchecked Sendable {
    private let database: DatabaseQueue
    /// The Badges contract.
    public let contract: Address

    /// Opens (creating the tables if needed) the cache in the SQLite file at `path`.
    public init(path: String, contract: Address) throws(BadgeError) {
        self.contract = contract
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.journalMode = .wal
        do {
            database = try DatabaseQueue(path: path, configuration: config)
            try database.requireDurableCommits()
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS badge_vip_tokens(contract TEXT NOT NULL, token_id TEXT NOT NULL, class INTEGER NOT NULL,
                      owner TEXT NOT NULL, PRIMARY KEY(contract, token_id));
                    CREATE TABLE IF NOT EXISTS badge_vip_cursor(contract TEXT PRIMARY KEY, block INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS badge_vip_holders(contract TEXT NOT NULL, address TEXT NOT NULL, PRIMARY KEY(contract, address));
                    """)
            }
        } catch {
            throw .journal("\(path): \(error)")
        }
    }

    /// The block the cache was last refreshed at (nil before the first refresh).
    public func block() throws(BadgeError) -> UInt64? {
        do {
            return try database.read { db in
                try Int64.fetchOne(db, sql: "SELECT block FROM badge_vip_cursor WHERE contract = ?", arguments: [contract.checksummed])
            }.map { UInt64($0) }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// The tier of `address` from the cached passes.
    public func tier(of address: Address) throws(BadgeError) -> VIPTier {
        do {
            let classes = try database.read { db in
                try Int64.fetchAll(db, sql: "SELECT class FROM badge_vip_tokens WHERE contract = ? AND owner = ?",
                                   arguments: [contract.checksummed, address.checksummed])
            }
            if classes.contains(Int64(BadgeClass.vipDiamond.rawValue)) { return .diamond }
            if classes.contains(Int64(BadgeClass.vipGold.rawValue)) { return .gold }
            return .standard
        } catch {
            throw .journal("\(error)")
        }
    }

    /// Reads the `Transfer` events of VIP passes after the cached block (from `fromBlock` the first time) up to the
    /// head, updates the holders and the block in one commit, and returns the tier of every address that ever held a
    /// pass (so applying it again after a crash between the commit and `apply` still reaches everyone; addresses that
    /// never held a pass keep the tier the core gave them).
    public func refresh(_ badges: Badges, fromBlock: UInt64 = 0) async throws(BadgeError) -> [Address: VIPTier] {
        let start = try block().map { $0 + 1 } ?? fromBlock
        do {
            let head = try await badges.connection.client.blockNumber()
            if start <= head {
                let transfers = try await badges.fetchEvents(Badges.Transfer.self, fromBlock: .number(start), toBlock: .number(head))
                try store(transfers, head: head)
            }
        } catch let error as BadgeError {
            throw error
        } catch {
            throw .chain("reading VIP transfers: \(error)")
        }
        var tiers: [Address: VIPTier] = [:]
        for address in try holders() { tiers[address] = try tier(of: address) }
        return tiers
    }

    /// Every address that ever held a VIP pass of the contract (as far as the cache has read).
    public func holders() throws(BadgeError) -> [Address] {
        do {
            return try database.read { db in
                try String.fetchAll(db, sql: "SELECT address FROM badge_vip_holders WHERE contract = ?", arguments: [contract.checksummed])
                    .map { try Address($0) }
            }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// Records the holders moved by `transfers` and the cursor `head` in one commit.
    private func store(_ transfers: [Badges.Transfer], head: UInt64) throws(BadgeError) {
        let zero = Address(lastBytesOf: .zero)
        do {
            try database.write { db in
                for t in transfers {
                    guard let (c, _) = BadgeClass.split(t.tokenId), c == .vipDiamond || c == .vipGold else { continue }
                    try db.execute(sql: "INSERT OR REPLACE INTO badge_vip_tokens(contract, token_id, class, owner) VALUES (?, ?, ?, ?)",
                                   arguments: [contract.checksummed, t.tokenId.hexString, Int64(c.rawValue), t.receiver.checksummed])
                    for holder in [t.sender, t.receiver] where holder != zero {
                        try db.execute(sql: "INSERT OR IGNORE INTO badge_vip_holders(contract, address) VALUES (?, ?)",
                                       arguments: [contract.checksummed, holder.checksummed])
                    }
                }
                try db.execute(sql: "INSERT OR REPLACE INTO badge_vip_cursor(contract, block) VALUES (?, ?)",
                               arguments: [contract.checksummed, Int64(head)])
            }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// Sets the tier of every user of `engine` whose address is in `tiers` and whose tier differs; returns the users
    /// changed.
    @discardableResult
    public static func apply(_ tiers: [Address: VIPTier], to engine: inout some TierSetting) throws -> [(UserID, VIPTier)] {
        guard !tiers.isEmpty else { return [] }
        var changed: [(UserID, VIPTier)] = []
        for raw in 0..<engine.engine.userCount {
            let user = UserID(raw: UInt32(raw))
            guard let address = engine.engine.address(of: user), let tier = tiers[address], engine.engine.tier(of: user) != tier else { continue }
            try engine.setTier(tier, of: user)
            changed.append((user, tier))
        }
        return changed
    }
}
