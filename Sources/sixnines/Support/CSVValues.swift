import EVM
import Foundation

/// Rows of ABI values from CSV bytes, one row per line: lines split at `\n` (a `\r` before it is dropped), blank lines
/// and `#` comments skipped, columns split at commas outside brackets, parentheses and double quotes, cells trimmed
/// of spaces and tabs. Cells of the common simple types (decimal `uintN`, lowercase-`0x` addresses, `true`/`false`,
/// `0x` `bytesN`) are read straight from the bytes; every other cell, and any cell the fast reader does not accept,
/// goes through `ABIValue(parsing:as:)`, which gives the value or names the error (`line L column K`).
func csvValues(bytes: [UInt8], types: [ABIType]) throws -> [[ABIValue]] {
    var rows: [[ABIValue]] = []
    rows.reserveCapacity(bytes.count / 64)
    try bytes.withUnsafeBufferPointer { all in
        try forEachCSVRow(all, columns: types.count) { lineNumber, columns in
            var row: [ABIValue] = []
            row.reserveCapacity(types.count)
            for (k, range) in columns.enumerated() {
                let cell = UnsafeBufferPointer(rebasing: all[range])
                if let fast = fastValue(cell, types[k]) {
                    row.append(fast)
                    continue
                }
                let text = String(decoding: cell, as: UTF8.self)
                do { row.append(try ABIValue(parsing: text, as: types[k])) } catch {
                    throw CLIError("<values> line \(lineNumber) column \(k + 1): \(error)")
                }
            }
            rows.append(row)
            return true
        }
    }
    return rows
}

/// The rows of CSV `bytes` ABI-encoded back to back (32 bytes per column), when every type is a simple static one
/// (`uintN`, `address`, `bool`, `bytesN`) and every cell is one the fast reader takes; nil otherwise (the caller then
/// goes through ``csvValues(bytes:types:)``, which gives the same values or names the error). Same lines, comments and
/// columns as `csvValues`; each row's words are exactly `ABI.encode` of the values `csvValues` would give.
func csvEncoded(bytes: [UInt8], types: [ABIType]) throws -> (encoded: [UInt8], count: Int)? {
    guard !types.isEmpty, types.allSatisfy({ if case .uint = $0 { true } else if case .address = $0 { true } else if case .bool = $0 { true }
                                              else if case .fixedBytes = $0 { true } else { false } }) else { return nil }
    let length = 32 * types.count
    var encoded = [UInt8]()
    encoded.reserveCapacity(bytes.count / 40 * length)
    var count = 0
    let complete = try bytes.withUnsafeBufferPointer { all in
        try forEachCSVRow(all, columns: types.count) { _, columns in
            let start = encoded.count
            encoded.append(contentsOf: repeatElement(0, count: length))
            let ok = encoded.withUnsafeMutableBytes { out in
                for (k, range) in columns.enumerated() where !fastEncode(UnsafeBufferPointer(rebasing: all[range]), types[k], into: out.baseAddress! + start + 32 * k) {
                    return false
                }
                return true
            }
            count += 1
            return ok
        }
    }
    return complete ? (encoded, count) : nil
}

/// Calls `row` with the line number and column ranges of every row of `all` (blank lines and `#` comments skipped);
/// stops early when `row` returns false. Returns whether every row was visited.
@discardableResult
private func forEachCSVRow(_ all: UnsafeBufferPointer<UInt8>, columns expected: Int,
                           _ row: (Int, [Range<Int>]) throws -> Bool) throws -> Bool {
    var lineStart = 0
    var lineNumber = 0
    var columns: [Range<Int>] = []
    columns.reserveCapacity(expected)
    while lineStart < all.count {
        lineNumber += 1
        var lineEnd = lineStart
        while lineEnd < all.count && all[lineEnd] != 0x0A { lineEnd += 1 }
        let next = lineEnd + 1
        var end = lineEnd
        if end > lineStart && all[end - 1] == 0x0D { end -= 1 }
        var start = lineStart
        while start < end && (all[start] == 0x20 || all[start] == 0x09) { start += 1 }
        lineStart = next
        if start == end || all[start] == UInt8(ascii: "#") { continue }
        splitColumns(all, start, end, into: &columns)
        guard columns.count == expected else {
            throw CLIError("<values> line \(lineNumber): \(columns.count) columns, expected \(expected)")
        }
        guard try row(lineNumber, columns) else { return false }
    }
    return true
}

/// The column ranges of `bytes[start..<end]`: split at top-level commas, each trimmed of spaces and tabs.
private func splitColumns(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into columns: inout [Range<Int>]) {
    columns.removeAll(keepingCapacity: true)
    var depth = 0
    var quoted = false
    var cellStart = start
    func add(_ a: Int, _ b: Int) {
        var a = a, b = b
        while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
        while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
        columns.append(a..<b)
    }
    var i = start
    while i < end {
        switch bytes[i] {
        case UInt8(ascii: "\""): quoted.toggle()
        case UInt8(ascii: "["), UInt8(ascii: "("): if !quoted { depth += 1 }
        case UInt8(ascii: "]"), UInt8(ascii: ")"): if !quoted { depth -= 1 }
        case UInt8(ascii: ","):
            if !quoted && depth == 0 {
                add(cellStart, i)
                cellStart = i + 1
            }
        default: break
        }
        i += 1
    }
    add(cellStart, end)
}

