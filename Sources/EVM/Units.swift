/// Errors from parsing a decimal amount with `Units.parse`.
///
/// Offsets are byte offsets into the UTF-8 of the amount text.
public enum UnitsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The amount text is empty.
    case empty
    /// The amount has no digits at all (for example `"."`).
    case missingDigits
    /// The amount starts with `-`: amounts are unsigned.
    case negative
    /// A character that is neither a decimal digit nor the one decimal point, at this offset
    /// (spaces, signs, exponents like `1e18`, thousands separators…).
    case invalidCharacter(Character, offset: Int)
    /// A second decimal point, at this offset.
    case multipleDecimalPoints(offset: Int)
    /// A nonzero fractional digit beyond the unit's `decimals`, at this offset: the amount is not a
    /// whole number of the smallest unit, and it is never rounded.
    case tooManyDecimals(decimals: Int, offset: Int)
    /// The amount in the smallest unit exceeds 2^256 - 1.
    case overflow
    /// The number of decimals is negative.
    case invalidDecimals(Int)

    /// A one-line message naming what is wrong and where.
    public var description: String {
        switch self {
        case .empty:
            return "empty amount"
        case .missingDigits:
            return "amount has no digits"
        case .negative:
            return "negative amount: amounts are unsigned"
        case .invalidCharacter(let c, let offset):
            return "invalid character \(c.debugDescription) at offset \(offset) in amount"
        case .multipleDecimalPoints(let offset):
            return "second decimal point at offset \(offset) in amount"
        case .tooManyDecimals(let decimals, let offset):
            return "digit at offset \(offset) is beyond the \(decimals) decimals of the unit (amounts are never rounded)"
        case .overflow:
            return "amount does not fit in 256 bits of the smallest unit"
        case .invalidDecimals(let decimals):
            return "invalid number of decimals \(decimals)"
        }
    }
}

/// A named number of decimals: how many of the smallest unit make one of this unit (10^decimals).
public struct Denomination: Sendable, Hashable, CustomStringConvertible {
    /// Number of decimal places (wei 0, gwei 9, ether 18).
    public let decimals: Int

    /// A denomination of `decimals` places (any ERC-20 token's `decimals()`); must not be negative.
    public init(decimals: Int) {
        precondition(decimals >= 0, "decimals must not be negative")
        self.decimals = decimals
    }

    /// 10^0: the smallest unit.
    public static let wei = Denomination(decimals: 0)
    /// 10^3 wei.
    public static let kwei = Denomination(decimals: 3)
    /// 10^6 wei.
    public static let mwei = Denomination(decimals: 6)
    /// 10^9 wei (gas prices).
    public static let gwei = Denomination(decimals: 9)
    /// 10^12 wei.
    public static let szabo = Denomination(decimals: 12)
    /// 10^15 wei.
    public static let finney = Denomination(decimals: 15)
    /// 10^18 wei.
    public static let ether = Denomination(decimals: 18)

    /// The named denomination (`wei`, `kwei`, `mwei`, `gwei`, `szabo`, `finney`, `ether`; case-insensitive),
    /// or `nil`.
    public init?(name: some StringProtocol) {
        switch name.lowercased() {
        case "wei": self = .wei
        case "kwei": self = .kwei
        case "mwei": self = .mwei
        case "gwei": self = .gwei
        case "szabo": self = .szabo
        case "finney": self = .finney
        case "ether", "eth": self = .ether
        default: return nil
        }
    }

    /// The unit's name when it has one, else `decimals=N`.
    public var description: String {
        switch decimals {
        case 0: return "wei"
        case 3: return "kwei"
        case 6: return "mwei"
        case 9: return "gwei"
        case 12: return "szabo"
        case 15: return "finney"
        case 18: return "ether"
        default: return "decimals=\(decimals)"
        }
    }
}

/// Exact conversion between decimal amounts (`"1.5"` ether) and integers of the smallest unit (wei).
///
/// No floating point and no rounding: an amount with more significant fractional digits than the
/// unit has decimals is an error.
public enum Units {
    /// Parses a decimal amount into the smallest unit: `parse("1.5", decimals: 18)` is 1.5 × 10^18.
    ///
    /// Accepted: ASCII digits with at most one `.`, with digits on at least one side (`"1"`, `"1.5"`,
    /// `".5"`, `"1."`); leading zeros; fractional zeros beyond `decimals` (they change nothing).
    /// Rejected with `UnitsError`: empty text, signs, spaces, exponents, a second point, a nonzero digit
    /// beyond `decimals`, and results above 2^256 - 1.
    @inlinable
    public static func parse(_ text: some StringProtocol, decimals: Int) throws(UnitsError) -> UInt256 {
        try parseAmount(String(text), decimals: decimals)
    }

