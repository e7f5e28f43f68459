import EVM
import Foundation
import Testing

/// Seeded generators of random ABI types and values for the differential and fuzz tests.
extension SeededRandom {
    /// A random type; arrays and tuples nest to `maxDepth`. `function` is left out (eth_abi lacks it).
    mutating func abiType(depth: Int = 0, maxDepth: Int = 4) -> ABIType {
        let choices = depth >= maxDepth ? 7 : 10
        switch Int.random(in: 0..<choices, using: &self) {
        case 0: return .uint(8 * Int.random(in: 1...32, using: &self))
        case 1: return .int(8 * Int.random(in: 1...32, using: &self))
        case 2: return .address
        case 3: return .bool
        case 4: return .fixedBytes(Int.random(in: 1...32, using: &self))
        case 5: return .bytes
        case 6: return .string
        case 7: return .array(abiType(depth: depth + 1, maxDepth: maxDepth))
        case 8: return .fixedArray(abiType(depth: depth + 1, maxDepth: maxDepth), Int.random(in: 1...3, using: &self))
        default:
            return .tuple((0..<Int.random(in: 1...3, using: &self)).map { _ in abiType(depth: depth + 1, maxDepth: maxDepth) })
        }
    }

    mutating func uint256() -> UInt256 {
        UInt256(limbs: (next(), next(), next(), next()))
    }

    /// A random value of `type`, biased towards edge values.
    mutating func abiValue(_ type: ABIType) -> ABIValue {
        switch type {
        case .uint(let bits):
            let edge = Int.random(in: 0..<4, using: &self)
            let mask = bits == 256 ? UInt256.max : (UInt256.one << bits) &- .one
            if edge == 0 { return .uint(.zero) }
            if edge == 1 { return .uint(mask) }
            return .uint(uint256() & (mask >> Int.random(in: 0..<bits, using: &self)))
        case .int(let bits):
            let raw = uint256() >> Int.random(in: (256 - bits)..<256, using: &self)
            let value = Int256.signExtend(raw, fromByte: UInt256(UInt64(bits / 8 - 1)))
            switch Int.random(in: 0..<5, using: &self) {
            case 0: return .int(Int256.signExtend(UInt256.one << (bits - 1), fromByte: UInt256(UInt64(bits / 8 - 1))))  // min
            case 1: return .int(-1)
            default: return .int(Bool.random(using: &self) ? value : Int256.signExtend(raw >> 1, fromByte: UInt256(UInt64(bits / 8 - 1))))
            }
        case .address: return .address(try! Address(bytes(20)))
        case .bool: return .bool(Bool.random(using: &self))
        case .fixedBytes(let n): return .fixedBytes(bytes(n))
        case .function: return .fixedBytes(bytes(24))
        case .bytes: return .bytes(bytes(Int.random(in: 0...70, using: &self)))
        case .string:
            let alphabet: [String] = ["a", "Z", " ", "é", "🚀", "\"", "\\", ",", "]", "字", "0"]
            return .string((0..<Int.random(in: 0...40, using: &self)).map { _ in alphabet.randomElement(using: &self)! }.joined())
        case .array(let t): return .array((0..<Int.random(in: 0...3, using: &self)).map { _ in abiValue(t) })
        case .fixedArray(let t, let k): return .array((0..<k).map { _ in abiValue(t) })
        case .tuple(let ts): return .tuple(ts.map { abiValue($0) })
        }
    }
}
