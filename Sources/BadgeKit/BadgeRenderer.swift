import EVM

/// The off-chain twin of the contract's `tokenURI` (docs/PROTOCOL.md §8): the same SVG card, the same metadata JSON
/// (with the 0–2 spaces before `"image"` the contract adds) and the same `data:` URI, byte for byte, for any class,
/// serial and stats. Builds bytes from precomputed fragments into one buffer; no Foundation, no floating point.
public enum BadgeRenderer {
    /// One card's inputs.
    public struct Card: Sendable, Hashable {
        /// The class.
        public var badgeClass: BadgeClass
        /// The serial (the season for a champion).
        public var serial: UInt128
        /// The stats shown.
        public var stats: TokenStats

        /// A card of `badgeClass` number `serial` showing `stats`.
        public init(badgeClass: BadgeClass, serial: UInt128, stats: TokenStats) {
            self.badgeClass = badgeClass
            self.serial = serial
            self.stats = stats
        }

        /// The card of `tokenID` showing `stats`; nil when the token id's class is not a badge class.
        public init?(tokenID: UInt256, stats: TokenStats) {
            guard let (c, serial) = BadgeClass.split(tokenID) else { return nil }
            self.init(badgeClass: c, serial: serial, stats: stats)
        }

        /// The token id `class << 128 | serial`.
        public var tokenID: UInt256 { badgeClass.tokenID(serial: serial) }
    }

    private static let svgHead = Array("<svg xmlns='http://www.w3.org/2000/svg' width='320' height='320' viewBox='0 0 320 320'><style>text{font-family:monospace;fill:#fff;text-anchor:middle}</style><rect width='320' height='320' rx='24' fill='".utf8)
    private static let svgName = Array("'/><text x='160' y='80' font-size='22'>".utf8)
    private static let svgLevel = Array("</text><text x='160' y='150' font-size='40'>".utf8)
    private static let svgWins = Array("</text><text x='160' y='215' font-size='20'>".utf8)
    private static let svgRate = Array(" wins</text><text x='160' y='255' font-size='20'>".utf8)
    private static let svgTail = Array("% win rate</text></svg>".utf8)
    private static let jsonName = Array("{\"name\":\"".utf8)
    private static let jsonClass = Array("\",\"description\":\"SixNines badge\",\"attributes\":[{\"trait_type\":\"Class\",\"value\":\"".utf8)
    private static let jsonLevel = Array("\"},{\"trait_type\":\"Level\",\"value\":\"".utf8)
    private static let jsonWins = Array("\"},{\"trait_type\":\"Wins\",\"value\":".utf8)
    private static let jsonPredictions = Array("},{\"trait_type\":\"Predictions\",\"value\":".utf8)
    private static let jsonStreak = Array("},{\"trait_type\":\"Best streak\",\"value\":".utf8)
    private static let jsonRate = Array("},{\"trait_type\":\"Win rate\",\"value\":".utf8)
    private static let jsonSoulbound = Array("},{\"trait_type\":\"Soulbound\",\"value\":\"".utf8)
    private static let jsonHeadEnd = Array("\"}],".utf8)
    private static let jsonImage = Array("\"image\":\"data:image/svg+xml;base64,".utf8)
    private static let jsonEnd = Array("\"}".utf8)
    private static let uriPrefix = Array("data:application/json;base64,".utf8)
    private static let names: [[UInt8]] = (0...33).map { BadgeClass(rawValue: UInt8($0)).map { Array($0.name.utf8) } ?? [] }
    private static let levels: [[UInt8]] = BadgeLevel.allCases.map { Array($0.description.utf8) }
    private static let colours: [[UInt8]] = BadgeLevel.allCases.map { Array($0.colour.utf8) }
    private static let yes = Array("yes".utf8), no = Array("no".utf8)

