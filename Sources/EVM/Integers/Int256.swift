/// A signed 256-bit integer in two's complement over the same four limbs as `UInt256`
/// (the EVM's view of a word for `SDIV`, `SMOD`, `SLT`, `SGT`, `SAR`, `SIGNEXTEND`).
///
/// Range -2^255 ... 2^255 - 1. Conventions match Swift's signed integers:
/// - `+`, `-`, `*`, unary `-` trap on overflow; `&+`, `&-`, `&*` wrap (identical bits to `UInt256`'s;
///   they are `FixedWidthInteger`'s generic defaults over the reporting forms).
/// - `/` and `%` trap on a zero divisor and on `min / -1`; the reporting forms return
///   `(self, true)` for a zero divisor, `(min, true)` for `min / -1` and `(0, true)` for `min % -1`.
/// - `evmDivided(by:)` / `evmRemainder(dividingBy:)` are the EVM `SDIV` / `SMOD`: 0 for a zero divisor,
///   `min / -1 == min`, quotient truncated toward zero, remainder with the sign of the dividend.
/// - `>>` is an arithmetic shift (EVM `SAR`): shifting by 256 or more gives 0 or -1.
///
/// Text: `description` is decimal with a leading `-`; `hexString` is `[-]0x` and the magnitude;
/// `init(decimalString:)`, `init(hexString:)` and `init(parsing:)` accept a leading `-`. `Codable` uses a
/// decimal string (decoding also accepts `[-]0x` hex).
public struct Int256: Sendable, Hashable {
    /// The two's complement bits.
    @usableFromInline internal var bits: UInt256

    /// Creates a value with the same bits as `bitPattern`.
    @inlinable
    public init(bitPattern: UInt256) { self.bits = bitPattern }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: Int64) {
        let fill: UInt64 = value < 0 ? .max : 0
        bits = UInt256(UInt64(bitPattern: value), fill, fill, fill)
    }

    /// True when the value is below zero.
    @inlinable
    public var isNegative: Bool { bits.w3 &>> 63 == 1 }

    /// True when the value is zero.
    @inlinable
    public var isZero: Bool { bits.isZero }

    /// The absolute value as a `UInt256` (defined for `min`, whose magnitude is 2^255).
    @inlinable
    public var magnitude: UInt256 { isNegative ? (~bits) &+ .one : bits }

    /// -1, 0 or 1.
    @inlinable
    public func signum() -> Int256 {
        isNegative ? Int256(-1) : (bits.isZero ? .zero : Int256(1))
    }

    /// The value with the given sign and magnitude, wrapping modulo 2^256.
    @inlinable
    internal init(negative: Bool, magnitude: UInt256) {
        bits = negative ? (~magnitude) &+ .one : magnitude
    }
}

extension UInt256 {
    /// Creates a value with the same bits as the two's complement `bitPattern`.
    @inlinable
    public init(bitPattern: Int256) { self = bitPattern.bits }
}

// MARK: - Constants and comparison

extension Int256: Comparable {
    /// Zero.
    @inlinable public static var zero: Int256 { Int256(bitPattern: .zero) }
    /// 2^255 - 1.
    @inlinable public static var max: Int256 { Int256(bitPattern: UInt256(.max, .max, .max, .max >> 1)) }
    /// -2^255.
    @inlinable public static var min: Int256 { Int256(bitPattern: UInt256(0, 0, 0, 1 << 63)) }

    /// Orders values numerically.
    @inlinable
    public static func < (lhs: Int256, rhs: Int256) -> Bool {
        let l = lhs.bits, r = rhs.bits
        if l.w3 != r.w3 { return Int64(bitPattern: l.w3) < Int64(bitPattern: r.w3) }
        if l.w2 != r.w2 { return l.w2 < r.w2 }
        if l.w1 != r.w1 { return l.w1 < r.w1 }
        return l.w0 < r.w0
    }

    /// Equality of the bits.
    @inlinable
    public static func == (lhs: Int256, rhs: Int256) -> Bool { lhs.bits == rhs.bits }
}

// MARK: - Arithmetic

extension Int256 {
    /// `self + rhs` wrapped to 256 bits, and whether the true sum is out of range.
    @inlinable
    public func addingReportingOverflow(_ rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = bits &+ rhs.bits
        let overflow = ((bits.w3 ^ r.w3) & (rhs.bits.w3 ^ r.w3)) &>> 63 == 1
        return (Int256(bitPattern: r), overflow)
    }

