import EVM
@testable import EVMSigner

/// Hex (with or without 0x) to bytes, trapping on bad test data.
func hex(_ text: String) -> [UInt8] { try! Hex.decode(text) }

/// A decimal or 0x-hex integer string (or JSON number) as UInt256; "" and nil are zero.
func u256(_ any: Any?) -> UInt256 {
    switch any {
    case let n as Int: return UInt256(UInt64(n))
    case let s as String where s.isEmpty: return .zero
    case let s as String where s.hasPrefix("0x"): return try! UInt256(hexString: s)
    case let s as String where s.hasPrefix("#"): return try! UInt256(decimalString: s.dropFirst())
    case let s as String: return try! UInt256(decimalString: s)
    default: return .zero
    }
}

func u64(_ any: Any?) -> UInt64 {
    let v = u256(any)
    precondition(v.limbs.1 == 0 && v.limbs.2 == 0 && v.limbs.3 == 0)
    return v.limbs.0
}

func word(_ text: String) -> Bytes32 { try! Bytes32(hex: text) }
