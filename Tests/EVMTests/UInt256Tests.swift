import EVM
import Foundation
import Testing

@Suite("UInt256")
struct UInt256Tests {
    static let max = UInt256.max

    // MARK: Known values

    @Test("limbs are little-endian and literals may exceed 64 bits")
    func limbsAndLiterals() {
        let x: UInt256 = 0x0102030405060708_1112131415161718_2122232425262728_3132333435363738
        #expect(x.limbs.0 == 0x3132333435363738)
        #expect(x.limbs.3 == 0x0102030405060708)
        let max: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935
        #expect(max == .max)
        #expect(UInt256(limbs: (1, 2, 3, 4)).limbs == (1, 2, 3, 4))
        #expect(MemoryLayout<UInt256>.size == 32)
        #expect(UInt256.bitWidth == 256 && !UInt256.isSigned)
    }

    @Test("addition carries across every limb", arguments: [
        ("0xffffffffffffffff", "0x1", "0x10000000000000000"),
        ("0xffffffffffffffffffffffffffffffff", "0x1", "0x100000000000000000000000000000000"),
        ("0xffffffffffffffffffffffffffffffffffffffffffffffff", "0x1", "0x1000000000000000000000000000000000000000000000000"),
        ("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", "0x1", "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ])
    func additionCarries(a: String, b: String, sum: String) {
        #expect(u256(a) + u256(b) == u256(sum))
        #expect(u256(sum) - u256(b) == u256(a))
        #expect(u256(sum) &- u256(a) == u256(b))
    }

    @Test("wrapping and overflow-reporting forms at the ends of the range")
    func overflowForms() {
        #expect(Self.max &+ 1 == 0)
        #expect(Self.max.addingReportingOverflow(1) == (0, true))
        #expect(Self.max.addingReportingOverflow(0) == (Self.max, false))
        #expect(UInt256.zero &- 1 == Self.max)
        #expect(UInt256.zero.subtractingReportingOverflow(1) == (Self.max, true))
        #expect(Self.max &* Self.max == 1)
        #expect(Self.max.multipliedReportingOverflow(by: 2) == (Self.max &- 1, true))
        #expect((UInt256.one << 128).multipliedReportingOverflow(by: UInt256.one << 127) == (UInt256.one << 255, false))
        #expect((UInt256.one << 128).multipliedReportingOverflow(by: UInt256.one << 128) == (0, true))
        let (high, low) = Self.max.multipliedFullWidth(by: Self.max)
        #expect(high == Self.max &- 1 && low == 1)
    }

    @Test("division: small, divisor above dividend, high limb divisors, single-limb fast path")
    func divisionKnownValues() {
        #expect(UInt256(7) / 2 == 3 && UInt256(7) % 2 == 1)
        #expect(UInt256(5) / 7 == 0 && UInt256(5) % 7 == 5)
        #expect(Self.max / Self.max == 1 && Self.max % Self.max == 0)
        #expect(Self.max / 1 == Self.max)
        #expect(Self.max / 10 == u256("0x1999999999999999999999999999999999999999999999999999999999999999"))
        #expect(Self.max % 10 == 5)
        let highDivisor = u256("0x8000000000000000000000000000000000000000000000000000000000000001")
        #expect(Self.max / highDivisor == 1)
        #expect(Self.max % highDivisor == u256("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"))
        let twoLimbs = u256("0x10000000000000001")
        #expect((twoLimbs * twoLimbs) / twoLimbs == twoLimbs)
        #expect(Self.max.quotientAndRemainder(dividingBy: UInt64(3)).remainder == 0)
    }

    /// Operands where Knuth D's estimate is one too large even after the two-limb refinement
    /// (found by simulating the algorithm on 64-bit limbs), so the add-back step runs.
    static let addBackCases: [(String, String)] = [
        ("0x359f6d4bcb289197912698b170446c8f1e5ab6fe370982b98e81973e0becd7b0", "0xf28c105d1fb17c24f29d0da9953f48f18cb1e29c658cda14"),
        ("0x34d4154d91fdf69559d3f63280611814be2997437c158e6e254b0c4e010c4759", "0xbb61867626bb7dbd3bbbe9eaa8948c89aeae05cf96d0cc5f"),
        ("0x13f35ed86aa09088f549ee821b263e4e36078c82839d4ac0774b15d7fa529ba3", "0xa268aa872607679ef4998d7c4093f6dedd39d0a89a2ef80f"),
        ("0xa892baa07dc417e4c38cadde77d9486b58e6237ff86a2b7bb2fff17b3f665ede", "0xb30c16a3831d03bf46f5a1b4b156d1adfa609683ceaf4915"),
        ("0x9c1c9a049477f0effe53c7a580020a61465f027ffef2bc23b7e49f36568a8c29", "0x1a5acd341aca99fd041db898e14c2732aeca06496aad7c7c0"),
        ("0xde6de7cb5fa47ae3aaf566565a5e0d70bad328e3eebff4d1321a6ec17934f0b8", "0x114ace1cb47a164e435185376c2410ad1cf06e95ad252a617"),
        ("0x2220a956d3947d47c372eaacc531c12ba4bcdfc4e2a443175bcb937020e27c17", "0x1fc7383bf9e6fb2b73c39679d771c23e1e67cd60b7924dede"),
    ]

    /// Operands where the top remainder limb equals the top divisor limb (the estimate is 2^64 - 1),
    /// where the estimate's remainder overflows a limb, and more add-backs, from limb patterns.
    static let knuthEdgeCases: [(String, String)] = [
        ("0xfffffffffffffffffffffffffffffffefffffffffffffffeffffffffffffffff", "0xffffffffffffffffffffffffffffffff"),
        ("0x80e4a64e8e36f2c7fffffffffffffffeffffffffffffffff8000000000000000", "0x80e4a64e8e36f2c7fffffffffffffffffffffffffffffffe"),
        ("0xfffffffffffffffeb88062f1fe27732480000000000000007fffffffffffffff", "0xfffffffffffffffeffffffffffffffff7fffffffffffffff"),
        ("0xffffffffffffffff000000000000000080000000000000008000000000000000", "0xfffffffffffffffffffffffffffffffe"),
        ("0x80000000000000000000000000000000fffffffffffffffeedcf6109ea6d5547", "0x80000000000000008000000000000000ac0ae4e2f729b4c8"),
        ("0x8000000000000000800000000000000000000000000000008000000000000000", "0x800000000000000080000000000000007fffffffffffffff"),
        ("0xd94be7865c8204fd0000000000000000fffffffffffffffefffffffffffffffe", "0xd94be7865c8204fd0000000000000000ffffffffffffffff"),
        ("0xffffffffffffffff80000000000000000000000000000000fffffffffffffffe", "0xffffffffffffffff8000000000000000d027c039fa985b77"),
    ]

    @Test("Knuth D add-back and equal-top-limb cases satisfy q * b + r == a with r < b")
    func knuthAddBack() {
        for (a, b) in Self.addBackCases + Self.knuthEdgeCases {
            let (q, r) = u256(a).quotientAndRemainder(dividingBy: u256(b))
            #expect(r < u256(b), "\(a) / \(b)")
            #expect(q * u256(b) + r == u256(a), "\(a) / \(b)")
        }
    }

    @Test("division by zero: reporting and EVM forms")
    func divisionByZero() {
        let x = u256("0x1234")
        #expect(x.dividedReportingOverflow(by: 0) == (x, true))
        #expect(x.remainderReportingOverflow(dividingBy: 0) == (x, true))
        #expect(x.evmDivided(by: 0) == 0 && x.evmRemainder(dividingBy: 0) == 0)
        #expect(x.mulmod(5, 0) == 0 && x.addmod(5, 0) == 0)
        #expect(x.dividedReportingOverflow(by: 3) == (0x611, false))
    }

    @Test("trapping operators trap", .tags(.traps))
    func trapsOnOverflowAndZeroDivisor() async {
        await #expect(processExitsWith: .failure) { _ = UInt256.max + UInt256(1) }
        await #expect(processExitsWith: .failure) { _ = UInt256(1) / UInt256.zero }
    }

    @Test("mulmod and addmod use the full-width intermediate")
    func modularArithmetic() {
        let r = Self.max % 12345
        #expect(Self.max.mulmod(Self.max, 12345) == (r * r) % 12345)
        #expect(Self.max.addmod(Self.max, Self.max) == 0)
        #expect(Self.max.addmod(2, Self.max) == 2)
        #expect(Self.max.mulmod(Self.max, Self.max &- 1) == 1)
        let (high, low) = Self.max.multipliedFullWidth(by: Self.max)
        #expect(Self.max.dividingFullWidth((high, low)) == (Self.max, 0))
    }

    @Test("shifts by 0, 63, 64, 65, 255, 256 and beyond", arguments: [0, 1, 63, 64, 65, 127, 128, 191, 192, 255, 256, 257, 1000])
    func shifts(by s: Int) {
        let one = UInt256.one
        #expect((one << s) == (s < 256 ? UInt256.one &<< s : 0))
        #expect((UInt256.max >> s) == (s < 256 ? UInt256.max &>> s : 0))
        if s < 256 {
            #expect((one << s).trailingZeroBitCount == s)
            #expect((UInt256.max >> s).leadingZeroBitCount == s)
            #expect((one << s) >> s == one)
            #expect(UInt256.max << UInt256(s) == UInt256.max &<< UInt256(s))
        } else {
            #expect(UInt256.max << UInt256(s) == 0 && UInt256.max >> UInt256(s) == 0)
        }
        #expect(one << -s == one >> s)
    }

    @Test("power: overflow detection, EVM wrapping EXP")
    func powers() {
        #expect(UInt256(2).power(255) == UInt256.one << 255)
        #expect(UInt256(2).powerReportingOverflow(256) == (0, true))
        #expect(UInt256(3).power(0) == 1 && UInt256.zero.power(0) == 1 && UInt256.zero.power(Self.max) == 0)
        #expect(UInt256.one.powerReportingOverflow(Self.max) == (1, false))
        #expect(UInt256(10).power(77) == u256("0xdd15fe86affad91249ef0eb713f39ebeaa987b6e6fd2a0000000000000000000"))
        #expect(UInt256(10).powerReportingOverflow(78).overflow)
        #expect(UInt256(2).wrappingPower(256) == 0)
        #expect(UInt256(7).wrappingPower(3) == 343)
    }

    @Test("standard integer conversions")
    func conversions() {
        #expect(UInt256(5) == 5 as Int && UInt256.max > Int.max && UInt256.zero > -1 as Int)
        #expect(Set([UInt256(1), 1, UInt256.max]).count == 2)
        #expect(UInt256(truncatingIfNeeded: Int8(-1)) == .max && UInt256(truncatingIfNeeded: UInt8(255)) == 255)
        #expect(UInt256(UInt64.max) == u256("0xffffffffffffffff"))
        #expect(UInt256(truncatingIfNeeded: -1 as Int) == .max)
        #expect(UInt256(exactly: -1 as Int) == nil)
        #expect(UInt256(clamping: -5 as Int) == 0)
        #expect(UInt64(exactly: UInt256.one << 64) == nil)
        #expect(UInt64(truncatingIfNeeded: (UInt256.one << 64) + 5) == 5)
        #expect(Int(clamping: UInt256.max) == Int.max)
        #expect(Int(UInt256(42)) == 42)
        #expect(UInt256(exactly: UInt64.max)! == UInt256(UInt64.max))
        #expect(UInt256(exactly: 2.5) == nil && UInt256(1e20) == u256("0x56bc75e2d63100000"))
        #expect(Array(UInt256.max.words) == [UInt](repeating: .max, count: 4))
        #expect(UInt256.max.nonzeroBitCount == 256 && UInt256.zero.leadingZeroBitCount == 256)
        #expect(u256("0x0102").byteSwapped == UInt256(0x0201) << 240)
    }

    // MARK: Text and bytes

    @Test("decimal and hex round trips", arguments: [
        ("0x8ac7230489e7ffff", "9999999999999999999"),
        ("0x4b3b4ca85a86c47a098a224000000000", "100000000000000000000000000000000000000"),
        ("0x4b3b4ca85a86c47a098a224000000001", "100000000000000000000000000000000000001"),
        ("0x0", "0"), ("0x1", "1"), ("0xff", "255"),
        ("0xffffffffffffffff", "18446744073709551615"),
        ("0x10000000000000000", "18446744073709551616"),
        ("0x8ac7230489e80000", "10000000000000000000"),
        ("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
    ])
    func textRoundTrips(hex: String, decimal: String) throws {
        let x = try UInt256(hexString: hex)
        #expect(x.description == decimal)
        #expect(x.hexString == hex)
        #expect(try UInt256(decimalString: decimal) == x)
        #expect(try UInt256(parsing: decimal) == x && UInt256(parsing: hex) == x)
        #expect(UInt256(decimal) == x)  // the standard library's init?(_:radix:)
    }

    @Test("parsing errors name the problem and the offset", arguments: [
        ("", IntegerParseError.empty),
        ("0x", .missingDigits(offset: 2)),
        ("12a", .invalidCharacter("a", offset: 2)),
        ("-1", .invalidCharacter("-", offset: 0)),
        (" 1", .invalidCharacter(" ", offset: 0)),
        ("1_000", .invalidCharacter("_", offset: 1)),
        ("1é", .invalidCharacter("é", offset: 1)),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", .overflow),
        ("999999999999999999999999999999999999999999999999999999999999999999999999999999", .overflow),
    ])
    func decimalParsingErrors(text: String, error: IntegerParseError) {
        #expect(throws: error) { try UInt256(parsing: text) }
    }

    @Test("hex parsing accepts 0x, 0X, either case and leading zeros; rejects overflow")
    func hexParsing() throws {
        #expect(try UInt256(hexString: "0XaBcD") == 0xabcd)
        #expect(try UInt256(hexString: "abcd") == 0xabcd)
        #expect(try UInt256(hexString: "0x" + String(repeating: "0", count: 100) + "1") == 1)
        #expect(throws: IntegerParseError.overflow) { try UInt256(hexString: "0x1" + String(repeating: "0", count: 64)) }
        #expect(throws: IntegerParseError.invalidCharacter("g", offset: 3)) { try UInt256(hexString: "0x1g") }
        #expect(throws: IntegerParseError.empty) { try UInt256(hexString: "") }
        #expect(IntegerParseError.invalidCharacter("g", offset: 3).description == "invalid digit \"g\" at offset 3")
    }

    @Test("random text never crashes the parsers and agrees with the standard library's parser")
    func randomText() {
        var rng = SeededRandom()
        let alphabet = Array("0000111222333456789abcdefABCDEFxX-+. _é9")
        for _ in 0..<3000 {
            let length = Int(rng.next() % 90)
            let text = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            let signless = !text.contains("-") && !text.contains("+")
            do {
                let x = try UInt256(decimalString: text)
                #expect(x.description == String(text.drop(while: { $0 == "0" })).ifEmpty("0"), "\(text); \(rng.replay)")
            } catch .invalidCharacter(let c, let offset) {
                #expect(Array(text.utf8)[offset] == Array(String(c).utf8)[0], "\(text); \(rng.replay)")
            } catch {
                // empty / overflow: the standard library's parser must reject it too.
            }
            if signless {
                let mine = try? UInt256(decimalString: text)
                #expect(mine == UInt256(text, radix: 10), "\(text); \(rng.replay)")
                let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
                #expect((try? UInt256(hexString: text)) == UInt256(digits, radix: 16), "\(text); \(rng.replay)")
            }
            let signed = try? Int256(parsing: text)
            if let signed { #expect((try? Int256(parsing: signed.description)) == signed, "\(text); \(rng.replay)") }
        }
        // Digit strings around the 78-digit limit.
        for _ in 0..<300 {
            let length = 70 + Int(rng.next() % 12)
            let text = String((0..<length).map { _ in Character(String(rng.next() % 10)) })
            #expect((try? UInt256(decimalString: text)) == UInt256(text, radix: 10), "\(text); \(rng.replay)")
        }
    }

    @Test("big-endian bytes: 32-byte word, minimal form, short input, too many bytes")
    func bytes() throws {
        let x = u256("0x0102")
        #expect(x.bigEndianBytes == [UInt8](repeating: 0, count: 30) + [1, 2])
        #expect(x.minimalBigEndianBytes == [1, 2])
        #expect(UInt256.zero.minimalBigEndianBytes == [])
        #expect(UInt256.max.minimalBigEndianBytes == [UInt8](repeating: 0xff, count: 32))
        #expect(try UInt256(bigEndianBytes: [1, 2]) == x)
        #expect(try UInt256(bigEndianBytes: [UInt8]()) == 0)
        #expect(try UInt256(bigEndianBytes: UInt256.max.bigEndianBytes) == .max)
        #expect(throws: IntegerParseError.tooManyBytes(33)) { try UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) }
        let word = try Bytes32(hex: "0x" + String(repeating: "00", count: 30) + "0102")
        #expect(UInt256(word) == x && x.bytes32 == word)
        #expect(UInt256.max.bytes32.bytes == UInt256.max.bigEndianBytes)
        #expect(Int256(Int256(-2).bytes32) == -2)
    }

    @Test("RLP: minimal big-endian integers, canonical decoding", arguments: [
        ("0x0", "0x80"), ("0x7f", "0x7f"), ("0x80", "0x8180"), ("0x400", "0x820400"),
        ("0x10000000000000000", "0x89010000000000000000"),
        ("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
         "0xa0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ])
    func rlp(value: String, encoding: String) throws {
        let x = u256(value)
        #expect(RLP.encode(x).hexString == encoding)
        #expect(try RLP.decode(UInt256.self, from: [UInt8](hex: encoding)) == x)
    }

    @Test("RLP: a leading zero and a 33-byte integer are rejected")
    func rlpRejects() throws {
        #expect(throws: RLPError.leadingZero(offset: 0)) { try RLP.decode(UInt256.self, from: [UInt8](hex: "0x820001")) }
        #expect(throws: RLPError.overflow(offset: 0)) {
            try RLP.decode(UInt256.self, from: [UInt8](hex: "0xa1" + "01" + String(repeating: "00", count: 32)))
        }
    }

    @Test("Codable: 0x-hex quantity out, hex or decimal in")
    func codable() throws {
        let data = try JSONEncoder().encode([UInt256(255)])
        #expect(String(decoding: data, as: UTF8.self) == #"["0xff"]"#)
        #expect(try JSONDecoder().decode([UInt256].self, from: Data(#"["0x10","16"]"#.utf8)) == [16, 16])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UInt256].self, from: Data(#"["1x"]"#.utf8)) }
    }

    // MARK: Differential against Python integers

    @Test("untyped integer literals elsewhere still infer Int (the operators add no ambiguity)")
    func literalInference() {
        // Compiling this is the test: concrete `&*`/`&+`/`&-` overloads on UInt256 and Int256 once made
        // each of these lines an "ambiguous use of operator" error.
        let a = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let b = (0..<3).map { $0 &+ 1 }
        let c = (0..<3).map { $0 &- 1 }
        let d = (0..<3).map { ((($0 % 3) ^ 5 | 1) &>> 1) << 2 }
        #expect(a.count == 300 && b == [1, 2, 3] && c == [-1, 0, 1] && type(of: d) == [Int].self)
    }

    @Test("random operands agree with Python integers on every operation")
    func differentialAgainstPython() throws {
        var rng = SeededRandom()
        var cases: [[String]] = []
        var mine: [String] = []
        func add(_ op: String, _ operands: [UInt256], _ result: String) {
            cases.append([op] + operands.map(\.hexString))
            mine.append(result)
        }
        for _ in 0..<1500 {
            let a = rng.biasedUInt256(), b = rng.biasedUInt256(), c = rng.biasedUInt256()
            add("add", [a, b], (a &+ b).hexString)
            add("sub", [a, b], (a &- b).hexString)
            add("mul", [a, b], (a &* b).hexString)
            let ao = a.addingReportingOverflow(b), so = a.subtractingReportingOverflow(b)
            let mo = a.multipliedReportingOverflow(by: b)
            add("addo", [a, b], "\(ao.partialValue.hexString),\(render(ao.overflow))")
            add("subo", [a, b], "\(so.partialValue.hexString),\(render(so.overflow))")
            add("mulo", [a, b], "\(mo.partialValue.hexString),\(render(mo.overflow))")
            let full = a.multipliedFullWidth(by: b)
            add("mulfull", [a, b], "\(full.high.hexString),\(full.low.hexString)")
            add("div", [a, b], a.evmDivided(by: b).hexString)
            add("mod", [a, b], a.evmRemainder(dividingBy: b).hexString)
            if !b.isZero {
                let (q, r) = a.quotientAndRemainder(dividingBy: b)
                add("div", [a, b], q.hexString)
                add("mod", [a, b], r.hexString)
            }
            add("addmod", [a, b, c], a.addmod(b, c).hexString)
            add("mulmod", [a, b, c], a.mulmod(b, c).hexString)
            if c > a {
                let (q, r) = c.dividingFullWidth((a, b))
                add("divfull", [a, b, c], "\(q.hexString),\(r.hexString)")
            }
            let e = rng.next() % 3 == 0 ? b : UInt256(rng.next() % 300)
            let po = a.powerReportingOverflow(e)
            add("exp", [a, e], "\(a.wrappingPower(e).hexString),\(render(po.overflow))")
            #expect(po.partialValue == a.wrappingPower(e), "\(a) ** \(e); \(rng.replay)")
            let s = rng.shiftAmount()
            add("shl", [a, s], (a << s).hexString)
            add("shr", [a, s], (a >> s).hexString)
            add("and", [a, b], (a & b).hexString)
            add("or", [a, b], (a | b).hexString)
            add("xor", [a, b], (a ^ b).hexString)
            add("not", [a], (~a).hexString)
            add("lt", [a, b], render(a < b))
            add("eq", [a, a ^ (rng.next() % 2 == 0 ? 0 : UInt256.one << Int(rng.next() % 256))],
                render(a == a ^ 0))
            add("dec", [a], "\(a.description),\(a.hexString)")
        }
        // Fix up the "eq" rows: compute what we actually claim for the operands we sent.
        for i in cases.indices where cases[i][0] == "eq" {
            mine[i] = render(u256(cases[i][1]) == u256(cases[i][2]))
        }
        for (a, b) in Self.addBackCases + Self.knuthEdgeCases {
            let (q, r) = u256(a).quotientAndRemainder(dividingBy: u256(b))
            cases.append(["div", a, b]); mine.append(q.hexString)
            cases.append(["mod", a, b]); mine.append(r.hexString)
        }
        let answers = try PythonOracle.run("uint.evm", cases)
        var failures = 0
        for (i, answer) in answers.enumerated() where renderOracle(answer) != mine[i] {
            failures += 1
            if failures <= 20 {
                Issue.record("\(cases[i]): swift \(mine[i]) python \(renderOracle(answer)); \(rng.replay)")
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count) cases differ; \(rng.replay)")
        // Parsing what we print gives back the value.
        for i in cases.indices where cases[i][0] == "dec" {
            let x = u256(cases[i][1])
            #expect(try UInt256(decimalString: x.description) == x, "\(rng.replay)")
        }
    }
}

extension String {
    /// `replacement` when the string is empty.
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}

extension Testing.Tag {
    /// Tests that run a child process to observe a trap.
    @Tag static var traps: Self
}

// MARK: - Helpers shared by the integer and units tests

/// `UInt256` from hex (test input only: traps on bad text).
func u256(_ hex: String) -> UInt256 {
    do { return try UInt256(hexString: hex) } catch { fatalError("bad test literal \(hex): \(error)") }
}

/// `Int256` from `[-]0x` hex or decimal (test input only).
func i256(_ text: String) -> Int256 {
    do { return try Int256(parsing: text) } catch { fatalError("bad test literal \(text): \(error)") }
}
extension SeededRandom {
    /// A limb biased towards the values that break carries: 0, 1, max, powers of two and their neighbours.
    mutating func biasedLimb() -> UInt64 {
        switch next() % 10 {
        case 0: return 0
        case 1: return 1
        case 2: return .max
        case 3: return 1 << (next() % 64)
        case 4: return (1 << (next() % 64)) &- 1
        case 5: return next() % 1000
        case 6: return .max &- next() % 1000
        default: return next()
        }
    }

    /// A 256-bit operand biased towards edge patterns (small values, powers of two, near max,
    /// short values with zero high limbs, random limb patterns).
    mutating func biasedUInt256() -> UInt256 {
        switch next() % 12 {
        case 0: return UInt256(next() % 100)
        case 1: return UInt256.one << Int(next() % 256)
        case 2: return (UInt256.one << Int(next() % 256)) &- UInt256(next() % 3)
        case 3: return UInt256.max &- UInt256(next() % 100)
        case 4:
            // 1 to 3 significant limbs.
            let top = Int(next() % 3)
            let l = (next(), next(), next())
            return UInt256(limbs: (l.0, top >= 1 ? l.1 : 0, top >= 2 ? l.2 : 0, 0))
        case 5: return UInt256(limbs: (next(), next(), next(), next()))
        case 6: return UInt256(limbs: (next(), next(), next(), next())) >> Int(next() % 256)
        default: return UInt256(limbs: (biasedLimb(), biasedLimb(), biasedLimb(), biasedLimb()))
        }
    }

    /// A shift amount around the limb and word boundaries, or random.
    mutating func shiftAmount() -> UInt256 {
        let edges: [UInt64] = [0, 1, 63, 64, 65, 127, 128, 129, 191, 192, 193, 254, 255, 256, 257, 300, 1024]
        switch next() % 4 {
        case 0, 1: return UInt256(edges[Int(next() % UInt64(edges.count))])
        case 2: return UInt256(next() % 256)
        default: return biasedUInt256()
        }
    }
}

/// Renders an oracle answer (string, bool, or nested list of them) for comparison.
func renderOracle(_ x: Any) -> String {
    if let s = x as? String { return s }
    if let list = x as? [Any] { return list.map(renderOracle).joined(separator: ",") }
    if let b = x as? Bool { return b ? "true" : "false" }
    return "\(x)"
}

/// Renders a flag the way `renderOracle` renders a JSON boolean.
func render(_ b: Bool) -> String { b ? "true" : "false" }
