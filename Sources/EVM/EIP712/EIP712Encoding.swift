extension EIP712 {
    /// `encodeData` of an atomic value given as JSON, the way wallets accept it: integers as JSON numbers or
    /// decimal/`0x` strings, addresses and bytes as hex strings (mixed-case addresses must be EIP-55),
    /// `bytes` and `string` hashed. Writes straight into a word, with no intermediate values.
    public static func atomicWord(_ json: JSONValue, _ type: ABIType) throws(ABIError) -> Bytes32 {
        switch (type, json) {
        case (.string, .string(let s)):
            return Keccak256.hash(utf8: s)
        case (.bytes, .string(let s)):
            return Keccak256.hash(data: try hexBytes(s))
        case (.fixedBytes, .string(let s)), (.function, .string(let s)):
            let bytes = try hexBytes(s)
            let width: Int
            if case .fixedBytes(let n) = type { width = n } else { width = 24 }
            guard bytes.count == width else { throw .wrongCount([], expected: width, got: bytes.count) }
            return Bytes32 { out in bytes.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: width) } }
        case (.address, .string(let s)):
            return try parseAddress(s).word
        case (.bool, .bool(let b)):
            return b ? Bytes32 { $0[31] = 1 } : .zero
        case (.uint, .number(let text)), (.uint, .string(let text)), (.int, .number(let text)), (.int, .string(let text)):
            return try atomicWord(ABIValue.integer(text, type, []), type)
        default:
            throw .typeMismatch([], expected: type.description, got: "\(json)")
        }
    }

    /// `encodeData` of an atomic `ABIValue`: its ABI word, or the Keccak-256 of `bytes`/`string` contents.
    public static func atomicWord(_ value: ABIValue, _ type: ABIType) throws(ABIError) -> Bytes32 {
        switch value {
        case .bytes(let b) where type == .bytes: return Keccak256.hash(data: b)
        case .fixedBytes(let b) where type == .bytes: return Keccak256.hash(data: b)
        case .string(let s): return Keccak256.hash(utf8: s)
        default:
            guard !type.isDynamic else { throw .typeMismatch([], expected: type.description, got: value.kindName) }
            _ = try ABI.checkedSize(type, value, [])
            return Bytes32 { out in _ = ABI.write(type, value, into: out.baseAddress!) }
        }
    }

    static func hexBytes(_ s: String) throws(ABIError) -> [UInt8] {
        do { return try Hex.decode(s) } catch { throw .invalidValueText([], text: s, reason: error.description) }
    }

    /// Parses an address without intermediate strings: 40 hex digits (optional `0x`); mixed case must be
    /// the EIP-55 checksum, checked with one Keccak-256 over the lower-cased digits on the stack.
    static func parseAddress(_ text: String) throws(ABIError) -> Address {
        var copy = text
        let result: Result<Address, ABIError> = copy.withUTF8 { utf8 in
            Result { () throws(ABIError) -> Address in
                let start = utf8.count == 42 && utf8[0] == UInt8(ascii: "0") && (utf8[1] | 0x20) == UInt8(ascii: "x") ? 2 : 0
                guard utf8.count - start == 40 else {
                    throw .invalidValueText([], text: text, reason: "an address has 40 hex digits")
                }
                var bytes: (UInt64, UInt64, UInt32) = (0, 0, 0)
                var lower: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
                var hasUpper = false, hasLower = false
                try withUnsafeMutableBytes(of: &bytes) { (out) throws(ABIError) in
                    try withUnsafeMutableBytes(of: &lower) { (low) throws(ABIError) in
                        for i in 0..<40 {
                            let c = utf8[start + i]
                            guard let v = Hex.nibble(c) else {
                                throw .invalidValueText([], text: text, reason: "invalid hex digit at offset \(start + i)")
                            }
                            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F") { hasUpper = true }
                            if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f") { hasLower = true }
                            low[i] = c | (c >= UInt8(ascii: "A") ? 0x20 : 0)
                            if i % 2 == 0 { out[i / 2] = v << 4 } else { out[i / 2] |= v }
                        }
                    }
                }
                if hasUpper && hasLower {
                    let hash = withUnsafeBytes(of: &lower) { Keccak256.hash(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<40])) }
                    for i in 0..<40 {
                        let c = utf8[start + i]
                        guard c >= UInt8(ascii: "A") else { continue }
                        let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0F
                        let upper = c <= UInt8(ascii: "F")
                        if upper != (nibble >= 8) {
                            throw .invalidValueText([], text: text, reason: "EIP-55 checksum mismatch")
                        }
                    }
                }
                return Address(storage: bytes)
            }
        }
        return try result.get()
    }
}