    /// Body of `parse(_:decimals:)`, not generic so that it runs at full speed from any module.
    @usableFromInline
    static func parseAmount(_ text: String, decimals: Int) throws(UnitsError) -> UInt256 {
        guard decimals >= 0 else { throw .invalidDecimals(decimals) }
        if text.utf8.isEmpty { throw .empty }
        if text.utf8.first == UInt8(ascii: "-") { throw .negative }
        var value = UInt256.zero
        var overflow = false
        var sawPoint = false
        var sawDigit = false
        var fractionDigits = 0
        var offset = 0
        // Digits are accumulated one at a time: amounts are short, and this keeps overflow exact.
        for c in text.utf8 {
            defer { offset += 1 }
            if c == UInt8(ascii: ".") {
                guard !sawPoint else { throw .multipleDecimalPoints(offset: offset) }
                sawPoint = true
                continue
            }
            let d = c &- UInt8(ascii: "0")
            guard d < 10 else {
                throw .invalidCharacter(UInt256.character(in: text, atUTF8Offset: offset), offset: offset)
            }
            sawDigit = true
            if sawPoint {
                if fractionDigits == decimals {
                    // Beyond the unit's precision: only zeros are allowed (checked after the scan so
                    // that a bad character later in the text is reported first).
                    if d != 0 {
                        try checkRest(text, from: offset + 1)
                        throw .tooManyDecimals(decimals: decimals, offset: offset)
                    }
                    continue
                }
                fractionDigits += 1
            }
            if !overflow, value.multiplyAdd(10, UInt64(d)) != 0 { overflow = true }
        }
        guard sawDigit else { throw .missingDigits }
        if overflow { throw .overflow }
        // Scale by the decimals not written.
        var remaining = decimals - fractionDigits
        while remaining > 0 {
            let step = Swift.min(remaining, 19)
            var scale: UInt64 = 1
            for _ in 0..<step { scale &*= 10 }
            if value.multiplyAdd(scale, 0) != 0 { throw .overflow }
            if value.isZero { break }
            remaining -= step
        }
        return value
    }

    /// Parses a decimal amount of `unit` into the smallest unit; see `parse(_:decimals:)`.
    public static func parse(_ text: some StringProtocol, unit: Denomination) throws(UnitsError) -> UInt256 {
        try parse(text, decimals: unit.decimals)
    }

    /// Reports the first invalid character or second decimal point from `start` on, if any.
    static func checkRest(_ text: String, from start: Int) throws(UnitsError) {
        var offset = 0
        for c in text.utf8 {
            defer { offset += 1 }
            if offset < start { continue }
            if c == UInt8(ascii: ".") { throw .multipleDecimalPoints(offset: offset) }
            if c &- UInt8(ascii: "0") >= 10 {
                throw .invalidCharacter(UInt256.character(in: text, atUTF8Offset: offset), offset: offset)
            }
        }
    }

    /// Formats an amount of the smallest unit with `decimals` places: the shortest exact form, with no
    /// trailing fractional zeros and no point for whole amounts (`"1.5"`, `"0.000000001"`, `"1"`, `"0"`).
    /// `decimals` must not be negative (a precondition).
    public static func format(_ value: UInt256, decimals: Int) -> String {
        precondition(decimals >= 0, "decimals must not be negative")
        let digits = value.description
        if decimals == 0 { return digits }
        let utf8 = Array(digits.utf8)
        let intCount = Swift.max(0, utf8.count - decimals)
        // Fraction: `decimals` digits, left-padded with zeros, then trailing zeros dropped.
        let fractionSource = utf8[intCount...]
        let padding = decimals - fractionSource.count
        var fractionEnd = fractionSource.endIndex
        while fractionEnd > fractionSource.startIndex, utf8[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + padding + 2)
        if intCount == 0 { out.append(UInt8(ascii: "0")) } else { out.append(contentsOf: utf8[..<intCount]) }
        if fractionEnd > fractionSource.startIndex {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: padding))
            out.append(contentsOf: utf8[fractionSource.startIndex..<fractionEnd])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Formats an amount of the smallest unit in `unit`; see `format(_:decimals:)`.
    public static func format(_ value: UInt256, unit: Denomination) -> String {
        format(value, decimals: unit.decimals)
    }
}
