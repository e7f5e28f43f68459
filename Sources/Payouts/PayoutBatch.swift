import EVM

/// A payout batch file (`sixnines-payout-batch-v1`, docs/PAYOUTS.md): what `vault propose` writes, signers sign
/// and `vault execute` sends. Only `chainId`, `vault`, `nonce`, `deadline` and each payout's `token`,
/// `recipient`, `amount` and `receipt` are signed (through `digest`); `round`, `predictionId` and `outcome` are
/// information for the people who sign.
public struct PayoutBatch: Equatable, Sendable {
    /// The file format tag.
    public static let format = "sixnines-payout-batch-v1"

    /// One payout with where it comes from.
    public struct Entry: Equatable, Sendable {
        /// The signed payout.
        public var payout: Payout
        /// The round id (`ASSET@SETTLES_AT`), if known.
        public var round: String?
        /// The prediction id, if known.
        public var predictionId: Bytes32?
        /// `win`, `push` or `void`, if known.
        public var outcome: String?

        /// An entry.
        public init(payout: Payout, round: String? = nil, predictionId: Bytes32? = nil, outcome: String? = nil) {
            self.payout = payout
            self.round = round
            self.predictionId = predictionId
            self.outcome = outcome
        }
    }

    /// The chain the vault lives on.
    public var chainId: UInt64
    /// The vault.
    public var vault: Address
    /// The vault nonce this batch must be executed at.
    public var nonce: UInt64
    /// The last unix second at which it may execute.
    public var deadline: UInt64
    /// The payouts, in the order signed.
    public var entries: [Entry]

    /// A batch (checked: 1…`VaultMessages.maxPayouts` valid payouts, each receipt once).
    public init(chainId: UInt64, vault: Address, nonce: UInt64, deadline: UInt64, entries: [Entry]) throws(PayoutError) {
        self.chainId = chainId
        self.vault = vault
        self.nonce = nonce
        self.deadline = deadline
        self.entries = entries
        try check()
    }

    /// The signed payouts.
    public var payouts: [Payout] { entries.map(\.payout) }

    /// The EIP-712 digest of the batch (PROTOCOL §6.3) under the vault's domain.
    public var digest: Bytes32 {
        VaultMessages.payoutBatchDigest(payouts, nonce: UInt256(nonce), deadline: deadline, chainId: chainId, vault: vault)
    }

    /// The sum of the amounts per token, tokens in ascending address order.
    public var totals: [(token: Address, amount: UInt256)] {
        var sums: [Address: UInt256] = [:]
        for p in payouts { sums[p.token, default: .zero] += p.amount }
        return sums.keys.sorted().map { ($0, sums[$0] ?? .zero) }
    }

    /// The distinct recipients.
    public var recipients: Set<Address> { Set(payouts.map(\.recipient)) }

    /// Refuses what the vault would refuse: no payouts or too many, a zero amount, recipient or receipt, a receipt
    /// twice, or totals that overflow 256 bits.
    public func check() throws(PayoutError) {
        guard (1...VaultMessages.maxPayouts).contains(entries.count) else {
            throw .batchSize(count: entries.count, maximum: VaultMessages.maxPayouts)
        }
        var receipts = Set<Bytes32>()
        var sums: [Address: UInt256] = [:]
        for (i, p) in payouts.enumerated() {
            if p.amount.isZero { throw .invalidPayout(index: i, reason: "zero amount") }
            if p.recipient == .zero { throw .invalidPayout(index: i, reason: "zero recipient") }
            if p.receipt == .zero { throw .invalidPayout(index: i, reason: "zero receipt") }
            if !receipts.insert(p.receipt).inserted { throw .invalidPayout(index: i, reason: "receipt \(p.receipt) is paid twice in the batch") }
            let (sum, overflow) = sums[p.token, default: .zero].addingReportingOverflow(p.amount)
            if overflow { throw .invalidPayout(index: i, reason: "the total of token \(p.token.checksummed) overflows 256 bits") }
            sums[p.token] = sum
        }
    }

