import EVM
import Testing

// Helpers shared by the RLP test suites.

/// Big-endian bytes of a non-negative decimal number, without leading zeros (zero is no bytes).
func bigEndianBytes(decimal: String) -> [UInt8] {
    var out: [UInt8] = []  // big-endian
    for ch in decimal.utf8 {
        precondition(ch >= UInt8(ascii: "0") && ch <= UInt8(ascii: "9"), "not a decimal digit")
        var carry = Int(ch - UInt8(ascii: "0"))
        for i in stride(from: out.count - 1, through: 0, by: -1) {
            let v = Int(out[i]) * 10 + carry
            out[i] = UInt8(v & 0xFF)
            carry = v >> 8
        }
        while carry > 0 {
            out.insert(UInt8(carry & 0xFF), at: 0)
            carry >>= 8
        }
    }
    return Array(out.drop(while: { $0 == 0 }))
}

extension RLPItem {
    /// The oracle's JSON form: 0x-hex strings and arrays.
    var json: Any {
        switch self {
        case .bytes(let b): return Hex.encode(b)
        case .list(let items): return items.map(\.json)
        }
    }

    /// Parses the oracle's JSON form.
    init?(json: Any) {
        if let text = json as? String, let bytes = try? Hex.decode(text) {
            self = .bytes(bytes)
        } else if let array = json as? [Any] {
            var items: [RLPItem] = []
            for element in array {
                guard let item = RLPItem(json: element) else { return nil }
                items.append(item)
            }
            self = .list(items)
        } else {
            return nil
        }
    }
}

/// Decodes, returning the error instead of throwing it.
func decodeResult(_ bytes: [UInt8]) -> Result<RLPItem, RLPError> {
    Result { () throws(RLPError) -> RLPItem in try RLP.decode(bytes) }
}

/// The error `body` throws, or nil.
func rlpError<T>(_ body: () throws(RLPError) -> T) -> RLPError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

extension SeededRandom {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A byte string from the lengths that matter: empty, one byte either side of 0x80, 55/56, long.
    mutating func rlpString(allowLong: Bool = true) -> [UInt8] {
        switch int(0...15) {
        case 0: return []
        case 1: return [UInt8(int(0...0x7F))]
        case 2: return [UInt8(int(0x80...0xFF))]
        case 3: return bytes(55)
        case 4: return bytes(56)
        case 5: return bytes(int(54...57))
        case 6 where allowLong && int(0...3) == 0: return bytes(int(1000...1100))
        case 7: return [0]
        default: return bytes(int(2...20))
        }
    }

    /// A list whose payload is `target` bytes (used around the 55/56 boundary).
    mutating func rlpBoundaryList(payload target: Int) -> RLPItem {
        var remaining = target
        var items: [RLPItem] = []
        while remaining > 0 {
            if remaining == 1 {
                items.append(.bytes([UInt8(int(0...0x7F))]))
                remaining = 0
            } else {
                let n = int(1...min(remaining - 1, 55))
                var b = bytes(n)
                if n == 1 { b[0] |= 0x80 }
                items.append(.bytes(b))
                remaining -= n + 1
            }
        }
        return .list(items)
    }

    /// A random item tree nested up to `maxDepth` lists deep.
    mutating func rlpItem(depth: Int = 0, maxDepth: Int = 5, allowLong: Bool = true) -> RLPItem {
        if depth >= maxDepth || int(0...2) == 0 {
            return .bytes(rlpString(allowLong: allowLong))
        }
        if int(0...5) == 0 {
            return rlpBoundaryList(payload: int(53...58))
        }
        let n = int(0...5)
        return .list((0..<n).map { _ in rlpItem(depth: depth + 1, maxDepth: maxDepth, allowLong: allowLong) })
    }

    /// `bytes` damaged the ways decoders get it wrong: flipped, truncated, extended, lengths bumped.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        let rounds = int(1...2)
        for _ in 0..<rounds {
            switch int(0...7) {
            case 0 where !b.isEmpty:
                b[int(0...b.count - 1)] ^= UInt8(int(1...255))
            case 1 where !b.isEmpty:
                b.removeLast(int(1...b.count))
            case 2:
                b.append(contentsOf: bytes(int(1...3)))
            case 3:
                b.insert(UInt8(int(0...255)), at: int(0...b.count))
            case 4 where !b.isEmpty:
                b.remove(at: int(0...b.count - 1))
            case 5 where !b.isEmpty:
                let i = int(0...b.count - 1)
                b[i] = int(0...1) == 0 ? b[i] &+ 1 : b[i] &- 1
            case 6 where !b.isEmpty:
                // A header byte from the interesting set, replacing the first byte.
                b[0] = [0x00, 0x7F, 0x80, 0x81, 0xB7, 0xB8, 0xB9, 0xBF, 0xC0, 0xF7, 0xF8, 0xF9, 0xFF][int(0...12)]
            case 7:
                b.insert(0, at: min(1, b.count))
            default:
                b.append(UInt8(int(0...255)))
            }
        }
        return b
    }

    /// An input for the decoder: random bytes, a valid encoding, or a damaged one.
    mutating func rlpDecoderInput() -> [UInt8] {
        switch int(0...5) {
        case 0: return bytes(int(0...12))
        case 1: return RLP.encode(rlpItem(maxDepth: 3, allowLong: false))
        default: return mutate(RLP.encode(rlpItem(maxDepth: 3, allowLong: false)))
        }
    }
}