    /// `self - rhs` wrapped to 256 bits, and whether the true difference is out of range.
    @inlinable
    public func subtractingReportingOverflow(_ rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        let r = bits &- rhs.bits
        let overflow = ((bits.w3 ^ rhs.bits.w3) & (bits.w3 ^ r.w3)) &>> 63 == 1
        return (Int256(bitPattern: r), overflow)
    }

    /// The full 512-bit signed product as `(high, low)` halves.
    @inlinable
    public func multipliedFullWidth(by other: Int256) -> (high: Int256, low: UInt256) {
        var (high, low) = bits.multipliedFullWidth(by: other.bits)
        if isNegative { high = high &- other.bits }
        if other.isNegative { high = high &- bits }
        return (Int256(bitPattern: high), low)
    }

    /// `self * rhs` wrapped to 256 bits, and whether the true product is out of range.
    @inlinable @inline(__always)
    public func multipliedReportingOverflow(by rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        // Independent halves, so that `&*` (which drops the flag) inlines to the low product only.
        (Int256(bitPattern: UInt256.wrappingProduct(bits, rhs.bits)), Int256.productOverflows(self, rhs))
    }

    /// Whether `a * b` is outside -2^255...2^255-1.
    @inlinable @inline(__always)
    internal static func productOverflows(_ a: Int256, _ b: Int256) -> Bool {
        let (high, low) = a.multipliedFullWidth(by: b)
        let signFill: UInt256 = low.w3 &>> 63 == 1 ? .max : .zero
        return high.bits != signFill
    }

    /// Quotient (truncated toward zero); `(self, true)` for a zero divisor, `(min, true)` for `min / -1`.
    @inlinable
    public func dividedReportingOverflow(by rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        if self == .min && rhs == Int256(-1) { return (.min, true) }
        let q = UInt256.divide(magnitude, rhs.magnitude).quotient
        return (Int256(negative: isNegative != rhs.isNegative, magnitude: q), false)
    }

    /// Remainder with the sign of `self`; `(self, true)` for a zero divisor, `(0, true)` for `min % -1`.
    @inlinable
    public func remainderReportingOverflow(dividingBy rhs: Int256) -> (partialValue: Int256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        if self == .min && rhs == Int256(-1) { return (.zero, true) }
        let r = UInt256.divide(magnitude, rhs.magnitude).remainder
        return (Int256(negative: isNegative, magnitude: r), false)
    }

    /// EVM `SDIV`: quotient truncated toward zero; 0 for a zero divisor; `min / -1 == min`.
    @inlinable
    public func evmDivided(by rhs: Int256) -> Int256 {
        if rhs.isZero { return .zero }
        let q = UInt256.divide(magnitude, rhs.magnitude).quotient
        return Int256(negative: isNegative != rhs.isNegative, magnitude: q)
    }

    /// EVM `SMOD`: remainder with the sign of `self`; 0 for a zero divisor.
    @inlinable
    public func evmRemainder(dividingBy rhs: Int256) -> Int256 {
        if rhs.isZero { return .zero }
        let r = UInt256.divide(magnitude, rhs.magnitude).remainder
        return Int256(negative: isNegative, magnitude: r)
    }

    /// Divides the 512-bit two's complement `dividend` by `self`, truncating toward zero; traps when
    /// `self` is zero or the quotient is out of range.
    @inlinable
    public func dividingFullWidth(_ dividend: (high: Int256, low: UInt256)) -> (quotient: Int256, remainder: Int256) {
        precondition(!isZero, "Division by zero")
        let negativeDividend = dividend.high.isNegative
        var high = dividend.high.bits, low = dividend.low
        if negativeDividend {
            // 512-bit negation: invert and add one.
            let (l, carry) = (~low).addingReportingOverflow(.one)
            low = l
            high = (~high) &+ (carry ? .one : .zero)
        }
        let divisor = magnitude
        precondition(high < divisor, "Quotient overflow in dividingFullWidth")
        let (q, r) = UInt256.divideWide(high, low, divisor)
        let negativeQuotient = negativeDividend != isNegative
        let limit = negativeQuotient ? Int256.min.bits : Int256.max.bits
        precondition(q <= limit, "Quotient overflow in dividingFullWidth")
        return (Int256(negative: negativeQuotient, magnitude: q), Int256(negative: negativeDividend, magnitude: r))
    }

    /// Sum; traps on overflow.
    @inlinable
    public static func + (lhs: Int256, rhs: Int256) -> Int256 {
        let (r, o) = lhs.addingReportingOverflow(rhs)
        precondition(!o, "Int256 arithmetic overflow in +")
        return r
    }

