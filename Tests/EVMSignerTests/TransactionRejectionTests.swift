import EVM
@testable import EVMSigner
import Testing

@Suite("Signer: malformed transactions and validation")
struct TransactionRejectionTests {
    static let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    static let to = try! Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    static let transfer = DynamicFeeTransaction(chainId: 137, nonce: 42, maxPriorityFeePerGas: UInt256(30_000_000_000),
                                                maxFeePerGas: UInt256(120_000_000_000), gasLimit: 60_000, to: to,
                                                value: UInt256(1_000_000_000_000_000_000), data: Array(0..<57))

    static func decode(_ raw: [UInt8]) -> TransactionError? {
        do {
            _ = try SignedTransaction(rawRepresentation: raw)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncated_input_is_rejected_at_every_length() throws {
        let raw = try Self.transfer.signed(by: Self.key).rawRepresentation
        #expect(Self.decode([]) == .empty)
        for n in 1..<raw.count {
            let error = Self.decode(Array(raw.prefix(n)))
            #expect(error != nil, "prefix \(n)")
            if case .rlp(.inputTooShort) = error {} else if n > 1 { Issue.record("prefix \(n): \(String(describing: error))") }
        }
        #expect(Self.decode(raw + [0]) == .rlp(.trailingBytes(offset: raw.count - 1)))
    }

    @Test func wrong_type_bytes() throws {
        let raw = try Self.transfer.signed(by: Self.key).rawRepresentation
        for type: UInt8 in [0x00, 0x05, 0x7f] {
            #expect(Self.decode([type] + raw.dropFirst()) == .unsupportedType(type))
        }
        // Type 1 with a type-2 body: the fields are misaligned, so the gas limit (2 bytes) lands where `to` belongs.
        #expect(Self.decode([0x01] + raw.dropFirst()) == .invalidLength(field: "to", expected: 20, got: 2))
        // Type 2 with one field dropped.
        let signed = try Self.transfer.signed(by: Self.key)
        guard case .list(var fields) = try RLP.decode(Array(raw.dropFirst())) else { return }
        fields.remove(at: 8)
        _ = signed
        #expect(Self.decode([0x02] + RLP.encode(RLPItem.list(fields))) != nil)
    }

    @Test func non_canonical_rlp_is_rejected() throws {
        // A legacy transaction whose nonce 0x01 is written as 0x81 0x01.
        let tx = LegacyTransaction(chainId: 1, nonce: 1, gasPrice: UInt256(1), gasLimit: 21_000, to: Self.to)
        let raw = try tx.signed(by: Self.key).rawRepresentation
        // raw = f8 LL | 01 (nonce) …: replace the nonce byte with 81 01 and fix the list length.
        var body = Array(raw.dropFirst(2))
        body.replaceSubrange(0..<1, with: [0x81, 0x01])
        let bad = [0xf8, UInt8(body.count)] + body
        #expect(Self.decode(bad) == .invalidField(field: "nonce", .nonCanonicalSingleByte(offset: 2)))
        // A leading zero in maxFeePerGas.
        let signed = try Self.transfer.signed(by: Self.key)
        var items = try RLP.decode(Array(signed.rawRepresentation.dropFirst()))
        guard case .list(var fields) = items else { Issue.record("not a list"); return }
        guard case .bytes(let fee) = fields[3] else { Issue.record("fee"); return }
        fields[3] = .bytes([0] + fee)
        items = .list(fields)
        if case .invalidField(field: "maxFeePerGas", .leadingZero) = Self.decode([2] + RLP.encode(items)) {} else {
            Issue.record("leading zero not reported: \(String(describing: Self.decode([2] + RLP.encode(items))))")
        }
    }

    @Test func high_s_and_bad_v_are_rejected() throws {
        let signed = try LegacyTransaction(chainId: 1, nonce: 1, gasPrice: UInt256(1), gasLimit: 21_000, to: Self.to).signed(by: Self.key)
        let sig = signed.signature
        let highS = Secp256k1.order - sig.s
        func legacy(v: UInt256, r: UInt256, s: UInt256) -> [UInt8] {
            RLP.encode(TransactionEnvelope(transaction: signed.transaction, tail: .signature(v: v, r: r, s: s)))
        }
        #expect(Self.decode(legacy(v: signed.v, r: sig.r, s: highS)) == .invalidSignature(.highS))
        #expect(Self.decode(legacy(v: signed.v, r: .zero, s: sig.s)) == .invalidSignature(.rOutOfRange))
        #expect(Self.decode(legacy(v: UInt256(26), r: sig.r, s: sig.s)) == .invalidV(UInt256(26)))
        #expect(Self.decode(legacy(v: UInt256(34), r: sig.r, s: sig.s)) == .invalidV(UInt256(34)))
        // v for chain 5 on a transaction signed for chain 1: decodes as chain 5, recovers someone else, fails validation for chain 1.
        let other = try SignedTransaction(rawRepresentation: legacy(v: UInt256(5 * 2 + 35 + UInt64(sig.yParity)), r: sig.r, s: sig.s))
        #expect(other.transaction.chainId == 5)
        #expect((try? other.recoverSender()) != Self.key.address)
        #expect(throws: TransactionError.chainIdMismatch(expected: 1, got: 5)) { try other.validate(chainId: 1) }
        // A typed y parity of 2.
        let typed = try Self.transfer.signed(by: Self.key)
        let bad = RLP.encode(TransactionEnvelope(transaction: typed.transaction, tail: .signature(v: UInt256(2), r: sig.r, s: sig.s)))
        #expect(Self.decode(bad) == .invalidYParity(2))
    }

    @Test func wrong_length_to_and_values_too_large() throws {
        var list: [RLPItem] = [.integer(1 as UInt64), .integer(1 as UInt64), .integer(21_000 as UInt64), .bytes(Array(repeating: 1, count: 19)),
                               .integer(0 as UInt64), .bytes([]), .integer(37 as UInt64), .integer(1 as UInt64), .integer(1 as UInt64)]
        #expect(Self.decode(RLP.encode(RLPItem.list(list))) == .invalidLength(field: "to", expected: 20, got: 19))
        list[3] = .bytes(Array(repeating: 1, count: 20))
        list[0] = .bytes(Array(repeating: 1, count: 9))  // nonce above 2^64
        #expect(Self.decode(RLP.encode(RLPItem.list(list))) == .valueTooLarge(field: "nonce"))
        list[0] = .integer(1 as UInt64)
        list[4] = .bytes(Array(repeating: 1, count: 33))  // value above 2^256
        #expect(Self.decode(RLP.encode(RLPItem.list(list))) == .valueTooLarge(field: "value"))
    }

    @Test func validation_errors() throws {
        var tx = Self.transfer
        #expect(throws: TransactionError.chainIdMismatch(expected: 1, got: 137)) { try Transaction.dynamicFee(tx).validate(chainId: 1) }
        tx.maxPriorityFeePerGas = tx.maxFeePerGas + UInt256(1)
        #expect(throws: TransactionError.feeCapBelowPriorityFee(maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas)) {
            try tx.signed(by: Self.key)
        }
        tx = Self.transfer
        tx.gasLimit = 21_000  // data of 57 non-zero-or-zero bytes costs more
        #expect(throws: TransactionError.gasLimitBelowIntrinsicCost(gasLimit: 21_000, intrinsicGas: Transaction.dynamicFee(tx).intrinsicGas)) {
            try tx.signed(by: Self.key)
        }
        tx = Self.transfer
        tx.maxFeePerGas = .max
        tx.maxPriorityFeePerGas = .zero
        #expect(throws: TransactionError.gasLimitPriceProductOverflow) { try tx.signed(by: Self.key) }
        tx = Self.transfer
        tx.nonce = .max
        #expect(throws: TransactionError.valueTooLarge(field: "nonce")) { try tx.signed(by: Self.key) }
        // Pre-EIP-155 legacy transactions are accepted on any chain unless replay protection is required.
        let legacy = Transaction.legacy(LegacyTransaction(chainId: nil, nonce: 0, gasPrice: UInt256(1), gasLimit: 21_000, to: Self.to))
        try legacy.validate(chainId: 1)
        #expect(throws: TransactionError.chainIdMismatch(expected: 1, got: nil)) { try legacy.validate(chainId: 1, requireReplayProtection: true) }
        // Creation: 53000 + init code word cost.
        let create = Transaction.legacy(LegacyTransaction(chainId: 1, nonce: 0, gasPrice: UInt256(1), gasLimit: 100_000, to: nil, data: [0, 1]))
        #expect(create.intrinsicGas == 21_000 + 32_000 + 2 + 4 + 16)
    }
}
