import EVM
import Foundation
import GRDB
import PredictionStore

/// The sync's journal: every badge transaction is recorded (signed bytes, nonce, what it does) **before** it is sent,
/// in the `badge_journal` table of the core's SQLite database (or any file), so a sync killed at any point is finished
/// by the next one — which waits for, or rebroadcasts, what it finds recorded before planning anything new — and never
/// mints twice.
public final class BadgeJournal: @unchecked Sendable {
    /// One recorded transaction.
    public struct Entry: Sendable, Hashable {
        /// Row id.
        public let id: Int64
        /// `mint` or `stats`.
        public let action: String
        /// What it does, for people (`mint first-win to 0x…`).
        public let summary: String
        /// The sender's nonce it uses.
        public let nonce: UInt64
        /// Every signed version (the first, then fee-bumped replacements), oldest first.
        public let hashes: [Bytes32]
        /// The last signed version's bytes.
        public let raw: [UInt8]
        /// The calldata.
        public let data: [UInt8]
        /// `signed` (recorded, maybe sent), `final` (included and succeeded), `failed` (reverted or its nonce went to
        /// another transaction).
        public let state: String
    }

    let database: DatabaseQueue
    /// The SQLite file.
    public let path: String
    /// The chain id rows belong to.
    public let chainId: UInt64
    /// The Badges contract rows belong to.
    public let contract: Address
    /// The sender (minter) rows belong to.
    public let sender: Address

    /// Opens (creating the table if needed) the journal in the SQLite file at `path`, for one chain, contract and sender.
    public init(path: String, chainId: UInt64, contract: Address, sender: Address) throws(BadgeError) {
        self.path = path
        self.chainId = chainId
        self.contract = contract
        self.sender = sender
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.journalMode = .wal
        do {
            database = try DatabaseQueue(path: path, configuration: config)
            try database.requireDurableCommits()  // GRDB's WAL set-up leaves the writer at NORMAL
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS badge_journal(id INTEGER PRIMARY KEY, chain_id INTEGER NOT NULL,
                      contract TEXT NOT NULL, sender TEXT NOT NULL, action TEXT NOT NULL, summary TEXT NOT NULL,
                      nonce INTEGER NOT NULL, hashes TEXT NOT NULL, raw BLOB NOT NULL, data BLOB NOT NULL,
                      state TEXT NOT NULL, result TEXT, block INTEGER);
                    CREATE INDEX IF NOT EXISTS badge_journal_open ON badge_journal(chain_id, contract, sender, state, nonce);
                    """)
            }
        } catch {
            throw .journal("\(path): \(error)")
        }
    }

    /// Records signed transactions (state `signed`) in one commit; returns their row ids, in order.
    public func record(_ rows: [(action: String, summary: String, nonce: UInt64, hash: Bytes32, raw: [UInt8], data: [UInt8])])
        throws(BadgeError) -> [Int64] {
        do {
            return try database.write { db in
                var ids: [Int64] = []
                for r in rows {
                    try db.execute(sql: """
                        INSERT INTO badge_journal(chain_id, contract, sender, action, summary, nonce, hashes, raw, data, state)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed')
                        """, arguments: [Int64(chainId), contract.checksummed, sender.checksummed, r.action, r.summary,
                                         Int64(r.nonce), r.hash.description, Data(r.raw), Data(r.data)])
                    ids.append(db.lastInsertedRowID)
                }
                return ids
            }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// Records a fee-bumped replacement of row `id` before it is sent.
    public func recordReplacement(_ id: Int64, hash: Bytes32, raw: [UInt8]) throws(BadgeError) {
        do {
            try database.write { db in
                try db.execute(sql: "UPDATE badge_journal SET hashes = hashes || ',' || ?, raw = ? WHERE id = ?",
                               arguments: [hash.description, Data(raw), id])
            }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// Marks row `id` `final` or `failed`, with what happened and the block.
    public func finish(_ id: Int64, state: String, result: String, block: UInt64?) throws(BadgeError) {
        do {
            try database.write { db in
                try db.execute(sql: "UPDATE badge_journal SET state = ?, result = ?, block = ? WHERE id = ?",
                               arguments: [state, result, block.map { Int64($0) }, id])
            }
        } catch {
            throw .journal("\(error)")
        }
    }

    /// The rows still `signed` (recorded, maybe sent, not known final), by nonce.
    public func open() throws(BadgeError) -> [Entry] { try entries(where: "state = 'signed'") }

    /// Every row of this chain, contract and sender, oldest first.
    public func all() throws(BadgeError) -> [Entry] { try entries(where: "1") }

    private func entries(where condition: String) throws(BadgeError) -> [Entry] {
        do {
            return try database.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM badge_journal WHERE chain_id = ? AND contract = ? AND sender = ? AND \(condition) ORDER BY nonce, id
                    """, arguments: [Int64(chainId), contract.checksummed, sender.checksummed])
                return try rows.map { row in
                    let hashes = try (row["hashes"] as String).split(separator: ",").map { try Bytes32(hex: String($0)) }
                    return Entry(id: row["id"], action: row["action"], summary: row["summary"], nonce: UInt64(row["nonce"] as Int64),
                                 hashes: hashes, raw: [UInt8](row["raw"] as Data), data: [UInt8](row["data"] as Data), state: row["state"])
                }
            }
        } catch {
            throw .journal("\(error)")
        }
    }
}
