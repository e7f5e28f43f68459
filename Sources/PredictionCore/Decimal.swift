/// Exact decimal text ↔ fixed-point integers (no floating point anywhere).
public enum FixedPoint {
    /// Parses a non-negative decimal string such as `"97123.45"` into an integer with `decimals`
    /// fractional digits (`9_712_345_000_000` for 8). Digits beyond `decimals` are accepted only
    /// when they are zeros (exactness: nothing is rounded).
    public static func parse(_ text: some StringProtocol, decimals: Int) throws(PriceParseError) -> UInt64 {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .invalidNumber(String(text)) }
        var integer: UInt64 = 0
        var fraction: UInt64 = 0
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        for b in bytes {
            if b == UInt8(ascii: ".") {
                guard !sawPoint else { throw .invalidNumber(String(text)) }
                sawPoint = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { throw .invalidNumber(String(text)) }
            sawDigit = true
            let digit = UInt64(b - UInt8(ascii: "0"))
            if sawPoint {
                if fractionDigits < decimals {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else if digit != 0 {
                    throw .tooManyDecimals(String(text), decimals: decimals)
                }
            } else {
                let (m, o1) = integer.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw .overflow(String(text)) }
                integer = s
            }
        }
        guard sawDigit else { throw .invalidNumber(String(text)) }
        while fractionDigits < decimals {
            fraction *= 10
            fractionDigits += 1
        }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let (m, o1) = integer.multipliedReportingOverflow(by: scale)
        let (s, o2) = m.addingReportingOverflow(fraction)
        guard !o1, !o2 else { throw .overflow(String(text)) }
        return s
    }

    /// Formats `value` with `decimals` fractional digits, all of them written (`"97123.45000000"`).
    public static func format(_ value: UInt64, decimals: Int) -> String {
        guard decimals > 0 else { return String(value) }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let fraction = String(value % scale)
        return "\(value / scale).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }

    /// Formats a signed amount (a ledger balance) with `decimals` fractional digits.
    public static func format(signed value: Int64, decimals: Int) -> String {
        value < 0 ? "-" + format(value.magnitude, decimals: decimals) : format(UInt64(value), decimals: decimals)
    }
}

/// Price (8 decimals) and money (6 decimals) helpers.
public enum Units {
    /// Decimals of prices (docs/PROTOCOL.md §1).
    public static let priceDecimals = 8
    /// Decimals of stakes and payouts (micro-units).
    public static let moneyDecimals = 6

    /// `"97123.45678901"` for `9_712_345_678_901`.
    public static func price(_ value: UInt64) -> String { FixedPoint.format(value, decimals: priceDecimals) }
    /// `"25.000000"` for `25_000_000`.
    public static func money(_ value: UInt64) -> String { FixedPoint.format(value, decimals: moneyDecimals) }
}
