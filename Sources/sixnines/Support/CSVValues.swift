import EVM
import Foundation
import PredictionCore
import Receipts

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

/// The ABI words and leaf hashes of the rows of CSV `bytes` (see ``SimpleRows``), when every type is a simple static
/// one (`uintN`, `address`, `bool`, `bytesN`) and every cell is one the fast reader takes; nil otherwise — also for a
/// wrong column count — and the caller then goes through ``csvValues(bytes:types:)``, which gives the same values or
/// names the error with its line. Same lines, comments and columns as `csvValues`; each row is encoded exactly as
/// `ABI.encode` would encode its values. A file of 1 MiB or more is cut at a line end near its middle and the two
/// halves are read and hashed on two threads.
func csvRows(bytes: [UInt8], types: [ABIType], keepWords: Bool) -> SimpleRows? {
    guard !types.isEmpty, StandardMerkleTree.isSimpleStatic(types) else { return nil }
    return bytes.withUnsafeBufferPointer { all -> SimpleRows? in
        guard let base = all.baseAddress else { return nil }
        var bounds = [0]
        if all.count >= 1 << 20 {
            let middle = all.count / 2
            let cut = memchr(base + middle, 0x0A, all.count - middle).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) + 1 } ?? all.count
            if cut < all.count { bounds.append(cut) }
        }
        bounds.append(all.count)
        let parts = (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }
        let length = 32 * types.count
        // One row at most per line: line ends, and a last line without one.
        let rowBound: (UnsafeBufferPointer<UInt8>) -> Int = { SimpleRows.count(of: 0x0A, in: $0) + ($0.last == 0x0A ? 0 : 1) }
        return SimpleRows.read(all, parts: parts, types: types, keepWords: keepWords, rowBound: rowBound) { part, out in
            var count = 0
            let complete = (try? forEachCSVRow(part, columns: types.count) { _, columns in
                let slot = out + count * length
                slot.initializeMemory(as: UInt8.self, repeating: 0, count: length)
                for k in 0..<columns.count where !fastEncode(UnsafeBufferPointer(rebasing: part[columns[k]]), types[k], into: slot + 32 * k) {
                    return false
                }
                count += 1
                return true
            }) ?? false
            return complete ? count : nil
        }
    }
}

/// Calls `row` with the line number and column ranges of every row of `all` (blank lines and `#` comments skipped);
/// stops early when `row` returns false. Returns whether every row was visited. Lines are found with `memchr`; the
/// column ranges live in one buffer reused for every row.
@discardableResult
private func forEachCSVRow(_ all: UnsafeBufferPointer<UInt8>, columns expected: Int,
                           _ row: (Int, UnsafeBufferPointer<Range<Int>>) throws -> Bool) throws -> Bool {
    guard let base = all.baseAddress else { return true }
    return try withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: max(1, expected)) { (columns: UnsafeMutableBufferPointer<Range<Int>>) throws -> Bool in
        var lineStart = 0
        var lineNumber = 0
        while lineStart < all.count {
            lineNumber += 1
            let lineEnd = memchr(base + lineStart, 0x0A, all.count - lineStart).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? all.count
            let next = lineEnd + 1
            var end = lineEnd
            if end > lineStart && all[end - 1] == 0x0D { end -= 1 }
            var start = lineStart
            while start < end && (all[start] == 0x20 || all[start] == 0x09) { start += 1 }
            lineStart = next
            if start == end || all[start] == UInt8(ascii: "#") { continue }
            let found = splitColumns(all, start, end, into: columns)
            guard found == expected else {
                throw CLIError("<values> line \(lineNumber): \(found) columns, expected \(expected)")
            }
            guard try row(lineNumber, UnsafeBufferPointer(rebasing: columns[0..<found])) else { return false }
        }
        return true
    }
}

