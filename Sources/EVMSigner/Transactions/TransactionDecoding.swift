import EVM

/// Reads a transaction's fields in order, naming the field in every error.
struct FieldReader {
    var decoder: RLPDecoder
    let type: UInt8
    let expected: Int
    var count = 0

    mutating func read<T>(_ field: String, _ body: (inout RLPDecoder) throws(RLPError) -> T) throws(TransactionError) -> T {
        guard !decoder.isAtEnd else { throw .wrongFieldCount(type: type, expected: expected, got: count) }
        count += 1
        do {
            return try body(&decoder)
        } catch .overflow {
            throw .valueTooLarge(field: field)
        } catch {
            throw .invalidField(field: field, error)
        }
    }

    mutating func u64(_ field: String) throws(TransactionError) -> UInt64 {
        try read(field) { (d) throws(RLPError) in try d.decodeInteger(UInt64.self) }
    }

    mutating func u256(_ field: String) throws(TransactionError) -> UInt256 {
        try read(field) { (d) throws(RLPError) in try d.decodeInteger(UInt256.self) }
    }

    mutating func bytes(_ field: String) throws(TransactionError) -> [UInt8] {
        try read(field) { (d) throws(RLPError) in Array(try d.decodeBytes()) }
    }

    /// `to`: empty (contract creation) or 20 bytes.
    mutating func optionalAddress(_ field: String) throws(TransactionError) -> Address? {
        let raw = try read(field) { (d) throws(RLPError) in try d.decodeBytes() }
        if raw.isEmpty { return nil }
        guard raw.count == 20 else { throw .invalidLength(field: field, expected: 20, got: raw.count) }
        return try! Address(raw)  // invariant: the length was checked to be 20
    }

    mutating func address(_ field: String) throws(TransactionError) -> Address {
        guard let a = try optionalAddress(field) else { throw .invalidLength(field: field, expected: 20, got: 0) }
        return a
    }

    mutating func list(_ field: String) throws(TransactionError) -> RLPDecoder {
        try read(field) { (d) throws(RLPError) in try d.decodeList() }
    }

    mutating func accessList() throws(TransactionError) -> [AccessListEntry] {
        var items = try list("accessList")
        var out: [AccessListEntry] = []
        do {
            while !items.isAtEnd {
                var entry = try items.decodeList()
                guard !entry.isAtEnd else { throw TransactionError.wrongFieldCount(type: type, expected: 2, got: 0) }
                let rawAddress = try entry.decodeBytes()
                guard rawAddress.count == 20 else {
                    throw TransactionError.invalidLength(field: "accessList.address", expected: 20, got: rawAddress.count)
                }
                guard !entry.isAtEnd else { throw TransactionError.wrongFieldCount(type: type, expected: 2, got: 1) }
                var keys = try entry.decodeList()
                var storageKeys: [Bytes32] = []
                while !keys.isAtEnd {
                    let key = try keys.decodeBytes()
                    guard key.count == 32 else {
                        throw TransactionError.invalidLength(field: "accessList.storageKey", expected: 32, got: key.count)
                    }
                    storageKeys.append(try! Bytes32(key))  // invariant: the length was checked to be 32
                }
                guard entry.isAtEnd else { throw TransactionError.invalidField(field: "accessList", .trailingBytes(offset: entry.offset)) }
                out.append(AccessListEntry(address: try! Address(rawAddress), storageKeys: storageKeys))  // invariant: the length was checked to be 20
            }
        } catch let error as TransactionError {
            throw error
        } catch let error as RLPError {
            throw .invalidField(field: "accessList", error)
        } catch {
            fatalError("unreachable")
        }
        return out
    }

    mutating func hashes(_ field: String) throws(TransactionError) -> [Bytes32] {
        var items = try list(field)
        var out: [Bytes32] = []
        while !items.isAtEnd {
            let raw: ArraySlice<UInt8>
            do { raw = try items.decodeBytes() } catch { throw .invalidField(field: field, error) }
            guard raw.count == 32 else { throw .invalidLength(field: field, expected: 32, got: raw.count) }
            out.append(try! Bytes32(raw))  // invariant: the length was checked to be 32
        }
        return out
    }

