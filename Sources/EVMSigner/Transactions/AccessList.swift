import EVM

/// One EIP-2930 access-list entry: an address and the storage slots the transaction pre-declares.
public struct AccessListEntry: Sendable, Hashable, RLPEncodable {
    /// The account.
    public var address: Address
    /// Its storage keys.
    public var storageKeys: [Bytes32]

    /// An entry for `address` with `storageKeys`.
    public init(address: Address, storageKeys: [Bytes32] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }

    /// `[address, [key, …]]`.
    public func encode(to writer: inout RLPWriter) {
        writer.encodeList { w in
            address.withUnsafeBytes { w.encodeBytes($0) }
            w.encodeList { k in
                for key in storageKeys { key.withUnsafeBytes { k.encodeBytes($0) } }
            }
        }
    }

    /// Size of the encoding, computed directly.
    public var rlpEncodedLength: Int {
        let keys = storageKeys.count * 33
        let inner = 21 + RLPHeader.encodedLength(payloadLength: keys) + keys
        return RLPHeader.encodedLength(payloadLength: inner) + inner
    }
}

/// An EIP-7702 authorization tuple `[chain_id, address, nonce, y_parity, r, s]`.
public struct Authorization: Sendable, Hashable, RLPEncodable {
    /// Chain the authorization is valid on (0: any chain).
    public var chainId: UInt256
    /// The delegate contract's address.
    public var address: Address
    /// The authority's nonce.
    public var nonce: UInt64
    /// y parity of the authority's signature.
    public var yParity: UInt8
    /// r of the authority's signature.
    public var r: UInt256
    /// s of the authority's signature.
    public var s: UInt256

    /// An authorization tuple as found on the wire.
    public init(chainId: UInt256, address: Address, nonce: UInt64, yParity: UInt8, r: UInt256, s: UInt256) {
        self.chainId = chainId
        self.address = address
        self.nonce = nonce
        self.yParity = yParity
        self.r = r
        self.s = s
    }

    /// The six fields as an RLP list.
    public func encode(to writer: inout RLPWriter) {
        writer.encodeList { w in
            w.encodeInteger(chainId)
            address.withUnsafeBytes { w.encodeBytes($0) }
            w.encodeInteger(nonce)
            w.encodeInteger(yParity)
            w.encodeInteger(r)
            w.encodeInteger(s)
        }
    }
}