/// Splits `bytes[start..<end]` at top-level commas (outside brackets, parentheses and double quotes), each cell trimmed
/// of spaces and tabs; stores the first `columns.count` ranges and returns how many cells there are.
private func splitColumns(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into columns: UnsafeMutableBufferPointer<Range<Int>>) -> Int {
    var count = 0
    var depth = 0
    var quoted = false
    var cellStart = start
    func add(_ a: Int, _ b: Int) {
        var a = a, b = b
        while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
        while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
        if count < columns.count { columns[count] = a..<b }
        count += 1
    }
    var i = start
    while i < end {
        let c = bytes[i]
        // Only , " [ ] ( ) matter; every other byte (digits, letters) is skipped with one comparison.
        if c > UInt8(ascii: "]") || (c > UInt8(ascii: ",") && c < UInt8(ascii: "[")) {
            i += 1
            continue
        }
        switch c {
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
    return count
}

/// The value of a simple cell read from its bytes, or nil to take the general parser.
@inline(__always)
private func fastValue(_ cell: UnsafeBufferPointer<UInt8>, _ type: ABIType) -> ABIValue? {
    switch type {
    case .uint(let bits):
        return decimalLimbs(cell, bits: bits).map { .uint(UInt256(limbs: $0)) }
    case .address:
        guard cell.count == 42 else { return nil }
        var raw = [UInt8](repeating: 0, count: 20)
        guard let cases = raw.withUnsafeMutableBufferPointer({ hexDigits(cell, into: $0) }), let address = try? Address(raw) else { return nil }
        // Mixed case must be the EIP-55 checksum (the general parser then names the error when it is not).
        if cases == 0x30 && !address.checksummed.utf8.elementsEqual(cell) { return nil }
        return .address(address)
    case .bool:
        if cell.elementsEqual("true".utf8) { return .bool(true) }
        if cell.elementsEqual("false".utf8) { return .bool(false) }
        return nil
    case .fixedBytes(let n):
        guard cell.count == 2 + 2 * n else { return nil }
        var raw = [UInt8](repeating: 0, count: n)
        guard raw.withUnsafeMutableBufferPointer({ hexDigits(cell, into: $0) }) != nil else { return nil }
        return .fixedBytes(raw)
    default:
        return nil
    }
}

/// The little-endian 64-bit limbs of a decimal `uintN` cell (1…78 digits, below 2^bits), or nil. Digits are taken in
/// base-10^19 chunks, with no `String`.
@inline(__always)
private func decimalLimbs(_ cell: UnsafeBufferPointer<UInt8>, bits: Int) -> (UInt64, UInt64, UInt64, UInt64)? {
    guard (1...78).contains(cell.count) else { return nil }
    var l: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var i = 0
    while i < cell.count {
        let take = min(19, cell.count - i)
        var chunk: UInt64 = 0, scale: UInt64 = 1
        for j in i..<(i + take) {
            let d = cell[j] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            chunk = chunk &* 10 &+ UInt64(d)
            scale &*= 10
        }
        i += take
        // l = l * scale + chunk, refusing overflow past 2^256.
        var carry = chunk
        func step(_ x: inout UInt64) {
            let (hi, lo) = x.multipliedFullWidth(by: scale)
            let (sum, o) = lo.addingReportingOverflow(carry)
            x = sum
            carry = hi &+ (o ? 1 : 0)
        }
        step(&l.0); step(&l.1); step(&l.2); step(&l.3)
        if carry != 0 { return nil }
    }
    if bits < 256 {
        func limb(_ k: Int) -> UInt64 { k == 0 ? l.0 : k == 1 ? l.1 : k == 2 ? l.2 : l.3 }
        let index = bits / 64
        if limb(index) >> UInt64(bits % 64) != 0 { return nil }
        for k in (index + 1)..<4 where limb(k) != 0 { return nil }
    }
    return l
}

/// Decodes the hex digits of a `0x` cell of exactly `2 + 2·out.count` bytes into `out`; returns the cases seen (0x10
/// upper, 0x20 lower, 0x30 both) or nil when the cell is not that.
@inline(__always)
private func hexDigits(_ cell: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> UInt8? {
    guard cell.count == 2 + 2 * out.count, cell[0] == UInt8(ascii: "0"), cell[1] == UInt8(ascii: "x") else { return nil }
    // Each digit's table entry: its value, 0x10 for A–F, 0x20 for a–f, 0x80 for a byte that is not a hex digit.
    let table = hexTable
    var seen: UInt8 = 0
    for i in 0..<out.count {
        let hi = table[Int(cell[2 + 2 * i])], lo = table[Int(cell[3 + 2 * i])]
        seen |= hi | lo
        out[i] = (hi & 0x0F) << 4 | (lo & 0x0F)
    }
    return seen & 0x80 != 0 ? nil : seen & 0x30
}

/// Writes the ABI word of a simple cell at `word` (32 bytes, zeroed by the caller) when `fastValue` would take the cell;
/// false otherwise. Decimals and addresses go straight into the word (no value object); mixed-case addresses go
/// through `fastValue` (the EIP-55 check).
@inline(__always)
func fastEncode(_ cell: UnsafeBufferPointer<UInt8>, _ type: ABIType, into word: UnsafeMutableRawPointer) -> Bool {
    switch type {
    case .uint(let bits):
        guard let l = decimalLimbs(cell, bits: bits) else { return false }
        word.storeBytes(of: l.3.bigEndian, toByteOffset: 0, as: UInt64.self)
        word.storeBytes(of: l.2.bigEndian, toByteOffset: 8, as: UInt64.self)
        word.storeBytes(of: l.1.bigEndian, toByteOffset: 16, as: UInt64.self)
        word.storeBytes(of: l.0.bigEndian, toByteOffset: 24, as: UInt64.self)
        return true
    case .address:
        let out = UnsafeMutableBufferPointer(start: word.assumingMemoryBound(to: UInt8.self) + 12, count: 20)
        guard let cases = hexDigits(cell, into: out) else { return false }
        return cases != 0x30 || fastValue(cell, .address) != nil
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

/// The hex digit table of `hexDigits` (256 entries, allocated once).
nonisolated(unsafe) private let hexTable: UnsafePointer<UInt8> = {  // immutable after its one initialisation
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 {
        switch UInt8(b) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): table[b] = UInt8(b) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): table[b] = UInt8(b) - UInt8(ascii: "a") + 10 | 0x20
        case UInt8(ascii: "A")...UInt8(ascii: "F"): table[b] = UInt8(b) - UInt8(ascii: "A") + 10 | 0x10
        default: table[b] = 0x80
        }
    }
    return UnsafePointer(table)
}()
