import EVM
import Foundation
import GRDB

// The archive of final receipts (schema `batch-v4`, see SQLiteBatchQueue.swift).
//
// Every ingest writes two unique indexes on random keys (the leaf, and the prediction id with the kind). A commit of
// 10,000 receipts dirties nearly every page of both, so when they cover every receipt ever stored the bytes written per
// commit grow with the store (measured: 100,000 receipts into a store of 1,000,000 took ten times as long as into an
// empty one). Receipts of final batches are therefore moved, in bulk and in leaf order, to `batch_receipts_final`;
// ingest looks them up there (a read) and writes only the table of recent receipts.
extension SQLiteBatchQueue {
    /// Moves the receipts of every final batch not archived yet to the archive table, in one transaction, once at least
    /// ``archiveThreshold`` of them are waiting (or whenever any are, with `force`). Returns the number moved.
    ///
    /// Lookups (``receipt(_:)``, ``receipts(of:)``, proofs and proof files) read both tables, and ingest refuses or
    /// reports as duplicates receipts found in either, so the move changes no answer of the queue.
    @discardableResult
    public func archiveFinal(force: Bool = false) async throws(BatchQueueError) -> Int {
        let threshold = force ? 1 : archiveThreshold
        return try await write { db in
            let waiting = try Int.fetchOne(db, sql: """
                SELECT COALESCE(SUM(count), 0) FROM batch_batches INDEXED BY batch_batches_unarchived WHERE state = 'final' AND archived = 0
                """) ?? 0
            guard waiting >= threshold else { return 0 }
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS archiving(id BLOB PRIMARY KEY);
                DELETE FROM temp.archiving;
                INSERT INTO temp.archiving(id) SELECT id FROM batch_batches INDEXED BY batch_batches_unarchived WHERE state = 'final' AND archived = 0;
                INSERT INTO batch_receipts_final(seq, leaf, kind, prediction_id, receipt, batch_time, deadline, ingested_at, batch_id, proof,
                  tree_index)
                  SELECT seq, leaf, kind, prediction_id, receipt, batch_time, deadline, ingested_at, batch_id, proof, tree_index
                  FROM batch_receipts WHERE batch_id IN (SELECT id FROM temp.archiving) ORDER BY leaf;
                """)
            let moved = db.changesCount
            try db.execute(sql: """
                DELETE FROM batch_receipts WHERE batch_id IN (SELECT id FROM temp.archiving);
                UPDATE batch_batches SET archived = 1 WHERE id IN (SELECT id FROM temp.archiving);
                DELETE FROM temp.archiving;
                """)
            return moved
        }
    }

    /// Whether the receipts of batch `id` were archived (an archived batch is final for good).
    static func isArchived(_ db: Database, batch id: Data) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT archived FROM batch_batches WHERE id = ?", arguments: [id]) == 1
    }
}
