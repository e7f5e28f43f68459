extension ABIValue {
    /// Parses an argument written the way Foundry's `cast` takes them, for a value of `type`:
    /// integers in decimal or `0x`-hex (negative for `intN`), addresses, `0x`-hex bytes, `true`/`false`,
    /// arrays `[1,2,3]`, tuples `(1,0xab…,[true])`, nested. A top-level `string` is the text itself;
    /// inside arrays and tuples a string is either bare (up to the next `,` `]` `)`) or double-quoted
    /// with `\"` and `\\` escapes.
    /// - Throws: `ABIError.invalidValueText` or a range/length error, naming the path.
    public init(parsing text: String, as type: ABIType, path: ABIPath = []) throws(ABIError) {
        if case .string = type { self = .string(text); return }
        var p = ValueTextParser(text: Array(text.unicodeScalars), original: text)
        self = try p.value(type, path)
        p.skipSpaces()
        guard p.i == p.text.count else { throw .invalidValueText(path, text: text, reason: "unexpected text after the value") }
        _ = try ABI.checkedSize(type, self, path)
    }

    /// Builds a value of `type` from JSON: numbers as JSON numbers or decimal/`0x` strings, addresses and
    /// bytes as hex strings, arrays as arrays, tuples as arrays (or objects keyed by `components` names).
    public init(json: JSONValue, as type: ABIType, components: [ABIParameter] = [], path: ABIPath = []) throws(ABIError) {
        func mismatch() -> ABIError { .typeMismatch(path, expected: type.description, got: "\(json)") }
        switch type {
        case .uint, .int:
            let text: String
            switch json {
            case .number(let n): text = n
            case .string(let s): text = s
            default: throw mismatch()
            }
            self = try ABIValue.integer(text, type, path)
        case .address:
            guard let s = json.stringValue else { throw mismatch() }
            do { self = .address(try Address(s)) } catch { throw .invalidValueText(path, text: s, reason: error.description) }
        case .bool:
            guard let b = json.boolValue else { throw mismatch() }
            self = .bool(b)
        case .fixedBytes, .function, .bytes:
            guard let s = json.stringValue else { throw mismatch() }
            let bytes: [UInt8]
            do { bytes = try Hex.decode(s) } catch { throw .invalidValueText(path, text: s, reason: error.description) }
            if case .bytes = type { self = .bytes(bytes) } else { self = .fixedBytes(bytes) }
        case .string:
            guard let s = json.stringValue else { throw mismatch() }
            self = .string(s)
        case .array(let t), .fixedArray(let t, _):
            guard let items = json.arrayValue else { throw mismatch() }
            var out: [ABIValue] = []
            for (i, item) in items.enumerated() {
                out.append(try ABIValue(json: item, as: t, components: components, path: path.appending(.index(i))))
            }
            self = .array(out)
        case .tuple(let ts):
            var items: [JSONValue]
            if let array = json.arrayValue {
                items = array
            } else if json.objectValue != nil, components.count == ts.count {
                items = []
                for c in components {
                    guard let v = json[c.name] else { throw .typeMismatch(path, expected: "member \"\(c.name)\"", got: "none") }
                    items.append(v)
                }
            } else {
                throw mismatch()
            }
            guard items.count == ts.count else { throw .wrongCount(path, expected: ts.count, got: items.count) }
            var out: [ABIValue] = []
            for i in 0..<ts.count {
                let sub = i < components.count ? components[i].components : []
                out.append(try ABIValue(json: items[i], as: ts[i], components: sub, path: path.appending(.field(i))))
            }
            self = .tuple(out)
        }
        _ = try ABI.checkedSize(type, self, path)
    }

    static func integer(_ text: String, _ type: ABIType, _ path: ABIPath) throws(ABIError) -> ABIValue {
        let trimmed = text.trimmingSpaces
        if case .int = type {
            do { return .int(try Int256(parsing: trimmed)) } catch {
                throw .invalidValueText(path, text: text, reason: error.description)
            }
        }
        do { return .uint(try UInt256(parsing: trimmed)) } catch {
            throw .invalidValueText(path, text: text, reason: error.description)
        }
    }

    /// The value as JSON: integers as decimal strings, bytes and addresses as hex strings,
    /// arrays and tuples as arrays.
    public var jsonValue: JSONValue {
        switch self {
        case .uint(let v): return .string(v.description)
        case .int(let v): return .string(v.description)
        case .address(let a): return .string(a.checksummed)
        case .bool(let b): return .bool(b)
        case .fixedBytes(let b), .bytes(let b): return .string(Hex.encode(b))
        case .string(let s): return .string(s)
        case .array(let vs), .tuple(let vs): return .array(vs.map(\.jsonValue))
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}


/// Parser for cast-style argument text.
struct ValueTextParser {
    let text: [Unicode.Scalar]
    let original: String
    var i = 0

    mutating func skipSpaces() { while i < text.count, text[i].properties.isWhitespace { i += 1 } }

    func fail(_ path: ABIPath, _ reason: String) -> ABIError { .invalidValueText(path, text: original, reason: reason) }

    mutating func expect(_ c: Unicode.Scalar, _ path: ABIPath) throws(ABIError) {
        skipSpaces()
        guard i < text.count, text[i] == c else { throw fail(path, "expected '\(c)' at character \(i)") }
        i += 1
    }

    /// A bare token up to `,` `]` `)` (not consumed), trimmed.
    mutating func token() -> String {
        skipSpaces()
        var s = String.UnicodeScalarView()
        while i < text.count, text[i] != ",", text[i] != "]", text[i] != ")" {
            s.append(text[i])
            i += 1
        }
        return String(s).trimmingSpaces
    }

    mutating func list(_ open: Unicode.Scalar, _ close: Unicode.Scalar, _ path: ABIPath,
                       _ element: (inout ValueTextParser, Int) throws(ABIError) -> ABIValue) throws(ABIError) -> [ABIValue] {
        try expect(open, path)
        var out: [ABIValue] = []
        skipSpaces()
        if i < text.count, text[i] == close { i += 1; return out }
        while true {
            out.append(try element(&self, out.count))
            skipSpaces()
            guard i < text.count else { throw fail(path, "unterminated list") }
            if text[i] == "," { i += 1; continue }
            if text[i] == close { i += 1; return out }
            throw fail(path, "expected ',' or '\(close)' at character \(i)")
        }
    }

    mutating func value(_ type: ABIType, _ path: ABIPath) throws(ABIError) -> ABIValue {
        switch type {
        case .array(let t), .fixedArray(let t, _):
            return .array(try list("[", "]", path) { (p, n) throws(ABIError) in try p.value(t, path.appending(.index(n))) })
        case .tuple(let ts):
            let values = try list("(", ")", path) { (p, n) throws(ABIError) -> ABIValue in
                guard n < ts.count else { throw p.fail(path, "too many tuple components") }
                return try p.value(ts[n], path.appending(.field(n)))
            }
            guard values.count == ts.count else { throw .wrongCount(path, expected: ts.count, got: values.count) }
            return .tuple(values)
        case .string:
            skipSpaces()
            if i < text.count, text[i] == "\"" {
                i += 1
                var s = String.UnicodeScalarView()
                while true {
                    guard i < text.count else { throw fail(path, "unterminated string") }
                    let c = text[i]
                    i += 1
                    if c == "\"" { break }
                    if c == "\\", i < text.count {
                        let e = text[i]
                        i += 1
                        s.append(e == "n" ? "\n" : e)
                        continue
                    }
                    s.append(c)
                }
                return .string(String(s))
            }
            return .string(token())
        case .uint, .int:
            return try ABIValue.integer(token(), type, path)
        case .address:
            let t = token()
            do { return .address(try Address(t)) } catch { throw .invalidValueText(path, text: t, reason: error.description) }
        case .bool:
            switch token() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case let t: throw .invalidValueText(path, text: t, reason: "expected true or false")
            }
        case .fixedBytes, .function, .bytes:
            let t = token()
            let bytes: [UInt8]
            do { bytes = try Hex.decode(t) } catch { throw .invalidValueText(path, text: t, reason: error.description) }
            if case .bytes = type { return .bytes(bytes) }
            return .fixedBytes(bytes)
        }
    }
}