    // MARK: File

    /// The file's JSON (keys in a fixed order; amounts as decimal strings).
    public var json: JSONValue {
        let items: [JSONValue] = entries.map { e in
            var fields: [(String, JSONValue)] = [
                ("token", .string(e.payout.token.checksummed)), ("recipient", .string(e.payout.recipient.checksummed)),
                ("amount", .string(e.payout.amount.description)), ("receipt", .string(e.payout.receipt.description)),
            ]
            if let round = e.round { fields.append(("round", .string(round))) }
            if let id = e.predictionId { fields.append(("predictionId", .string(id.description))) }
            if let outcome = e.outcome { fields.append(("outcome", .string(outcome))) }
            return .object(fields)
        }
        return .object([
            ("format", .string(Self.format)), ("chainId", .int(chainId)), ("vault", .string(vault.checksummed)),
            ("nonce", .int(nonce)), ("deadline", .int(deadline)), ("payouts", .array(items)),
            ("totals", .array(totals.map { .object([("token", .string($0.token.checksummed)), ("amount", .string($0.amount.description))]) })),
            ("digest", .string(digest.description)),
        ])
    }

    /// The file's text: one payout per line, so that a diff shows which one changed.
    public var fileText: String {
        guard case .object(let fields) = json else { return json.jsonText + "\n" }
        var lines: [String] = []
        for (key, value) in fields {
            if key == "payouts" || key == "totals", let items = value.arrayValue {
                lines.append("  \(JSONValue.quote(key)): [\n" + items.map { "    " + $0.jsonText }.joined(separator: ",\n") + "\n  ]")
            } else {
                lines.append("  \(JSONValue.quote(key)): \(value.jsonText)")
            }
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// Parses a batch file and checks it: the format, every field, the payouts, the totals, and that `digest` is
    /// the digest of the content (a tampered amount, payee, nonce or deadline is refused here).
    public init(fileText text: String) throws(PayoutError) {
        let root = try JSONFields(parseJSON(text), path: "$", allowed: ["format", "chainId", "vault", "nonce", "deadline",
                                                                      "payouts", "totals", "digest"])
        let format = try root.string("format")
        guard format == Self.format else { throw .wrongFormat(expected: Self.format, got: format) }
        var entries: [Entry] = []
        for (i, item) in try root.array("payouts").enumerated() {
            let f = try JSONFields(item, path: "$.payouts[\(i)]", allowed: ["token", "recipient", "amount", "receipt", "round",
                                                                            "predictionId", "outcome"])
            let payout = Payout(token: try f.address("token"), recipient: try f.address("recipient"), amount: try f.decimal("amount"),
                                receipt: try f.word("receipt"))
            var round: String? = nil, id: Bytes32? = nil, outcome: String? = nil
            if f.optional("round") != nil { round = try f.string("round") }
            if f.optional("predictionId") != nil { id = try f.word("predictionId") }
            if f.optional("outcome") != nil { outcome = try f.string("outcome") }
            entries.append(Entry(payout: payout, round: round, predictionId: id, outcome: outcome))
        }
        try self.init(chainId: try root.integer("chainId"), vault: try root.address("vault"), nonce: try root.integer("nonce"),
                      deadline: try root.integer("deadline"), entries: entries)
        let stored = try root.word("digest")
        let actual = digest
        guard stored == actual else { throw .digestMismatch(stored: stored, computed: actual) }
        var given: [(Address, UInt256)] = []
        for (i, item) in try root.array("totals").enumerated() {
            let f = try JSONFields(item, path: "$.totals[\(i)]", allowed: ["token", "amount"])
            given.append((try f.address("token"), try f.decimal("amount")))
        }
        let computed = totals
        guard given.count == computed.count else { throw .totalsMismatch(token: computed.first?.token ?? .zero) }
        for (g, c) in zip(given, computed) where g.0 != c.token || g.1 != c.amount { throw .totalsMismatch(token: c.token) }
    }
}