/// The value of a simple cell read from its bytes, or nil to take the general parser.
@inline(__always)
private func fastValue(_ cell: UnsafeBufferPointer<UInt8>, _ type: ABIType) -> ABIValue? {
    switch type {
    case .uint(let bits):
        guard (1...78).contains(cell.count), cell.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
        guard let value = try? UInt256(parsing: String(decoding: cell, as: UTF8.self)) else { return nil }
        if bits < 256 && value >> UInt256(UInt64(bits)) != .zero { return nil }
        return .uint(value)
    case .address:
        guard cell.count == 42, cell[0] == UInt8(ascii: "0"), cell[1] == UInt8(ascii: "x") else { return nil }
        var raw = [UInt8](repeating: 0, count: 20)
        var upper = false, lower = false
        for i in 0..<20 {
            guard let hi = hexDigit(cell[2 + 2 * i], &upper, &lower), let lo = hexDigit(cell[3 + 2 * i], &upper, &lower) else { return nil }
            raw[i] = hi << 4 | lo
        }
        guard let address = try? Address(raw) else { return nil }
        // Mixed case must be the EIP-55 checksum (the general parser then names the error when it is not).
        if upper && lower && !address.checksummed.utf8.elementsEqual(cell) { return nil }
        return .address(address)
    case .bool:
        if cell.elementsEqual("true".utf8) { return .bool(true) }
        if cell.elementsEqual("false".utf8) { return .bool(false) }
        return nil
    case .fixedBytes(let n):
        guard cell.count == 2 + 2 * n, cell[0] == UInt8(ascii: "0"), cell[1] == UInt8(ascii: "x") else { return nil }
        var raw = [UInt8](repeating: 0, count: n)
        var upper = false, lower = false
        for i in 0..<n {
            guard let hi = hexDigit(cell[2 + 2 * i], &upper, &lower), let lo = hexDigit(cell[3 + 2 * i], &upper, &lower) else { return nil }
            raw[i] = hi << 4 | lo
        }
        return .fixedBytes(raw)
    default:
        return nil
    }
}

/// Writes the ABI word of a simple cell at `word` (32 bytes, zeroed by the caller) when `fastValue` would take the cell;
/// false otherwise. Decimal `uintN` are parsed straight from the digits (no `String`); addresses in one case need no
/// checksum, mixed case goes through `fastValue` (the EIP-55 check).
@inline(__always)
private func fastEncode(_ cell: UnsafeBufferPointer<UInt8>, _ type: ABIType, into word: UnsafeMutableRawPointer) -> Bool {
    switch type {
    case .uint(let bits):
        guard (1...78).contains(cell.count) else { return false }
        // Base 10^19 chunks into four 64-bit limbs (little-endian), refusing overflow past 2^256.
        var l: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        while i < cell.count {
            let take = min(19, cell.count - i)
            var chunk: UInt64 = 0, scale: UInt64 = 1
            for j in i..<(i + take) {
                let d = cell[j] &- UInt8(ascii: "0")
                guard d < 10 else { return false }
                chunk = chunk &* 10 &+ UInt64(d)
                scale &*= 10
            }
            i += take
            // l = l * scale + chunk
            var carry = chunk
            func step(_ x: inout UInt64) {
                let (hi, lo) = x.multipliedFullWidth(by: scale)
                let (sum, o) = lo.addingReportingOverflow(carry)
                x = sum
                carry = hi &+ (o ? 1 : 0)
            }
            step(&l.0); step(&l.1); step(&l.2); step(&l.3)
            if carry != 0 { return false }
        }
        if bits < 256 {
            func limb(_ k: Int) -> UInt64 { k == 0 ? l.0 : k == 1 ? l.1 : k == 2 ? l.2 : l.3 }
            let index = bits / 64
            if limb(index) >> UInt64(bits % 64) != 0 { return false }
            for k in (index + 1)..<4 where limb(k) != 0 { return false }
        }
        word.storeBytes(of: l.3.bigEndian, toByteOffset: 0, as: UInt64.self)
        word.storeBytes(of: l.2.bigEndian, toByteOffset: 8, as: UInt64.self)
        word.storeBytes(of: l.1.bigEndian, toByteOffset: 16, as: UInt64.self)
        word.storeBytes(of: l.0.bigEndian, toByteOffset: 24, as: UInt64.self)
        return true
    case .address:
        guard cell.count == 42, cell[0] == UInt8(ascii: "0"), cell[1] == UInt8(ascii: "x") else { return false }
        var upper = false, lower = false
        let out = word.assumingMemoryBound(to: UInt8.self) + 12
        for i in 0..<20 {
            guard let hi = hexDigit(cell[2 + 2 * i], &upper, &lower), let lo = hexDigit(cell[3 + 2 * i], &upper, &lower) else { return false }
            out[i] = hi << 4 | lo
        }
        if upper && lower, fastValue(cell, .address) == nil { return false }
        return true
    case .bool, .fixedBytes:
        switch fastValue(cell, type) {
        case .bool(let b)?:
            word.storeBytes(of: b ? 1 : 0, toByteOffset: 31, as: UInt8.self)
            return true
        case .fixedBytes(let raw)?:
            raw.withUnsafeBytes { word.copyMemory(from: $0.baseAddress!, byteCount: raw.count) }
            return true
        default:
            return false
        }
    default:
        return false
    }
}

@inline(__always)
private func hexDigit(_ c: UInt8, _ upper: inout Bool, _ lower: inout Bool) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): lower = true; return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): upper = true; return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