    mutating func authorizations() throws(TransactionError) -> [Authorization] {
        var items = try list("authorizationList")
        var out: [Authorization] = []
        while !items.isAtEnd {
            let tuple: RLPDecoder
            do { tuple = try items.decodeList() } catch { throw .invalidField(field: "authorizationList", error) }
            var r = FieldReader(decoder: tuple, type: type, expected: 6)
            let chainId = try r.u256("authorization.chainId")
            let address = try r.address("authorization.address")
            let nonce = try r.u64("authorization.nonce")
            let parity = try r.u64("authorization.yParity")
            guard parity <= 1 else { throw .invalidYParity(parity) }
            let rr = try r.u256("authorization.r")
            let s = try r.u256("authorization.s")
            try r.finish()
            out.append(Authorization(chainId: chainId, address: address, nonce: nonce, yParity: UInt8(parity), r: rr, s: s))
        }
        return out
    }

    /// Throws `wrongFieldCount` when items are left over.
    mutating func finish() throws(TransactionError) {
        guard decoder.isAtEnd else {
            var extra = 0
            while !decoder.isAtEnd {
                do { try decoder.skipItem() } catch { throw .rlp(error) }
                extra += 1
            }
            throw .wrongFieldCount(type: type, expected: expected, got: count + extra)
        }
    }

    /// Reads `yParity, r, s` (typed) and builds the signature.
    mutating func typedSignature() throws(TransactionError) -> Signature {
        let parity = try u64("yParity")
        guard parity <= 1 else { throw .invalidYParity(parity) }
        let r = try u256("r")
        let s = try u256("s")
        do { return try Signature(r: r, s: s, yParity: UInt8(parity)) } catch { throw .invalidSignature(error) }
    }
}

extension SignedTransaction {
    /// Decodes a raw signed transaction: a typed envelope (`0x01`–`0x04` ‖ rlp) or a legacy RLP list.
    ///
    /// Decoding is strict: canonical RLP only, exact field counts, 20-byte addresses, 32-byte storage keys,
    /// 0 < r < n, 0 < s ≤ n/2, legacy v 27/28 or chainId·2+35/36. Re-encoding gives back the same bytes.
    /// The sender is recovered on demand by `recoverSender()`.
    public init<C: Collection>(rawRepresentation raw: C) throws(TransactionError) where C.Element == UInt8 {
        let bytes = Array(raw)
        guard let first = bytes.first else { throw .empty }
        let transaction: Transaction
        let signature: Signature
        if first >= 0x80 {
            // An RLP item (list or malformed string) rather than a type byte: the legacy form.
            (transaction, signature) = try Self.decodeLegacy(bytes[...])
        } else {
            guard let type = TransactionType(rawValue: first), type != .legacy else { throw .unsupportedType(first) }
            (transaction, signature) = try Self.decodeTyped(type, bytes[1...])
        }
        self.init(transaction: transaction, signature: signature, rawRepresentation: bytes)
    }

