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
        var lineStart = 0
        var lineNumber = 0
        var columns: [Range<Int>] = []
        columns.reserveCapacity(types.count)
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
            guard columns.count == types.count else {
                throw CLIError("<values> line \(lineNumber): \(columns.count) columns, expected \(types.count)")
            }
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
        }
    }
    return rows
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

@inline(__always)
private func hexDigit(_ c: UInt8, _ upper: inout Bool, _ lower: inout Bool) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): lower = true; return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): upper = true; return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