    /// Difference; traps on overflow.
    @inlinable
    public static func - (lhs: Int256, rhs: Int256) -> Int256 {
        let (r, o) = lhs.subtractingReportingOverflow(rhs)
        precondition(!o, "Int256 arithmetic overflow in -")
        return r
    }

    /// Product; traps on overflow.
    @inlinable
    public static func * (lhs: Int256, rhs: Int256) -> Int256 {
        let (r, o) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!o, "Int256 arithmetic overflow in *")
        return r
    }

    /// Quotient truncated toward zero; traps on a zero divisor or `min / -1`.
    @inlinable
    public static func / (lhs: Int256, rhs: Int256) -> Int256 {
        precondition(!rhs.isZero, "Division by zero")
        let (r, o) = lhs.dividedReportingOverflow(by: rhs)
        precondition(!o, "Int256 division overflow")
        return r
    }

    /// Remainder with the sign of `lhs`; traps on a zero divisor or `min % -1`.
    @inlinable
    public static func % (lhs: Int256, rhs: Int256) -> Int256 {
        precondition(!rhs.isZero, "Division by zero")
        let (r, o) = lhs.remainderReportingOverflow(dividingBy: rhs)
        precondition(!o, "Int256 remainder overflow")
        return r
    }

    /// Adds in place; traps on overflow.
    @inlinable public static func += (lhs: inout Int256, rhs: Int256) { lhs = lhs + rhs }
    /// Subtracts in place; traps on overflow.
    @inlinable public static func -= (lhs: inout Int256, rhs: Int256) { lhs = lhs - rhs }
    /// Multiplies in place; traps on overflow.
    @inlinable public static func *= (lhs: inout Int256, rhs: Int256) { lhs = lhs * rhs }
    /// Divides in place; traps on a zero divisor or overflow.
    @inlinable public static func /= (lhs: inout Int256, rhs: Int256) { lhs = lhs / rhs }
    /// Takes the remainder in place; traps on a zero divisor or overflow.
    @inlinable public static func %= (lhs: inout Int256, rhs: Int256) { lhs = lhs % rhs }

    /// Negation; traps for `min`.
    @inlinable
    public static prefix func - (x: Int256) -> Int256 {
        precondition(x != .min, "Int256 arithmetic overflow in negation")
        return Int256(bitPattern: (~x.bits) &+ .one)
    }

    /// Negates in place; traps for `min`.
    @inlinable
    public mutating func negate() { self = -self }

    /// `self` raised to `exponent` wrapped to 256 bits (the EVM `EXP` bits read as signed).
    @inlinable
    public func wrappingPower(_ exponent: UInt256) -> Int256 {
        Int256(bitPattern: bits.wrappingPower(exponent))
    }

    /// `self` raised to `exponent`, and whether the true power is out of range.
    @inlinable
    public func powerReportingOverflow(_ exponent: UInt256) -> (partialValue: Int256, overflow: Bool) {
        let (m, o) = magnitude.powerReportingOverflow(exponent)
        let negative = isNegative && exponent.w0 & 1 == 1
        let limit = negative ? Int256.min.bits : Int256.max.bits
        return (Int256(negative: negative, magnitude: m), o || m > limit)
    }

    /// `self` raised to `exponent`; traps on overflow.
    @inlinable
    public func power(_ exponent: UInt256) -> Int256 {
        let (r, o) = powerReportingOverflow(exponent)
        precondition(!o, "Int256 arithmetic overflow in power")
        return r
    }

    /// EVM `SIGNEXTEND`: extends the sign bit of byte `byteIndex` (0 is least significant) upward;
    /// indices of 31 or more leave the value unchanged.
    @inlinable
    public static func signExtend(_ value: UInt256, fromByte byteIndex: UInt256) -> Int256 {
        if byteIndex >= UInt256(31) { return Int256(bitPattern: value) }
        let shift = 256 - 8 * (Int(byteIndex.w0) + 1)
        return Int256(bitPattern: value.shiftedLeft(shift)) >> shift
    }
}

// MARK: - Bitwise operations and shifts

