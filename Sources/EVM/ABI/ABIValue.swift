/// A dynamically typed ABI value: what the coder encodes from and decodes to when the types are only
/// known at run time (from a signature or a JSON ABI).
///
/// `function` values are `.fixedBytes` of 24 bytes. Integers of every width use the core 256-bit types.
public enum ABIValue: Hashable, Sendable, CustomStringConvertible {
    /// Any `uintN`.
    case uint(UInt256)
    /// Any `intN`.
    case int(Int256)
    /// `address`.
    case address(Address)
    /// `bool`.
    case bool(Bool)
    /// `bytesN` (N bytes) or `function` (24 bytes).
    case fixedBytes([UInt8])
    /// `bytes`.
    case bytes([UInt8])
    /// `string`.
    case string(String)
    /// `T[]` or `T[k]`.
    case array([ABIValue])
    /// A tuple (struct), components in order.
    case tuple([ABIValue])

    /// Cast-style text: decimal integers, `0x`-hex bytes, checksummed addresses, `[a, b]`, `(a, b)`,
    /// strings as themselves (nested strings in double quotes).
    public var description: String {
        switch self {
        case .uint(let v): return v.description
        case .int(let v): return v.description
        case .address(let a): return a.checksummed
        case .bool(let b): return b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): return Hex.encode(b)
        case .string(let s): return s
        case .array(let vs): return "[" + vs.map(\.nestedDescription).joined(separator: ", ") + "]"
        case .tuple(let vs): return "(" + vs.map(\.nestedDescription).joined(separator: ", ") + ")"
        }
    }

    var nestedDescription: String {
        if case .string(let s) = self {
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(c)
                }
            }
            return out + "\""
        }
        return description
    }

    /// A short name of the kind of value, for error messages.
    var kindName: String {
        switch self {
        case .uint: return "uint"
        case .int: return "int"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let b): return "bytes\(b.count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let a): return "array of \(a.count)"
        case .tuple(let a): return "tuple of \(a.count)"
        }
    }
}