    /// Decodes `0x`-hex of a raw signed transaction.
    public init(hex text: some StringProtocol) throws(TransactionError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .invalidField(field: "raw", .inputTooShort(offset: 0)) }
        try self.init(rawRepresentation: bytes)
    }

    /// Opens the single top-level list and checks nothing follows it.
    private static func openList(_ bytes: ArraySlice<UInt8>, type: UInt8, expected: Int) throws(TransactionError) -> FieldReader {
        var top = RLPDecoder(bytes)
        let fields: RLPDecoder
        do {
            fields = try top.decodeList()
            try top.finish()
        } catch {
            throw .rlp(error)
        }
        return FieldReader(decoder: fields, type: type, expected: expected)
    }

    static func decodeLegacy(_ bytes: ArraySlice<UInt8>) throws(TransactionError) -> (Transaction, Signature) {
        var f = try openList(bytes, type: 0, expected: 9)
        let nonce = try f.u64("nonce")
        let gasPrice = try f.u256("gasPrice")
        let gasLimit = try f.u64("gasLimit")
        let to = try f.optionalAddress("to")
        let value = try f.u256("value")
        let data = try f.bytes("data")
        let v = try f.u256("v")
        let r = try f.u256("r")
        let s = try f.u256("s")
        try f.finish()
        let chainId: UInt64?
        let parity: UInt8
        if v == UInt256(27) || v == UInt256(28) {
            chainId = nil
            parity = UInt8(v.limbs.0 - 27)
        } else if v >= UInt256(35) {
            let (q, rem) = (v - UInt256(35)).quotientAndRemainder(dividingBy: 2 as UInt64)
            guard q.limbs.1 == 0, q.limbs.2 == 0, q.limbs.3 == 0 else { throw .invalidV(v) }
            chainId = q.limbs.0
            parity = UInt8(rem)
        } else {
            throw .invalidV(v)
        }
        let signature: Signature
        do { signature = try Signature(r: r, s: s, yParity: parity) } catch { throw .invalidSignature(error) }
        let tx = LegacyTransaction(chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit, to: to,
                                   value: value, data: data)
        return (.legacy(tx), signature)
    }

    static func decodeTyped(_ type: TransactionType, _ bytes: ArraySlice<UInt8>) throws(TransactionError) -> (Transaction, Signature) {
        switch type {
        case .accessList:
            var f = try openList(bytes, type: 1, expected: 11)
            let tx = AccessListTransaction(
                chainId: try f.u64("chainId"), nonce: try f.u64("nonce"), gasPrice: try f.u256("gasPrice"),
                gasLimit: try f.u64("gasLimit"), to: try f.optionalAddress("to"), value: try f.u256("value"),
                data: try f.bytes("data"), accessList: try f.accessList())
            let sig = try f.typedSignature()
            try f.finish()
            return (.accessList(tx), sig)
        case .dynamicFee:
            var f = try openList(bytes, type: 2, expected: 12)
            let tx = DynamicFeeTransaction(
                chainId: try f.u64("chainId"), nonce: try f.u64("nonce"),
                maxPriorityFeePerGas: try f.u256("maxPriorityFeePerGas"), maxFeePerGas: try f.u256("maxFeePerGas"),
                gasLimit: try f.u64("gasLimit"), to: try f.optionalAddress("to"), value: try f.u256("value"),
                data: try f.bytes("data"), accessList: try f.accessList())
            let sig = try f.typedSignature()
            try f.finish()
            return (.dynamicFee(tx), sig)
        case .blob:
            var f = try openList(bytes, type: 3, expected: 14)
            let tx = BlobTransaction(
                chainId: try f.u64("chainId"), nonce: try f.u64("nonce"),
                maxPriorityFeePerGas: try f.u256("maxPriorityFeePerGas"), maxFeePerGas: try f.u256("maxFeePerGas"),
                gasLimit: try f.u64("gasLimit"), to: try f.address("to"), value: try f.u256("value"),
                data: try f.bytes("data"), accessList: try f.accessList(), maxFeePerBlobGas: try f.u256("maxFeePerBlobGas"),
                blobVersionedHashes: try f.hashes("blobVersionedHashes"))
            let sig = try f.typedSignature()
            try f.finish()
            return (.blob(tx), sig)
        case .setCode:
            var f = try openList(bytes, type: 4, expected: 13)
            let tx = SetCodeTransaction(
                chainId: try f.u64("chainId"), nonce: try f.u64("nonce"),
                maxPriorityFeePerGas: try f.u256("maxPriorityFeePerGas"), maxFeePerGas: try f.u256("maxFeePerGas"),
                gasLimit: try f.u64("gasLimit"), to: try f.address("to"), value: try f.u256("value"),
                data: try f.bytes("data"), accessList: try f.accessList(), authorizationList: try f.authorizations())
            let sig = try f.typedSignature()
            try f.finish()
            return (.setCode(tx), sig)
        case .legacy:
            fatalError("unreachable")
        }
    }
}