extension Int256 {
    /// Bitwise AND.
    @inlinable public static func & (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits & rhs.bits) }
    /// Bitwise OR.
    @inlinable public static func | (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits | rhs.bits) }
    /// Bitwise XOR.
    @inlinable public static func ^ (lhs: Int256, rhs: Int256) -> Int256 { Int256(bitPattern: lhs.bits ^ rhs.bits) }
    /// Bitwise NOT.
    @inlinable public static prefix func ~ (x: Int256) -> Int256 { Int256(bitPattern: ~x.bits) }
    /// ANDs in place.
    @inlinable public static func &= (lhs: inout Int256, rhs: Int256) { lhs = lhs & rhs }
    /// ORs in place.
    @inlinable public static func |= (lhs: inout Int256, rhs: Int256) { lhs = lhs | rhs }
    /// XORs in place.
    @inlinable public static func ^= (lhs: inout Int256, rhs: Int256) { lhs = lhs ^ rhs }

    /// Arithmetic right shift by `s` in 0..<256.
    @inlinable
    internal func shiftedRightArithmetic(_ s: Int) -> Int256 {
        Int256(bitPattern: bits.shiftedRight(s, fill: isNegative ? .max : 0))
    }

    /// Left shift with the amount masked to 0..<256.
    @inlinable
    public static func &<< (lhs: Int256, rhs: Int256) -> Int256 {
        Int256(bitPattern: lhs.bits.shiftedLeft(Int(truncatingIfNeeded: rhs.bits.w0 & 255)))
    }

    /// Arithmetic right shift with the amount masked to 0..<256.
    @inlinable
    public static func &>> (lhs: Int256, rhs: Int256) -> Int256 {
        lhs.shiftedRightArithmetic(Int(truncatingIfNeeded: rhs.bits.w0 & 255))
    }

    /// Smart left shift: 256 or more gives 0; negative amounts shift right arithmetically.
    @inlinable
    public static func << <RHS: BinaryInteger>(lhs: Int256, rhs: RHS) -> Int256 {
        let (s, reverse) = UInt256.clampedShift(rhs)
        if reverse { return lhs.shiftedRightArithmetic(Swift.min(s, 255)) }
        return s >= 256 ? .zero : Int256(bitPattern: lhs.bits.shiftedLeft(s))
    }

    /// Smart arithmetic right shift (EVM `SAR`): 256 or more gives 0 or -1; negative amounts shift left.
    @inlinable
    public static func >> <RHS: BinaryInteger>(lhs: Int256, rhs: RHS) -> Int256 {
        let (s, reverse) = UInt256.clampedShift(rhs)
        if reverse { return s >= 256 ? .zero : Int256(bitPattern: lhs.bits.shiftedLeft(s)) }
        return lhs.shiftedRightArithmetic(Swift.min(s, 255))
    }
}

// MARK: - Standard protocols

extension Int256: FixedWidthInteger, SignedInteger, LosslessStringConvertible {
    /// The absolute value type.
    public typealias Magnitude = UInt256
    /// The words of the two's complement bits.
    public typealias Words = UInt256.Words
    /// Integer literals of any size in range (`StaticBigInt`).
    public typealias IntegerLiteralType = StaticBigInt

    /// Creates a value from an integer literal; traps when it is out of range.
    @inlinable
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.bitWidth <= 256, "Integer literal overflows Int256")
        #if _pointerBitWidth(_64)
        bits = UInt256(
            UInt64(truncatingIfNeeded: value[0]), UInt64(truncatingIfNeeded: value[1]),
            UInt64(truncatingIfNeeded: value[2]), UInt64(truncatingIfNeeded: value[3]))
        #else
        func limb(_ i: Int) -> UInt64 {
            UInt64(truncatingIfNeeded: value[2 * i]) | UInt64(truncatingIfNeeded: value[2 * i + 1]) << 32
        }
        bits = UInt256(limb(0), limb(1), limb(2), limb(3))
        #endif
    }

    /// 256.
    @inlinable public static var bitWidth: Int { 256 }
    /// The machine words of the two's complement bits, least significant first.
    @inlinable public var words: UInt256.Words { bits.words }
    /// Number of zero bits above the highest set bit of the two's complement bits.
    @inlinable public var leadingZeroBitCount: Int { bits.leadingZeroBitCount }
    /// Number of zero bits below the lowest set bit (256 for zero).
    @inlinable public var trailingZeroBitCount: Int { bits.trailingZeroBitCount }
    /// Number of set bits in the two's complement bits.
    @inlinable public var nonzeroBitCount: Int { bits.nonzeroBitCount }
    /// The value with its 32 bytes in reverse order.
    @inlinable public var byteSwapped: Int256 { Int256(bitPattern: bits.byteSwapped) }

    /// Creates a value from the low word `bits`, zero-extended (used by the standard library).
    @inlinable
    public init(_truncatingBits bits: UInt) {
        self.bits = UInt256(_truncatingBits: bits)
    }

    /// Creates a value from the low 256 bits of `source`, sign-extending negative values.
    @inlinable
    public init<T: BinaryInteger>(truncatingIfNeeded source: T) {
        bits = UInt256(truncatingIfNeeded: source)
    }
}