    /// The SVG card (UTF-8 bytes).
    public static func svgBytes(_ card: Card) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(520)
        appendSVG(card, to: &out)
        return out
    }

    /// The SVG card.
    public static func svg(_ card: Card) -> String { String(decoding: svgBytes(card), as: UTF8.self) }

    /// The metadata JSON exactly as the contract encodes it (the image as a base64 SVG data URI).
    public static func metadataJSON(_ card: Card) -> String { String(decoding: metadataBytes(card), as: UTF8.self) }

    /// The `tokenURI`: `data:application/json;base64,` + base64 of the metadata JSON.
    public static func tokenURI(_ card: Card) -> String {
        let json = metadataBytes(card)
        var out: [UInt8] = uriPrefix
        out.reserveCapacity(uriPrefix.count + (json.count + 2) / 3 * 4)
        Base64.append(json, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendSVG(_ card: Card, to out: inout [UInt8]) {
        let level = card.stats.level.rawValue
        out += svgHead
        out += colours[level]
        out += svgName
        out += names[Int(card.badgeClass.rawValue)]
        out += svgLevel
        out += levels[level]
        out += svgWins
        appendDecimal(UInt128(card.stats.wins), to: &out)
        out += svgRate
        appendDecimal(UInt128(card.stats.winRate), to: &out)
        out += svgTail
    }

    static func metadataBytes(_ card: Card) -> [UInt8] {
        let name = names[Int(card.badgeClass.rawValue)]
        var out: [UInt8] = jsonName
        out.reserveCapacity(1_200)
        out += name
        out += [UInt8(ascii: " "), UInt8(ascii: "#")]
        appendDecimal(card.serial, to: &out)
        out += jsonClass
        out += name
        out += jsonLevel
        out += levels[card.stats.level.rawValue]
        out += jsonWins
        appendDecimal(UInt128(card.stats.wins), to: &out)
        out += jsonPredictions
        appendDecimal(UInt128(card.stats.predictions), to: &out)
        out += jsonStreak
        appendDecimal(UInt128(card.stats.bestStreak), to: &out)
        out += jsonRate
        appendDecimal(UInt128(card.stats.winRate), to: &out)
        out += jsonSoulbound
        out += card.badgeClass.isSoulbound ? yes : no
        out += jsonHeadEnd
        // The contract pads the head to a multiple of 3 bytes with spaces (its base64 works in two parts).
        while out.count % 3 != 0 { out.append(UInt8(ascii: " ")) }
        out += jsonImage
        let svg = svgBytes(card)
        Base64.append(svg, to: &out)
        out += jsonEnd
        return out
    }

    /// Appends the decimal digits of `value` (no allocation beyond `out`'s growth).
    static func appendDecimal(_ value: UInt128, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var i = 40
            if value <= UInt128(UInt64.max) {
                var v = UInt64(value)
                repeat {
                    i -= 1
                    buffer[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                    v /= 10
                } while v > 0
            } else {
                var v = value
                repeat {
                    i -= 1
                    buffer[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                    v /= 10
                } while v > 0
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<40]))
        }
    }
}

/// Base64 with the standard alphabet and `=` padding (RFC 4648 §4), as the contract's `tokenURI` writes it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The encoding of `bytes` appended to `out`.
    public static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        let n = bytes.count
        out.reserveCapacity(out.count + (n + 2) / 3 * 4)
        alphabet.withUnsafeBufferPointer { a in
            bytes.withUnsafeBufferPointer { b in
                var i = 0
                while i + 3 <= n {
                    let x = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
                    out.append(a[Int(x >> 18)])
                    out.append(a[Int(x >> 12 & 63)])
                    out.append(a[Int(x >> 6 & 63)])
                    out.append(a[Int(x & 63)])
                    i += 3
                }
                if n - i == 1 {
                    let x = UInt32(b[i]) << 16
                    out += [a[Int(x >> 18)], a[Int(x >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
                } else if n - i == 2 {
                    let x = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
                    out += [a[Int(x >> 18)], a[Int(x >> 12 & 63)], a[Int(x >> 6 & 63)], UInt8(ascii: "=")]
                }
            }
        }
    }

    /// The encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a standard base64 text (padding required); nil when it is not valid base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        func value(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): return 62
            case UInt8(ascii: "/"): return 63
            default: return nil
            }
        }
        var i = 0
        while i < chars.count {
            let last = i + 4 == chars.count
            let pad = last ? (chars[i + 3] == UInt8(ascii: "=") ? (chars[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var x: UInt32 = 0
            for j in 0..<4 {
                if j >= 4 - pad { x <<= 6; continue }
                guard let v = value(chars[i + j]) else { return nil }
                x = x << 6 | v
            }
            out.append(UInt8(x >> 16))
            if pad < 2 { out.append(UInt8(x >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(x & 0xFF)) }
            i += 4
        }
        return out
    }
}
