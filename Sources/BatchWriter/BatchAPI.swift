import EVM
import Foundation
import PredictionStore
import Receipts

/// The daemon's HTTP API as plain functions from request parts to a status and a JSON body (the HTTP server only
/// routes): `POST /v1/receipts`, `GET /v1/receipts/{id}`, `GET /v1/batches`, `GET /v1/batches/{id}`, and the status
/// that `sixnines daemon status` prints.
public struct BatchAPI: Sendable {
    /// An answer: HTTP status and JSON body.
    public struct Answer: Sendable, Error {
        /// HTTP status code.
        public var status: Int
        /// JSON body.
        public var body: Data

        /// An answer from its parts.
        public init(status: Int, body: Data) {
            self.status = status
            self.body = body
        }
    }

    /// The store.
    public let queue: any BatchQueue
    /// Most receipts accepted in one request.
    public var maxReceiptsPerRequest: Int
    /// Called with the receipts stored by a POST (after the commit).
    public var onStored: @Sendable (Int) -> Void

    /// An API over `queue`.
    public init(queue: any BatchQueue, maxReceiptsPerRequest: Int = 10_000, onStored: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.queue = queue
        self.maxReceiptsPerRequest = maxReceiptsPerRequest
        self.onStored = onStored
    }

    static func json(_ object: Any, status: Int = 200) -> Answer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Answer(status: status, body: data)
    }

    /// A 4xx/5xx answer naming the field at fault.
    public static func error(_ status: Int, _ message: String, field: String? = nil) -> Answer {
        var object: [String: Any] = ["error": message]
        if let field { object["field"] = field }
        return json(object, status: status)
    }

    static let receiptFields: Set<String> = ["version", "kind", "predictionId", "userCommitment", "asset", "direction", "stake", "placedAt",
                                            "settlesAt", "entryPrice", "settlementPrice", "outcome", "payout"]

    /// Validates one receipt object; the receipt or (field, message).
    static func validate(_ element: Any, at index: Int) -> Result<Receipt, Answer> {
        let prefix = "[\(index)]"
        guard let object = element as? [String: Any] else { return .failure(error(400, "expected a receipt object", field: prefix)) }
        for key in object.keys.sorted() where !receiptFields.contains(key) && key != "id" && key != "leaf" {
            return .failure(error(400, "unknown field", field: "\(prefix).\(key)"))
        }
        for key in receiptFields.sorted() where object[key] == nil || object[key] is NSNull {
            return .failure(error(400, "missing field", field: "\(prefix).\(key)"))
        }
        // Integers: JSON integers or decimal strings (Receipt's decoder refuses fractions, negatives, booleans).
        let receipt: Receipt
        do {
            let data = try JSONSerialization.data(withJSONObject: object.filter { receiptFields.contains($0.key) })
            receipt = try JSONDecoder().decode(Receipt.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return .failure(error(400, context.debugDescription, field: field.isEmpty ? prefix : "\(prefix).\(field)"))
        } catch let DecodingError.keyNotFound(key, _) {
            return .failure(error(400, "missing field", field: "\(prefix).\(key.stringValue)"))
        } catch let e as ReceiptError {
            if case .invalidField(let name, let why) = e { return .failure(error(400, why, field: "\(prefix).\(name)")) }
            return .failure(error(400, "\(e)", field: "\(prefix).asset"))
        } catch {
            return .failure(Self.error(400, "\(error)", field: prefix))
        }
        func bad(_ field: String, _ why: String) -> Result<Receipt, Answer> { .failure(error(400, why, field: "\(prefix).\(field)")) }
        if receipt.version != Receipt.currentVersion { return bad("version", "must be \(Receipt.currentVersion)") }
        if !SettlementSchedule.isSettlementTime(receipt.settlesAt) { return bad("settlesAt", "not a settlement mark (settlesAt % 600 must be 540)") }
        if receipt.settlesAt <= receipt.placedAt { return bad("settlesAt", "must be after placedAt") }
        switch receipt.kind {
        case .placement:
            if receipt.settlementPrice != 0 { return bad("settlementPrice", "must be 0 on a placement receipt") }
            if receipt.outcome != .pending { return bad("outcome", "must be 0 (pending) on a placement receipt") }
            if receipt.payout != 0 { return bad("payout", "must be 0 on a placement receipt") }
        case .settlement:
            if receipt.outcome == .pending { return bad("outcome", "a settlement receipt has an outcome") }
        }
        for key in ["id", "leaf"] {
            guard let given = object[key] else { continue }
            guard let text = given as? String, let word = try? Bytes32(hex: text) else { return bad(key, "expected a 32-byte hex value") }
            if word != receipt.leaf { return .failure(error(422, "the receipt's fields hash to \(receipt.leaf), not \(word)", field: "\(prefix).\(key)")) }
        }
        return .success(receipt)
    }

    /// `POST /v1/receipts`: a JSON array of receipts; all stored (idempotently) and committed, or none.
    public func postReceipts(_ body: Data) async -> Answer {
        guard let parsed = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return Self.error(400, "the body is not JSON", field: "body")
        }
        guard let array = parsed as? [Any] else { return Self.error(400, "expected a JSON array of receipts", field: "body") }
        guard !array.isEmpty else { return Self.error(400, "no receipts", field: "body") }
        guard array.count <= maxReceiptsPerRequest else {
            return Self.error(413, "\(array.count) receipts; at most \(maxReceiptsPerRequest) per request", field: "body")
        }
        var receipts: [Receipt] = []
        receipts.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            switch Self.validate(element, at: index) {
            case .success(let r): receipts.append(r)
            case .failure(let answer): return answer
            }
        }
        let outcomes: [IngestOutcome]
        do { outcomes = try await queue.ingest(receipts, now: BatchWriterEngine.wallClock()) } catch {
            if case .conflict(let index, let existing) = error {
                return Self.error(409, "another receipt \(existing) has this prediction id and kind", field: "[\(index)].predictionId")
            }
            return Self.error(503, "not stored: \(error)")
        }
        let stored = outcomes.filter { $0 == .stored }.count
        onStored(stored)
        return Self.json(["acknowledged": receipts.count, "stored": stored, "duplicates": receipts.count - stored,
                          "ids": receipts.map { $0.leaf.description }])
    }

    /// The JSON object of a receipt.
    static func receiptJSON(_ receipt: Receipt) -> Any {
        let data = try! JSONEncoder().encode(receipt)  // invariant: a receipt always encodes
        return try! JSONSerialization.jsonObject(with: data)  // invariant: JSONEncoder wrote valid JSON
    }

    /// `GET /v1/receipts/{id}`: the receipt, its batch and state, and once final its proof file.
    public func getReceipt(_ idText: String) async -> Answer {
        guard let id = try? Bytes32(hex: idText) else { return Self.error(400, "expected the receipt id (its 32-byte leaf, hex)", field: "id") }
        do {
            guard let stored = try await queue.receipt(id) else { return Self.error(404, "no receipt \(id)", field: "id") }
            var object: [String: Any] = ["id": id.description, "receipt": Self.receiptJSON(stored.receipt), "state": "pending"]
            if let batchWord = stored.batchId, let batchId = try? BatchID(word: batchWord), let batch = try await queue.batch(batchId) {
                object["batchId"] = batchWord.description
                object["state"] = batch.state.rawValue
                if let file = try await ProofFiles.proofFile(queue: queue, leaf: id) {
                    object["proof"] = try JSONSerialization.jsonObject(with: try file.jsonData())
                }
            }
            return Self.json(object)
        } catch {
            return Self.error(503, "\(error)")
        }
    }

    /// Parses a batch id: the 32-byte word, or `kind:sequence` (`placement:5`, `2:17`).
    public static func parseBatchID(_ text: String) -> BatchID? {
        if text.hasPrefix("0x") { return (try? Bytes32(hex: text)).flatMap { try? BatchID(word: $0) } }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let sequence = UInt64(parts[1]) else { return nil }
        guard let kind = parseKind(String(parts[0])) else { return nil }
        return BatchID(kind: kind, sequence: sequence)
    }

    /// A kind by name or number.
    public static func parseKind(_ text: String) -> BatchKind? {
        switch text.lowercased() {
        case "placement", "placements", "1": return .placement
        case "settlement", "settlements", "2": return .settlement
        case "daily", "dailypriceroot", "price", "3": return .dailyPriceRoot
        default: return nil
        }
    }

    /// The JSON object of a batch (with its transactions when `detail`).
    public func batchJSON(_ b: BatchRecord, detail: Bool) async throws -> [String: Any] {
        var object: [String: Any] = [
            "id": b.id.word.description, "kind": "\(b.id.kind)", "sequence": b.id.sequence, "state": b.state.rawValue,
            "root": b.root.description, "receipts": b.count, "firstTime": b.firstTime, "lastTime": b.lastTime, "deadline": b.deadline,
            "closedAt": b.closedAt,
        ]
        if let v = b.finalAt { object["finalAt"] = v }
        if let v = b.anchorTransaction { object["transaction"] = v.description }
        if let v = b.blockNumber { object["block"] = v }
        if let v = b.anchoredAt { object["anchoredAt"] = v }
        if let v = b.leadTime { object["leadTime"] = v }
        if detail {
            object["transactions"] = try await queue.transactions(of: b.id).map { t -> [String: Any] in
                var o: [String: Any] = ["hash": t.hash.description, "nonce": t.nonce, "maxFeePerGas": t.maxFee, "gasLimit": t.gasLimit,
                                        "state": t.state.rawValue, "createdAt": t.createdAt]
                if let v = t.priorityFee { o["maxPriorityFeePerGas"] = v }
                if let v = t.replaces { o["replaces"] = v.description }
                if let v = t.sentAt { o["sentAt"] = v }
                if let v = t.blockNumber { o["block"] = v }
                if let v = t.gasUsed {
                    o["gasUsed"] = v
                    o["gasPerReceipt"] = v / UInt64(max(1, b.count))
                }
                return o
            }
            object["receiptIds"] = try await queue.receipts(of: b.id).map { $0.leaf.description }
        }
        return object
    }

    /// `GET /v1/batches?kind=&state=&cursor=&limit=`: oldest first; `next` is the cursor of the following page.
    public func listBatches(kind: String?, state: String?, cursor: String?, limit: String?) async -> Answer {
        var kindValue: BatchKind?
        if let kind, !kind.isEmpty {
            guard let k = Self.parseKind(kind) else { return Self.error(400, "unknown kind (placement, settlement, daily)", field: "kind") }
            kindValue = k
        }
        var states: [BatchState] = []
        if let state, !state.isEmpty {
            for part in state.split(separator: ",") {
                guard let s = BatchState(rawValue: String(part)) else {
                    return Self.error(400, "unknown state (closed, sent, included, final, abandoned)", field: "state")
                }
                states.append(s)
            }
        }
        var after: BatchID?
        if let cursor, !cursor.isEmpty {
            guard let c = Self.parseBatchID(cursor) else { return Self.error(400, "expected a batch id", field: "cursor") }
            after = c
        }
        var count = 100
        if let limit, !limit.isEmpty {
            guard let n = Int(limit), (1...1000).contains(n) else { return Self.error(400, "expected 1…1000", field: "limit") }
            count = n
        }
        do {
            let page = try await queue.batches(kind: kindValue, states: states, after: after, limit: count)
            var listed: [[String: Any]] = []
            for b in page { listed.append(try await batchJSON(b, detail: false)) }
            var object: [String: Any] = ["batches": listed]
            if page.count == count, let last = page.last { object["next"] = last.id.word.description }
            return Self.json(object)
        } catch {
            return Self.error(503, "\(error)")
        }
    }

    /// `GET /v1/batches/{id}`: the batch with every transaction and replacement and its receipt ids.
    public func getBatch(_ idText: String) async -> Answer {
        guard let id = Self.parseBatchID(idText) else { return Self.error(400, "expected a batch id (0x… or kind:sequence)", field: "id") }
        do {
            guard let batch = try await queue.batch(id) else { return Self.error(404, "no batch \(id)", field: "id") }
            return Self.json(try await batchJSON(batch, detail: true))
        } catch {
            return Self.error(503, "\(error)")
        }
    }

    /// The status object: backlog per kind, open batches, last final batch, lead times, RPC health.
    public func status() async throws -> [String: Any] {
        var backlog: [String: Any] = [:]
        for (k, n) in try await queue.backlog() { backlog["\(k)"] = n }
        var pending: [String: Any] = [:]
        for k in [BatchKind.placement, .settlement] { pending["\(k)"] = try await queue.pending(kind: k).count }
        let open = try await queue.batches(kind: nil, states: [.closed, .sent, .included], after: nil, limit: .max)
        let finals = try await queue.batches(kind: nil, states: [.final], after: nil, limit: .max)
        let lastFinal = finals.max { ($0.finalAt ?? 0) < ($1.finalAt ?? 0) }
        let leads = finals.compactMap(\.leadTime).sorted()
        func percentile(_ p: Int) -> Int64? { leads.isEmpty ? nil : leads[min(leads.count - 1, (leads.count * p) / 100)] }
        var leadObject: [String: Any] = ["count": leads.count]
        if let v = percentile(50) { leadObject["p50"] = v }
        if let v = percentile(99) { leadObject["p99"] = v }
        if let v = leads.first { leadObject["min"] = v }
        var object: [String: Any] = [
            "backlog": backlog, "pending": pending, "openBatches": open.count, "finalBatches": finals.count, "leadTimeSeconds": leadObject,
        ]
        if let lastFinal { object["lastFinal"] = try await batchJSON(lastFinal, detail: false) }
        if let rpc = try await queue.setting("rpc_health"), let data = rpc.data(using: .utf8), let health = try? JSONSerialization.jsonObject(with: data) {
            object["rpc"] = health
        }
        return object
    }
}