// MARK: - Text, bytes and Codable

extension Int256 {
    /// Applies an optional leading `-` to a parsed magnitude, checking the range.
    static func signed(
        _ text: String, _ parse: (String, Int) throws(IntegerParseError) -> UInt256, prefixAfterSign: Bool
    ) throws(IntegerParseError) -> Int256 {
        let negative = text.utf8.first == UInt8(ascii: "-")
        var start = negative ? 1 : 0
        if prefixAfterSign {
            start += Hex.prefixLength(text.utf8.dropFirst(start))
        }
        if text.utf8.isEmpty { throw .empty }
        let m = try parse(text, start)
        if negative {
            guard m <= Int256.min.bits else { throw .overflow }
        } else {
            guard m <= Int256.max.bits else { throw .overflow }
        }
        return Int256(negative: negative, magnitude: m)
    }

    /// Parses decimal digits with an optional leading `-` (no `+`, no spaces).
    ///
    /// - Throws: `IntegerParseError.empty`, `.missingDigits` (a bare `-`), `.invalidCharacter` with
    ///   its offset, or `.overflow` outside -2^255...2^255-1.
    @inlinable
    public init(decimalString text: some StringProtocol) throws(IntegerParseError) {
        self = try Int256.parseDecimal(String(text))
    }

    /// Parses a hex magnitude with an optional leading `-` and optional `0x` (`-0x1f`).
    @inlinable
    public init(hexString text: some StringProtocol) throws(IntegerParseError) {
        self = try Int256.parseHex(String(text))
    }

    /// Parses `[-]0x`-prefixed hex, or decimal with an optional `-`.
    @inlinable
    public init(parsing text: some StringProtocol) throws(IntegerParseError) {
        self = try Int256.parseAuto(String(text))
    }

    /// Body of `init(decimalString:)`, not generic so that it runs at full speed from any module.
    @usableFromInline
    static func parseDecimal(_ text: String) throws(IntegerParseError) -> Int256 {
        try signed(text, { (t, s) throws(IntegerParseError) in try UInt256.parseDecimalDigits(t, from: s) },
                   prefixAfterSign: false)
    }

    /// Body of `init(hexString:)`.
    @usableFromInline
    static func parseHex(_ text: String) throws(IntegerParseError) -> Int256 {
        try signed(text, { (t, s) throws(IntegerParseError) in try UInt256.parseHexDigits(t, from: s) },
                   prefixAfterSign: true)
    }

    /// Body of `init(parsing:)`.
    @usableFromInline
    static func parseAuto(_ text: String) throws(IntegerParseError) -> Int256 {
        let afterSign = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        return Hex.prefixLength(afterSign) == 2 ? try parseHex(text) : try parseDecimal(text)
    }

    /// The value in decimal with a leading `-` when negative.
    public var description: String {
        isNegative ? "-" + magnitude.description : bits.description
    }

    /// The value as `0x` hex of its magnitude, with a leading `-` when negative (`-0x1f`).
    public var hexString: String {
        isNegative ? "-" + magnitude.hexString : bits.hexString
    }

    /// Creates a value from up to 32 big-endian two's complement bytes, sign-extending from the first byte
    /// (the ABI `int256` word when 32 bytes are given).
    ///
    /// - Throws: `IntegerParseError.tooManyBytes` for more than 32 bytes.
    public init<C: Collection>(bigEndianBytes bytes: C) throws(IntegerParseError) where C.Element == UInt8 {
        let unsigned = try UInt256(bigEndianBytes: bytes)
        let count = bytes.count
        guard count > 0, count < 32, let first = bytes.first, first & 0x80 != 0 else {
            self.init(bitPattern: unsigned)
            return
        }
        self.init(bitPattern: unsigned | (UInt256.max.shiftedLeft(count * 8)))
    }

    /// The 32-byte big-endian two's complement representation (the ABI `int256` word).
    public var bigEndianBytes: [UInt8] { bits.bigEndianBytes }
}

extension Int256: Codable {
    /// Decodes a string: decimal with an optional `-`, or `[-]0x` hex.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Int256(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid Int256 \(text.debugDescription): \(error)")
        }
    }

    /// Encodes as a decimal string with an optional `-`, e.g. `"-42"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
